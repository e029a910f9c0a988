package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"

	"neurite/sim/ode"
)

var errNotEvaluable = errors.New("the flow could not be computed")

// CyclePoint is a limit cycle on a branch.
type CyclePoint struct {
	P        float64
	X0       []float64 // a point on the cycle
	Period   float64
	Min, Max float64 // range of the membrane potential over the cycle
	Stable   bool
	Floquet  []complex128 // multipliers other than the trivial one
}

// CycleBranch is a branch of limit cycles.
type CycleBranch struct {
	From   string // where it starts: a Hopf point, or an oscillation found by simulation
	Points []CyclePoint
}

// flow integrates the model from x over time T at the continuer's current
// parameter, accurately, and reports the range of v on the way.
func (c *continuer) flow(x []float64, T float64) ([]float64, float64, float64, bool) {
	y := append([]float64(nil), x...)
	lo, hi := y[c.m.V], y[c.m.V]
	c.m.Restart()
	_, err := ode.Integrate(context.Background(), c.m, y, 0, T, ode.Settings{Method: ode.RK45, Dt: T / 100, Rtol: 1e-9, Atol: 1e-12, MaxStep: T / 20},
		func(_ float64, s []float64) {
			lo, hi = math.Min(lo, s[c.m.V]), math.Max(hi, s[c.m.V])
		})
	return y, lo, hi, err == nil
}

// variational is the model together with its first variations: the state
// x, the matrix Φ = ∂x/∂x0 and the vector ψ = ∂x/∂p, integrated in one
// system: Φ' = J Φ, ψ' = J ψ + ∂f/∂p (J and ∂f/∂p by differences).
type variational struct {
	c *continuer
	p float64
}

func (v variational) Dim() int { n := v.c.n(); return n + n*n + n }

func (v variational) Deriv(t float64, z, dz []float64) {
	c := v.c
	n := c.n()
	x := z[:n]
	c.m.SetParam(c.param, v.p)
	J := Jacobian(c.m, x)
	c.m.Field(x, dz[:n])
	hp := 1e-6 * math.Max(1, math.Abs(v.p))
	fp, fm := make([]float64, n), make([]float64, n)
	c.m.SetParam(c.param, v.p+hp)
	c.m.Field(x, fp)
	c.m.SetParam(c.param, v.p-hp)
	c.m.Field(x, fm)
	c.m.SetParam(c.param, v.p)
	phi, dphi := z[n:n+n*n], dz[n:n+n*n]
	psi, dpsi := z[n+n*n:], dz[n+n*n:]
	for i := range n {
		for j := range n {
			s := 0.0
			for k := range n {
				s += J.At(i, k) * phi[k*n+j]
			}
			dphi[i*n+j] = s
		}
		s := (fp[i] - fm[i]) / (2 * hp)
		for k := range n {
			s += J.At(i, k) * psi[k]
		}
		dpsi[i] = s
	}
}

// flowVariations integrates x over T at p with its variations.
func (c *continuer) flowVariations(x []float64, T, p float64) (y []float64, phi *mat.Dense, psi []float64, ok bool) {
	n := c.n()
	z := make([]float64, n+n*n+n)
	copy(z, x)
	for i := range n {
		z[n+i*n+i] = 1
	}
	// Newton needs the variations less accurately than the flow itself
	// (the residual, from flow, decides convergence): a looser tolerance
	// here makes a step of a branch of cycles several times cheaper.
	_, err := ode.Integrate(context.Background(), variational{c, p}, z, 0, T, ode.Settings{Method: ode.RK45, Dt: T / 100, Rtol: 1e-7, Atol: 1e-10, MaxStep: T / 20}, nil)
	if err != nil {
		return nil, nil, nil, false
	}
	return z[:n], mat.NewDense(n, n, z[n:n+n*n]), z[n+n*n:], true
}

// shooting is the system a branch of cycles is continued in: the
// unknowns u = (x0 scaled, T/T0, p scaled) are a point on the cycle, its
// period and the parameter; the equations are φ_T(x0) = x0 and a phase
// condition fixing x0 on the plane through the previous cycle's point
// (ref) normal to the flow there (refF).
type shooting struct {
	*arc
	c         *continuer
	T0        float64
	ref, refF []float64
}

