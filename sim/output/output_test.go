package output

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sbinet/npyio/npy"

	"neurite/sim"
)

func TestFileAppearsOnlyOnCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("a,b\n"))
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final file exists before Commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "a,b\n" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the final file", len(entries))
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "x.npy"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("partial"))
	f.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("abort left %d files", len(entries))
	}
	err = WriteFile(filepath.Join(dir, "y.txt"), func(w io.Writer) error { return errors.New("disk on fire") })
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed WriteFile left %d files", len(entries))
	}
}

// TestNPYReadsBack writes with our streaming writer and reads with npyio.
func TestNPYReadsBack(t *testing.T) {
	for _, descr := range []string{"<f4", "<f8"} {
		path := filepath.Join(t.TempDir(), "a.npy")
		n, err := CreateNPY(path, descr, 3)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 4 {
			n.Row([]float64{float64(r), float64(r) + 0.5, -float64(r)})
		}
		if err := n.Row([]float64{1}); err == nil {
			t.Error("a short row was accepted")
		}
		if err := n.Commit(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := npy.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Header.Descr.Shape; len(got) != 2 || got[0] != 4 || got[1] != 3 {
			t.Fatalf("%s: shape %v, want [4 3]", descr, got)
		}
		var data []float64
		if descr == "<f4" {
			var d32 []float32
			if err := r.Read(&d32); err != nil {
				t.Fatal(err)
			}
			for _, x := range d32 {
				data = append(data, float64(x))
			}
		} else if err := r.Read(&data); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if data[3*2+1] != 2.5 || data[3*3+2] != -3 {
			t.Errorf("%s: data %v", descr, data)
		}
	}
}

func TestRunWritesEveryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	r, err := NewRun(dir, Layout{Probes: []string{"v", "m"}, Segments: []sim.Segment{{Name: "soma(0.5)"}, {Name: "dend(0.5)"}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	var rec sim.Recorder = r
	rec.Sample(0, []float64{-65, 0.05})
	rec.Sample(0.1, []float64{-64.5, 0.06})
	rec.Spikes([]sim.Spike{{Cell: 0, T: 11.5, Step: 11.525}})
	rec.Snapshot(0, []float64{-65, -65})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"traces.csv", "traces.npy", "spikes.csv", "snapshots.csv", "snapshots.npy", "snapshot_times.npy", "segments.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	f, _ := os.Open(filepath.Join(dir, "traces.csv"))
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "t_ms,v,m" || rows[2][1] != "-64.5" {
		t.Errorf("traces.csv = %v (%v)", rows, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "spikes.csv"))
	if string(b) != "cell,t_ms,t_step_ms\n0,11.5,11.525\n" {
		t.Errorf("spikes.csv = %q", b)
	}
}
