package network

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/point"
)

// rateUnits is a population of n linear rate units (rate-relu with gain 1
// and threshold 0: τ dr/dt = −r + I while the input is positive).
func rateUnits(name string, n int, tau, I, r0 float64) *Population {
	return &Population{Name: name, N: n, Method: RK4, Model: &PointModel{Model: point.RateReLU(),
		Params: map[string][]float64{"tau": fill(n, tau), "I": fill(n, I)},
		Init:   map[string][]float64{"r": fill(n, r0)}}}
}

func fill(n int, x float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = x
	}
	return out
}

// TestRateDelayedCoupling: unit A relaxes, τA dA/dt = −A + IA, and drives
// unit B through rate synapses of weights w_k and delays D_k, τB dB/dt =
// −B + IB + Σ w_k·A(t − D_k), A(t < 0) = A(0): one synapse of delay dt or
// 3 ms, or two of their own weights and delays (the per-synapse columns).
// The engine follows the closed form within Σ|w_k|·max|A'|·dt (the sum
// is held over a step, as a spike input is), and halving dt halves the
// error (first order).
func TestRateDelayedCoupling(t *testing.T) {
	const (
		tauA, IA, A0 = 5.0, 1.0, 0.2
		tauB, IB, B0 = 8.0, 0.5, 0.0
		tstop        = 30.0
	)
	exactA := func(t float64) float64 { return IA + (A0-IA)*math.Exp(-t/tauA) }
	// lagged is the response y of τB dy/dt = −y + A(t − D), y(0) = 0.
	lagged := func(t, D float64) float64 {
		if t < D {
			return A0 * (1 - math.Exp(-t/tauB))
		}
		g := (A0 - IA) * tauA / (tauA - tauB)
		yD := A0 * (1 - math.Exp(-D/tauB))
		return IA + g*math.Exp(-(t-D)/tauA) + (yD-IA-g)*math.Exp(-(t-D)/tauB)
	}
	for _, c := range []struct {
		name string
		w, D []float64
	}{
		{"one synapse, delay dt", []float64{0.7}, []float64{0.01}},
		{"one synapse, delay 3 ms", []float64{0.7}, []float64{3}},
		{"two synapses", []float64{0.4, -0.3}, []float64{0.5, 3}},
	} {
		exactB := func(t float64) float64 {
			b := B0*math.Exp(-t/tauB) + IB*(1-math.Exp(-t/tauB))
			for k, w := range c.w {
				b += w * lagged(t, c.D[k])
			}
			return b
		}
		var errs []float64
		for _, dt := range []float64{0.01, 0.005} {
			a, b := rateUnits("A", 1, tauA, IA, A0), rateUnits("B", 1, tauB, IB, B0)
			pr := &Projection{Name: "A->B", From: a, To: b, Start: []int64{0, int64(len(c.w))}, Rate: &Rate{Var: "r", Input: "I"}}
			wsum := 0.0
			for k, w := range c.w {
				d, err := DelaySteps(c.D[k], dt)
				if err != nil {
					t.Fatal(err)
				}
				pr.Target, pr.W, pr.Delay = append(pr.Target, 0), append(pr.W, float32(w)), append(pr.Delay, d)
				wsum += math.Abs(w)
			}
			net := &Network{Dt: dt, Pops: []*Population{a, b}, Projections: []*Projection{pr}}
			e, err := NewEngine(net, Options{Probes: []Probe{{Pop: a, Var: "r"}, {Pop: b, Var: "r"}}})
			if err != nil {
				t.Fatal(err)
			}
			e.Init()
			var rec sim.Memory
			if err := e.Run(context.Background(), tstop, &rec, nil); err != nil {
				t.Fatal(err)
			}
			worstA, worstB := 0.0, 0.0
			for k, tk := range rec.T {
				worstA = max(worstA, math.Abs(rec.Values[k][0]-exactA(tk)))
				worstB = max(worstB, math.Abs(rec.Values[k][1]-exactB(tk)))
			}
			bound := wsum * (IA - A0) / tauA * dt
			t.Logf("%s, dt = %g ms: |A − exact| ≤ %.2e, |B − exact| ≤ %.2e (bound %.2e)", c.name, dt, worstA, worstB, bound)
			if worstA > 1e-9 || worstB > bound {
				t.Errorf("%s, dt = %g ms: errors %.3e (A), %.3e (B); want A within 1e-9, B within %.3e", c.name, dt, worstA, worstB, bound)
			}
			errs = append(errs, worstB)
		}
		if ratio := errs[1] / errs[0]; ratio < 0.4 || ratio > 0.6 {
			t.Errorf("%s: halving dt scales B's error by %.3f; want about 0.5 (first order)", c.name, ratio)
		}
	}
}

