package sonata_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/hdf5"
	"neurite/sim/hdf5/h5pytest"
	"neurite/sim/sonata"
)

// TestReadReports reads the reports make_reports.py wrote in the layouts
// of Neurodamus, bmtk and h5py's newest format.
func TestReadReports(t *testing.T) {
	data, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string][]struct {
		Name       string
		Sorting    string
		NodeIDs    []uint64 `json:"node_ids"`
		Timestamps []float64
	}
	if err := json.Unmarshal(data, &expected); err != nil {
		t.Fatal(err)
	}
	for file, want := range expected {
		got, err := sonata.ReadSpikes(filepath.Join("testdata", file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d populations, want %d", file, len(got), len(want))
			continue
		}
		for i, w := range want {
			g := got[i]
			if g.Name != w.Name || g.Sorting != w.Sorting || !reflect.DeepEqual(g.NodeIDs, w.NodeIDs) || !reflect.DeepEqual(g.Timestamps, w.Timestamps) {
				t.Errorf("%s: population %d = %+v, want %+v", file, i, g, w)
			}
		}
	}
}

// TestBadReports checks that a damaged or unexpected report is an error
// naming the file and what is wrong.
func TestBadReports(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile("testdata/neurodamus.h5")
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.h5")
	csv := filepath.Join(dir, "spikes.csv")
	if err := os.WriteFile(truncated, whole[:len(whole)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csv, []byte("neuron_id,t_ms,t_step_ms\n0,1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{truncated, "truncated file"},
		{csv, "not an HDF5 file"},
		{"testdata/no_node_ids.h5", "no dataset /spikes/p/node_ids"},
		{"testdata/mismatch.h5", "/spikes/p: 2 node_ids for 1 timestamps"},
		{"testdata/bad_sorting.h5", `/spikes/p: sorting "by_colour" is none of`},
		{"testdata/no_spikes.h5", "no group /spikes"},
		{"testdata/string_times.h5", "/spikes/p/timestamps: holds strings, not numbers"},
		{"testdata/unwritten.h5", "/spikes/p/timestamps: claims 1073741824 values in 0 bytes of storage"},
	} {
		_, err := sonata.ReadSpikes(c.path)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want the path and %q", filepath.Base(c.path), err, c.want)
		}
	}
}

// runSpikes are spikes as a run hands them over: in time steps of 0.1
// ms, a step's spikes in neuron order, not time order.
func runSpikes(n int) []sim.Spike {
	var out []sim.Spike
	for k := 0; len(out) < n; k++ {
		step := float64(k+1) * 0.1
		for cell := range 3 {
			if (k+cell)%2 == 0 && len(out) < n {
				out = append(out, sim.Spike{Cell: 4 * cell, T: step - 0.01*float64(cell+1)*float64(k%3), Step: step})
			}
		}
	}
	return out
}

// pops are two populations of a network of 12 neurons.
var pops = []sonata.Population{{Name: "exc", First: 0, N: 8}, {Name: "inh", First: 8, N: 4}}

func writeReport(t testing.TB, path string, spikes []sim.Spike) {
	t.Helper()
	w, err := sonata.CreateSpikes(path, pops)
	if err != nil {
		t.Fatal(err)
	}
	for group := range sim.StepGroups(spikes) {
		if err := w.Add(group); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSpikeReportH5py checks a report as h5py reads it: the layout,
// dtypes and attributes libsonata reads, each population sorted by time.
func TestSpikeReportH5py(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spikes.h5")
	spikes := runSpikes(40)
	writeReport(t, path, spikes)
	tree := h5pytest.Dump(t, path)
	root := tree["/"]
	if root.Attrs["magic"] != 2682.0 || root.AttrDtypes["magic"] != "<u4" || !reflect.DeepEqual(root.Attrs["version"], []any{0.0, 1.0}) {
		t.Errorf("root attributes %v (%v), want magic 2682 (<u4) and version [0 1]", root.Attrs, root.AttrDtypes)
	}
	sorting := map[string]any{"enum": map[string]any{"none": 0.0, "by_id": 1.0, "by_time": 2.0}, "value": 2.0}
	for _, p := range pops {
		g := tree["/spikes/"+p.Name]
		if !reflect.DeepEqual(g.Attrs["sorting"], sorting) || g.AttrDtypes["sorting"] != "|i1" {
			t.Errorf("%s: sorting %v (%s), want by_time in libsonata's int8 enumeration", p.Name, g.Attrs["sorting"], g.AttrDtypes["sorting"])
		}
		var wantT, wantIDs []any
		for _, s := range slices.SortedStableFunc(slices.Values(spikes), func(a, b sim.Spike) int { return cmp.Compare(a.T, b.T) }) {
			if s.Cell >= p.First && s.Cell < p.First+p.N {
				wantT = append(wantT, s.T)
				wantIDs = append(wantIDs, float64(s.Cell-p.First))
			}
		}
		ts, ids := tree["/spikes/"+p.Name+"/timestamps"], tree["/spikes/"+p.Name+"/node_ids"]
		if ts.Dtype != "<f8" || ts.Attrs["units"] != "ms" || !reflect.DeepEqual(ts.Value, wantT) {
			t.Errorf("%s timestamps: %s %v %v, want <f8 in ms %v", p.Name, ts.Dtype, ts.Attrs, ts.Value, wantT)
		}
		if ids.Dtype != "<u8" || !reflect.DeepEqual(ids.Value, wantIDs) {
			t.Errorf("%s node_ids: %s %v, want <u8 %v", p.Name, ids.Dtype, ids.Value, wantIDs)
		}
	}
}

// TestRoundTrip writes a report of more spikes than one chunk holds and
// reads them back as Neurite's spikes.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spikes.h5")
	spikes := runSpikes(300_000)
	writeReport(t, path, spikes)
	report, err := sonata.ReadSpikes(path)
	if err != nil {
		t.Fatal(err)
	}
	got, gotPops, err := sonata.Spikes(path, report, pops)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(spikes)
	for i := range want {
		want[i].Step = want[i].T // a report keeps no time step
	}
	slices.SortStableFunc(want, func(a, b sim.Spike) int { return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Cell, b.Cell)) })
	if !reflect.DeepEqual(gotPops, pops) || len(got) != len(want) {
		t.Fatalf("%d spikes in %v, want %d in %v", len(got), gotPops, len(want), pops)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("spike %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestSpikes checks how a report's populations become neuron ids.
func TestSpikes(t *testing.T) {
	report := []sonata.PopulationSpikes{
		{Name: "a", NodeIDs: []uint64{2, 0}, Timestamps: []float64{5, 1}},
		{Name: "b", NodeIDs: []uint64{1}, Timestamps: []float64{3}},
	}
	spikes, got, err := sonata.Spikes("r.h5", report, nil)
	wantPops := []sonata.Population{{Name: "a", First: 0, N: 3}, {Name: "b", First: 3, N: 2}}
	wantSpikes := []sim.Spike{{Cell: 0, T: 1, Step: 1}, {Cell: 4, T: 3, Step: 3}, {Cell: 2, T: 5, Step: 5}}
	if err != nil || !reflect.DeepEqual(got, wantPops) || !reflect.DeepEqual(spikes, wantSpikes) {
		t.Errorf("without a network: %v %v %v, want %v %v", spikes, got, err, wantSpikes, wantPops)
	}
	for _, c := range []struct {
		pops []sonata.Population
		want string
	}{
		{[]sonata.Population{{Name: "a", N: 3}}, "r.h5: population b is not in the network"},
		{[]sonata.Population{{Name: "a", N: 2}, {Name: "b", First: 2, N: 2}}, "r.h5: population a has 2 nodes; node 2 spikes"},
	} {
		if _, _, err := sonata.Spikes("r.h5", report, c.pops); err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestCompartmentReportH5py checks a voltage report as h5py reads it.
func TestCompartmentReportH5py(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.h5")
	w, err := sonata.CreateReport(path, "cell", []sonata.Node{{ID: 0, Elements: []uint32{0, 1, 2}}}, "mV")
	if err != nil {
		t.Fatal(err)
	}
	frames := [][]float64{{-65, -64.5, -60.25}, {-30, 20.125, -70}}
	for i, f := range frames {
		if err := w.Frame(0.5*float64(i), f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tree := h5pytest.Dump(t, path)
	for _, c := range []struct {
		path, dtype string
		value       any
		attrs       map[string]any
	}{
		{"/report/cell/data", "<f4", []any{[]any{-65.0, -64.5, -60.25}, []any{-30.0, 20.125, -70.0}}, map[string]any{"units": "mV"}},
		{"/report/cell/mapping/node_ids", "<u8", []any{0.0}, map[string]any{"sorted": 1.0}},
		{"/report/cell/mapping/index_pointers", "<u8", []any{0.0, 3.0}, map[string]any{}},
		{"/report/cell/mapping/element_ids", "<u4", []any{0.0, 1.0, 2.0}, map[string]any{}},
		{"/report/cell/mapping/time", "<f8", []any{0.0, 1.0, 0.5}, map[string]any{"units": "ms"}},
	} {
		n := tree[c.path]
		if n.Dtype != c.dtype || !reflect.DeepEqual(n.Value, c.value) || !reflect.DeepEqual(n.Attrs, c.attrs) {
			t.Errorf("%s: %s %v %v, want %s %v %v", c.path, n.Dtype, n.Value, n.Attrs, c.dtype, c.value, c.attrs)
		}
	}
}

// TestIrregularFrames checks that frames a report's time cannot describe
// are refused.
func TestIrregularFrames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.h5")
	w, err := sonata.CreateReport(path, "cell", []sonata.Node{{Elements: []uint32{0}}}, "mV")
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range []float64{0, 1, 3} {
		if err := w.Frame(tm, []float64{0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); !errors.Is(err, sonata.ErrIrregular) || !strings.Contains(err.Error(), path) {
		t.Errorf("irregular frames: %v", err)
	}
}

// BenchmarkWriteSpikes writes a report of a million spikes.
func BenchmarkWriteSpikes(b *testing.B) {
	spikes := runSpikes(1_000_000)
	path := filepath.Join(b.TempDir(), "spikes.h5")
	for b.Loop() {
		writeReport(b, path, spikes)
	}
}

// TestLargeReport writes more frames than are kept in memory, so that
// they go to a growing chunked dataset, and reads them back.
func TestLargeReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.h5")
	const cols, frames = 1000, 600
	elements := make([]uint32, cols)
	for i := range elements {
		elements[i] = uint32(i)
	}
	w, err := sonata.CreateReport(path, "cell", []sonata.Node{{Elements: elements}}, "mV")
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, cols)
	for f := range frames {
		for i := range v {
			v[i] = float64(f) + float64(i)/1024
		}
		if err := w.Frame(0.025*float64(f), v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	report, err := f.OpenGroup("report")
	if err != nil {
		t.Fatal(err)
	}
	cell, err := report.OpenGroup("cell")
	if err != nil {
		t.Fatal(err)
	}
	d, err := cell.Dataset("data")
	if err != nil {
		t.Fatal(err)
	}
	shape, err := d.Shape()
	if err != nil || !reflect.DeepEqual(shape, []int{frames, cols}) {
		t.Fatalf("shape %v, %v; want [%d %d]", shape, err, frames, cols)
	}
	data, err := hdf5.Read[float32](d)
	if err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		for i := range cols {
			if want := float32(float64(f) + float64(i)/1024); data[f*cols+i] != want {
				t.Fatalf("frame %d element %d = %g, want %g", f, i, data[f*cols+i], want)
			}
		}
	}
	if units, err := d.AttrString("units"); err != nil || units != "mV" {
		t.Errorf("units %q, %v", units, err)
	}
}
