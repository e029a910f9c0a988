package analysis

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"neurite/sim/point"
)

// Point is a point of a branch of equilibria.
type Point struct {
	P           float64 // the parameter
	X           []float64
	Eigenvalues []complex128
	Stable      bool
}

// Special is a bifurcation point found on a branch.
type Special struct {
	Type  string // fold, hopf, snic, lpc
	P     float64
	X     []float64
	Note  string  // e.g. "supercritical", or why it is a SNIC
	L1    float64 // first Lyapunov coefficient (hopf): < 0 supercritical
	Omega float64 // angular frequency at a Hopf point (rad per time unit)
	// Period and Amplitude describe the cycle at an lpc point.
	Period, Amplitude float64
}

// Diagram is the result of a one-parameter continuation.
type Diagram struct {
	Param    string
	From, To float64
	Branches [][]Point // branches of equilibria
	Cycles   []CycleBranch
	Special  []Special
	Messages []string // what stopped a branch early, and why
}

// Report describes the diagram in lines of text: each special point with
// its parameter value and what it is, then why any branch stopped early.
func (d *Diagram) Report() []string {
	var lines []string
	for _, s := range d.Special {
		lines = append(lines, fmt.Sprintf("%-5s %s = %.6g  %s", s.Type, d.Param, s.P, s.Note))
	}
	for _, msg := range d.Messages {
		lines = append(lines, "note: "+msg)
	}
	return lines
}

// Options tune a continuation.
type Options struct {
	Window  Window  // state space considered (default: the model's ranges)
	MaxStep float64 // largest arclength step, as a fraction of the ranges (default 0.01)
	MinStep float64 // smallest before giving up (default 1e-6)
	Cycles  bool    // continue limit cycles from Hopf points
	// Progress is told the fraction of the work done.
	Progress func(float64)
}