func (c *continuer) shooting(T0 float64) *shooting {
	n := c.n()
	sh := &shooting{c: c, T0: T0, ref: make([]float64, n), refF: make([]float64, n)}
	sh.arc = &arc{n: n + 2, Tol: 1e-7, Jac: func(u []float64) (*mat.Dense, bool) {
		// Exact blocks from the variational equations: ∂φ/∂x0 = Φ,
		// ∂φ/∂T = f(φ), ∂φ/∂p = ψ, all in scaled coordinates.
		p, x, T := c.unpack(u, T0)
		y, phi, psi, ok := c.flowVariations(x, T, p)
		if !ok {
			return nil, false
		}
		c.m.SetParam(c.param, p)
		fy := make([]float64, n)
		c.m.Field(y, fy)
		J := mat.NewDense(n+1, n+2, nil)
		for i := range n {
			for j := range n {
				v := phi.At(i, j)
				if i == j {
					v--
				}
				J.Set(i, j, v*c.sx[j]/c.sx[i])
			}
			J.Set(i, n, fy[i]*T0/c.sx[i])
			J.Set(i, n+1, psi[i]*c.sp/c.sx[i])
			J.Set(n, i, sh.refF[i])
		}
		return J, true
	}, F: func(u []float64) ([]float64, bool) {
		p, x, T := c.unpack(u, T0)
		if !(T > 0) {
			return nil, false
		}
		c.m.SetParam(c.param, p)
		y, _, _, ok := c.flow(x, T)
		if !ok {
			return nil, false
		}
		out := make([]float64, n+1)
		for i := range n {
			out[i] = (y[i] - x[i]) / c.sx[i]
			out[n] += sh.refF[i] * (u[i] - sh.ref[i])
		}
		return out, true
	}}
	return sh
}

// setRef puts the phase condition's plane through the cycle point of u.
func (sh *shooting) setRef(u []float64) {
	c := sh.c
	_, x, _ := c.unpack(u, sh.T0)
	copy(sh.ref, u[:c.n()])
	c.m.SetParam(c.param, u[c.n()+1]*c.sp)
	f := make([]float64, c.n())
	c.m.Field(x, f)
	for i := range f {
		sh.refF[i] = f[i] / c.sx[i]
	}
}

// cycles continues the limit cycles born at a Hopf point.
func (c *continuer) cycles(ctx context.Context, h Special) (CycleBranch, []Special, string) {
	n := c.n()
	from := fmt.Sprintf("cycles from the Hopf point at %s = %.6g", c.param, h.P)
	if h.Omega <= 0 {
		return CycleBranch{From: from}, nil, ""
	}
	T0 := 2 * math.Pi / h.Omega
	// The direction of the cycle at birth: the real part of the critical
	// eigenvector, in scaled coordinates.
	c.m.SetParam(c.param, h.P)
	q, err := criticalVector(Jacobian(c.m, h.X), c.sx)
	if err != nil {
		return CycleBranch{From: from}, nil, fmt.Sprintf("%s: %v", from, err)
	}
	sh := c.shooting(T0)
	// First cycle: a small amplitude along the critical direction, with
	// the parameter and period left for the corrector.
	const eps = 0.01
	u := make([]float64, n+2)
	for i := range n {
		u[i] = h.X[i]/c.sx[i] + eps*q[i]
	}
	u[n], u[n+1] = 1, h.P/c.sp
	// The phase plane goes through the first guess (the field vanishes at
	// the Hopf point itself).
	sh.setRef(u)
	t := make([]float64, n+2)
	copy(t, q)
	u, _, ok := sh.correct(u, t)
	if !ok {
		return CycleBranch{From: from}, nil, fmt.Sprintf("%s: no small cycle found near it", from)
	}
	t, err = sh.tangent(u, t)
	if err != nil {
		return CycleBranch{From: from}, nil, fmt.Sprintf("%s: %v", from, err)
	}
	// Orient away from the Hopf point (growing amplitude).
	grow := 0.0
	for i := range n {
		grow += t[i] * q[i]
	}
	if grow < 0 {
		for i := range t {
			t[i] = -t[i]
		}
	}
	return c.follow(ctx, sh, u, t, from)
}

