package network

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"neurite/sim"
)

// kernelNet is a small random network of two LIF populations, driven
// above threshold by a bias current, with the
// synapses, method and drives of one of the fused kernel's cases.
func kernelNet(port Port, method Method, drive bool) *Network {
	w := 0.5 // mV or nA
	if port.Synapse == Conductance {
		w = 0.05
	}
	r := rand.New(rand.NewPCG(3, 4))
	net := &Network{Dt: 0.1, Seed: 9}
	for _, size := range []int{516, 99} { // chunks of 512, 4 and 99: vectors and tails
		col := func(x float64) []float64 { return constant(size, x) }
		p := &Population{Name: "P", N: size, Method: method,
			LIF: &LIF{Tau: col(20), EL: col(-60), R: col(1), Vth: col(-50), Vreset: col(-60), Tref: col(2), I: col(10.5)}}
		k := p.PortOf(port)
		if port.Synapse == Conductance {
			p.PortOf(Port{Synapse: Conductance, Shape: Exp, TauDecay: 10, E: -80})
		}
		p.V0 = make([]float64, size)
		for i := range p.V0 {
			p.V0[i] = -60 + 10*r.Float64()
		}
		if drive {
			p.Drives = []Drive{{Kind: Poisson, Port: k, Rate: 4000, W: w}}
		}
		net.Pops = append(net.Pops, p)
	}
	for a, from := range net.Pops {
		for _, to := range net.Pops {
			pr := &Projection{Name: "pr", From: from, To: to, Port: a % len(to.Ports), Start: make([]int64, from.N+1)}
			for i := range from.N {
				for j := range to.N {
					if r.Float64() < 0.1 {
						pr.Target = append(pr.Target, uint32(j))
						pr.W = append(pr.W, float32(w*(2*r.Float64()-0.8)))
						pr.Delay = append(pr.Delay, uint16(1+r.IntN(15)))
					}
				}
				pr.Start[i+1] = int64(len(pr.Target))
			}
			net.Projections = append(net.Projections, pr)
		}
	}
	return net
}

// TestFusedKernelsAgree: the general LIF kernel, the fast kernel's passes
// and its fused vector pass give the same spikes, step for step, for
// every case the fast kernel takes (conductances with Euler, currents and
// voltage jumps exact, with and without Poisson drives).
func TestFusedKernelsAgree(t *testing.T) {
	for _, c := range []struct {
		name   string
		port   Port
		method Method
	}{
		{"conductance", Port{Synapse: Conductance, Shape: Exp, TauDecay: 5}, Euler},
		{"current", Port{Synapse: Current, Shape: Exp, TauDecay: 0.5}, Exact},
		{"current euler", Port{Synapse: Current, Shape: Exp, TauDecay: 2}, Euler},
		{"delta", Port{Synapse: Delta}, Exact},
	} {
		for _, drive := range []bool{false, true} {
			var runs [][]sim.Spike
			for _, kernel := range []string{"general", "passes", "fused"} {
				net := kernelNet(c.port, c.method, drive)
				e, err := NewEngine(net, Options{Workers: 2})
				if err != nil {
					t.Fatal(err)
				}
				saved := fused
				switch kernel {
				case "general":
					for _, p := range e.pops {
						p.fast = nil
					}
				case "passes":
					fused = func(*Engine, *chunk, int64, []float64) (int, bool) { return -1, false }
				}
				e.Init()
				var rec sim.Memory
				err = e.Run(context.Background(), 300, &rec, nil)
				fused = saved
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, rec.SpikeList)
			}
			t.Logf("%s, drive %v: %d spikes", c.name, drive, len(runs[0]))
			if len(runs[0]) < 100 {
				t.Errorf("%s, drive %v: only %d spikes, too few to compare", c.name, drive, len(runs[0]))
			}
			for k, name := range []string{"passes", "fused"} {
				if !slices.Equal(runs[0], runs[k+1]) {
					t.Errorf("%s, drive %v: the %s kernel gives %d spikes, the general one %d, or at other times", c.name, drive, name, len(runs[k+1]), len(runs[0]))
				}
			}
		}
	}
}

// TestParallelRouteAgrees: routing by several workers, each owning a
// range of targets, gives the spikes of routing by one.
func TestParallelRouteAgrees(t *testing.T) {
	saved := routeShare
	defer func() { routeShare = saved }()
	var runs [][]sim.Spike
	for _, share := range []int64{1 << 62, 1} {
		routeShare = share
		e, err := NewEngine(kernelNet(Port{Synapse: Current, Shape: Exp, TauDecay: 2}, Exact, true), Options{Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		var rec sim.Memory
		if err := e.Run(context.Background(), 300, &rec, nil); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, rec.SpikeList)
	}
	t.Logf("%d spikes", len(runs[0]))
	if len(runs[0]) < 100 || !slices.Equal(runs[0], runs[1]) {
		t.Errorf("one routing worker gives %d spikes, three %d, or at other times", len(runs[0]), len(runs[1]))
	}
}