// Continue traces the branches of equilibria of m as param runs from from
// to to by pseudo-arclength continuation, marking folds and Hopf points
// (with their criticality), and, with opts.Cycles, the limit cycles born
// at Hopf points with their folds; folds on an invariant circle are
// reported as SNICs. Branches are started from every equilibrium found at
// both ends of the interval; with opts.Cycles, branches of cycles also
// from every oscillation that a simulation settles into, at the ends and
// between the Hopf points and folds, that no branch from a Hopf point
// reached (as one starts AUTO or XPPAUT on a periodic orbit found by
// integration): a stable cycle whose Hopf point lies outside the
// interval, or one the continuation from its Hopf point could not follow
// all the way.
func Continue(ctx context.Context, model *point.Model, param string, from, to float64, opts Options) (*Diagram, error) {
	m := model.Clone()
	m.Stim = nil
	if _, ok := m.Param(param); !ok {
		return nil, m.SetParam(param, 0)
	}
	if !(to != from) {
		return nil, fmt.Errorf("continuation: the interval %v..%v is empty", from, to)
	}
	if opts.Window.Lo == nil {
		opts.Window = DefaultWindow(m)
	}
	if opts.MaxStep <= 0 {
		opts.MaxStep = 0.01
	}
	if opts.MinStep <= 0 {
		opts.MinStep = 1e-6
	}
	c := &continuer{m: m, param: param, from: from, to: to, opts: opts, sx: opts.Window.scale(), sp: math.Abs(to - from)}
	d := &Diagram{Param: param, From: from, To: to}
	var seeds []Point
	for _, end := range []float64{from, to} {
		m.SetParam(param, end)
		for _, e := range Equilibria(m, opts.Window) {
			seeds = append(seeds, Point{P: end, X: e.X})
		}
	}
	if len(seeds) == 0 {
		// Not an error: a brute-force sweep still shows what the model
		// does there.
		d.Messages = append(d.Messages, fmt.Sprintf("no equilibrium of %s in the window at %s = %v or %v: nothing to continue (the model may fire throughout; a brute-force sweep shows what it does)",
			m.Name, param, from, to))
		return d, nil
	}
	// Shares of the bar: the cycles take most of the time where they are
	// asked for (a shooting step integrates the model over a period).
	eqEnd, snicEnd := 0.9, 1.0
	if opts.Cycles {
		eqEnd, snicEnd = 0.2, 0.25
	}
	for k, s := range seeds {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		c.stage(eqEnd*float64(k)/float64(len(seeds)), eqEnd*float64(k+1)/float64(len(seeds)))
		if c.onBranch(d.Branches, s) {
			continue
		}
		// Trace towards the other end of the interval from each end.
		dir := math.Copysign(1, to-from)
		if s.P == to {
			dir = -dir
		}
		br, specials, msg := c.trace(ctx, s, dir)
		if len(br) > 1 {
			d.Branches = append(d.Branches, br)
			d.Special = append(d.Special, specials...)
		}
		if msg != "" {
			d.Messages = append(d.Messages, msg)
		}
	}
	c.stage(eqEnd, snicEnd)
	c.markSNICs(ctx, d)
	if opts.Cycles {
		var hopfs []Special
		for _, s := range d.Special {
			if s.Type == "hopf" {
				hopfs = append(hopfs, s)
			}
		}
		// The branches from the Hopf points, then the searches by
		// simulation, in equal shares of what is left.
		seeds := c.cycleSeeds(d) // of the equilibria's special points, which the cycles do not change
		tasks := float64(len(hopfs) + len(seeds))
		share := (1 - snicEnd) / tasks
		for k, s := range hopfs {
			if err := ctx.Err(); err != nil {
				return d, err
			}
			c.stage(snicEnd+share*float64(k), snicEnd+share*float64(k+1))
			cb, specials, msg := c.cycles(ctx, s)
			if len(cb.Points) > 0 {
				d.Cycles = append(d.Cycles, cb)
			}
			d.Special = append(d.Special, specials...)
			if msg != "" {
				d.Messages = append(d.Messages, msg)
			}
		}
		c.stage(snicEnd+share*float64(len(hopfs)), 1)
		if err := c.simulatedCycles(ctx, d, seeds); err != nil {
			return d, err
		}
	}
	c.stage(1, 1)
	slices.SortFunc(d.Special, func(a, b Special) int { return cmpFloat(a.P, b.P) })
	return d, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// continuer works in scaled coordinates z = (x/sx, p/sp), in which every
// variable and the parameter span about one unit of the window.
type continuer struct {
	m        *point.Model
	param    string
	from, to float64
	opts     Options
	sx       []float64
	sp       float64

	// The part of the progress bar of the current stage of the work, and
	// the most reported, so that the bar never moves back.
	stageLo, stageHi, reported float64
}

// stage starts a stage of the work, given the part of the bar from lo to
// hi.
func (c *continuer) stage(lo, hi float64) {
	c.stageLo, c.stageHi = lo, hi
	c.report(0)
}

// report tells Progress that a fraction f of the current stage is done.
// A branch reports as it goes, so that the bar moves during a long
// continuation of cycles rather than only between branches.
func (c *continuer) report(f float64) {
	if c.opts.Progress == nil {
		return
	}
	v := c.stageLo + min(max(f, 0), 1)*(c.stageHi-c.stageLo)
	if v > c.reported {
		c.reported = v
		c.opts.Progress(v)
	}
}

// covered is how far along the interval a branch started at p0 has come
// at p: the distance over that to the interval's farther end, where the
// branch must end at the latest unless it turns at a fold.
func (c *continuer) covered(p0, p float64) float64 {
	lo, hi := math.Min(c.from, c.to), math.Max(c.from, c.to)
	reach := math.Max(hi-p0, p0-lo)
	if !(reach > 0) {
		return 0
	}
	return math.Abs(p-p0) / reach
}

func (c *continuer) n() int { return c.m.Dim() }

func (c *continuer) toZ(p float64, x []float64) []float64 {
	z := make([]float64, len(x)+1)
	for i := range x {
		z[i] = x[i] / c.sx[i]
	}
	z[len(x)] = p / c.sp
	return z
}

func (c *continuer) fromZ(z []float64) (float64, []float64) {
	n := len(z) - 1
	x := make([]float64, n)
	for i := range x {
		x[i] = z[i] * c.sx[i]
	}
	return z[n] * c.sp, x
}

// F is the scaled vector field at z (equations divided by the scales).
func (c *continuer) F(z []float64) []float64 {
	p, x := c.fromZ(z)
	c.m.SetParam(c.param, p)
	f := make([]float64, len(x))
	c.m.Field(x, f)
	for i := range f {
		f[i] /= c.sx[i]
	}
	return f
}

// arc returns the pseudo-arclength machinery for the branch of
// equilibria: F(z) = 0 with z = (x, p) scaled.
func (c *continuer) arc() *arc {
	return &arc{n: c.n() + 1, F: func(z []float64) ([]float64, bool) { return c.F(z), true }}
}

func (c *continuer) tangent(z, prev []float64) ([]float64, error) { return c.arc().tangent(z, prev) }

func (c *continuer) correct(zp, t []float64) ([]float64, int, bool) { return c.arc().correct(zp, t) }

// pointAt makes a branch point with its eigenvalues.
func (c *continuer) pointAt(z []float64) Point {
	p, x := c.fromZ(z)
	c.m.SetParam(c.param, p)
	ev := Eigenvalues(Jacobian(c.m, x))
	stable := true
	for _, l := range ev {
		stable = stable && real(l) < 0
	}
	return Point{P: p, X: x, Eigenvalues: ev, Stable: stable}
}

// hopfTest is the real part of the complex pair of eigenvalues with the
// largest real part, and ok is false when there is no complex pair.
func hopfTest(ev []complex128) (float64, bool) {
	best, ok := math.Inf(-1), false
	for _, l := range ev {
		if math.Abs(imag(l)) > 1e-8*math.Max(1, cmplx.Abs(l)) && real(l) > best {
			best, ok = real(l), true
		}
	}
	return best, ok
}

// onBranch reports whether a seed lies on a branch already traced.
func (c *continuer) onBranch(branches [][]Point, s Point) bool {
	z := c.toZ(s.P, s.X)
	for _, br := range branches {
		for _, q := range br {
			if floatsNorm(diff(c.toZ(q.P, q.X), z)) < 5*c.opts.MaxStep {
				return true
			}
		}
	}
	return false
}

// trace follows a branch from s in the direction of the parameter dir
// until it leaves the interval or the window, and returns its points, the
// special points on it, and why it stopped if that was a failure.
func (c *continuer) trace(ctx context.Context, s Point, dir float64) ([]Point, []Special, string) {
	n := c.n()
	z := c.toZ(s.P, s.X)
	guess := make([]float64, n+1)
	guess[n] = dir
	t, err := c.tangent(z, guess)
	if err != nil {
		return nil, nil, fmt.Sprintf("branch at %s = %.6g: singular Jacobian at the start", c.param, s.P)
	}
	if t[n]*dir < 0 {
		for i := range t {
			t[i] = -t[i]
		}
	}
	branch := []Point{c.pointAt(z)}
	var specials []Special
	ds := c.opts.MaxStep / 4
	lo, hi := math.Min(c.from, c.to), math.Max(c.from, c.to)
	margin := 1e-9 * c.sp
	for steps := 0; steps < 20000; steps++ {
		if steps%64 == 0 && ctx.Err() != nil {
			return branch, specials, ""
		}
		zn, iters, ok := c.arc().advance(z, t, ds)
		if !ok {
			ds /= 2
			if ds < c.opts.MinStep {
				p, _ := c.fromZ(z)
				return branch, specials, fmt.Sprintf("continuation stopped at %s = %.6g: step fell below %g (the corrector does not converge there)", c.param, p, c.opts.MinStep)
			}
			continue
		}
		tn, err := c.tangent(zn, t)
		if err != nil {
			p, _ := c.fromZ(zn)
			return branch, specials, fmt.Sprintf("continuation stopped at %s = %.6g: singular extended Jacobian (a branch point?)", c.param, p)
		}
		prev := branch[len(branch)-1]
		pt := c.pointAt(zn)
		// Folds: the parameter's component of the tangent changes sign.
		if t[n]*tn[n] < 0 {
			fz := c.locate(z, t, ds, func(q []float64, tq []float64) float64 { return tq[n] })
			fp := c.pointAt(fz)
			specials = append(specials, Special{Type: "fold", P: fp.P, X: fp.X, Note: "saddle-node (limit point) of equilibria"})
		}
		// Hopf points: a complex pair crosses the imaginary axis.
		if a, okA := hopfTest(prev.Eigenvalues); okA {
			if b, okB := hopfTest(pt.Eigenvalues); okB && (a < 0) != (b < 0) {
				hz := c.locate(z, t, ds, func(q []float64, _ []float64) float64 {
					v, _ := hopfTest(c.pointAt(q).Eigenvalues)
					return v
				})
				specials = append(specials, c.hopf(hz))
			}
		}
		branch = append(branch, pt)
		c.report(c.covered(s.P, pt.P))
		z, t = zn, tn
		if pt.P < lo-margin || pt.P > hi+margin || !c.opts.Window.contains(pt.X, 0.05) {
			return branch, specials, ""
		}
		if iters <= 3 {
			ds = math.Min(ds*1.3, c.opts.MaxStep)
		} else if iters >= 6 {
			ds /= 1.5
		}
	}
	return branch, specials, fmt.Sprintf("continuation of the branch from %s = %.6g stopped after 20000 steps", c.param, s.P)
}

// locate finds, by bisection in arclength between z (tangent t) and the
// point ds further, where test changes sign, and returns that point.
func (c *continuer) locate(z, t []float64, ds float64, test func(q, tq []float64) float64) []float64 {
	at := func(s float64) ([]float64, []float64) {
		zp := make([]float64, len(z))
		for i := range zp {
			zp[i] = z[i] + s*t[i]
		}
		q, _, ok := c.correct(zp, t)
		if !ok {
			return nil, nil
		}
		tq, err := c.tangent(q, t)
		if err != nil {
			return q, t
		}
		return q, tq
	}
	q0, t0 := z, t
	f0 := test(q0, t0)
	a, b := 0.0, ds
	best := z
	for range 50 {
		mid := (a + b) / 2
		q, tq := at(mid)
		if q == nil {
			break
		}
		best = q
		if f := test(q, tq); (f < 0) == (f0 < 0) {
			a = mid
		} else {
			b = mid
		}
		if b-a < 1e-12 {
			break
		}
	}
	return best
}

// hopf describes the Hopf point at z: its frequency and the first
// Lyapunov coefficient, whose sign tells a supercritical Hopf (l1 < 0:
// small stable cycles) from a subcritical one.
func (c *continuer) hopf(z []float64) Special {
	p, x := c.fromZ(z)
	c.m.SetParam(c.param, p)
	l1, omega, err := FirstLyapunov(c.m, x, c.sx)
	s := Special{Type: "hopf", P: p, X: x, L1: l1, Omega: omega}
	switch {
	case err != nil:
		s.Note = "criticality unknown: " + err.Error()
	case l1 < 0:
		s.Note = "supercritical"
	default:
		s.Note = "subcritical"
	}
	return s
}