// orbitCycles continues the branch of a cycle found by simulation at
// parameter p (a point x0 on it, its period T), setting off with the
// parameter growing (dir > 0) or falling.
func (c *continuer) orbitCycles(ctx context.Context, p float64, x0 []float64, T, dir float64) (CycleBranch, []Special, string) {
	n := c.n()
	from := fmt.Sprintf("cycles from the oscillation simulated at %s = %.6g", c.param, p)
	sh := c.shooting(T)
	u := make([]float64, n+2)
	for i := range n {
		u[i] = x0[i] / c.sx[i]
	}
	u[n], u[n+1] = 1, p/c.sp
	sh.setRef(u)
	// Corrected at the parameter found (the plane normal to its axis),
	// then oriented along dir.
	into := make([]float64, n+2)
	into[n+1] = math.Copysign(1, dir)
	u, _, ok := sh.correct(u, into)
	if !ok {
		return CycleBranch{From: from}, nil, fmt.Sprintf("%s: the shooting method does not converge on it", from)
	}
	t, err := sh.tangent(u, into)
	if err != nil {
		return CycleBranch{From: from}, nil, fmt.Sprintf("%s: %v", from, err)
	}
	return c.follow(ctx, sh, u, t, from)
}

// follow continues a branch of cycles from u along t by pseudo-arclength
// steps in the shooting system, marking its folds, until it leaves the
// interval or the window, its period grows without bound, or a step
// fails.
func (c *continuer) follow(ctx context.Context, sh *shooting, u, t []float64, from string) (CycleBranch, []Special, string) {
	n := c.n()
	br := CycleBranch{From: from}
	var specials []Special
	lo, hi := math.Min(c.from, c.to), math.Max(c.from, c.to)
	ds := 0.02
	for steps := 0; steps < maxCycleSteps; steps++ {
		if ctx.Err() != nil {
			return br, specials, ""
		}
		cp := c.cyclePoint(sh.arc, u, sh.T0)
		br.Points = append(br.Points, cp)
		// Done when it leaves the interval or takes its last step.
		c.report(max(c.covered(br.Points[0].P, cp.P), float64(steps+1)/maxCycleSteps))
		switch {
		case cp.P < lo || cp.P > hi:
			return br, specials, ""
		case cp.Period > 50*sh.T0:
			return br, specials, fmt.Sprintf("%s: the period grows without bound (T = %s) near %s = %.6g: the branch ends at a homoclinic orbit or an invariant circle",
				from, c.m.TimeValue(cp.Period, "%.4g"), c.param, cp.P)
		case !c.opts.Window.contains([]float64{cp.Min}, 0.5) && !c.opts.Window.contains([]float64{cp.Max}, 0.5):
			return br, specials, ""
		}
		sh.setRef(u)
		var un []float64
		var iters int
		var ok bool
		for {
			un, iters, ok = sh.advance(u, t, ds)
			if ok {
				break
			}
			ds /= 2
			if ds < c.opts.MinStep {
				msg := fmt.Sprintf("%s: stopped at %s = %.6g: step fell below %g", from, c.param, cp.P, c.opts.MinStep)
				if len(br.Points) > 2 && math.Abs(t[n+1]) < 0.05 {
					msg += " near a fold of cycles"
				}
				return br, specials, msg
			}
		}
		tn, err := sh.tangent(un, t)
		if err != nil {
			return br, specials, fmt.Sprintf("%s: stopped at %s = %.6g: %v", from, c.param, cp.P, err)
		}
		if t[n+1]*tn[n+1] < 0 {
			lz := c.cyclePoint(sh.arc, un, sh.T0)
			specials = append(specials, Special{Type: "lpc", P: lz.P, X: lz.X0, Period: lz.Period, Amplitude: lz.Max - lz.Min,
				Note: "fold (limit point) of cycles"})
		}
		u, t = un, tn
		// Newton with variations from a looser integration converges in
		// four or five iterations where it is easy.
		if iters <= 5 {
			ds = math.Min(ds*1.3, 0.25)
		} else if iters >= 7 {
			ds /= 1.5
		}
	}
	last := br.Points[len(br.Points)-1]
	return br, specials, fmt.Sprintf("%s: stopped after %d steps at %s = %.6g (period %s); the branch changes fast there (a canard explosion, or a cycle too unstable for shooting)",
		from, maxCycleSteps, c.param, last.P, c.m.TimeValue(last.Period, "%.4g"))
}

