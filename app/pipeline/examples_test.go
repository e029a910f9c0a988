package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"

	"neurite/compartments/reftest"
	"neurite/sim"
	"neurite/sim/point"
	"neurite/sim/spec"
	"neurite/sim/spiketrain"
)

// exampleRun is an example network's output: its spikes and the folder
// with the rest.
type exampleRun struct {
	dir    string
	spikes []sim.Spike
}

// runNetwork runs the example network assets/models/NAME.toml with the
// --set overrides sets, as neurite run does, into a temporary folder.
func runNetwork(t *testing.T, name string, sets ...string) exampleRun {
	t.Helper()
	n, err := LoadNetwork(filepath.Join("..", "..", "assets", "models", name+".toml"), sets...)
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := RunNetworkToDirectory(context.Background(), net, n.Run.Tstop, dir, nil); err != nil {
		t.Fatal(err)
	}
	r := exampleRun{dir: dir}
	tb := reftest.ReadFile(t, filepath.Join(dir, "spikes.csv"))
	ids, times, steps := tb.Floats(t, "neuron_id"), tb.Floats(t, "t_ms"), tb.Floats(t, "t_step_ms")
	for k := range ids {
		r.spikes = append(r.spikes, sim.Spike{Cell: int(ids[k]), T: times[k], Step: steps[k]})
	}
	return r
}

// in returns the spikes of neurons [n0, n1) in [t0, t1).
func (r exampleRun) in(n0, n1 int, t0, t1 float64) []sim.Spike {
	var out []sim.Spike
	for _, s := range r.spikes {
		if s.Cell >= n0 && s.Cell < n1 && s.T >= t0 && s.T < t1 {
			out = append(out, s)
		}
	}
	return out
}

// rate is the mean rate (Hz) of neurons [n0, n1) over [t0, t1).
func (r exampleRun) rate(n0, n1 int, t0, t1 float64) float64 {
	return float64(len(r.in(n0, n1, t0, t1))) / float64(n1-n0) / (t1 - t0) * 1000
}

// meanCV is the mean CV of the ISIs of neurons [n0, n1) over [t0, t1),
// over the neurons with three spikes or more.
func (r exampleRun) meanCV(t *testing.T, n0, n1 int, t0, t1 float64) float64 {
	t.Helper()
	trains := spiketrain.Trains(r.in(n0, n1, t0, t1), n1)
	cvs := spiketrain.CVs(trains[n0:])
	if len(cvs) == 0 {
		t.Fatalf("no neuron of %d:%d fires three spikes in %g-%g ms", n0, n1, t0, t1)
	}
	sum := 0.0
	for _, cv := range cvs {
		sum += cv
	}
	return sum / float64(len(cvs))
}

// active marks the neurons of [n0, n1) that fire in [t0, t1).
func (r exampleRun) active(n0, n1 int, t0, t1 float64) []bool {
	out := make([]bool, n1-n0)
	for _, s := range r.in(n0, n1, t0, t1) {
		out[s.Cell-n0] = true
	}
	return out
}

// TestExampleCOBAAgreesWithBrian2: over three seeds, the COBA example's
// mean rate and mean CV of ISI lie within three standard errors of
// Brian2's over sixteen (reference brian_coba_stats: the same model and
// delay, numpy code): |m_N − m_B| ≤ 3·sqrt(s_B²/16 + s_N²/3), the seeds'
// spread (s) being what the network's chaos gives, the only scale on
// which two simulators of it can be compared.
func TestExampleCOBAAgreesWithBrian2(t *testing.T) {
	ref := reftest.Read(t, "brian_coba_stats", "stats.csv")
	var rates, cvs []float64
	for _, seed := range []string{"1", "2", "3"} {
		r := runNetwork(t, "coba", "seed="+seed)
		rates = append(rates, r.rate(0, 4000, 0, 1000))
		cvs = append(cvs, r.meanCV(t, 0, 4000, 0, 1000))
	}
	for _, c := range []struct {
		name      string
		neurite   []float64
		reference []float64
	}{
		{"rate (Hz)", rates, ref.Floats(t, "rate_hz")},
		{"mean CV of ISI", cvs, ref.Floats(t, "cv_isi")},
	} {
		mN, sN := meanSD(c.neurite)
		mB, sB := meanSD(c.reference)
		bound := 3 * math.Sqrt(sB*sB/float64(len(c.reference))+sN*sN/float64(len(c.neurite)))
		t.Logf("%s: Neurite %.3f ± %.3f (3 seeds), Brian2 %.3f ± %.3f (16 seeds); difference %.3f, bound %.3f",
			c.name, mN, sN, mB, sB, math.Abs(mN-mB), bound)
		if math.Abs(mN-mB) > bound {
			t.Errorf("%s: Neurite %.3f, Brian2 %.3f: differ by more than %.3f", c.name, mN, mB, bound)
		}
	}
}