// rateNet is a random network of linear rate units E and I and
// Wilson–Cowan pairs W, coupled by rate projections with per-synapse
// weights and delays (steps minDelay to minDelay+4), E feeding W's
// parameter Q (not its input), and a spike projection W → I alongside.
func rateNet(n, minDelay int) *Network {
	r := rand.New(rand.NewPCG(1, 2))
	ex, in := rateUnits("E", n, 10, 0.6, 0), rateUnits("I", n, 5, 0.2, 0)
	for i := range n {
		ex.Model.Init["r"][i] = r.Float64()
	}
	wc := &Population{Name: "W", N: n / 4, Method: RK4, Model: &PointModel{Model: point.WilsonCowan()}}
	project := func(name string, from, to *Population, k int, w float64, rate *Rate) *Projection {
		pr := &Projection{Name: name, From: from, To: to, Start: []int64{0}, Rate: rate}
		for range from.N {
			var row []uint32
			for range k {
				row = append(row, uint32(r.IntN(to.N)))
			}
			slices.Sort(row)
			pr.Target = append(pr.Target, row...)
			pr.Start = append(pr.Start, int64(len(pr.Target)))
			for range k {
				pr.W = append(pr.W, float32(w*(0.5+r.Float64())))
				pr.Delay = append(pr.Delay, uint16(minDelay+r.IntN(5)))
			}
		}
		return pr
	}
	net := &Network{Dt: 0.1, Seed: 3, Pops: []*Population{ex, in, wc}}
	net.Projections = []*Projection{
		project("EE", ex, ex, 20, 0.03, &Rate{Var: "r", Input: "I"}),
		project("EI", ex, in, 20, 0.04, &Rate{Var: "r", Input: "I"}),
		project("IE", in, ex, 20, -0.05, &Rate{Var: "r", Input: "I"}),
		project("EW", ex, wc, 4, 0.2, &Rate{Var: "r", Input: "Q"}),
		project("WE", wc, ex, 4, 0.1, &Rate{Var: "E", Input: "I"}),
	}
	spikes := project("WI", wc, in, 4, 0.01, nil)
	spikes.Port = in.PortOf(Port{Synapse: Delta})
	net.Projections = append(net.Projections, spikes)
	return net
}

// TestRateThreads: a network coupled by rate projections runs to the same
// bits on one worker and on four.
func TestRateThreads(t *testing.T) {
	run := func(workers int) ([]float64, *sim.Memory) {
		net := rateNet(4000, 8)
		var probes []Probe
		for _, p := range net.Pops {
			for i := 0; i < p.N; i += 97 {
				probes = append(probes, Probe{Pop: p, Neuron: i, Var: p.Model.Model.Vars[0].Name})
			}
		}
		e, err := NewEngine(net, Options{Workers: workers, Probes: probes})
		if err != nil {
			t.Fatal(err)
		}
		e.Init()
		var rec sim.Memory
		if err := e.Run(context.Background(), 30, &rec, nil); err != nil {
			t.Fatal(err)
		}
		return e.Voltages(), &rec
	}
	v1, rec1 := run(1)
	v4, rec4 := run(4)
	if !slices.Equal(v1, v4) {
		t.Error("the states differ between one worker and four")
	}
	for k := range rec1.Values {
		if !slices.Equal(rec1.Values[k], rec4.Values[k]) {
			t.Fatalf("sample %d (t = %g ms) differs between one worker and four", k, rec1.T[k])
		}
	}
	if spread := slices.Max(v1[:4000]) - slices.Min(v1[:4000]); spread < 0.01 {
		t.Errorf("E's rates lie within %.3g of one another: the coupling left no trace to compare", spread)
	}
}