// maxCycleSteps bounds the points of a branch of cycles.
const maxCycleSteps = 300

// unpack reads (p, x, T) from cycle unknowns.
func (c *continuer) unpack(u []float64, T0 float64) (float64, []float64, float64) {
	n := c.n()
	x := make([]float64, n)
	for i := range x {
		x[i] = u[i] * c.sx[i]
	}
	return u[n+1] * c.sp, x, u[n] * T0
}

// cyclePoint describes the cycle at u, with its Floquet multipliers from
// the monodromy matrix (the x-block of the shooting Jacobian plus 1).
func (c *continuer) cyclePoint(a *arc, u []float64, T0 float64) CyclePoint {
	n := c.n()
	p, x, T := c.unpack(u, T0)
	c.m.SetParam(c.param, p)
	_, lo, hi, _ := c.flow(x, T)
	cp := CyclePoint{P: p, X0: x, Period: T, Min: lo, Max: hi, Stable: true}
	J, ok := a.jac(u)
	if !ok {
		return cp
	}
	M := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			v := J.At(i, j)
			if i == j {
				v++
			}
			M.Set(i, j, v)
		}
	}
	ev := Eigenvalues(M)
	// Leave out the multiplier nearest 1 (the direction along the cycle).
	trivial := 0
	for i := range ev {
		if cmplx.Abs(ev[i]-1) < cmplx.Abs(ev[trivial]-1) {
			trivial = i
		}
	}
	for i, mu := range ev {
		if i == trivial {
			continue
		}
		cp.Floquet = append(cp.Floquet, mu)
		if cmplx.Abs(mu) >= 1 {
			cp.Stable = false
		}
	}
	return cp
}

