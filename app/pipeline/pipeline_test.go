package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOutputSize: the estimate made before a run is within a few percent
// of what the run writes, with and without listed snapshot times.
func TestOutputSize(t *testing.T) {
	for _, c := range []struct {
		name  string
		times []float64
	}{{"interval", nil}, {"interval and times", []float64{0.1, 0.25, 3.3}}} {
		t.Run(c.name, func(t *testing.T) {
			m, err := LoadModel("")
			if err != nil {
				t.Fatal(err)
			}
			tstop := 5.0
			*m.Run.Tstop = tstop
			m.Snapshots.Times = c.times
			p, err := BuildPlan(m)
			if err != nil {
				t.Fatal(err)
			}
			want := OutputSize(p, tstop)
			ch, err := NewSimulator(p, "cpu", 0)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := RunToDirectory(context.Background(), ch.Sim, tstop, dir, nil); err != nil {
				t.Fatal(err)
			}
			var got int64
			files, _ := os.ReadDir(dir)
			for _, f := range files {
				fi, err := os.Stat(filepath.Join(dir, f.Name()))
				if err != nil {
					t.Fatal(err)
				}
				got += fi.Size()
			}
			if rel := float64(want-got) / float64(got); rel < -0.05 || rel > 0.05 {
				t.Errorf("estimated %d bytes, the run wrote %d (%+.1f%%)", want, got, 100*rel)
			}
		})
	}
}
