package pipeline

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/spec"
)

// TestExamplesOnTheGPU runs every shipped network example for its first
// 100 ms (microcircuit_small 20) on the CPU and with backend gpu. Point
// networks of LIF neurons, deterministic or under Poisson and noise
// drives, give the CPU's spikes exactly (the two backends draw the same
// numbers), as do the rate units of wilson_cowan and of the field
// wilson_cowan_field couples by rate projections (the lab's models on
// point_net.comp; their traces, gpu/network's TestShippedWilsonCowan);
// cable cells, alone or beside point neurons, the same neurons in the
// same order within the GPU cable engine's 2e-3 ms (its single-precision
// kinetics). The full-scale microcircuit is left to neurite bench (3·10⁸
// synapses); its small version runs here.
func TestExamplesOnTheGPU(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "assets", "models", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	networks := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".toml")
		tstop := "run.tstop=100"
		if name == "microcircuit_small" {
			tstop = "run.tstop=20" // one-step delays: llvmpipe takes a second a model 10 ms
		}
		n, err := LoadNetwork(file, tstop)
		if err != nil {
			continue // a cell model, not a network
		}
		if networks++; name == "microcircuit" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			spikes := func(backend string) []sim.Spike {
				net, err := NewNetwork(n, backend, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer net.Close()
				return runComposite(t, net).SpikeList
			}
			gpu, cpu := spikes("gpu"), spikes("cpu")
			if slices.ContainsFunc(n.Populations, func(p spec.Population) bool { return p.Cell != "" }) {
				sameSpikes(t, cpu, gpu)
			} else if !slices.Equal(gpu, cpu) {
				t.Errorf("%d spikes on the GPU, %d on the CPU, not the same", len(gpu), len(cpu))
			}
		})
	}
	if networks < 16 {
		t.Errorf("%d network examples found, 16 shipped", networks)
	}
}
