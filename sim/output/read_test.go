package output

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/sonata"
)

// TestReadRunRoundTrip: what a Run writes reads back: traces, a
// network's spikes by neuron_id, snapshots of a quantity other than v
// with their segments, NaN included.
func TestReadRunRoundTrip(t *testing.T) {
	dir := t.TempDir()
	segs := []sim.Segment{{Name: "soma(0.5)", X: 1, Diam: 20, Area: 1256.6}, {Name: "dend(0.5)", X: 50, Y: 2, Diam: 1.5, Area: 471.2}}
	r, err := NewRun(dir, Layout{Probes: []string{"v", "cai"}, Segments: segs, Dt: 0.025, Network: true, Quantity: "cai", Unit: "mM",
		Populations: []sonata.Population{{Name: "P", N: 4}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	r.Sample(0, []float64{-65, 5e-5})
	r.Sample(0.025, []float64{-64.5, 6e-5})
	spikes := []sim.Spike{{Cell: 3, T: 11.5, Step: 11.525}, {Cell: 0, T: 12.25, Step: 12.275}}
	r.Spikes(spikes)
	r.Snapshot(0, []float64{5e-5, math.NaN()})
	r.Snapshot(0.025, []float64{7e-5, math.NaN()})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Probes, []string{"v", "cai"}) || !reflect.DeepEqual(got.T, []float64{0, 0.025}) ||
		!reflect.DeepEqual(got.Traces, [][]float64{{-65, -64.5}, {5e-5, 6e-5}}) {
		t.Errorf("traces %v at %v: %v", got.Probes, got.T, got.Traces)
	}
	if !got.Network || !reflect.DeepEqual(got.Spikes, spikes) {
		t.Errorf("spikes (network %v): %v, want %v", got.Network, got.Spikes, spikes)
	}
	if !reflect.DeepEqual(got.Segments, segs) || got.Quantity != "cai" || got.Unit != "mM" || !reflect.DeepEqual(got.SnapT, []float64{0, 0.025}) {
		t.Errorf("snapshots of %s (%s) at %v over %v", got.Quantity, got.Unit, got.SnapT, got.Segments)
	}
	if len(got.Snaps) != 2 || got.Snaps[1][0] != float32(7e-5) || !math.IsNaN(float64(got.Snaps[1][1])) {
		t.Errorf("snapshot values %v", got.Snaps)
	}
}

// TestReadRunErrors: a folder without results, a value that is not a
// number, a snapshot array without its times or segments are errors
// naming the file (and line).
func TestReadRunErrors(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	const segsHeader = "column,segment,x_um,y_um,z_um,diam_um,area_um2\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"empty", nil, "holds no results"},
		{"bad number", map[string]string{"traces.csv": "t_ms,v\n0,-65\n0.025,x\n"}, `traces.csv:3: v = "x" is not a number`},
		{"short row", map[string]string{"traces.csv": "t_ms,v\n0,-65\n0.025\n"}, "traces.csv: record on line 3: wrong number of fields"},
		{"bad header", map[string]string{"spikes.csv": "gid,time\n1,2\n"}, `spikes.csv:1: the header "gid,time" does not start with cell,t_ms,t_step_ms or neuron_id,t_ms,t_step_ms`},
		{"empty spikes", map[string]string{"spikes.csv": ""}, "spikes.csv: the file is empty: no header"},
		{"bad cell", map[string]string{"spikes.csv": "cell,t_ms,t_step_ms\n-1,2,2.025\n"}, `spikes.csv:2: cell = "-1" is not a cell number`},
		// lines counted as in the file, not as records
		{"blank lines", map[string]string{"spikes.csv": "cell,t_ms,t_step_ms\n0,1,1\n\n\n0,x,1\n"}, `spikes.csv:5: t_ms = "x" is not a number`},
		{"header after blank lines", map[string]string{"spikes.csv": "\n\ncell,t,t_step_ms\n0,1,1\n"}, `spikes.csv:3: the header "cell,t,t_step_ms"`},
		{"quoted line break", map[string]string{"traces.csv": "t_ms,\"v\nsoma\"\n0,-65\n0.025,x\n"}, "traces.csv:4: v\nsoma = \"x\" is not a number"},
		{"CRLF", map[string]string{"spikes.csv": "neuron_id,t_ms,t_step_ms\r\n0,1,1\r\n\r\n0,x,1\r\n"}, `spikes.csv:4: t_ms = "x" is not a number`},
		{"short npy", map[string]string{"snapshots.npy": string(npyHeader("<f4", 100000, 100000)), "segments.csv": segsHeader}, "does not fit in the file"},
		{"bad npy header", map[string]string{"snapshots.npy": "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'shape': (2, 2), }\n", "segments.csv": segsHeader}, "snapshots.npy: not a readable .npy array"},
		{"not npy", map[string]string{"snapshots.npy": "hello", "segments.csv": segsHeader}, "snapshots.npy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadRun(write(t, c.files))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestReadRunSONATA: a folder with a SONATA spike report and no
// spikes.csv (a cluster run's) reads the report's spikes, its
// populations one after another, each as large as its largest node id
// plus one (a report does not say its populations' sizes).
func TestReadRunSONATA(t *testing.T) {
	dir := t.TempDir()
	pops := []sonata.Population{{Name: "exc", First: 0, N: 3}, {Name: "inh", First: 3, N: 2}}
	w, err := sonata.CreateSpikes(filepath.Join(dir, "spikes.h5"), pops)
	if err != nil {
		t.Fatal(err)
	}
	spikes := []sim.Spike{{Cell: 4, T: 1.5, Step: 1.5}, {Cell: 1, T: 2.25, Step: 2.25}}
	if err := w.Add(spikes); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []sim.Spike{{Cell: 3, T: 1.5, Step: 1.5}, {Cell: 1, T: 2.25, Step: 2.25}} // inh's node 1 after exc's 2
	if !got.Network || !reflect.DeepEqual(got.Spikes, want) || len(got.Populations) != 2 || got.Populations[1] != (sonata.Population{Name: "inh", First: 2, N: 2}) {
		t.Errorf("spikes %v of %v", got.Spikes, got.Populations)
	}
}

// TestMain lets the test binary read a spike report apart, as neurite
// does (sonata.ReadSpikesApart runs the binary again).
func TestMain(m *testing.M) {
	if sonata.Child() {
		return
	}
	os.Exit(m.Run())
}

// TestReadRunPopulations: a network's populations.csv names its neuron
// ids' populations, and a malformed one is refused with its line.
func TestReadRunPopulations(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "spikes.csv"), []byte("neuron_id,t_ms,t_step_ms\n3,1.5,1.5\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "populations.csv"), []byte("population,first_id,size\nE,0,3\nI,3,2\n"), 0o644)
	got, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []sonata.Population{{Name: "E", First: 0, N: 3}, {Name: "I", First: 3, N: 2}}; !reflect.DeepEqual(got.Populations, want) {
		t.Errorf("populations %v, want %v", got.Populations, want)
	}
	os.WriteFile(filepath.Join(dir, "populations.csv"), []byte("population,first_id,size\nE,zero,3\n"), 0o644)
	if _, err := ReadRun(dir); err == nil || !strings.Contains(err.Error(), `populations.csv:2: first_id "zero"`) {
		t.Errorf("a malformed populations.csv: %v", err)
	}
}
