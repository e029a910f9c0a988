package netbuild

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/network"
	"neurite/sim/spec"
)

// write puts files in a temporary folder and returns the path of the
// first.
func write(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for k := 0; k < len(files); k += 2 {
		if err := os.WriteFile(filepath.Join(dir, files[k]), []byte(files[k+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, files[0])
}

const twoPops = `seed = 1
[run]
tstop = 10
[[population]]
name = "E"
size = %E%
model = "lif"
[[population]]
name = "I"
size = 20
model = "lif"
`

// TestBuildErrors: what only building finds (table rows, sizes that do
// not fit) is reported with the file and the line.
func TestBuildErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"pairs out of range", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[projection]]
from = "E"
to = "I"
rule = "csv"
file = "pairs.csv"
weight = 1
delay = 1
`, "pairs.csv", "pre,post\n0,1\n3,25\n"}, "pairs.csv:3"},
		{"pairs without rows", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[projection]]
from = "E"
to = "I"
rule = "csv"
file = "pairs.csv"
weight = 1
delay = 1
`, "pairs.csv", "pre,post,weight\n"}, "pairs.csv lists no connections, only its header"},
		{"bad csv row", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[input]]
to = "E"
kind = "spike_times"
file = "in.csv"
weight = 1
`, "in.csv", "neuron,t_ms\n0,1\n1,x\n"}, "in.csv:3"},
		{"spike input to a neuron not there", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[input]]
to = "E"
kind = "spike_times"
file = "in.csv"
weight = 1
`, "in.csv", "neuron,t_ms\n0,1\n12,2\n"}, "in.csv:3: neuron 12"},
		{"spike input before the start", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[input]]
to = "E"
kind = "spike_times"
file = "in.csv"
weight = 1
`, "in.csv", "neuron,t_ms\n0,1\n1,-5\n"}, "in.csv:3: t_ms = -5"},
		{"too large for memory", []string{"net.toml", strings.Replace(twoPops, "%E%", "2000000000", 1) + `
[[projection]]
from = "E"
to = "E"
rule = "fixed_indegree"
indegree = 1000
weight = 1
delay = 1
`}, "the network needs about"},
		// Every engine stores weights as float32: 1e40 would be +Inf.
		{"weight past float32", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[[projection]]
name = "EI"
from = "E"
to = "I"
rule = "all_to_all"
weight = 1e40
delay = 1
`}, "projection EI: weight 1e+40 is not a finite float32"},
		{"layout of the wrong size", []string{"net.toml", strings.Replace(twoPops, "%E%", "10", 1) + `
[population.positions]
layout = "csv"
file = "pos.csv"
`, "pos.csv", "x,y,z\n0,0,0\n1,0,0\n2,0,0\n"}, "places 3 neurons, but the population has 20"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := spec.LoadNetwork(write(t, c.files...))
			if err == nil {
				_, err = Build(n)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
			if err != nil && !strings.Contains(err.Error(), ".csv:") && !strings.Contains(err.Error(), "net.toml:") {
				t.Errorf("%v: the error names neither the file nor the line", err)
			}
		})
	}
}

