package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/compartments/reftest"
	"neurite/sim"
)

// cellFile is the ball-and-stick cell of the examples, for networks
// written by tests.
func cellFile(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "assets", "models", "ball_and_stick_net", "cell.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// netRun is a network run's output as its files give it.
type netRun struct {
	dir     string
	spikes  []sim.Spike
	backend string // where it ran: cpu or gpu
}

// runNetworkText builds a network file's text (buildNetworkText), runs
// it as neurite run does, and reads its spikes back.
func runNetworkText(t *testing.T, text string, files map[string]string) netRun {
	t.Helper()
	net, dir := buildNetworkText(t, text, files)
	out := filepath.Join(dir, "out")
	if _, err := RunNetworkToDirectory(context.Background(), net, net.Spec.Run.Tstop, out, nil); err != nil {
		t.Fatal(err)
	}
	r := netRun{dir: out, backend: net.Backend}
	tb := reftest.ReadFile(t, filepath.Join(out, "spikes.csv"))
	ids, times, steps := tb.Floats(t, "neuron_id"), tb.Floats(t, "t_ms"), tb.Floats(t, "t_step_ms")
	for k := range ids {
		r.spikes = append(r.spikes, sim.Spike{Cell: int(ids[k]), T: times[k], Step: steps[k]})
	}
	return r
}

// buildNetworkText writes a network file (CELL stands for the example
// cell's path) and any extra files into a temporary folder and builds
// it on the file's backend (the CPU unless its run.backend says
// otherwise); it returns the network and the folder.
func buildNetworkText(t *testing.T, text string, files map[string]string) (*Network, string) {
	t.Helper()
	dir := t.TempDir()
	text = strings.ReplaceAll(text, "CELL", fmt.Sprintf("%q", cellFile(t)))
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "net.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNetwork(path)
	if err != nil {
		t.Fatal(err)
	}
	backend := n.Run.Backend
	if backend == "auto" {
		backend = "cpu"
	}
	net, err := NewNetwork(n, backend, 0)
	if err != nil {
		t.Fatal(err)
	}
	return net, dir
}

// of returns the spikes of neuron id.
func (r netRun) of(id int) []sim.Spike {
	var out []sim.Spike
	for _, s := range r.spikes {
		if s.Cell == id {
			out = append(out, s)
		}
	}
	return out
}

// spikeTimesFile writes spikes as a spike_times input's file onto neuron
// 0, each at its NetCon time (Step) plus delay.
func spikeTimesFile(spikes []sim.Spike, delay float64) string {
	var b strings.Builder
	b.WriteString("neuron,t_ms\n")
	for _, s := range spikes {
		fmt.Fprintf(&b, "0,%v\n", s.Step+delay)
	}
	return b.String()
}

// TestPointToCableIsNetCon: Poisson sources' spikes reaching a cable
// cell through a projection give the cell the very spike times (to the
// bit) it has when the same spikes, at their times plus the delay, are
// given to it as a spike_times input: a point neuron's spike is a NetCon
// event onto the cell's ExpSyn or Exp2Syn.
func TestPointToCableIsNetCon(t *testing.T) {
	for _, syn := range []string{`synapse = "ExpSyn"
tau = 2`, `synapse = "Exp2Syn"
tau_rise = 0.5
tau_decay = 3`} {
		mixed := runNetworkText(t, `
name = "point_to_cable"
seed = 3
[run]
tstop = 200
dt = 0.025
[[population]]
name = "src"
size = 1
model = "poisson"
params = { rate = 150 }
[[population]]
name = "cell"
size = 1
cell = CELL
threshold = 0
[[projection]]
name = "syn"
from = "src"
to = "cell"
rule = "all_to_all"
weight = 0.02
delay = 1.5
at = "dend(0.9)"
e_rev = 0
`+syn+"\n", nil)
		src, cell := mixed.of(0), mixed.of(1)
		if len(src) < 10 || len(cell) < 3 {
			t.Fatalf("%s: the source fires %d spikes and the cell %d; want enough of both to compare", syn, len(src), len(cell))
		}
		alone := runNetworkText(t, `
name = "cable_alone"
[run]
tstop = 200
dt = 0.025
[[population]]
name = "cell"
size = 1
cell = CELL
threshold = 0
[[input]]
name = "syn"
to = "cell"
kind = "spike_times"
file = "times.csv"
weight = 0.02
at = "dend(0.9)"
e_rev = 0
`+syn+"\n", map[string]string{"times.csv": spikeTimesFile(src, 1.5)})
		want := alone.of(0)
		if len(cell) != len(want) {
			t.Fatalf("%s: the cell fires %d spikes driven by the point source, %d driven by its spike times", syn, len(cell), len(want))
		}
		for k := range want {
			if cell[k].T != want[k].T || cell[k].Step != want[k].Step {
				t.Errorf("%s: spike %d at %v ms (step %v) driven by the source, at %v ms (step %v) by its spike times", syn, k, cell[k].T, cell[k].Step, want[k].T, want[k].Step)
			}
		}
	}
}

// TestCableToPointAtNetConTimePlusDelay: a cable cell's spikes reach a
// LIF neuron at their NetCon time plus the delay: the neuron's trace is
// to the bit that of the neuron given those times as a spike_times
// input.
func TestCableToPointAtNetConTimePlusDelay(t *testing.T) {
	mixed := runNetworkText(t, `
name = "cable_to_point"
[run]
tstop = 100
dt = 0.025
[[population]]
name = "cell"
size = 1
cell = CELL
threshold = 0
[[population]]
name = "lif"
size = 1
model = "lif"
threshold = -50
params = { tau = 10, EL = -65, vreset = -65, tref = 2 }
[[projection]]
name = "out"
from = "cell"
to = "lif"
rule = "all_to_all"
weight = 4
delay = 2
[[input]]
name = "drive"
to = "cell"
kind = "step"
amp = 0.5
start = 10
stop = 80
[record]
states = [{ population = "lif", var = "v" }]
every = 0.025
`, nil)
	cell := mixed.of(0)
	if len(cell) < 3 {
		t.Fatalf("the cell fires %d spikes; want several", len(cell))
	}
	alone := runNetworkText(t, `
name = "lif_alone"
[run]
tstop = 100
dt = 0.025
[[population]]
name = "lif"
size = 1
model = "lif"
threshold = -50
params = { tau = 10, EL = -65, vreset = -65, tref = 2 }
[[input]]
name = "out"
to = "lif"
kind = "spike_times"
file = "times.csv"
weight = 4
[record]
states = [{ population = "lif", var = "v" }]
every = 0.025
`, map[string]string{"times.csv": spikeTimesFile(cell, 2)})
	got := reftest.ReadFile(t, filepath.Join(mixed.dir, "traces.csv")).Floats(t, "lif[0].v")
	want := reftest.ReadFile(t, filepath.Join(alone.dir, "traces.csv")).Floats(t, "lif[0].v")
	if !slices.Equal(got, want) {
		t.Errorf("the LIF neuron's trace driven by the cell differs from its trace driven by the cell's NetCon times + 2 ms")
	}
	if rest := want[0]; !slices.ContainsFunc(got, func(v float64) bool { return v > rest+1 }) {
		t.Errorf("the cell's spikes never move the LIF neuron from rest")
	}
	if a, b := mixed.of(1), alone.of(0); len(a) != len(b) {
		t.Errorf("the LIF neuron fires %d spikes driven by the cell, %d driven by its times", len(a), len(b))
	}
}

// TestCableSTDPPair: one presynaptic spike and one postsynaptic spike
// of cable cells (each made by a short current pulse; the plastic
// synapse too weak to matter) move the weight as the rule says for the
// pair, computed here by hand from the two spike times: a presynaptic
// spike leading potentiates by A+·exp(−Δt/τ+), one lagging depresses by
// A−·exp(−Δt/τ−), in units of w_max (additive) or of the room left
// (multiplicative). The presynaptic neuron is a cable cell or a LIF
// neuron; the cable cells run on the CPU and, as learning cable networks
// do with backend gpu, on the GPU.
func TestCableSTDPPair(t *testing.T) {
	const (
		w0, wMax, aPlus, aMinus = 0.0004, 0.001, 0.01, 0.012
		tauPlus, tauMinus       = 16.8, 33.7
	)
	pre := map[string]string{
		"cable": `[[population]]
name = "pre"
size = 1
cell = CELL
threshold = 0
[[input]]
name = "kick_pre"
to = "pre"
kind = "step"
amp = 2
start = PRE
stop = PRE_END
`,
		"lif": `[[population]]
name = "pre"
size = 1
model = "lif"
threshold = -50
params = { tau = 10, EL = -65, vreset = -65, tref = 2 }
[[input]]
name = "kick_pre"
to = "pre"
kind = "spike_times"
file = "pre.csv"
weight = 30
`,
	}
	for _, tc := range []struct {
		name, pre, mode string
		tPre, tPost     float64
	}{
		{"cable leads, additive", "cable", "additive", 20, 30},
		{"cable lags, additive", "cable", "additive", 40, 25},
		{"cable leads, multiplicative", "cable", "multiplicative", 20, 27},
		{"cable lags, multiplicative", "cable", "multiplicative", 40, 31},
		{"lif leads, additive", "lif", "additive", 20, 35},
		{"lif lags, additive", "lif", "additive", 50, 30},
		{"cable leads, additive, on the GPU", "cable", "additive gpu", 20, 30},
		{"lif lags, multiplicative, on the GPU", "lif", "multiplicative gpu", 50, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mode, backend, _ := strings.Cut(tc.mode, " ")
			text := `
name = "stdp_pair"
[run]
tstop = 80
dt = 0.025
backend = "` + cmp.Or(backend, "cpu") + `"
` + pre[tc.pre] + `
[[population]]
name = "post"
size = 1
cell = CELL
threshold = 0
[[input]]
name = "kick_post"
to = "post"
kind = "step"
amp = 2
start = POST
stop = POST_END
[[projection]]
name = "learn"
from = "pre"
to = "post"
rule = "all_to_all"
weight = W0
delay = 1
synapse = "ExpSyn"
tau = 2
e_rev = 0
at = "dend(0.5)"
[[plasticity]]
projection = "learn"
rule = "stdp"
mode = "MODE"
tau_plus = TAU_PLUS
tau_minus = TAU_MINUS
a_plus = A_PLUS
a_minus = A_MINUS
w_min = 0
w_max = W_MAX
[record]
weights = [{ projection = "learn", synapses = 1, every = 1 }]
`
			g := func(x float64) string { return fmt.Sprint(x) }
			text = strings.NewReplacer("PRE_END", g(tc.tPre+1), "POST_END", g(tc.tPost+1), "PRE", g(tc.tPre), "POST", g(tc.tPost),
				"W0", g(w0), "W_MAX", g(wMax), "TAU_PLUS", g(tauPlus), "TAU_MINUS", g(tauMinus), "A_PLUS", g(aPlus), "A_MINUS", g(aMinus),
				"MODE", mode).Replace(text)
			r := runNetworkText(t, text, map[string]string{"pre.csv": fmt.Sprintf("neuron,t_ms\n0,%v\n", tc.tPre)})
			if want := cmp.Or(backend, "cpu"); r.backend != want {
				t.Fatalf("ran on %q, want %q", r.backend, want)
			}
			pres, posts := r.of(0), r.of(1)
			if len(pres) != 1 || len(posts) != 1 {
				t.Fatalf("the pre neuron fires %d spikes and the post cell %d; want one each", len(pres), len(posts))
			}
			dt := posts[0].T - pres[0].T
			want := w0
			switch {
			case dt > 0 && mode == "additive":
				want += aPlus * math.Exp(-dt/tauPlus) * wMax
			case dt > 0:
				want += aPlus * math.Exp(-dt/tauPlus) * (wMax - w0)
			case mode == "additive":
				want -= aMinus * math.Exp(dt/tauMinus) * wMax
			default:
				want -= aMinus * math.Exp(dt/tauMinus) * w0
			}
			ws := reftest.ReadFile(t, filepath.Join(r.dir, "weights.csv")).Floats(t, "learn[0]")
			got := ws[len(ws)-1]
			t.Logf("post − pre = %.4f ms: w %v → %v (by hand %v)", dt, w0, got, want)
			if (dt > 0) != (got > w0) {
				t.Errorf("post − pre = %v ms moved the weight from %v to %v; want it %s", dt, w0, got, map[bool]string{true: "up", false: "down"}[dt > 0])
			}
			if math.Abs(got-want) > 1e-12*wMax {
				t.Errorf("post − pre = %v ms: the weight is %v; the rule by hand gives %v", dt, got, want)
			}
		})
	}
}

