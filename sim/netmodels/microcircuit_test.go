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
// neurons, the full in-degrees) for 1 s on one worker and compares each
// population's rate over 0.2–1 s with the full model's published one
// (NEST's example, Poisson background).
//
// Bands: within a factor of 2 either way, for L2/3 up to 3.5 times. The
// full model run here gives every population within 15% of the published
// rates (README, Performance); the 10% model keeps the in-degrees on a
// tenth of the neurons, so each pair is connected ten times as often and
// neurons share more input: its rates move with the seed (L2/3e 1.6–3.1
// Hz, L5e 9.5–12 Hz over five seeds, against 0.97 and 8.1 Hz published),
// L2/3 the most. The test also asks for what Potjans and Diesmann's
// Fig. 6 shows whatever the seed: L2/3e and L6e the quietest excitatory
// populations, L5e the most active one, and inhibition faster than
// excitation in L2/3, L4 and L6.
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
	rate := map[string]float64{}
	for k, p := range m.Point.Pops {
		r := float64(rec.counts[k]) / float64(p.N) / (to - from) * 1000
		rate[p.Name] = r
		pub, hi := MicrocircuitRates[k], 2.0
		if k < 2 {
			hi = 3.5
		}
		t.Logf("%s: %.3f Hz (published %.3f, band %.2f–%.2f)", p.Name, r, pub, pub/2, pub*hi)
		if r < pub/2 || r > pub*hi {
			t.Errorf("%s fires at %.3f Hz: outside %.2f–%.2f Hz (published %.3f Hz)", p.Name, r, pub/2, pub*hi, pub)
		}
	}
	for _, c := range []struct {
		low, high string
	}{{"L23E", "L4E"}, {"L6E", "L4E"}, {"L4E", "L5E"}, {"L23E", "L23I"}, {"L4E", "L4I"}, {"L6E", "L6I"}} {
		if rate[c.low] >= rate[c.high] {
			t.Errorf("%s fires at %.3f Hz, %s at %.3f Hz: want %s below %s", c.low, rate[c.low], c.high, rate[c.high], c.low, c.high)
		}
	}
}
