package nwb_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"neurite/sim/hdf5/h5pytest"
	"neurite/sim/nwb"
)

// TestUnitsLayout writes a Units file and checks it against the NWB
// schema's layout with testdata/check_nwb.py (and pynwb, where it is
// installed), which must read back the same spike trains, in seconds.
func TestUnitsLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "units.nwb")
	u := nwb.Units{
		Identifier:         "neurite-test",
		SessionDescription: "a test",
		Start:              time.Date(2026, 12, 4, 17, 0, 0, 0, time.FixedZone("CET", 3600)),
		IDs:                []int64{0, 1, 2, 7},
		SpikeTimes:         [][]float64{{1.5, 20}, nil, {0.025}, {3, 4, 5}},
	}
	if err := nwb.WriteUnits(path, u); err != nil {
		t.Fatal(err)
	}
	var got struct {
		IDs        []int64     `json:"ids"`
		SpikeTimes [][]float64 `json:"spike_times"`
	}
	if err := json.Unmarshal(h5pytest.Run(t, "testdata/check_nwb.py", path), &got); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.0015, 0.02}, {}, {0.000025}, {0.003, 0.004, 0.005}}
	if !reflect.DeepEqual(got.IDs, u.IDs) || !reflect.DeepEqual(got.SpikeTimes, want) {
		t.Errorf("read back %v %v, want %v %v", got.IDs, got.SpikeTimes, u.IDs, want)
	}
	tree := h5pytest.Dump(t, path)
	if start := tree["/session_start_time"].Value; start != "2026-12-04T17:00:00.000000+01:00" {
		t.Errorf("session_start_time %v", start)
	}
}

// TestUnitsMismatch checks that ids and trains of different lengths are
// refused.
func TestUnitsMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "units.nwb")
	err := nwb.WriteUnits(path, nwb.Units{IDs: []int64{0}})
	if want := path + ": 1 unit ids for 0 spike trains"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