// meanSD returns the mean and the sample standard deviation.
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// TestExampleCUBA: the current-based benchmark fires at the rate and with
// the irregularity of Brian2's CUBA example (numpy, seeds 1–3: 5.6, 5.5
// and 6.2 Hz, CV 0.52–0.53); the band holds those with a margin.
func TestExampleCUBA(t *testing.T) {
	r := runNetwork(t, "cuba")
	rate, cv := r.rate(0, 4000, 0, 1000), r.meanCV(t, 0, 4000, 0, 1000)
	t.Logf("cuba: %d spikes, %.2f Hz, mean CV of ISI %.3f", len(r.spikes), rate, cv)
	if rate < 4 || rate > 7.5 || cv < 0.4 || cv > 0.65 {
		t.Errorf("%.2f Hz, CV %.3f: want 4–7.5 Hz and CV 0.4–0.65", rate, cv)
	}
}

// bandPower returns the fraction of a rate's variance (its power spectrum
// without the mean) in each band [lo, hi) Hz; the rate is binned at bin
// ms.
func bandPower(rate []float64, bin float64, bands ...[2]float64) []float64 {
	mean := 0.0
	for _, x := range rate {
		mean += x
	}
	mean /= float64(len(rate))
	x := make([]float64, len(rate))
	for i := range rate {
		x[i] = rate[i] - mean
	}
	coef := fourier.NewFFT(len(x)).Coefficients(nil, x)
	total := 0.0
	out := make([]float64, len(bands))
	for k := 1; k < len(coef); k++ {
		p := real(coef[k])*real(coef[k]) + imag(coef[k])*imag(coef[k])
		total += p
		f := float64(k) / (float64(len(x)) * bin / 1000)
		for b, band := range bands {
			if f >= band[0] && f < band[1] {
				out[b] += p
			}
		}
	}
	for b := range out {
		out[b] /= total
	}
	return out
}

