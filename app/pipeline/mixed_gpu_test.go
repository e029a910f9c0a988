package pipeline

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"neurite/gpu"
	"neurite/sim"
)

// learningCables is a network of cable cells whose drive learns: 20
// Poisson sources at 20 Hz onto 5 ball-and-stick cells (about 40 Hz)
// through ExpSyns of 0.004 µS whose weights follow RULE, for TSTOP ms.
const learningCables = `name = "learning_cables"
seed = 3
[run]
tstop = TSTOP
dt = 0.025
[[population]]
name = "src"
size = 20
model = "poisson"
params = { rate = 20 }
[[population]]
name = "cells"
size = 5
cell = CELL
threshold = 0
[[projection]]
name = "drive"
from = "src"
to = "cells"
rule = "all_to_all"
weight = 0.004
delay = 1
synapse = "ExpSyn"
tau = 2
e_rev = 0
at = "dend(0.5)"
[[plasticity]]
projection = "drive"
RULE
`

// compositeNets are the composite networks TestCompositeOnGPU runs: point
// neurons with cable cells (mixed_net), and cable cells that learn by
// STDP and by synaptic scaling.
var compositeNets = []struct{ name, text string }{
	{"mixed_net", ""},
	{"stdp", strings.NewReplacer("TSTOP", "1000", "RULE", `rule = "stdp"
mode = "additive"
tau_plus = 16.8
tau_minus = 33.7
a_plus = 0.01
a_minus = 0.012
w_min = 0
w_max = 0.008`).Replace(learningCables)},
	{"scaling", strings.NewReplacer("TSTOP", "1000", "RULE", `rule = "scaling"
target_rate = 10
tau = 200`).Replace(learningCables)},
}

// buildComposite builds one of compositeNets on a backend.
func buildComposite(t *testing.T, name, text, backend string) *Network {
	t.Helper()
	path := filepath.Join("..", "..", "assets", "models", "mixed_net.toml")
	if text != "" {
		_, dir := buildNetworkText(t, text, nil)
		path = filepath.Join(dir, "net.toml")
	}
	n, err := LoadNetwork(path)
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, backend, 0)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// runComposite runs a built network to its tstop into memory.
func runComposite(t *testing.T, net *Network) *sim.Memory {
	t.Helper()
	mem := &sim.Memory{}
	net.Sim.Init()
	if err := net.Sim.Run(context.Background(), net.Spec.Run.Tstop, mem, nil); err != nil {
		t.Fatal(err)
	}
	return mem
}

// sameSpikes asserts two runs' spikes the same within the GPU cable
// engine's tolerance on networks (gpu/cable's TestNetworkAgainstCPU: 2e-3
// ms, a crossing that close to a step's end falling in either step).
func sameSpikes(t *testing.T, cpu, gpu []sim.Spike) {
	t.Helper()
	const tol = 2e-3
	if len(cpu) != len(gpu) {
		t.Fatalf("%d spikes on the CPU, %d on the GPU", len(cpu), len(gpu))
	}
	worst := 0.0
	for k, a := range cpu {
		b := gpu[k]
		boundary := math.Min(a.Step, b.Step)
		if a.Cell != b.Cell || (a.Step != b.Step && (math.Abs(a.T-boundary) > tol || math.Abs(b.T-boundary) > tol)) {
			t.Fatalf("spike %d: CPU %+v, GPU %+v", k, a, b)
		}
		worst = math.Max(worst, math.Abs(a.T-b.T))
	}
	t.Logf("%d spikes, times within %.2g ms", len(cpu), worst)
	if worst > tol {
		t.Errorf("spike times differ by up to %.3g ms, more than %g", worst, tol)
	}
}

// TestCompositeOnGPU: composite networks asked for the GPU run their
// cable cells on the GPU cable engine and their point neurons on the GPU
// point engine (saying so), the learning rules' weight updates on the
// host at the epochs' ends, and
// give the CPU's spikes within the GPU's tolerance and the CPU's final
// weights within the drift those spike times allow: a rule's update
// moves with its spike times by A·Δt/τ of w_max, about 1e-6 for 2e-3 ms,
// so over a thousand pairings 1e-3 of w_max.
func TestCompositeOnGPU(t *testing.T) {
	for _, c := range compositeNets {
		t.Run(c.name, func(t *testing.T) {
			cpu := buildComposite(t, c.name, c.text, "cpu")
			g := buildComposite(t, c.name, c.text, "gpu")
			if !strings.Contains(g.Note, "backend: gpu") || (g.Point != nil && !strings.Contains(g.Note, "the point neurons on the GPU")) {
				t.Errorf("note %q: the cells are not all on the GPU", g.Note)
			}
			want, got := runComposite(t, cpu), runComposite(t, g)
			if err := gpu.Lost(g.Sim); err != nil {
				t.Fatalf("the cable cells moved to the CPU: %v", err)
			}
			sameSpikes(t, want.SpikeList, got.SpikeList)
			for k, pr := range cpu.Links.Projections {
				if !pr.Plastic() {
					continue
				}
				gp, wMax, worst := g.Links.Projections[k], 0.0, 0.0
				for s := range pr.Synapses() {
					wMax = math.Max(wMax, math.Abs(pr.Weight(s)))
					worst = math.Max(worst, math.Abs(pr.Weight(s)-gp.Weight(s)))
				}
				t.Logf("%s: final weights within %.2g of the largest, %.3g", pr.Name, worst/wMax, wMax)
				if worst > 1e-3*wMax {
					t.Errorf("%s: final weights differ by up to %.3g, more than 1e-3 of the largest (%.3g)", pr.Name, worst, wMax)
				}
			}
		})
	}
}
