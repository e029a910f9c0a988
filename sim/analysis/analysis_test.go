package analysis

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"neurite/sim/ode"
	"neurite/sim/point"
)

func builtin(t testing.TB, name string) *point.Model {
	t.Helper()
	m, err := point.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func special(d *Diagram, kind string) []Special {
	var out []Special
	for _, s := range d.Special {
		if s.Type == kind {
			out = append(out, s)
		}
	}
	return out
}

// TestEquilibriaFound finds all three equilibria of the high-threshold
// I_Na,p + I_K model at I = 0 (node, saddle, focus), not only the nearest.
func TestEquilibriaFound(t *testing.T) {
	eqs := Equilibria(builtin(t, "inapk:high"), DefaultWindow(builtin(t, "inapk:high")))
	kinds := []Kind{}
	for _, e := range eqs {
		kinds = append(kinds, e.Kind)
	}
	want := []Kind{StableNode, Saddle, UnstableFocus}
	if len(eqs) != 3 || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Errorf("equilibria %v, want %v", kinds, want)
	}
}

// TestClassify covers the types from eigenvalues.
func TestClassify(t *testing.T) {
	cases := []struct {
		ev   []complex128
		want Kind
	}{
		{[]complex128{-1, -2}, StableNode}, {[]complex128{1, 2}, UnstableNode}, {[]complex128{1, -2}, Saddle},
		{[]complex128{complex(-1, 2), complex(-1, -2)}, StableFocus}, {[]complex128{complex(1, 2), complex(1, -2)}, UnstableFocus},
		{[]complex128{complex(0.1, 2), complex(0.1, -2), -3, -4}, UnstableFocus}, {[]complex128{0, -1}, NonHyperbolic},
	}
	for _, c := range cases {
		if got := Classify(c.ev); got != c.want {
			t.Errorf("Classify(%v) = %s, want %s", c.ev, got, c.want)
		}
	}
}