// TestExampleBrunelRegimes: brunel.toml, at the paper's g and η by the
// --set values its header lists, shows the four states of Brunel's
// Fig. 8, told apart by the neurons' irregularity (mean CV of ISI) and by
// where the power of the excitatory population rate (0.5 ms bins, after a
// transient of 100 ms) lies: synchronous regular (regular neurons, the
// rate oscillating at the neurons' own high frequency), fast synchronous
// irregular (irregular neurons, a population oscillation of 100–250 Hz),
// asynchronous irregular (irregular neurons, no dominant band) and slow
// synchronous irregular (a population oscillation below 50 Hz).
func TestExampleBrunelRegimes(t *testing.T) {
	type stats struct{ rate, cv, slow, fast, faster float64 }
	for _, c := range []struct {
		name  string
		sets  []string
		check func(s stats) bool
		want  string
	}{
		{"SR", []string{"projection.IE.weight=-1.5", "projection.II.weight=-1.5"},
			func(s stats) bool { return s.cv < 0.2 && s.faster > 0.8 },
			"CV < 0.2 and over 80% of the power above 250 Hz"},
		{"SI fast", []string{"projection.IE.weight=-3", "projection.II.weight=-3", "input.ext_E.rate=8000", "input.ext_I.rate=8000"},
			func(s stats) bool { return s.cv > 0.7 && s.fast > 0.42 },
			"CV > 0.7 and over 42% of the power in 100–250 Hz"},
		{"AI", nil,
			func(s stats) bool { return s.cv > 0.7 && s.fast < 0.42 && s.slow < 0.3 && s.faster < 0.5 },
			"CV > 0.7 and no band holding most of the power"},
		{"SI slow", []string{"projection.IE.weight=-2.25", "projection.II.weight=-2.25", "input.ext_E.rate=1800", "input.ext_I.rate=1800"},
			func(s stats) bool { return s.slow > 0.4 && s.rate < 20 },
			"over 40% of the power in 5–50 Hz, and a rate below 20 Hz"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runNetwork(t, "brunel", c.sets...)
			const t0, t1, bin = 100.0, 300.0, 0.5
			_, hz, err := spiketrain.PopulationRate(r.spikes, 0, 2000, t0, t1, bin)
			if err != nil {
				t.Fatal(err)
			}
			p := bandPower(hz, bin, [2]float64{5, 50}, [2]float64{100, 250}, [2]float64{250, 1000})
			s := stats{rate: r.rate(0, 2000, t0, t1), cv: r.meanCV(t, 0, 2000, t0, t1), slow: p[0], fast: p[1], faster: p[2]}
			t.Logf("%s: %.1f Hz, mean CV %.2f, power in 5–50 Hz %.2f, 100–250 Hz %.2f, 250–1000 Hz %.2f", c.name, s.rate, s.cv, s.slow, s.fast, s.faster)
			if !c.check(s) {
				t.Errorf("%s: want %s", c.name, c.want)
			}
		})
	}
}

// TestExampleWilsonCowan: the pair with the drive in the limit-cycle
// range oscillates, with a steady amplitude and period; those below and
// above it settle to a steady state.
func TestExampleWilsonCowan(t *testing.T) {
	r := runNetwork(t, "wilson_cowan")
	tb := reftest.ReadFile(t, filepath.Join(r.dir, "traces.csv"))
	ts := tb.Floats(t, "t_ms")
	for j, oscillates := range []bool{false, true, false} {
		e := tb.Floats(t, fmt.Sprintf("WC[%d].E", j))
		var late []float64
		var lateT []float64
		for k := range ts {
			if ts[k] >= 50 {
				late, lateT = append(late, e[k]), append(lateT, ts[k])
			}
		}
		lo, hi := slices.Min(late), slices.Max(late)
		mid := (lo + hi) / 2
		var ups []float64
		for k := 1; k < len(late); k++ {
			if late[k-1] < mid && late[k] >= mid {
				ups = append(ups, lateT[k])
			}
		}
		t.Logf("pair %d: E in [%.4f, %.4f] after 50 ms, %d cycles", j, lo, hi, len(ups))
		switch {
		case oscillates && (hi-lo < 0.1 || len(ups) < 3):
			t.Errorf("pair %d: E in [%.4f, %.4f] with %d cycles after 50 ms; want an oscillation", j, lo, hi, len(ups))
		case oscillates:
			periods := spiketrain.ISIs(ups)
			if slices.Max(periods)-slices.Min(periods) > 0.02*slices.Max(periods) {
				t.Errorf("pair %d: periods %v ms; want a limit cycle of one period", j, periods)
			}
			t.Logf("pair %d: period %.2f ms", j, periods[0])
		case hi-lo > 1e-3:
			t.Errorf("pair %d: E in [%.4f, %.4f] after 50 ms; want a steady state", j, lo, hi)
		}
	}
}

// wcPair is a uniform Wilson–Cowan field as one E/I pair of rate units,
// τ dE/dt = −E + F_E(c1 E − c2 I + P), τ dI/dt = −I + F_I(c3 E − c4 I + Q),
// F(x) = 1/(1 + exp(−gain (x − θ))), with the constants read from the
// example file.
type wcPair struct {
	gE, thE, tauE, P, gI, thI, tauI, Q, c2, c3, c4 float64
}

func logistic(x, gain, theta float64) float64 { return 1 / (1 + math.Exp(-gain*(x-theta))) }