// criticalVector is the real part of the eigenvector of the eigenvalue
// with the largest imaginary part, in coordinates scaled by scale,
// normalised.
func criticalVector(J *mat.Dense, scale []float64) ([]float64, error) {
	n, _ := J.Dims()
	S := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			S.Set(i, j, J.At(i, j)*scale[j]/scale[i])
		}
	}
	var eig mat.Eigen
	if !eig.Factorize(S, mat.EigenRight) {
		return nil, errors.New("eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	k := 0
	for i, l := range vals {
		if imag(l) > imag(vals[k]) {
			k = i
		}
	}
	var V mat.CDense
	eig.VectorsTo(&V)
	q := make([]float64, n)
	for i := range n {
		q[i] = real(V.At(i, k))
	}
	l := floatsNorm(q)
	if l == 0 {
		return nil, errors.New("degenerate eigenvector")
	}
	for i := range q {
		q[i] /= l
	}
	return q, nil
}

// markSNICs re-labels as SNICs the folds of equilibria that lie on an
// invariant circle: just past the fold, where the saddle and the node
// have vanished, the model oscillates, with a period that grows as the
// fold is approached (as (p − p*)^(−1/2)).
func (c *continuer) markSNICs(ctx context.Context, d *Diagram) {
	for k := range d.Special {
		s := &d.Special[k]
		if s.Type != "fold" || ctx.Err() != nil {
			continue
		}
		side := c.vanishingSide(s)
		if side == 0 {
			continue
		}
		periods := make([]float64, 2)
		ok := true
		for i, delta := range []float64{0.02, 0.005} {
			periods[i], ok = c.periodNear(s, s.P+side*delta*c.sp)
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		// (p − p*)^(−1/2) doubles the period when the distance is quartered.
		if ratio := periods[1] / periods[0]; ratio > 1.4 && ratio < 3 {
			s.Type = "snic"
			s.Note = fmt.Sprintf("saddle-node on an invariant circle: past it the model oscillates with period %s at %s and %s at %s from the fold",
				c.m.TimeValue(periods[0], "%.4g"), c.m.ParamValue(c.param, 0.02*c.sp, "%.4g"), c.m.TimeValue(periods[1], "%.4g"), c.m.ParamValue(c.param, 0.005*c.sp, "%.4g"))
		}
	}
}

// vanishingSide is +1 or −1, the side of the fold's parameter where the
// equilibria near it have disappeared, or 0 if it cannot tell.
func (c *continuer) vanishingSide(s *Special) float64 {
	near := func(p float64) int {
		c.m.SetParam(c.param, p)
		count := 0
		for _, e := range Equilibria(c.m, c.opts.Window) {
			if norm(diff(e.X, s.X), c.sx) < 0.1 {
				count++
			}
		}
		return count
	}
	delta := 0.005 * c.sp
	up, down := near(s.P+delta), near(s.P-delta)
	switch {
	case up == 0 && down > 0:
		return 1
	case down == 0 && up > 0:
		return -1
	}
	return 0
}

// periodNear simulates the model at p from the fold's state and returns
// the period of the oscillation it settles into, if it oscillates.
func (c *continuer) periodNear(s *Special, p float64) (float64, bool) {
	c.m.SetParam(c.param, p)
	c.m.Restart()
	x := append([]float64(nil), s.X...)
	v := c.m.V
	level := s.X[v] + 0.1*c.sx[v]
	var crossings []float64
	prev := x[v]
	res, err := ode.Integrate(context.Background(), c.m, x, 0, 3000, ode.Settings{Method: ode.RK45, Dt: 0.01, Rtol: 1e-7, Atol: 1e-9, MaxStep: 1},
		func(t float64, y []float64) {
			if prev < level && y[v] >= level {
				crossings = append(crossings, t)
			}
			prev = y[v]
		})
	if err != nil {
		return 0, false
	}
	if len(res.Spikes) > 0 {
		crossings = res.Spikes // a model with a reset: its spikes
	}
	if len(crossings) < 4 {
		return 0, false
	}
	n := len(crossings)
	return (crossings[n-1] - crossings[n-3]) / 2, true
}

// oscillation simulates the model at p from x and returns a point on the
// cycle it settles into and the cycle's period, if it settles into one:
// after a transient, successive upward crossings of v's mid-level must
// come back to the same state, within a hundredth of the window (a
// start for the shooting method, which refines it).
func (c *continuer) oscillation(ctx context.Context, p float64, x []float64) ([]float64, float64, bool) {
	if c.m.Spiking() {
		return nil, 0, false // a reset is no smooth cycle to shoot
	}
	c.m.SetParam(c.param, p)
	c.m.Restart()
	y := slices.Clone(x)
	v := c.m.V
	s := ode.Settings{Method: ode.RK45, Dt: 0.01, Rtol: 1e-8, Atol: 1e-10, MaxStep: 1}
	lo, hi := math.Inf(1), math.Inf(-1)
	_, err := ode.Integrate(ctx, c.m, y, 0, oscillationTransient, s, func(t float64, z []float64) {
		if t > oscillationTransient/2 {
			lo, hi = math.Min(lo, z[v]), math.Max(hi, z[v])
		}
	})
	if err != nil || !(hi-lo > 0.01*c.sx[v]) {
		return nil, 0, false // interrupted, diverging, or at rest
	}
	level := (lo + hi) / 2
	var times []float64
	var states [][]float64
	prev, tPrev := slices.Clone(y), 0.0
	// The search ends at the third crossing.
	found, done := context.WithCancel(ctx)
	defer done()
	_, err = ode.Integrate(found, c.m, y, 0, oscillationTransient, s, func(t float64, z []float64) {
		if prev[v] < level && z[v] >= level && len(times) < 3 {
			// the crossing, linearly between the steps
			w := (level - prev[v]) / (z[v] - prev[v])
			at := make([]float64, len(z))
			for i := range z {
				at[i] = prev[i] + w*(z[i]-prev[i])
			}
			times = append(times, tPrev+w*(t-tPrev))
			states = append(states, at)
			if len(times) == 3 {
				done()
			}
		}
		copy(prev, z)
		tPrev = t
	})
	// err is the search's own end, or a blow-up before the third crossing
	if ctx.Err() != nil || len(times) < 3 || norm(diff(states[2], states[1]), c.sx) > 1e-2 {
		return nil, 0, false
	}
	return states[2], times[2] - times[1], true
}

// oscillationTransient is how long (in the model's time unit)
// oscillation lets a trajectory settle, and then looks for its cycle.
const oscillationTransient = 1000

// simulatedCycles adds the branches of cycles started from oscillations
// found by simulation, from the model's initial state and from each
// equilibrium, nudged, that lie on no branch yet: at both ends of the
// interval, continued inwards, and between successive Hopf points and
// folds of equilibria, continued both ways (where the branches from the
// Hopf points stall in a canard explosion, the large cycles between
// them are still found).
func (c *continuer) simulatedCycles(ctx context.Context, d *Diagram, seeds []cycleSeed) error {
	v := c.m.V
	lo, hi := c.stageLo, c.stageHi
	for k, sd := range seeds {
		c.stage(lo+(hi-lo)*float64(k)/float64(len(seeds)), lo+(hi-lo)*float64(k+1)/float64(len(seeds)))
		c.m.SetParam(c.param, sd.p)
		starts := [][]float64{c.m.InitialState()}
		for _, e := range Equilibria(c.m, c.opts.Window) {
			x := slices.Clone(e.X)
			x[v] += 0.05 * c.sx[v]
			starts = append(starts, x)
		}
		slo, shi := c.stageLo, c.stageHi
		for j, x := range starts {
			if err := ctx.Err(); err != nil {
				return err
			}
			c.stage(slo+(shi-slo)*float64(j)/float64(len(starts)), slo+(shi-slo)*float64(j+1)/float64(len(starts)))
			x0, T, ok := c.oscillation(ctx, sd.p, x)
			if !ok || onCycleBranch(d.Cycles, sd.p, T) {
				continue
			}
			for _, dir := range sd.dirs {
				cb, specials, msg := c.orbitCycles(ctx, sd.p, x0, T, dir)
				if len(cb.Points) > 0 {
					d.Cycles = append(d.Cycles, cb)
				}
				d.Special = append(d.Special, specials...)
				if msg != "" {
					d.Messages = append(d.Messages, msg)
				}
			}
		}
	}
	return nil
}

// cycleSeed is a parameter at which simulatedCycles looks for an
// oscillation, and the directions to continue one found in.
type cycleSeed struct {
	p    float64
	dirs []float64 // the parameter's directions to continue in
}

// cycleSeeds are the parameters at which simulatedCycles looks for
// oscillations: the interval's ends, continued inwards, and the middles
// between successive Hopf points and folds, continued both ways.
func (c *continuer) cycleSeeds(d *Diagram) []cycleSeed {
	marks := []float64{c.from, c.to}
	for _, s := range d.Special {
		if s.Type == "hopf" || s.Type == "fold" || s.Type == "snic" {
			marks = append(marks, s.P)
		}
	}
	slices.Sort(marks)
	marks = slices.Compact(marks)
	inwards := math.Copysign(1, c.to-c.from)
	seeds := []cycleSeed{{c.from, []float64{inwards}}, {c.to, []float64{-inwards}}}
	for k := 1; k < len(marks); k++ {
		seeds = append(seeds, cycleSeed{(marks[k-1] + marks[k]) / 2, []float64{1, -1}})
	}
	return seeds
}

// onCycleBranch reports whether a branch passes through a cycle of
// period T at parameter p: two successive points on either side of p
// (or one at it) whose period, interpolated at p, is within 2% of T.
func onCycleBranch(branches []CycleBranch, p, T float64) bool {
	for _, cb := range branches {
		for k := range cb.Points {
			a := cb.Points[k]
			if a.P == p && math.Abs(a.Period-T) < 0.02*T {
				return true
			}
			if k == 0 {
				continue
			}
			b := cb.Points[k-1]
			if (a.P-p)*(b.P-p) < 0 {
				at := b.Period + (p-b.P)/(a.P-b.P)*(a.Period-b.Period)
				if math.Abs(at-T) < 0.02*T {
					return true
				}
			}
		}
	}
	return false
}
