package output_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/sim/output"
	"neurite/sim/spec"
)

// TestEstimateSizeOfRealRuns runs model files to the end and compares what
// they write with EstimateSize: the NPY files exactly, the CSV files
// (spike rows aside) within 5 %: a probe that stays at 0, such as a
// synapse's current before its first event, writes fewer characters than
// a voltage (ball_and_stick: +4 %).
func TestEstimateSizeOfRealRuns(t *testing.T) {
	for _, tc := range []struct {
		model     string
		tstop     float64
		snapshots bool
	}{
		{"swc_cell_A.toml", 150, true},
		{"swc_cell_A.toml", 150, false},
		{"ball_and_stick.toml", 200, true},
		{"passive_cable.toml", 100, true},
	} {
		m, err := spec.Load(filepath.Join("../../assets/models", tc.model))
		if err != nil {
			t.Fatal(err)
		}
		cell, settings, err := compartments.FromModel(m)
		if err != nil {
			t.Fatal(err)
		}
		p, err := compartments.Build([]*compartments.Cell{cell}, settings)
		if err != nil {
			t.Fatal(err)
		}
		l := output.Layout{Segments: p.SegmentTable(), Dt: p.Dt}
		for _, pr := range p.Probes {
			l.Probes = append(l.Probes, pr.Name)
		}
		dir := t.TempDir()
		r, err := output.NewRun(dir, l, tc.snapshots)
		if err != nil {
			t.Fatal(err)
		}
		e := compartments.NewEngine(p)
		e.Init()
		if err := e.Run(context.Background(), tc.tstop, r, nil); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}

		samples := int(math.Round(tc.tstop/p.RecordInterval)) + 1
		snapshots := int(math.Floor(tc.tstop/p.SnapshotInterval+1e-9)) + 1
		npy := map[string]int64{
			"traces.npy":         128 + int64(samples*(1+len(l.Probes))*8),
			"snapshots.npy":      128 + int64(snapshots*len(l.Segments)*4),
			"snapshot_times.npy": 128 + int64(snapshots*8),
		}
		var npyTotal, csvTotal, h5Total int64
		spikes := 0
		entries, _ := os.ReadDir(dir)
		for _, entry := range entries {
			info, err := entry.Info()
			if err != nil {
				t.Fatal(err)
			}
			size := info.Size()
			switch name := entry.Name(); {
			case strings.HasSuffix(name, ".npy"):
				if size != npy[name] {
					t.Errorf("%s: %s holds %d bytes, want %d", tc.model, name, size, npy[name])
				}
				npyTotal += npy[name]
			case strings.HasSuffix(name, ".h5") || strings.HasSuffix(name, ".nwb"):
				h5Total += size
			case name == "spikes.csv":
				csvTotal += int64(len("cell,t_ms,t_step_ms\n")) // spikes are not estimated
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				spikes = strings.Count(string(b), "\n") - 1
			default:
				csvTotal += size
			}
		}
		h5Estimate := output.InterchangeSize(l, snapshots, tc.snapshots)
		// Spikes, not estimated, take 16 bytes in spikes.h5 and 8 in units.nwb.
		if h5 := h5Total - 24*int64(spikes); math.Abs(float64(h5Estimate-h5)) > max(4096, 0.05*float64(h5)) {
			t.Errorf("%s, snapshots %v: HDF5 files estimated at %d bytes, written %d besides spikes", tc.model, tc.snapshots, h5Estimate, h5)
		}
		csvEstimate := output.EstimateSize(l, samples, snapshots, tc.snapshots) - npyTotal - h5Estimate
		if rel := float64(csvEstimate-csvTotal) / float64(csvTotal); math.Abs(rel) > 0.05 {
			t.Errorf("%s, snapshots %v: CSV files estimated at %d bytes, written %d (%+.1f %%)", tc.model, tc.snapshots, csvEstimate, csvTotal, 100*rel)
		} else {
			t.Logf("%s, snapshots %v: CSV files estimated at %d bytes, written %d (%+.2f %%)", tc.model, tc.snapshots, csvEstimate, csvTotal, 100*rel)
		}
	}
}