// newWCPair reads the pair from the file's populations E and I and
// projections EI and IE (I's own w is its self-inhibition −c4).
func newWCPair(t *testing.T, n *spec.Network) wcPair {
	t.Helper()
	param := func(pop, name string) float64 {
		for _, p := range n.Populations {
			if v, ok := p.Params[name]; p.Name == pop && ok {
				return v.Const
			}
		}
		x, _ := point.RateSigmoid().Param(name)
		return x
	}
	weight := func(name string) float64 {
		for _, pr := range n.Projections {
			if pr.Name == name {
				return pr.Weight.Const
			}
		}
		t.Fatalf("no projection %s", name)
		return 0
	}
	if param("E", "w") != 0 {
		t.Fatal("E's own w is not 0: the pair below leaves it out")
	}
	return wcPair{gE: param("E", "gain"), thE: param("E", "theta"), tauE: param("E", "tau"), P: param("E", "I"),
		gI: param("I", "gain"), thI: param("I", "theta"), tauI: param("I", "tau"), Q: param("I", "I"),
		c2: -weight("IE"), c3: weight("EI"), c4: -param("I", "w")}
}

// jacobian is the pair's trace and determinant at its one steady state
// for E–E strength c1: I solves its own equation for each E (its
// right-hand side falls with I), and E is the one zero of the other
// equation's residual in (0, 1).
func (p wcPair) jacobian(t *testing.T, c1 float64) (tr, det float64) {
	t.Helper()
	iOf := func(e float64) float64 {
		lo, hi := 0.0, 1.0
		for range 60 {
			if m := (lo + hi) / 2; logistic(p.c3*e-p.c4*m+p.Q, p.gI, p.thI) > m {
				lo = m
			} else {
				hi = m
			}
		}
		return (lo + hi) / 2
	}
	res := func(e float64) float64 { return logistic(c1*e-p.c2*iOf(e)+p.P, p.gE, p.thE) - e }
	var roots []float64
	const grid = 2000
	for k := range grid {
		a, b := float64(k)/grid, float64(k+1)/grid
		if res(a) > 0 && res(b) <= 0 || res(a) <= 0 && res(b) > 0 {
			for range 60 {
				if m := (a + b) / 2; (res(m) > 0) == (res(a) > 0) {
					a = m
				} else {
					b = m
				}
			}
			roots = append(roots, a)
		}
	}
	if len(roots) != 1 {
		t.Fatalf("c1 = %g: %d steady states %v; the test wants one", c1, len(roots), roots)
	}
	e := roots[0]
	i := iOf(e)
	fE := logistic(c1*e-p.c2*i+p.P, p.gE, p.thE)
	fI := logistic(p.c3*e-p.c4*i+p.Q, p.gI, p.thI)
	dE, dI := p.gE*fE*(1-fE), p.gI*fI*(1-fI) // F' = gain·F·(1 − F)
	a11, a12 := (c1*dE-1)/p.tauE, -p.c2*dE/p.tauE
	a21, a22 := p.c3*dI/p.tauI, (-1-p.c4*dI)/p.tauI
	return a11 + a22, a11*a22 - a12*a21
}