// TestPoissonPopulation: a population of model "poisson" fires at its
// rate.
func TestPoissonPopulation(t *testing.T) {
	n, err := spec.LoadNetwork(write(t, "net.toml", `seed = 3
[run]
tstop = 1000
[[population]]
name = "in"
size = 200
model = "poisson"
params = { rate = 20 }
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(n)
	if err != nil {
		t.Fatal(err)
	}
	e, err := network.NewEngine(m.Point, network.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 1000, &rec, nil); err != nil {
		t.Fatal(err)
	}
	rate := float64(len(rec.SpikeList)) / 200
	if math.Abs(rate-20) > 1.5 {
		t.Errorf("%g Hz, want 20 (±1.5: 5 standard errors of 4000 spikes)", rate)
	}
}

// TestSpreadSynapses: a projection spread over a range of path distance
// gives each connection a synapse of its own, at a site in that
// range, the same sites in every build.
func TestSpreadSynapses(t *testing.T) {
	cell, err := filepath.Abs("../../assets/models/ball_and_stick.toml")
	if err != nil {
		t.Fatal(err)
	}
	file := write(t, "net.toml", `seed = 4
[run]
tstop = 20
dt = 0.025
[[population]]
name = "B"
size = 6
cell = "`+cell+`"
[[projection]]
from = "B"
to = "B"
rule = "fixed_indegree"
indegree = 3
weight = 0.001
delay = 1
synapse = "ExpSyn"
tau = 2
path_distance = [100, 300]
`)
	sites := func() []float64 {
		n, err := spec.LoadNetwork(file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Build(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(m.Cable.Connections); got != 18 {
			t.Fatalf("%d connections, want 6 × 3", got)
		}
		var d []float64
		for _, c := range m.Cable.Connections {
			sy := m.Cable.Syns[c.Syn]
			if !strings.HasPrefix(sy.Name, "B->B#") {
				t.Fatalf("connection onto synapse %q, want one of its own", sy.Name)
			}
			cp := &m.Cable.Cells[sy.Cell]
			dist := cp.PathDistances(m.Cable, cp.Morph.SomaMiddle())[int(sy.Node)-cp.First]
			// A synapse sits at its segment's centre: within half a
			// segment (400/81 µm) of the range.
			if dist < 100-2.5 || dist > 300+2.5 {
				t.Errorf("synapse %s at %g µm from the soma, outside [100, 300]", sy.Name, dist)
			}
			d = append(d, dist)
		}
		return d
	}
	if a, b := sites(), sites(); !slices.Equal(a, b) {
		t.Errorf("two builds placed synapses differently: %v and %v", a, b)
	}
}

// TestGInit: g_init sets a synapse's state at t = 0 on every target
// neuron, and other projections of the same synapse share it.
func TestGInit(t *testing.T) {
	n, err := spec.LoadNetwork(write(t, "net.toml", `seed = 1
[run]
tstop = 1
[[population]]
name = "E"
size = 5
model = "lif"
method = "euler"
[[projection]]
from = "E"
to = "E"
rule = "one_to_one"
autapses = true
weight = 0.01
delay = 1
synapse = "exp_conductance"
tau = 5
e_rev = 0
g_init = 0.04
[[input]]
to = "E"
kind = "poisson"
rate = 10
weight = 0.01
synapse = "exp_conductance"
tau = 5
e_rev = 0
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(n)
	if err != nil {
		t.Fatal(err)
	}
	pop := m.Point.Pops[0]
	if len(pop.Ports) != 1 {
		t.Fatalf("%d ports, want the one both share", len(pop.Ports))
	}
	e, err := network.NewEngine(m.Point, network.Options{Probes: []network.Probe{{Pop: pop, Neuron: 3, Var: "g1"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 0.1, &rec, nil); err != nil {
		t.Fatal(err)
	}
	if g := rec.Values[0][0]; g != 0.04 {
		t.Errorf("g at t = 0 is %g µS, want 0.04", g)
	}
}

// TestInputWindows: a step current and a noise act only between their
// start and stop, and the noise's stop defaults to the end of the run.
func TestInputWindows(t *testing.T) {
	n, err := spec.LoadNetwork(write(t, "net.toml", `seed = 1
[run]
tstop = 100
[[population]]
name = "E"
size = 4
model = "lif"
params = { tau = 10, EL = -65, R = 10, vth = -50, vreset = -65, tref = 2 }
[[input]]
to = "E"
kind = "step"
amp = 3
start = 20
stop = 40
neurons = "0:2"
[[input]]
to = "E"
kind = "noise"
mean = 3
sd = 0.1
tau = 1
start = 60
neurons = "2:4"
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(n)
	if err != nil {
		t.Fatal(err)
	}
	e, err := network.NewEngine(m.Point, network.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 100, &rec, nil); err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	for _, s := range rec.SpikeList {
		counts[s.Cell]++
		if s.Cell < 2 && (s.T < 20 || s.T > 41) || s.Cell >= 2 && s.T < 60 {
			t.Errorf("neuron %d spikes at %g ms, outside its input's window", s.Cell, s.T)
		}
	}
	for i := range 4 {
		if counts[i] == 0 {
			t.Errorf("neuron %d never fires under its input", i)
		}
	}
}

// TestSpikesKept: [record] spikes keeps every cell's spikes by default,
// none for "none", and for a list the cells of its populations and
// ranges.
func TestSpikesKept(t *testing.T) {
	for _, tc := range []struct {
		spikes string
		want   []int // the kept ids
	}{
		{`"all"`, []int{0, 1, 2, 3, 4, 5, 6}},
		{`"none"`, []int{}},
		{`["E[1:3]", "I"]`, []int{1, 2, 5, 6}},
		{`["E[0:2]", "E[1:4]"]`, []int{0, 1, 2, 3}},
	} {
		n, err := spec.LoadNetwork(write(t, "net.toml", `seed = 1
[run]
tstop = 10
[[population]]
name = "E"
size = 5
model = "lif"
[[population]]
name = "I"
size = 2
model = "lif"
[record]
spikes = `+tc.spikes+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Build(n)
		if err != nil {
			t.Fatal(err)
		}
		keep := m.SpikesKept()
		got := []int{}
		for id := range m.Neurons() {
			if keep == nil || keep[id] {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("spikes = %s: keeps %v, want %v", tc.spikes, got, tc.want)
		}
	}
}

// TestBuildContext: building tells its progress, in the expected synapses
// made, up to 1, and stops between projections once its context is done.
func TestBuildContext(t *testing.T) {
	src := strings.Replace(twoPops, "%E%", "80", 1) + `
[[projection]]
from = "E"
to = "I"
rule = "fixed_probability"
p = 0.5
weight = 1
delay = 1
[[projection]]
from = "I"
to = "E"
rule = "fixed_probability"
p = 0.5
weight = -1
delay = 1
`
	n, err := spec.LoadNetwork(write(t, "net.toml", src))
	if err != nil {
		t.Fatal(err)
	}
	var seen []float64
	if _, err := BuildContext(context.Background(), n, func(f float64) { seen = append(seen, f) }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || !(seen[0] > 0 && seen[0] < seen[1]) || math.Abs(seen[1]-1) > 1e-12 {
		t.Errorf("progress %v, want two steps rising to 1", seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err = BuildContext(ctx, n, func(float64) { calls++; cancel() })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled after the first projection: %v after %d projections", err, calls)
	}
	// A network of point neurons and cable cells stops too.
	mixed, err := spec.LoadNetwork("../../assets/models/mixed_net.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BuildContext(ctx, mixed, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a mixed network built under a cancelled context: %v", err)
	}
}