// TestFHNHopfClosedForm: FitzHugh–Nagumo's Hopf points are where the
// Jacobian's trace 1 − v² − a·c vanishes, v = ±√(1 − a·c), at
// I = −v + v³/3 + (v + b)/c.
func TestFHNHopfClosedForm(t *testing.T) {
	m := builtin(t, "fhn")
	d, err := Continue(context.Background(), m, "I", 0, 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := 0.08, 0.7, 0.8
	var want []float64
	for _, v := range []float64{-math.Sqrt(1 - a*c), math.Sqrt(1 - a*c)} {
		want = append(want, -v+v*v*v/3+(v+b)/c)
	}
	hopfs := special(d, "hopf")
	if len(hopfs) != 2 {
		t.Fatalf("hopf points %+v", hopfs)
	}
	for i, h := range hopfs {
		if math.Abs(h.P-want[i]) > 1e-6 {
			t.Errorf("Hopf at I = %.9f, closed form %.9f", h.P, want[i])
		}
		if math.Abs(h.Omega-math.Sqrt(a*(1-a*c*c))) > 1e-4 {
			t.Errorf("ω = %v, closed form %v", h.Omega, math.Sqrt(a*(1-a*c*c)))
		}
	}
}

// TestHopfNormalForm checks the first Lyapunov coefficient on the Hopf
// normal form, typed as equations. With Kuznetsov's normalisation
// (⟨q,q⟩ = 1, so z = (x + iy)/√2) the cubic coefficient of ż is 2s and
// l1 = 2s exactly.
func TestHopfNormalForm(t *testing.T) {
	for _, s := range []float64{-1, 0.5} {
		src := "par mu=-0.5, s=" + strconv.FormatFloat(s, 'g', -1, 64) + "\ninit x=0.1, y=0\n" +
			"x' = mu*x - y + s*x*(x^2 + y^2)\ny' = x + mu*y + s*y*(x^2 + y^2)\n"
		m, err := point.Parse(strings.NewReader(src), "hopf.ode")
		if err != nil {
			t.Fatal(err)
		}
		d, err := Continue(context.Background(), m, "mu", -0.5, 0.5, Options{})
		if err != nil {
			t.Fatal(err)
		}
		hopfs := special(d, "hopf")
		if len(hopfs) != 1 || math.Abs(hopfs[0].P) > 1e-6 {
			t.Fatalf("s = %v: hopf points %+v", s, hopfs)
		}
		if math.Abs(hopfs[0].L1-2*s) > 1e-3*math.Abs(s) {
			t.Errorf("s = %v: l1 = %v", s, hopfs[0].L1)
		}
		wantNote := "supercritical"
		if s > 0 {
			wantNote = "subcritical"
		}
		if hopfs[0].Note != wantNote {
			t.Errorf("s = %v: %s, want %s", s, hopfs[0].Note, wantNote)
		}
	}
}

// TestINaPKHighSNIC: the high-threshold I_Na,p + I_K model's resting state
// disappears in a saddle-node on invariant circle bifurcation at
// I = 4.51 (Izhikevich, Dynamical Systems in Neuroscience, 2007, ch. 6).
func TestINaPKHighSNIC(t *testing.T) {
	d, err := Continue(context.Background(), builtin(t, "inapk:high"), "I", 0, 10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	snics := special(d, "snic")
	if len(snics) != 1 || math.Abs(snics[0].P-4.51) > 0.01 {
		t.Fatalf("snic points %+v (all: %+v)", snics, d.Special)
	}
	t.Logf("SNIC at I = %.5f (published 4.51)", snics[0].P)
}

// TestINaPKLowHopf: the low-threshold model loses stability in a
// supercritical Andronov–Hopf bifurcation (Izhikevich 2007, ch. 6), at the
// current where the trace of the Jacobian vanishes; the cycles born there
// are stable and grow with the current.
func TestINaPKLowHopf(t *testing.T) {
	m := builtin(t, "inapk:low")
	d, err := Continue(context.Background(), m, "I", 0, 30, Options{Cycles: true})
	if err != nil {
		t.Fatal(err)
	}
	hopfs := special(d, "hopf")
	if len(hopfs) != 1 || hopfs[0].Note != "supercritical" {
		t.Fatalf("hopf points %+v", hopfs)
	}
	// The trace is zero where dI/dV... computed here independently by
	// bisection on the trace along the curve of equilibria.
	want := traceZeroCurrent(t, m, -60, -50)
	if math.Abs(hopfs[0].P-want) > 1e-4 {
		t.Errorf("Hopf at I = %.6f, trace zero at %.6f", hopfs[0].P, want)
	}
	if len(d.Cycles) != 1 || len(d.Cycles[0].Points) < 5 {
		t.Fatalf("cycles %+v", d.Cycles)
	}
	pts := d.Cycles[0].Points
	for _, p := range pts[1:] {
		if !p.Stable {
			t.Errorf("cycle at I = %.4f unstable", p.P)
		}
	}
	if pts[len(pts)-1].Max-pts[len(pts)-1].Min <= pts[1].Max-pts[1].Min {
		t.Error("cycle amplitude does not grow")
	}
}

// TestHHBistability: Hodgkin–Huxley's rest loses stability in a
// subcritical Hopf bifurcation at I ≈ 9.78 µA/cm², and its stable spiking
// cycle is born earlier, at a fold of cycles near 6.26 (Rinzel and
// Miller 1980), NEURON's threshold for tonic firing (6.21, testdata's
// hh_rheobase, where slow passage past the fold adds a few spikes) lying
// just below it. The stable cycles, which the continuation from the Hopf
// point cannot reach (its unstable cycles fold twice more and grow too
// unstable to shoot), come from the oscillation simulated at I = 30,
// continued to the fold; no branch may jump from the small unstable
// cycles to the large ones. Its progress is reported through the cycles
// (checkProgress).
func TestHHBistability(t *testing.T) {
	m := builtin(t, "hh")
	var progress []float64
	d, err := Continue(context.Background(), m, "I", 0, 30, Options{Cycles: true, Progress: func(f float64) { progress = append(progress, f) }})
	if err != nil {
		t.Fatal(err)
	}
	checkProgress(t, progress)
	hopfs := special(d, "hopf")
	if len(hopfs) != 1 || hopfs[0].Note != "subcritical" || math.Abs(hopfs[0].P-9.78) > 0.05 {
		t.Fatalf("hopf points %+v, want one subcritical near 9.78", hopfs)
	}
	var fold *Special
	for _, s := range special(d, "lpc") {
		if s.Amplitude > 80 { // the spiking cycle's fold, not the small cycles'
			fold = &s
		}
	}
	if fold == nil || math.Abs(fold.P-6.26) > 0.05 {
		t.Fatalf("folds of cycles %+v, want one of spikes near I = 6.26", special(d, "lpc"))
	}
	t.Logf("Hopf at %.4f (Rinzel & Miller 9.78), fold of cycles at %.4f (6.26)", hopfs[0].P, fold.P)
	stableAt := map[float64]bool{}
	for _, cb := range d.Cycles {
		for k, p := range cb.Points[1:] {
			q := cb.Points[k]
			if math.Abs(p.Max-p.Min-(q.Max-q.Min)) > 20 {
				t.Errorf("%s: the amplitude jumps from %.1f to %.1f mV between I = %.4f and %.4f", cb.From, q.Max-q.Min, p.Max-p.Min, q.P, p.P)
			}
			for _, I := range []float64{7, 15, 29} {
				if (p.P-I)*(q.P-I) <= 0 && p.Stable && q.Stable && p.Max > 20 {
					stableAt[I] = true
				}
			}
		}
	}
	if len(stableAt) != 3 {
		t.Errorf("stable spiking cycles found at %v, want at I = 7, 15 and 29", stableAt)
	}
}

// TestFHNRelaxationCycles: FitzHugh–Nagumo's cycles explode in a canard
// just past each Hopf point, where shooting stalls; the large relaxation
// cycle between them comes from the oscillation simulated between the
// Hopf points, continued both ways, stable, swinging v over (−2, 2).
func TestFHNRelaxationCycles(t *testing.T) {
	m := builtin(t, "fhn")
	d, err := Continue(context.Background(), m, "I", 0, 1.5, Options{Cycles: true})
	if err != nil {
		t.Fatal(err)
	}
	hopfs := special(d, "hopf")
	if len(hopfs) != 2 {
		t.Fatalf("hopf points %+v", hopfs)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, cb := range d.Cycles {
		for _, p := range cb.Points {
			if p.Stable && p.Max > 1.5 && p.Min < -1.5 {
				lo, hi = math.Min(lo, p.P), math.Max(hi, p.P)
			}
		}
	}
	if !(lo < hopfs[0].P+0.05 && hi > hopfs[1].P-0.05) {
		t.Errorf("stable relaxation cycles over I = %.3f..%.3f, want over the Hopf points' %.3f..%.3f", lo, hi, hopfs[0].P, hopfs[1].P)
	}
}

// TestMorrisLecarHopf: the Morris–Lecar model typed as equations
// (assets/models/morris_lecar.ode, the Hopf parameter set of Rinzel and
// Ermentrout 1998) loses its rest state at a subcritical Hopf point near
// I = 93.86 µA/cm² and regains it at another near 212, as they and
// Ermentrout and Terman (Mathematical Foundations of Neuroscience, 2010,
// §3.1) show.
func TestMorrisLecarHopf(t *testing.T) {
	m, err := point.ReadModelFile("../../assets/models/morris_lecar.ode")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Continue(context.Background(), m, "I", 0, 300, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hopfs := special(d, "hopf")
	if len(hopfs) != 2 {
		t.Fatalf("hopf points %+v", hopfs)
	}
	for i, want := range []float64{93.86, 212.0} {
		if math.Abs(hopfs[i].P-want) > 0.1 || hopfs[i].Note != "subcritical" {
			t.Errorf("Hopf point at I = %.4f (%s), want %g, subcritical", hopfs[i].P, hopfs[i].Note, want)
		}
	}
}

// traceZeroCurrent finds, for a model of (V, n) with n at steady state,
// the equilibrium current where the Jacobian's trace vanishes.
func traceZeroCurrent(t *testing.T, m *point.Model, vlo, vhi float64) float64 {
	t.Helper()
	trace := func(v float64) (float64, float64) {
		x := []float64{v, 0}
		clampSolve(m, x, DefaultWindow(m))
		// The current that makes (v, n) an equilibrium.
		m.SetParam("I", 0)
		f := make([]float64, 2)
		m.Field(x, f)
		I := -f[0] // C = 1
		m.SetParam("I", I)
		J := Jacobian(m, x)
		return J.At(0, 0) + J.At(1, 1), I
	}
	for vhi-vlo > 1e-10 {
		mid := (vlo + vhi) / 2
		if a, _ := trace(vlo); (a < 0) == (func() bool { b, _ := trace(mid); return b < 0 }()) {
			vlo = mid
		} else {
			vhi = mid
		}
	}
	_, I := trace(vlo)
	return I
}

// TestHHRheobaseAgainstNEURON compares the point hh neuron's thresholds for
// a 500 ms step with NEURON's (testdata/reference/hh_rheobase, made by its
// make.py): a single spike, and tonic firing.
func TestHHRheobaseAgainstNEURON(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "reference", "hh_rheobase", "rheobase.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := csv.NewReader(f).ReadAll()
	last := rows[len(rows)-1] // the finest dt: NEURON converged
	single, _ := strconv.ParseFloat(last[1], 64)
	tonic, _ := strconv.ParseFloat(last[2], 64)
	spikes := func(I float64) int {
		m := builtin(t, "hh")
		m.SetParam("I", 0)
		m.Stim = point.Step{Amp: I, From: 0, To: 1e9}
		tr, err := simulate(context.Background(), m, RunOptions{Method: ode.RK45, Dt: 0.01, Transient: 0.001, Duration: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(tr.Spikes)
	}
	threshold := func(count int) float64 {
		lo, hi := 0.0, 20.0
		for hi-lo > 1e-4 {
			mid := (lo + hi) / 2
			if spikes(mid) >= count {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi
	}
	for _, c := range []struct {
		name  string
		count int
		want  float64
	}{{"single spike", 1, single}, {"tonic firing", 5, tonic}} {
		got := threshold(c.count)
		t.Logf("%s: %.4f µA/cm², NEURON %.4f", c.name, got, c.want)
		if math.Abs(got-c.want) > 0.005*c.want {
			t.Errorf("%s threshold %.4f µA/cm², NEURON %.4f", c.name, got, c.want)
		}
	}
}

// TestFIClasses: the LIF neuron and the high-threshold I_Na,p + I_K model
// are class 1 (arbitrarily slow firing at onset), Hodgkin–Huxley class 2.
func TestFIClasses(t *testing.T) {
	cases := []struct {
		model     string
		from, to  float64
		class     int
		rheobase  float64
		tolerance float64
	}{
		{"lif", 1, 4, 1, 1.5, 1e-3},
		{"inapk:high", 0, 10, 1, 4.51, 0.02},
		{"hh", 0, 20, 2, 6.2, 0.2},
	}
	for _, c := range cases {
		fi, err := FI(context.Background(), builtin(t, c.model), "I", c.from, c.to, 16, RunOptions{Transient: 300, Duration: 1000})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", c.model, fi.Note)
		if fi.Class != c.class || math.Abs(fi.Rheobase-c.rheobase) > c.tolerance {
			t.Errorf("%s: class %d rheobase %.4f, want class %d rheobase %.4f", c.model, fi.Class, fi.Rheobase, c.class, c.rheobase)
		}
	}
}

// TestLIFFICurveAnalytic compares the F–I curve of the LIF neuron with
// its closed form at every current.
func TestLIFFICurveAnalytic(t *testing.T) {
	fi, err := FI(context.Background(), builtin(t, "lif"), "I", 0, 5, 11, RunOptions{Method: ode.ExpEuler, Dt: 0.1, Transient: 50, Duration: 2000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range fi.Points {
		want := point.LIFRate(10, -65, 10, -50, -65, 2, p.I)
		if math.Abs(p.Rate-want) > 1e-6*math.Max(1, want) {
			t.Errorf("I = %v nA: %.9f Hz, closed form %.9f Hz", p.I, p.Rate, want)
		}
	}
}

// TestResonatorIntegrator: Hodgkin–Huxley at rest is a resonator, the
// high-threshold I_Na,p + I_K model at rest an integrator.
func TestResonatorIntegrator(t *testing.T) {
	hh := builtin(t, "hh")
	hh.SetParam("I", 0)
	ex, err := Diagnose(context.Background(), hh)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Kind != "resonator" {
		t.Errorf("hh: %s", ex.Note)
	}
	in := builtin(t, "inapk:high")
	ex, err = Diagnose(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Kind != "integrator" {
		t.Errorf("inapk:high: %s", ex.Note)
	}
}

// TestLorenzLyapunov: the largest Lyapunov exponent of the Lorenz system
// (σ 10, ρ 28, β 8/3) is 0.9056 (Sprott, Chaos and Time-Series Analysis,
// 2003); typed as equations.
func TestLorenzLyapunov(t *testing.T) {
	src := "par sigma=10, rho=28, beta=8/3\ninit x=1, y=1, z=20\nx' = sigma*(y - x)\ny' = x*(rho - z) - y\nz' = x*y - beta*z\n"
	m, err := point.Parse(strings.NewReader(src), "lorenz.ode")
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Vars {
		m.Vars[i].Min, m.Vars[i].Max = -1, 1 // unscaled distances
	}
	l, err := LargestLyapunov(context.Background(), m, 20, 400, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.L-0.9056) > 0.05 || !l.Chaotic() || !l.Converged() {
		t.Errorf("largest Lyapunov exponent %.4f ± %.2g (chaotic %v), published 0.9056", l.L, l.Spread, l.Chaotic())
	}
	t.Logf("largest Lyapunov exponent %.4f ± %.2g (published 0.9056)", l.L, l.Spread)
	// An odd number of intervals splits into halves of unequal length,
	// each averaged over its own.
	even, err := LargestLyapunov(context.Background(), m, 20, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	odd, err := LargestLyapunov(context.Background(), m, 20, 101, 1)
	if err != nil {
		t.Fatal(err)
	}
	if odd.Spread > 3*even.Spread+0.005 {
		t.Errorf("101 intervals: %.4f ± %.2g, 100: %.4f ± %.2g", odd.L, odd.Spread, even.L, even.Spread)
	}
}

// TestLyapunovNotChaos: Hodgkin–Huxley firing tonically is a cycle: its
// exponent is near 0, not chaos; an estimate over too few intervals is
// refused rather than read as chaos (the separation's first turn towards
// the unstable direction would dominate it).
func TestLyapunovNotChaos(t *testing.T) {
	m := builtin(t, "hh")
	m.SetParam("I", 10)
	l, err := LargestLyapunov(context.Background(), m, 100, 300, 1)
	if err != nil {
		t.Fatal(err)
	}
	if l.Chaotic() || math.Abs(l.L) > 0.01 {
		t.Errorf("HH tonic firing: λ1 = %.4g ± %.2g, chaotic %v", l.L, l.Spread, l.Chaotic())
	}
	if _, err := LargestLyapunov(context.Background(), m, 100, 4, 1); err == nil || !strings.Contains(err.Error(), "at least 100") {
		t.Errorf("4 intervals: %v, want a refusal", err)
	}
}

// TestBruteForceShowsOscillationOnset: below the low-threshold model's
// Hopf point the maxima settle on the resting potential; above it they sit
// on the cycle, above the now unstable equilibrium.
func TestBruteForceShowsOscillationOnset(t *testing.T) {
	m := builtin(t, "inapk:low")
	pts, err := BruteForce(context.Background(), m, "I", 10, 20, 11, false, RunOptions{Transient: 200, Duration: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		I         float64
		oscillate bool
	}{{10, false}, {20, true}} {
		m.SetParam("I", c.I)
		eqs := Equilibria(m, DefaultWindow(m))
		if len(eqs) != 1 {
			t.Fatalf("I = %v: %d equilibria", c.I, len(eqs))
		}
		rest := eqs[0].X[0]
		peak := math.Inf(-1)
		for _, p := range pts {
			if p.P == c.I {
				peak = math.Max(peak, p.Value)
			}
		}
		if above := peak - rest; (above > 1) != c.oscillate {
			t.Errorf("I = %v: maxima reach %.3f mV, the equilibrium is at %.3f mV", c.I, peak, rest)
		}
	}
}

func TestCompareIntegrators(t *testing.T) {
	res, err := CompareIntegrators(context.Background(), builtin(t, "fhn"), 50)
	if err != nil {
		t.Fatal(err)
	}
	errOf := func(method string, step float64) float64 {
		for _, r := range res {
			if r.Method == method && r.Step == step {
				return r.Error
			}
		}
		t.Fatalf("no %s at %v", method, step)
		return 0
	}
	// Euler and exponential Euler are first order, RK4 fourth: halving dt
	// halves and sixteenths the error.
	if r := errOf("euler", 0.05) / errOf("euler", 0.025); r < 1.7 || r > 2.3 {
		t.Errorf("euler error ratio %.2f, want 2", r)
	}
	if r := errOf("expeuler", 0.05) / errOf("expeuler", 0.025); r < 1.7 || r > 2.3 {
		t.Errorf("expeuler error ratio %.2f, want 2", r)
	}
	if r := errOf("rk4", 0.1) / errOf("rk4", 0.05); r < 12 || r > 20 {
		t.Errorf("rk4 error ratio %.2f, want 16", r)
	}
	if e := errOf("rk45", 1e-9); e > 1e-6 {
		t.Errorf("rk45 at 1e-9: error %.2g", e)
	}
}

// checkProgress: the bar never moves back, ends full, and moves through
// the continuation of cycles in small steps rather than sitting at the
// share of the equilibria (Hodgkin–Huxley's sat at 25% for seconds) until
// a whole branch is done.
func checkProgress(t *testing.T, got []float64) {
	t.Helper()
	if len(got) == 0 || got[len(got)-1] != 1 {
		t.Fatalf("progress %v does not end at 1", got)
	}
	cycles := 0
	for i, f := range got {
		if i > 0 && f < got[i-1] {
			t.Fatalf("progress moves back: %g after %g", f, got[i-1])
		}
		if i > 0 && f-got[i-1] > 0.2 {
			t.Errorf("progress jumps from %g to %g", got[i-1], f)
		}
		if f > 0.25 && f < 1 {
			cycles++
		}
	}
	if cycles < 20 {
		t.Errorf("%d reports during the cycles, want many", cycles)
	}
}
