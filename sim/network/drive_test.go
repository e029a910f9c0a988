package network

import (
	"cmp"
	"context"
	"math"
	"slices"
	"testing"

	"neurite/sim"
	"neurite/sim/rng"
)

// TestPoissonDriveWords: neuron i's Poisson input at step n is the count
// of word n of stream i (its number in the network) of the drive's input
// under the network's seed, whatever the number of workers: the contract
// the GPU engine draws by. Neurons that integrate their inputs exactly
// (voltage jumps, no leak, no threshold) hold the sum of their counts.
func TestPoissonDriveWords(t *testing.T) {
	const steps = 37 // not a multiple of four: a call's words left over
	for _, workers := range []int{1, 3} {
		net := &Network{Dt: 1, Seed: 0xfeedbeef12}
		var pops []*Population
		for _, size := range []int{700, 13} {
			col := func(x float64) []float64 { return constant(size, x) }
			p := &Population{Name: "P", N: size, Method: Exact,
				LIF: &LIF{Tau: col(math.Inf(1)), EL: col(0), R: col(1), Vth: col(1e9), Vreset: col(0), Tref: col(0), I: col(0)}}
			k := p.PortOf(Port{Synapse: Delta})
			p.Drives = []Drive{{Kind: Poisson, Port: k, Rate: 700, W: 1}, {Kind: Poisson, Port: k, Rate: 2500, W: 0.25}}
			net.Pops = append(net.Pops, p)
			pops = append(pops, p)
		}
		e, err := NewEngine(net, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		if err := e.Run(context.Background(), steps, &sim.Memory{}, nil); err != nil {
			t.Fatal(err)
		}
		key, first := rng.KeyOf(net.Seed), 0
		for pi, p := range e.pops {
			for i := range p.N {
				want := 0.0
				for d, dr := range pops[pi].Drives {
					pd, err := rng.NewPoisson(dr.Rate * net.Dt * 1e-3)
					if err != nil {
						t.Fatal(err)
					}
					for n := range uint64(steps) {
						want += dr.W * float64(pd.Count(rng.Word(key, uint32(d), uint32(first+i), n)))
					}
				}
				if p.v[i] != want {
					t.Fatalf("%d workers: population %d, neuron %d holds %g, want %g", workers, pi, i, p.v[i], want)
				}
			}
			first += p.N
		}
	}
}

// TestDrivesThreads: a network with every kind of random input (Poisson
// sources, independent and shared Poisson trains, noise) gives the same
// spikes on one worker as on three, and a different seed other spikes.
func TestDrivesThreads(t *testing.T) {
	run := func(workers int, seed uint64) []sim.Spike {
		net := &Network{Dt: 0.1, Seed: seed}
		src := &Population{Name: "S", N: 50, Source: constant(50, 40)}
		col := func(x float64) []float64 { return constant(600, x) }
		p := &Population{Name: "P", N: 600, Method: Euler,
			LIF: &LIF{Tau: col(20), EL: col(-60), R: col(1), Vth: col(-50), Vreset: col(-60), Tref: col(2), I: col(8)}}
		k := p.PortOf(Port{Synapse: Current, Shape: Exp, TauDecay: 3})
		p.Drives = []Drive{
			{Kind: Poisson, Port: k, Rate: 800, W: 0.5},
			{Kind: Poisson, Port: k, Rate: 300, W: 0.5, Shared: true},
			{Kind: Noise, Mean: 0.5, SD: 2, Tau: 5},
		}
		pr := &Projection{Name: "in", From: src, To: p, Port: k, Start: make([]int64, src.N+1)}
		for i := range src.N {
			for j := i; j < p.N; j += src.N {
				pr.Target, pr.W, pr.Delay = append(pr.Target, uint32(j)), append(pr.W, 1), append(pr.Delay, 10)
			}
			pr.Start[i+1] = int64(len(pr.Target))
		}
		net.Pops, net.Projections = []*Population{src, p}, []*Projection{pr}
		e, err := NewEngine(net, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		var rec sim.Memory
		if err := e.Run(context.Background(), 200, &rec, nil); err != nil {
			t.Fatal(err)
		}
		return rec.SpikeList
	}
	one, three, other := run(1, 5), run(3, 5), run(3, 6)
	t.Logf("%d spikes", len(one))
	if len(one) < 500 {
		t.Fatalf("only %d spikes, too few to compare", len(one))
	}
	if !slices.Equal(one, three) {
		t.Errorf("one worker gives %d spikes, three %d, or at other times", len(one), len(three))
	}
	if slices.Equal(one, other) {
		t.Error("another seed gives the same spikes")
	}
}

// TestSourceWords: a Poisson source's spikes follow from its words alone,
// the contract the GPU engine draws by: the first at ⌊SourceWait⌋ of word
// 0 of input SourceStartInput, each next ⌊SourceWait⌋ + 1 steps after a
// spike at step n, of word n of input SourceInput, the stream the
// source's number in the network, at rates from 0 to past a spike a
// step, whatever the number of workers.
func TestSourceWords(t *testing.T) {
	const dt, steps = 0.1, 20000
	rates := []float64{0, 0.1, 1, 10, 100, 1000, 10000, 40000}
	for _, workers := range []int{1, 3} {
		lif := &Population{Name: "L", N: 3, Method: Exact, LIF: &LIF{Tau: constant(3, 10), EL: constant(3, 0), R: constant(3, 1), Vth: constant(3, 1), Vreset: constant(3, 0), Tref: constant(3, 0), I: constant(3, 0)}}
		src := &Population{Name: "S", N: len(rates), Source: rates}
		net := &Network{Dt: dt, Seed: 0xabc00000017, Pops: []*Population{lif, src}}
		e, err := NewEngine(net, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		var rec sim.Memory
		if err := e.Run(context.Background(), steps*dt, &rec, nil); err != nil {
			t.Fatal(err)
		}
		key := rng.KeyOf(net.Seed)
		var want []sim.Spike
		for i, r := range rates {
			g := src.First() + i
			lambda := SourceLambda(r, dt)
			due := func(from int64, input uint32, n int64) int64 {
				x := SourceWait(rng.Word(key, input, uint32(g), uint64(n)), lambda)
				if !(x < MaxSourceWait) {
					return math.MaxInt64
				}
				return from + int64(x)
			}
			for n := due(0, SourceStartInput, 0); n < steps; n = due(n+1, SourceInput, n) {
				tn := float64(n) * dt
				want = append(want, sim.Spike{Cell: g, T: tn, Step: tn})
			}
		}
		slices.SortStableFunc(want, func(a, b sim.Spike) int { return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Cell, b.Cell)) })
		if !slices.Equal(rec.SpikeList, want) {
			t.Fatalf("%d workers: %d spikes, the words give %d", workers, len(rec.SpikeList), len(want))
		}
		t.Logf("%d workers: %d spikes, each where its words put it", workers, len(want))
	}
}
