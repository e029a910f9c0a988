package network

import (
	"slices"
	"testing"

	"neurite/gpu/device/devicetest"
	point "neurite/sim/network"
)

// plasticNet is sourcedNet with learning: additive STDP (all-to-all) on
// the sources' projection onto A's jumps, multiplicative
// nearest-neighbour STDP on A's recurrent jumps, and synaptic scaling
// with STDP on the sources' projection onto B.
func plasticNet() *point.Network {
	n := sourcedNet()
	for _, c := range []struct {
		name    string
		stdp    *point.STDP
		scaling *point.Scaling
	}{
		{"S->A", &point.STDP{TauPlus: 20, TauMinus: 20, APlus: 0.01, AMinus: 0.0105, WMax: 3}, nil},
		{"A->A jumps", &point.STDP{TauPlus: 15, TauMinus: 30, APlus: 0.02, AMinus: 0.01, WMax: 0.8, Multiplicative: true, Nearest: true}, nil},
		{"S->B", &point.STDP{TauPlus: 20, TauMinus: 20, APlus: 0.005, AMinus: 0.006, WMax: 0.01}, &point.Scaling{Target: 5, Tau: 200, Rate: 1e-3}},
	} {
		i := slices.IndexFunc(n.Projections, func(pr *point.Projection) bool { return pr.Name == c.name })
		if err := n.Projections[i].SetPlasticity(c.stdp, c.scaling); err != nil {
			panic(err)
		}
	}
	return n
}

// stdpExample is the STDP network of the app's tests (app/testdata:
// Song, Miller and Abbott's 200 Poisson inputs onto one neuron).
func stdpExample(t *testing.T) *point.Network {
	t.Helper()
	return loadPoint(t, "../../app/testdata/stdp.toml")
}

// TestPlasticity: plastic networks run on the GPU, learning on the host
// in the CPU engine's router: the CPU engine's spikes and every weight
// to the bit after the run, and again after a second run that goes on
// learning from what the first learnt. Delivery on the device is refused
// for them (their weights change spike by spike).
func TestPlasticity(t *testing.T) {
	dev := devicetest.Shared(t)
	for _, c := range []struct {
		name  string
		build func() *point.Network
	}{{"plasticNet", plasticNet}, {"app/testdata/stdp.toml", func() *point.Network { return stdpExample(t) }}} {
		t.Run(c.name, func(t *testing.T) {
			gn, cn := c.build(), c.build()
			g, err := NewEngine(dev, gn, point.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if g.Delivery() != DeliverHost || g.SetDelivery(DeliverDevice) == nil {
				t.Fatalf("delivery on the %v, and the device not refused", g.Delivery())
			}
			initial := c.build()
			cpu, err := point.NewEngine(cn, point.Options{})
			if err != nil {
				t.Fatal(err)
			}
			const tstop = 500
			for round := range 2 {
				got, want := run(t, g, tstop), run(t, cpu, tstop)
				if len(want.SpikeList) < 100 {
					t.Fatalf("the CPU engine made %d spikes: too few to learn from", len(want.SpikeList))
				}
				if !slices.Equal(got.SpikeList, want.SpikeList) {
					t.Fatalf("run %d: %d spikes on the GPU, %d on the CPU, not the same", round+1, len(got.SpikeList), len(want.SpikeList))
				}
				changed := 0
				for k, pr := range cn.Projections {
					if !pr.Plastic() {
						continue
					}
					if !slices.Equal(gn.Projections[k].W, pr.W) {
						t.Fatalf("run %d: projection %s's weights differ", round+1, pr.Name)
					}
					for s, w := range pr.W {
						if w != initial.Projections[k].W[s] {
							changed++
						}
					}
				}
				if changed == 0 {
					t.Fatal("no weight learnt")
				}
				t.Logf("run %d: %d spikes and %d weights changed, the CPU engine's", round+1, len(got.SpikeList), changed)
			}
		})
	}
}