// TestCableScalingReachesTarget: synaptic scaling on a projection onto
// cable cells brings cells driven at about 40 Hz down to their target
// rate, 10 Hz, as it does on point neurons, by scaling their incoming
// weights down.
func TestCableScalingReachesTarget(t *testing.T) {
	const w0, target = 0.004, 10.0
	text := strings.NewReplacer("TSTOP", "10000", "RULE", fmt.Sprintf(`rule = "scaling"
target_rate = %v
tau = 200
[record]
weights = [{ projection = "drive", synapses = 5, every = 100 }]`, target)).Replace(learningCables)
	r := runNetworkText(t, text, nil)
	rate := func(from, to float64) float64 {
		n := 0
		for _, s := range r.spikes {
			if s.Cell >= 20 && s.T >= from && s.T < to {
				n++
			}
		}
		return float64(n) / 5 / ((to - from) / 1000)
	}
	first, last := rate(0, 1000), rate(8000, 10000)
	ws := reftest.ReadFile(t, filepath.Join(r.dir, "weights.csv")).Floats(t, "drive[0]")
	t.Logf("rate %.1f Hz in the first second, %.1f Hz in the last two; weight %v → %v µS", first, last, w0, ws[len(ws)-1])
	if first < 25 || math.Abs(last-target) > 0.3*target {
		t.Errorf("rate %.1f Hz at first, %.1f Hz at the end; want above 25 at first and %v ± 30%% at the end", first, last, target)
	}
	if !(ws[len(ws)-1] < w0/2) {
		t.Errorf("the weights went from %v to %v µS; want them scaled down", w0, ws[len(ws)-1])
	}
}

