package network

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"neurite/sim"
)

// songSTDP is Song, Miller and Abbott's (2000) setting as in Brian2's
// example: 1000 Poisson inputs at 15 Hz onto one conductance-based
// integrate-and-fire neuron through additive STDP, initial weights
// uniform in [0, gmax].
func songSTDP(t *testing.T, seconds float64) (*Projection, *Engine) {
	t.Helper()
	const n, gmax = 1000, 0.01
	in := &Population{Name: "in", N: n, Source: constant(n, 15)}
	out := &Population{Name: "out", N: 1, Method: Euler,
		LIF: &LIF{Tau: []float64{10}, EL: []float64{-74}, R: []float64{1}, Vth: []float64{-54}, Vreset: []float64{-60}, Tref: []float64{0}, I: []float64{0}}}
	port := out.PortOf(Port{Synapse: Conductance, Shape: Exp, TauDecay: 5, E: 0})
	pr := &Projection{Name: "in->out", From: in, To: out, Port: port, Start: make([]int64, n+1), Delay: []uint16{1}}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		pr.Start[i+1] = int64(i + 1)
		pr.Target = append(pr.Target, 0)
		pr.W = append(pr.W, float32(r.Float64()*gmax))
	}
	if err := pr.SetPlasticity(&STDP{TauPlus: 20, TauMinus: 20, APlus: 0.01, AMinus: 0.0105, WMax: gmax}, nil); err != nil {
		t.Fatal(err)
	}
	net := &Network{Dt: 0.1, Seed: 7, Pops: []*Population{in, out}, Projections: []*Projection{pr}}
	e, err := NewEngine(net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	if err := e.Run(context.Background(), seconds*1000, sim.Discard{}, nil); err != nil {
		t.Fatal(err)
	}
	return pr, e
}

func constant(n int, x float64) []float64 {
	col := make([]float64, n)
	for i := range col {
		col[i] = x
	}
	return col
}

// TestSTDPBimodal: competitive additive STDP drives weights from a
// uniform distribution toward the two bounds (Song, Miller and Abbott
// 2000, Fig. 2): after 60 s each outer tenth of [0, gmax] holds more than
// twice as many weights as a typical inner tenth.
func TestSTDPBimodal(t *testing.T) {
	pr, _ := songSTDP(t, 60)
	const gmax = 0.01
	var h [10]int
	for _, w := range pr.W {
		h[min(9, int(w/gmax*10))]++
	}
	inner := slices.Clone(h[1:9])
	slices.Sort(inner)
	median := float64(inner[3]+inner[4]) / 2
	t.Logf("weights by tenths of gmax after 60 s: %v", h)
	if float64(h[0]) < 2*median || float64(h[9]) < 2*median {
		t.Errorf("weights are not bimodal: %v", h)
	}
}

// TestScalingReachesTarget: synaptic scaling brings neurons driven too
// weakly to the target rate.
func TestScalingReachesTarget(t *testing.T) {
	const n, k, target = 20, 20, 10.0
	in := &Population{Name: "in", N: n * k, Source: constant(n*k, 50)}
	out := &Population{Name: "out", N: n, Method: Euler,
		LIF: &LIF{Tau: constant(n, 20), EL: constant(n, -70), R: constant(n, 100), Vth: constant(n, -54), Vreset: constant(n, -60), Tref: constant(n, 2), I: constant(n, 0)}}
	port := out.PortOf(Port{Synapse: Current, Shape: Exp, TauDecay: 5})
	pr := &Projection{Name: "in->out", From: in, To: out, Port: port, Start: make([]int64, n*k+1), W: []float32{0.01}, Delay: []uint16{1}}
	for i := range n * k {
		pr.Start[i+1] = int64(i + 1)
		pr.Target = append(pr.Target, uint32(i/k))
	}
	if err := pr.SetPlasticity(nil, &Scaling{Target: target, Tau: 500, Rate: 3e-4}); err != nil {
		t.Fatal(err)
	}
	net := &Network{Dt: 0.1, Seed: 3, Pops: []*Population{in, out}, Projections: []*Projection{pr}}
	e, err := NewEngine(net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	rate := func(from, to float64) float64 {
		var rec sim.Memory
		if err := e.Run(context.Background(), to, &rec, nil); err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, s := range rec.SpikeList {
			if s.Cell >= out.First() {
				count++
			}
		}
		return float64(count) / n / (to - from) * 1000
	}
	before := rate(0, 2000)
	rate(2000, 12000)
	after := rate(12000, 16000)
	t.Logf("rate %.2f Hz in the first 2 s, %.2f Hz after 12 s (target %g Hz)", before, after, target)
	if before > target/2 || math.Abs(after-target) > 0.2*target {
		t.Errorf("rate %.2f Hz at first and %.2f Hz after 12 s: want well below %g Hz, then within 20%% of it", before, after, target)
	}
}

// TestSameStepOrder: spikes of one step learn in Brian2's order, the
// presynaptic pathway before the postsynaptic one, whatever the order of
// the neurons: a pre and a post spike in the same step potentiate their
// synapse by a whole a_plus (the pre trace has already grown) and do not
// depress it (the post trace has not), and the pre spike is delivered
// with the weight from before the step.
func TestSameStepOrder(t *testing.T) {
	const w0, wmax, aPlus = 0.5, 1.0, 0.1
	for _, preFirst := range []bool{true, false} {
		a := &Population{Name: "A", N: 1, Source: []float64{0}}
		b := &Population{Name: "B", N: 1, Source: []float64{0}}
		pops := []*Population{a, b}
		if !preFirst {
			pops = []*Population{b, a}
		}
		lif := &LIF{Tau: []float64{10}, EL: []float64{0}, R: []float64{1}, Vth: []float64{1}, Vreset: []float64{0}, Tref: []float64{0}, I: []float64{0}}
		c := &Population{Name: "C", N: 1, LIF: lif}
		port := c.PortOf(Port{Synapse: Delta})
		pops = append(pops, c)
		// A reaches B (learning) and C (to see what A delivers).
		ab := &Projection{Name: "A->B", From: a, To: b, Start: []int64{0, 1}, Target: []uint32{0}, W: []float32{w0}, Delay: []uint16{1}}
		ac := &Projection{Name: "A->C", From: a, To: c, Port: port, Start: []int64{0, 1}, Target: []uint32{0}, W: []float32{0.25}, Delay: []uint16{1}}
		if err := ab.SetPlasticity(&STDP{TauPlus: 20, TauMinus: 20, APlus: aPlus, AMinus: 0.2, WMax: wmax}, nil); err != nil {
			t.Fatal(err)
		}
		b.PortOf(Port{Synapse: Delta})
		e, err := NewEngine(&Network{Dt: 0.1, Pops: pops, Projections: []*Projection{ab, ac}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		_, wiring := e.Part()
		q := sim.NewQueue(wiring.Targets, 4)
		at := 0.5
		spikes := []sim.Spike{{Cell: a.first, T: at, Step: at}, {Cell: b.first, T: at, Step: at}}
		slices.SortFunc(spikes, func(x, y sim.Spike) int { return x.Cell - y.Cell })
		wiring.Router.Route(spikes, q)
		if got, want := ab.W[0], float32(w0+aPlus*wmax); got != want {
			t.Errorf("pre first %v: weight %v after a same-step pair, want %v", preFirst, got, want)
		}
		if got := q.Due(6)[int(c.base)]; got != 0.25 {
			t.Errorf("pre first %v: C receives %v, want 0.25", preFirst, got)
		}
	}
}