// TestExampleWilsonCowanField: the ring starts uniform and moves as one
// E/I pair, whose linearisation (computed here from the file's
// constants) loses stability in a Hopf bifurcation at an E–E strength
// c1* with period 2π/ω there. With the E–E weight 8 % below c1*/4 the
// ring settles; as written, 5 % above, it oscillates with every unit in
// step, with a period between 2π/ω and 1.4 times it: a Wilson–Cowan
// cycle slows as it grows away from onset, and the one-step delays
// bring the onset about 2 % lower.
func TestExampleWilsonCowanField(t *testing.T) {
	n, err := spec.LoadNetwork(filepath.Join("..", "..", "assets", "models", "wilson_cowan_field.toml"))
	if err != nil {
		t.Fatal(err)
	}
	pair := newWCPair(t, n)
	var ee spec.Projection
	for _, pr := range n.Projections {
		if pr.Name == "EE" {
			ee = pr
		}
	}
	c1 := float64(ee.K) * ee.Weight.Const
	if tr, _ := pair.jacobian(t, c1); tr <= 0 {
		t.Fatalf("as written (c1 = %g) the steady state is stable (trace %g)", c1, tr)
	}
	lo, hi := 0.0, c1 // trace < 0 at c1 = 0
	for range 50 {
		if tr, _ := pair.jacobian(t, (lo+hi)/2); tr < 0 {
			lo = (lo + hi) / 2
		} else {
			hi = (lo + hi) / 2
		}
	}
	onset := (lo + hi) / 2
	_, det := pair.jacobian(t, onset)
	if det <= 0 {
		t.Fatalf("at c1 = %g the determinant %g is not positive: no Hopf bifurcation", onset, det)
	}
	period := 2 * math.Pi / math.Sqrt(det)
	t.Logf("Hopf bifurcation at c1 = %.3f (weight %.3f) with period 2π/ω = %.1f ms; the file has c1 = %g", onset, onset/float64(ee.K), period, c1)
	if c1 < 1.03*onset {
		t.Fatalf("as written c1 = %g is within 3 %% of the onset %g: the test wants it clearly above", c1, onset)
	}
	below := strconv.FormatFloat(0.92*onset/float64(ee.K), 'g', 6, 64)
	for _, c := range []struct {
		name       string
		sets       []string
		oscillates bool
	}{
		{"as written", nil, true},
		{"EE.weight = " + below, []string{"projection.EE.weight=" + below}, false},
	} {
		r := runNetwork(t, "wilson_cowan_field", c.sets...)
		tb := reftest.ReadFile(t, filepath.Join(r.dir, "traces.csv"))
		ts, e0, e25 := tb.Floats(t, "t_ms"), tb.Floats(t, "E[0].r"), tb.Floats(t, "E[25].r")
		if !slices.Equal(e0, e25) {
			t.Errorf("%s: E[0] and E[25] differ; a uniform ring moves as one", c.name)
		}
		var late, lateT []float64
		for k := range ts {
			if ts[k] >= 500 {
				late, lateT = append(late, e0[k]), append(lateT, ts[k])
			}
		}
		lo, hi := slices.Min(late), slices.Max(late)
		var ups []float64
		for k := 1; k < len(late); k++ {
			if mid := (lo + hi) / 2; late[k-1] < mid && late[k] >= mid {
				ups = append(ups, lateT[k])
			}
		}
		t.Logf("%s: E in [%.4f, %.4f] after 500 ms, %d cycles", c.name, lo, hi, len(ups))
		switch {
		case c.oscillates && (hi-lo < 0.05 || len(ups) < 5):
			t.Errorf("%s: E in [%.4f, %.4f] with %d cycles after 500 ms; want the limit cycle", c.name, lo, hi, len(ups))
		case c.oscillates:
			got := (ups[len(ups)-1] - ups[0]) / float64(len(ups)-1)
			t.Logf("%s: period %.2f ms against %.2f ms at onset", c.name, got, period)
			if got < period || got > 1.4*period {
				t.Errorf("%s: period %.2f ms; want %.2f to %.2f ms (1 to 1.4 times the period at onset)", c.name, got, period, 1.4*period)
			}
		case hi-lo > 1e-3:
			t.Errorf("%s: E in [%.4f, %.4f] after 500 ms; want a steady state", c.name, lo, hi)
		}
	}
}

// TestExampleRingAttractor: the bump the cue (neurons 95–104, 50–150 ms)
// starts stays where the cue was, and stays narrow, for the 450 ms after
// the cue; with the local excitation weakened it dies after the cue (no
// more than a stray spike of the noise for every 50 of the bump's).
func TestExampleRingAttractor(t *testing.T) {
	r := runNetwork(t, "ring_attractor")
	for _, w := range [][2]float64{{200, 400}, {400, 600}} {
		act := r.active(0, 200, w[0], w[1])
		var ids []int
		for i, a := range act {
			if a {
				ids = append(ids, i)
			}
		}
		t.Logf("%g–%g ms: %d neurons fire, %v", w[0], w[1], len(ids), ids)
		if len(ids) < 10 || len(ids) > 40 {
			t.Errorf("%g–%g ms: %d neurons fire; want a bump of 10–40", w[0], w[1], len(ids))
		}
		for _, i := range ids {
			if i < 80 || i > 120 {
				t.Errorf("%g–%g ms: neuron %d fires, away from the cue at 95–104", w[0], w[1], i)
			}
		}
	}
	// Noise may fire a stray spike; a bump fires hundreds.
	weak := runNetwork(t, "ring_attractor", "projection.local.weight=0.015")
	bump, left := len(r.in(0, 200, 300, 600)), len(weak.in(0, 200, 300, 600))
	t.Logf("300–600 ms: %d spikes with the bump, %d with weak local excitation", bump, left)
	if 50*left > bump {
		t.Errorf("with weak local excitation, %d spikes after 300 ms against the bump's %d; want the bump to die", left, bump)
	}
}

