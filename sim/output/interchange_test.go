package output

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/sbinet/npyio/npy"

	"neurite/sim"
	"neurite/sim/hdf5"
	"neurite/sim/hdf5/h5pytest"
	"neurite/sim/sonata"
)

// TestInterchangeFiles checks that spikes.h5, units.nwb and snapshots.h5
// hold what spikes.csv and snapshots.npy hold, for a network of two
// populations.
func TestInterchangeFiles(t *testing.T) {
	dir := t.TempDir()
	l := testLayout
	l.Network = true
	l.Populations = []sonata.Population{{Name: "exc", First: 0, N: 3}, {Name: "inh", First: 3, N: 2}}
	r, err := NewRun(dir, l, true)
	if err != nil {
		t.Fatal(err)
	}
	var want []sim.Spike
	for k := range 50 {
		step := 0.1 * float64(k+1)
		for cell := range 5 {
			if (k+cell)%3 == 0 {
				want = append(want, sim.Spike{Cell: cell, T: step - 0.01*float64(cell), Step: step})
			}
		}
	}
	for g := range sim.StepGroups(want) {
		if err := r.Spikes(g); err != nil {
			t.Fatal(err)
		}
	}
	v := make([]float64, len(l.Segments))
	for k := range 30 {
		for i := range v {
			v[i] = -65 + float64(k) + float64(i)/8
		}
		if err := r.Snapshot(0.5*float64(k), v); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	// spikes.h5 against spikes.csv.
	spikesH5 := filepath.Join(dir, "spikes.h5")
	report, err := sonata.ReadSpikes(spikesH5)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := sonata.Spikes(spikesH5, report, l.Populations)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, "spikes.csv"))[1:]
	if len(got) != len(rows) {
		t.Fatalf("spikes.h5 holds %d spikes, spikes.csv %d", len(got), len(rows))
	}
	byCell := map[int][]float64{}
	for _, row := range rows {
		cell, _ := strconv.Atoi(row[0])
		tm, _ := strconv.ParseFloat(row[1], 64)
		byCell[cell] = append(byCell[cell], tm)
	}
	gotByCell := map[int][]float64{}
	for _, s := range got {
		gotByCell[s.Cell] = append(gotByCell[s.Cell], s.T)
	}
	if !reflect.DeepEqual(gotByCell, byCell) {
		t.Errorf("spikes.h5 holds %v, spikes.csv %v", gotByCell, byCell)
	}

	// units.nwb, checked against NWB's layout, in seconds.
	var units struct {
		IDs        []int       `json:"ids"`
		SpikeTimes [][]float64 `json:"spike_times"`
	}
	if err := json.Unmarshal(h5pytest.Run(t, "../nwb/testdata/check_nwb.py", filepath.Join(dir, "units.nwb")), &units); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(units.IDs, []int{0, 1, 2, 3, 4}) {
		t.Errorf("units.nwb ids %v", units.IDs)
	}
	for k, train := range units.SpikeTimes {
		var inMs []float64
		for _, s := range train {
			inMs = append(inMs, s*1000)
		}
		if len(inMs) != len(byCell[k]) {
			t.Errorf("unit %d: %d spikes in units.nwb, %d in spikes.csv", k, len(inMs), len(byCell[k]))
			continue
		}
		for i := range inMs {
			if d := inMs[i] - byCell[k][i]; d > 1e-12 || d < -1e-12 {
				t.Errorf("unit %d spike %d: %g ms in units.nwb, %g in spikes.csv", k, i, inMs[i], byCell[k][i])
			}
		}
	}

	// snapshots.h5 against snapshots.npy.
	f, err := os.Open(filepath.Join(dir, "snapshots.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nr, err := npy.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var fromNPY []float32
	if err := nr.Read(&fromNPY); err != nil {
		t.Fatal(err)
	}
	h, err := hdf5.Open(filepath.Join(dir, "snapshots.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	data := readH5(t, h, []string{"report", "cells"}, "data")
	time := readH5(t, h, []string{"report", "cells", "mapping"}, "time")
	if !reflect.DeepEqual(data, fromNPY) || !reflect.DeepEqual(time, []float32{0, 15, 0.5}) {
		t.Errorf("snapshots.h5 holds %d values and time %v, snapshots.npy %d values, times 0 to 14.5 by 0.5", len(data), time, len(fromNPY))
	}
}

// readH5 reads dataset name of the group at path in f.
func readH5(t *testing.T, f *hdf5.File, path []string, name string) []float32 {
	t.Helper()
	g := &f.Group
	for _, p := range path {
		var err error
		if g, err = g.OpenGroup(p); err != nil {
			t.Fatal(err)
		}
	}
	d, err := g.Dataset(name)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v, err := hdf5.Read[float32](d)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestIrregularSnapshots checks that snapshots at uneven times, which a
// SONATA report cannot describe, leave no snapshots.h5 (removing one an
// earlier run left) and do not fail the run.
func TestIrregularSnapshots(t *testing.T) {
	dir := t.TempDir()
	for _, times := range [][]float64{{0, 1, 2}, {0, 1, 5}} {
		r, err := NewRun(dir, testLayout, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range times {
			if err := r.Snapshot(tm, make([]float64, len(testLayout.Segments))); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = os.Stat(filepath.Join(dir, "snapshots.h5"))
		if even := times[2] == 2; even != (err == nil) {
			t.Errorf("snapshots at %v: snapshots.h5 stat %v", times, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 9 {
		t.Errorf("%d files left, want the run's 9", len(entries))
	}
}
