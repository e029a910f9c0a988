package netmodels

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"neurite/sim"
	"neurite/sim/netbuild"
	"neurite/sim/network"
	"neurite/sim/spec"
)

// TestMicrocircuitFiles: the shipped model files are what Microcircuit
// writes, at full scale and at 10%.
func TestMicrocircuitFiles(t *testing.T) {
	for _, c := range []struct {
		file  string
		scale float64
	}{{"microcircuit.toml", 1}, {"microcircuit_small.toml", 0.1}} {
		have, err := os.ReadFile(filepath.Join("..", "..", "assets", "models", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if string(have) != Microcircuit(c.scale, 1000) {
			t.Errorf("assets/models/%s is not Microcircuit(%g, 1000)'s output: write it again", c.file, c.scale)
		}
	}
}

// popCounter counts spikes by population after a start time.
type popCounter struct {
	sim.Discard
	net    *network.Network
	from   float64
	counts []int
}

func (c *popCounter) Spikes(s []sim.Spike) error {
	for _, sp := range s {
		if sp.T >= c.from {
			p, _ := c.net.PopulationOf(sp.Cell)
			for k, q := range c.net.Pops {
				if q == p {
					c.counts[k]++
				}
			}
		}
	}
	return nil
}

// TestMicrocircuitSmallRates runs microcircuit_small.toml (10% of the
// neurons, the full in-degrees) and compares each population's rate with
// the full model's published one.
func TestMicrocircuitSmallRates(t *testing.T) {
	n, err := spec.LoadNetwork(filepath.Join("..", "..", "assets", "models", "microcircuit_small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := netbuild.Build(n)
	if err != nil {
		t.Fatal(err)
	}
	e, err := network.NewEngine(m.Point, network.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	const from, to = 200.0, 1000.0
	rec := &popCounter{net: m.Point, from: from, counts: make([]int, len(m.Point.Pops))}
	e.Init()
	if err := e.Run(context.Background(), to, rec, nil); err != nil {
		t.Fatal(err)
	}
	for k, p := range m.Point.Pops {
		rate := float64(rec.counts[k]) / float64(p.N) / (to - from) * 1000
		t.Logf("%s: %.3f Hz (published %.3f)", p.Name, rate, MicrocircuitRates[k])
	}
}