// TestMixedCellLayout: in a network of point neurons and cable cells,
// the two numberings meet: the cable cells' ids are the network's (a
// point neuron is no cable cell), the cells the file places keep their
// places whatever the point populations' positions, and the others go
// on the grid.
func TestMixedCellLayout(t *testing.T) {
	net, _ := buildNetworkText(t, `name = "mixed_layout"
[run]
tstop = 1
dt = 0.025
[[population]]
name = "src"
size = 4
model = "poisson"
[population.positions]
layout = "ring"
radius = 100
[[population]]
name = "placed"
size = 2
cell = CELL
[population.positions]
layout = "line"
spacing = 1000
[[population]]
name = "lif"
size = 3
model = "lif"
[[population]]
name = "free"
size = 3
cell = CELL
`, nil)
	// Network ids: src 0–3, placed 4–5, lif 6–8, free 9–11.
	for id, want := range map[int]int{0: -1, 3: -1, 4: 0, 5: 1, 6: -1, 8: -1, 9: 2, 11: 4, 12: -1} {
		c, ok := net.CableCell(id)
		if ok != (want >= 0) || ok && c != want {
			t.Errorf("neuron %d: cable cell %d, %v; want %d", id, c, ok, want)
		}
		if ok && net.CellNeuron(c) != id {
			t.Errorf("cable cell %d is neuron %d, want %d", c, net.CellNeuron(c), id)
		}
	}
	plain := net.Cable.Frusta()
	frusta, firstSeg := net.CellLayout()
	if len(frusta) != len(plain) || len(firstSeg) != 6 {
		t.Fatalf("%d frusta of %d, segment ranges %v", len(frusta), len(plain), firstSeg)
	}
	for i, f := range frusta {
		c := 0
		for f.Segment >= firstSeg[c+1] {
			c++
		}
		if moved := f.A != plain[i].A; moved != (c >= 2) {
			t.Errorf("cable cell %d, piece %d: moved %v; want the placed cells (0, 1) kept and the others moved", c, i, moved)
		}
	}
}