// TestExampleHopfield: from a cue of overlap 0.6 with pattern 0, the
// network storing 5 patterns (0.05 N) recalls it (overlap > 0.9 over
// 200–400 ms, a neuron counting +1 when it fires); the one storing 30
// (0.3 N, above capacity) moves away from it (overlap < 0.5).
func TestExampleHopfield(t *testing.T) {
	patterns := reftest.ReadFile(t, filepath.Join("..", "..", "assets", "models", "hopfield", "patterns.csv"))
	xi := make([]float64, 100)
	for i := range xi {
		xi[i] = patterns.Floats(t, "x"+strconv.Itoa(i))[0]
	}
	for _, c := range []struct {
		name   string
		recall bool
	}{{"hopfield", true}, {"hopfield_overload", false}} {
		t.Run(c.name, func(t *testing.T) {
			r := runNetwork(t, c.name)
			m := 0.0
			for i, a := range r.active(0, 100, 200, 400) {
				if a {
					m += xi[i]
				} else {
					m -= xi[i]
				}
			}
			m /= 100
			t.Logf("%s: overlap with pattern 0 = %.2f", c.name, m)
			if c.recall && m <= 0.9 || !c.recall && m >= 0.5 {
				t.Errorf("%s: overlap %.2f; want %s", c.name, m, map[bool]string{true: "> 0.9", false: "< 0.5"}[c.recall])
			}
		})
	}
}

// TestExampleWave: every neuron of the sheet fires once, and the front
// (the mean first-spike time of neurons in rings 50 µm wide around the
// stimulus) moves outward at a steady speed.
func TestExampleWave(t *testing.T) {
	r := runNetwork(t, "wave")
	const nx, spacing = 40, 20.0
	first := make([]float64, nx*nx)
	for i := range first {
		first[i] = math.Inf(1)
	}
	for _, s := range r.spikes {
		first[s.Cell] = math.Min(first[s.Cell], s.T)
	}
	fired := 0
	sum, count := make([]float64, 8), make([]float64, 8)
	for i, tf := range first {
		if math.IsInf(tf, 1) {
			continue
		}
		fired++
		d := math.Hypot(float64(i%nx)*spacing-400, float64(i/nx)*spacing-400)
		if k := int(d / 50); k < len(sum) {
			sum[k] += tf
			count[k]++
		}
	}
	if fired < len(first)*99/100 || len(r.spikes) != fired {
		t.Errorf("%d of %d neurons fire, %d spikes; want each neuron once", fired, len(first), len(r.spikes))
	}
	for k := 1; k < len(sum); k++ {
		prev, cur := sum[k-1]/count[k-1], sum[k]/count[k]
		speed := 50 / (cur - prev)
		t.Logf("ring %d–%d µm: front at %.1f ms, %.1f µm/ms", 50*k, 50*k+50, cur, speed)
		if !(speed > 5 && speed < 50) {
			t.Errorf("ring %d–%d µm: front at %.1f ms after %.1f ms; want it moving outward at 5–50 µm/ms", 50*k, 50*k+50, cur, prev)
		}
	}
}

