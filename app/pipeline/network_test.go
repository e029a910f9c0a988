package pipeline

import (
	"context"
	"errors"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/compartments/reftest"
	"neurite/views"
)

// TestExampleNetworksMatchReferences: the shipped models brian_lif_net
// and hh_network_det, run as neurite run runs them, write the reference
// spikes: Brian2's step for step, NEURON's each within its tol_ms (in
// fact at its NetCon time).
func TestExampleNetworksMatchReferences(t *testing.T) {
	for _, c := range []struct {
		name, idCol, tCol string
		tol               func(ref *reftest.Table, k int) float64
	}{
		{"brian_lif_net", "neuron_id", "t_ms", func(*reftest.Table, int) float64 { return 1e-9 }},
		{"hh_network_det", "neuron_id", "t_netcon_ms", func(ref *reftest.Table, k int) float64 { return ref.Floats(t, "tol_ms")[k] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runNetwork(t, c.name)
			var ids, times []float64
			for _, sp := range r.spikes {
				ids, times = append(ids, float64(sp.Cell)), append(times, sp.Step)
			}
			ref := reftest.Read(t, c.name, "spikes.csv")
			rid, rt := ref.Floats(t, c.idCol), ref.Floats(t, c.tCol)
			got, want := map[int][]float64{}, map[int][]int{}
			for k := range ids {
				got[int(ids[k])] = append(got[int(ids[k])], times[k])
			}
			for k := range rid {
				want[int(rid[k])] = append(want[int(rid[k])], k)
			}
			if len(ids) != len(rid) {
				t.Errorf("%d spikes, the reference %d", len(ids), len(rid))
			}
			worst := 0.0
			for id, rows := range want {
				if len(got[id]) != len(rows) {
					t.Errorf("neuron %d: %d spikes, the reference %d", id, len(got[id]), len(rows))
					continue
				}
				for j, k := range rows {
					d := math.Abs(got[id][j] - rt[k])
					worst = max(worst, d)
					if d > c.tol(ref, k) {
						t.Errorf("neuron %d spike %d at %g ms, the reference %g ms", id, j, got[id][j], rt[k])
					}
				}
			}
			t.Logf("%s: %d spikes, largest difference %.3g ms", c.name, len(ids), worst)
		})
	}
}

// TestEmbeddedNetwork: an example network read from the embedded files
// (as the app opens it) finds its CSV tables there too.
func TestEmbeddedNetwork(t *testing.T) {
	n, err := LoadNetwork("models/hh_network_det.toml")
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, "cpu", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(net.Cable.Connections); got != 120 {
		t.Errorf("%d connections, want the reference's 120", got)
	}
}