// TestRateRefused: what a rate projection cannot connect.
func TestRateRefused(t *testing.T) {
	lif := &Population{Name: "L", N: 2, LIF: &LIF{Tau: fill(2, 10), EL: fill(2, -70), R: fill(2, 10), Vth: fill(2, -50), Vreset: fill(2, -70), Tref: fill(2, 2), I: fill(2, 0)}}
	izh, _ := point.Builtin("izhikevich")
	spiking := &Population{Name: "Z", N: 2, Method: Euler, Model: &PointModel{Model: izh}}
	for _, c := range []struct {
		name     string
		from, to *Population
		rate     Rate
		want     string
	}{
		{"from lif", lif, rateUnits("R", 2, 10, 0, 0), Rate{Var: "v", Input: "I"}, "population L spikes and has no rate to carry"},
		{"from a spiking model", spiking, rateUnits("R", 2, 10, 0, 0), Rate{Var: "v", Input: "I"}, "population Z spikes"},
		{"unknown variable", rateUnits("R", 2, 10, 0, 0), rateUnits("S", 2, 10, 0, 0), Rate{Var: "x", Input: "I"}, `model rate-relu of population R has no variable "x"`},
		{"unknown parameter", rateUnits("R", 2, 10, 0, 0), rateUnits("S", 2, 10, 0, 0), Rate{Var: "r", Input: "J"}, `model rate-relu of population S has no parameter "J"`},
		{"to lif", rateUnits("R", 2, 10, 0, 0), lif, Rate{Var: "r", Input: "I"}, "population L takes spikes only"},
	} {
		pr := &Projection{Name: "P", From: c.from, To: c.to, Start: []int64{0, 1, 2}, Target: []uint32{0, 1},
			W: []float32{1}, Delay: []uint16{1}, Rate: &c.rate}
		_, err := NewEngine(&Network{Dt: 0.1, Pops: []*Population{c.from, c.to}, Projections: []*Projection{pr}}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one saying %q", c.name, err, c.want)
		}
	}
}

// TestRateTranspose: a projection's rows, turned by target, keep each
// synapse's source, weight and delay, each target's synapses in the order
// of their sources.
func TestRateTranspose(t *testing.T) {
	from, to := rateUnits("A", 3, 10, 0, 0), rateUnits("B", 3, 10, 0, 0)
	pr := &Projection{From: from, To: to, Start: []int64{0, 2, 4, 5}, Target: []uint32{1, 2, 0, 2, 2},
		W: []float32{1, 2, 3, 4, 5}, Delay: []uint16{10, 20, 30, 40, 50}}
	l := transpose(pr)
	want := struct {
		start []int64
		src   []uint32
		w     []float32
		delay []uint16
	}{[]int64{0, 1, 2, 5}, []uint32{1, 0, 0, 1, 2}, []float32{3, 1, 2, 4, 5}, []uint16{30, 10, 20, 40, 50}}
	if !slices.Equal(l.start, want.start) || !slices.Equal(l.src, want.src) || !slices.Equal(l.w, want.w) || !slices.Equal(l.delay, want.delay) {
		t.Errorf("transposed to start %v, sources %v, weights %v, delays %v; want %v", l.start, l.src, l.w, l.delay, want)
	}
}

// TestRateRerun: a run started again from the initial state repeats the
// first, even where a rate projection drives a parameter the initial
// state follows (Izhikevich's u(0) = b·v(0), b fed by a rate unit).
func TestRateRerun(t *testing.T) {
	izh, err := point.Builtin("izhikevich")
	if err != nil {
		t.Fatal(err)
	}
	src := rateUnits("R", 2, 5, 1, 0.5)
	z := &Population{Name: "Z", N: 2, Method: Euler, Model: &PointModel{Model: izh}}
	pr := &Projection{Name: "R->Z", From: src, To: z, Start: []int64{0, 1, 2}, Target: []uint32{0, 1},
		W: []float32{0.05}, Delay: []uint16{1}, Rate: &Rate{Var: "r", Input: "b"}}
	net := &Network{Dt: 0.1, Pops: []*Population{src, z}, Projections: []*Projection{pr}}
	e, err := NewEngine(net, Options{Probes: []Probe{{Pop: z, Var: "u"}, {Pop: z, Neuron: 1, Var: "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	var runs [2]sim.Memory
	for k := range runs {
		e.Init()
		if err := e.Run(context.Background(), 20, &runs[k], nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(runs[0].Values) == 0 || !slices.EqualFunc(runs[0].Values, runs[1].Values, slices.Equal) {
		t.Errorf("the second run differs from the first: u(0) %v then %v", runs[0].Values[0], runs[1].Values[0])
	}
}
