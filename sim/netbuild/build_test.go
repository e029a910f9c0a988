package netbuild

import (
	"context"
	"math"
	"os"
	"path/filepath"
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
		{"too large for memory", []string{"net.toml", strings.Replace(twoPops, "%E%", "2000000000", 1) + `
[[projection]]
from = "E"
to = "E"
rule = "fixed_indegree"
indegree = 1000
weight = 1
delay = 1
`}, "the network needs about"},
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