// TestWeightsRecorded: record.weights writes the chosen synapses'
// weights at its interval, and STDP moves them within their bounds.
func TestWeightsRecorded(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stdp.toml")
	if err := os.WriteFile(file, []byte(`seed = 3
[run]
tstop = 1000
[[population]]
name = "in"
size = 500
model = "poisson"
params = { rate = 15 }
[[population]]
name = "out"
size = 1
model = "lif"
method = "euler"
params = { tau = 10, EL = -74, R = 1, vth = -54, vreset = -60, tref = 0 }
[[projection]]
name = "ff"
from = "in"
to = "out"
rule = "all_to_all"
weight = { dist = "uniform", low = 0, high = 0.02 }
delay = 0.1
synapse = "exp_conductance"
tau = 5
e_rev = 0
[[plasticity]]
projection = "ff"
rule = "stdp"
a_plus = 0.01
a_minus = 0.0105
w_max = 0.02
[record]
weights = [{ projection = "ff", synapses = 4, every = 250 }]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNetwork(file)
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := RunNetworkToDirectory(context.Background(), net, 1000, out, nil); err != nil {
		t.Fatal(err)
	}
	tb := reftest.ReadFile(t, filepath.Join(out, "weights.csv"))
	if want := []string{"t_ms", "ff[0]", "ff[125]", "ff[250]", "ff[375]"}; !slices.Equal(tb.Header, want) {
		t.Fatalf("columns %v, want %v", tb.Header, want)
	}
	if got := tb.Floats(t, "t_ms"); !slices.Equal(got, []float64{0, 250, 500, 750, 1000}) {
		t.Errorf("times %v", got)
	}
	moved := false
	for _, col := range tb.Header[1:] {
		w := tb.Floats(t, col)
		for _, x := range w {
			if x < 0 || x > 0.02 {
				t.Errorf("%s: weight %g outside [0, 0.02]", col, x)
			}
		}
		moved = moved || w[len(w)-1] != w[0]
	}
	if !moved {
		t.Error("no recorded weight changed under STDP")
	}
}

// TestNetworkVideo: a network's activity becomes a GIF of one frame per
// step of model time asked for, for point neurons (squares at their
// positions) and cable cells (their heatmap).
func TestNetworkVideo(t *testing.T) {
	for _, c := range []struct {
		model  string
		frames int
	}{{"brian_lif_net", 11}, {"hh_network_det", 6}} {
		n, err := LoadNetwork(filepath.Join("..", "..", "assets", "models", c.model+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		net, err := NewNetwork(n, "cpu", 0)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "activity.gif")
		o := VideoOptions{Width: 120, Height: 90, FPS: 10, Speed: 100 * 10 / float64(c.frames-1), To: 100, Style: views.DefaultStyle(), Camera: views.Camera{Zoom: 1}}
		if err := RenderNetworkVideo(context.Background(), net, path, o, nil); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(f)
		f.Close()
		if err != nil || len(g.Image) != c.frames {
			t.Errorf("%s: %v, %d frames, want %d", c.model, err, len(g.Image), c.frames)
		}
	}
}

// TestNetworkVideoRefused: a video that starts past the run's end, or of
// more frames than a video holds, is refused before a frame is drawn,
// and nothing is written.
func TestNetworkVideoRefused(t *testing.T) {
	n, err := LoadNetwork(filepath.Join("..", "..", "assets", "models", "brian_lif_net.toml"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to, speed float64
		want            string
	}{
		{5000, 6000, 10, "past the run's end"},
		{0, 10, 1e-6, "more than 1e+06"},
	} {
		path := filepath.Join(t.TempDir(), "activity.gif")
		o := VideoOptions{Width: 120, Height: 90, FPS: 30, Speed: c.speed, From: c.from, To: c.to, Style: views.DefaultStyle(), Camera: views.Camera{Zoom: 1}}
		if err := RenderNetworkVideo(context.Background(), net, path, o, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("from %g to %g at speed %g: %v, want %q", c.from, c.to, c.speed, err, c.want)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("a refused video left %s", path)
		}
	}
}

// TestCellLayout: cable cells the file places keep their places; the
// others are moved, whole, onto a grid beside them, no two cells'
// outlines overlapping; each cell's segments are its own range.
func TestCellLayout(t *testing.T) {
	dir := t.TempDir()
	cell, err := os.ReadFile(filepath.Join("..", "..", "assets", "models", "ball_and_stick_net", "cell.toml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "net.toml")
	net := `name = "layout"
[run]
tstop = 1
[[population]]
name = "placed"
size = 3
cell = "cell.toml"
[population.positions]
layout = "line"
spacing = 1000
[[population]]
name = "free"
size = 7
cell = "cell.toml"
`
	if err := errors.Join(os.WriteFile(filepath.Join(dir, "cell.toml"), cell, 0o644), os.WriteFile(file, []byte(net), 0o644)); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNetwork(file)
	if err != nil {
		t.Fatal(err)
	}
	nw, err := NewNetwork(n, "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	plain := nw.Cable.Frusta()
	frusta, firstSeg := nw.CellLayout()
	if len(frusta) != len(plain) || len(firstSeg) != 11 || firstSeg[10] != len(nw.Cable.Segments) {
		t.Fatalf("%d frusta of %d, segment ranges %v", len(frusta), len(plain), firstSeg)
	}
	type box struct{ lo, hi [2]float64 }
	boxes := make([]box, 10)
	for c := range boxes {
		boxes[c] = box{[2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}}
	}
	shift := make([][3]float64, 10)
	for i, f := range frusta {
		c := 0
		for f.Segment >= firstSeg[c+1] {
			c++
		}
		p := plain[i]
		d := [3]float64{f.A[0] - p.A[0], f.A[1] - p.A[1], f.A[2] - p.A[2]}
		if i == 0 || plain[i-1].Segment < firstSeg[c] {
			shift[c] = d
		}
		if d != shift[c] || [3]float64{f.B[0] - p.B[0], f.B[1] - p.B[1], f.B[2] - p.B[2]} != d || f.DA != p.DA || f.Segment != p.Segment {
			t.Fatalf("cell %d is not moved whole: piece %d %+v, was %+v", c, i, f, p)
		}
		if c < 3 && d != ([3]float64{}) {
			t.Errorf("placed cell %d moved by %v", c, d)
		}
		for _, e := range [][3]float64{f.A, f.B} {
			r := max(f.DA, f.DB) / 2
			boxes[c].lo = [2]float64{min(boxes[c].lo[0], e[0]-r), min(boxes[c].lo[1], e[1]-r)}
			boxes[c].hi = [2]float64{max(boxes[c].hi[0], e[0]+r), max(boxes[c].hi[1], e[1]+r)}
		}
	}
	for a := range boxes {
		for b := a + 1; b < len(boxes); b++ {
			if boxes[a].lo[0] < boxes[b].hi[0] && boxes[b].lo[0] < boxes[a].hi[0] && boxes[a].lo[1] < boxes[b].hi[1] && boxes[b].lo[1] < boxes[a].hi[1] {
				t.Errorf("cells %d and %d overlap: %v, %v", a, b, boxes[a], boxes[b])
			}
		}
		if a >= 3 && boxes[a].lo[0] <= boxes[2].hi[0] {
			t.Errorf("unplaced cell %d (%v) is not beside the placed ones (up to x = %v)", a, boxes[a], boxes[2].hi[0])
		}
	}
}