// TestExampleSeizure: the excitatory rate jumps as inhibition onto the
// excitatory neurons crosses a threshold between -5.5 and -4.5 mV: low
// and changing little on one side, near saturation on the other.
func TestExampleSeizure(t *testing.T) {
	rates := map[float64]float64{}
	for _, w := range []float64{-6, -5.5, -4.5, -4} {
		r := runNetwork(t, "seizure", "projection.IE.weight="+strconv.FormatFloat(w, 'g', -1, 64))
		rates[w] = r.rate(0, 800, 100, 500)
		t.Logf("inhibitory weight %g mV: %.1f Hz", w, rates[w])
	}
	if rates[-6] > 20 || rates[-5.5] > 20 {
		t.Errorf("rates %.1f and %.1f Hz at -6 and -5.5 mV; want low activity, below 20 Hz", rates[-6], rates[-5.5])
	}
	if rates[-4.5] < 150 || rates[-4] < 150 {
		t.Errorf("rates %.1f and %.1f Hz at -4.5 and -4 mV; want runaway activity, above 150 Hz", rates[-4.5], rates[-4])
	}
	if rates[-4.5] < 10*rates[-5.5] {
		t.Errorf("the rate goes from %.1f to %.1f Hz between -5.5 and -4.5 mV; want a jump of 10 times or more", rates[-5.5], rates[-4.5])
	}
}

// TestExampleBallAndStickNet: the Poisson-driven first layer fires, and
// its spikes, through NetCons, fire the second layer, which is silent
// without them.
func TestExampleBallAndStickNet(t *testing.T) {
	r := runNetwork(t, "ball_and_stick_net")
	first, second := r.active(0, 20, 0, 200), r.active(20, 100, 0, 200)
	nFirst, nSecond := count(first), count(second)
	t.Logf("first layer: %d cells fire %d spikes; second: %d cells fire %d spikes", nFirst, len(r.in(0, 20, 0, 200)), nSecond, len(r.in(20, 100, 0, 200)))
	if nFirst < 20 || nSecond < 70 {
		t.Errorf("%d of 20 cells of the first layer and %d of 80 of the second fire; want all of the first and most of the second", nFirst, nSecond)
	}
	if a, b := firstSpike(r.in(0, 20, 0, 200)), firstSpike(r.in(20, 100, 0, 200)); b < a+2 {
		t.Errorf("the second layer fires first at %g ms, the first layer at %g ms; want it after the delay of 2 ms", b, a)
	}
	silent := runNetwork(t, "ball_and_stick_net", "projection.feedforward.weight=0")
	if n := len(silent.in(20, 100, 0, 200)); n != 0 {
		t.Errorf("without the projection the second layer fires %d spikes; want none", n)
	}
}

// TestExampleMixedNet: in the network of point neurons and cable cells,
// Poisson sources fire the ball-and-stick cells, whose spikes fire the
// LIF interneurons (after the 1 ms delay; silent without them), whose
// inhibition slows the cells (faster without it).
func TestExampleMixedNet(t *testing.T) {
	r := runNetwork(t, "mixed_net")
	cells, inh := r.in(50, 60, 0, 300), r.in(60, 80, 0, 300)
	t.Logf("sources %d spikes, cells %d, interneurons %d", len(r.in(0, 50, 0, 300)), len(cells), len(inh))
	if n := count(r.active(50, 60, 0, 300)); n < 10 || len(inh) == 0 {
		t.Fatalf("%d of 10 cells fire and the interneurons fire %d spikes; want every cell and some", n, len(inh))
	}
	if a, b := firstSpike(cells), firstSpike(inh); b < a+1 {
		t.Errorf("the interneurons fire first at %g ms, the cells at %g ms; want them after the delay of 1 ms", b, a)
	}
	if n := len(runNetwork(t, "mixed_net", "projection.excite.weight=0").in(60, 80, 0, 300)); n != 0 {
		t.Errorf("without the cells' excitation the interneurons fire %d spikes; want none", n)
	}
	if n := len(runNetwork(t, "mixed_net", "projection.feedback.weight=0").in(50, 60, 0, 300)); n <= len(cells) {
		t.Errorf("without the feedback the cells fire %d spikes, with it %d; want more without", n, len(cells))
	}
}

// firstSpike is the time of the earliest spike (+Inf: none).
func firstSpike(spikes []sim.Spike) float64 {
	t := math.Inf(1)
	for _, s := range spikes {
		t = math.Min(t, s.T)
	}
	return t
}

func count(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}
