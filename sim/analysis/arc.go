package analysis

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// arc is pseudo-arclength continuation of the solutions of F(z) = 0, where
// F maps n unknowns to n−1 equations, so that the solutions form a curve.
// Derivatives are taken by central differences.
type arc struct {
	n int
	F func(z []float64) ([]float64, bool)
	// Jac, when set, gives F's Jacobian instead of differences.
	Jac func(z []float64) (*mat.Dense, bool)
	// H is the difference step relative to max(1, |z_j|) (default 1e-7).
	H float64
	// Tol is the corrector's residual tolerance (default 1e-10); F that
	// comes from an integration needs a looser one.
	Tol float64
}

func (a *arc) step() float64 {
	if a.H > 0 {
		return a.H
	}
	return 1e-7
}

// jac is the (n−1)×n Jacobian of F at z.
func (a *arc) jac(z []float64) (*mat.Dense, bool) {
	if a.Jac != nil {
		return a.Jac(z)
	}
	J := mat.NewDense(a.n-1, a.n, nil)
	y := slices.Clone(z)
	for j := range a.n {
		h := a.step() * math.Max(1, math.Abs(z[j]))
		y[j] = z[j] + h
		fp, ok1 := a.F(y)
		y[j] = z[j] - h
		fm, ok2 := a.F(y)
		y[j] = z[j]
		if !ok1 || !ok2 {
			return nil, false
		}
		for i := range a.n - 1 {
			J.Set(i, j, (fp[i]-fm[i])/(2*h))
		}
	}
	return J, true
}

// extended stacks J over a last row r.
func extended(J *mat.Dense, r []float64) *mat.Dense {
	rows, cols := J.Dims()
	A := mat.NewDense(rows+1, cols, nil)
	A.Slice(0, rows, 0, cols).(*mat.Dense).Copy(J)
	for j := range cols {
		A.Set(rows, j, r[j])
	}
	return A
}

// tangent is the unit null vector of F's Jacobian at z, oriented along
// prev.
func (a *arc) tangent(z, prev []float64) ([]float64, error) {
	J, ok := a.jac(z)
	if !ok {
		return nil, errNotEvaluable
	}
	b := mat.NewVecDense(a.n, nil)
	b.SetVec(a.n-1, 1)
	var t mat.VecDense
	if err := t.SolveVec(extended(J, prev), b); err != nil {
		return nil, err
	}
	out := t.RawVector().Data
	l := floatsNorm(out)
	for i := range out {
		out[i] /= l
	}
	return out, nil
}

// advance takes a step of ds along the branch from z, whose tangent is
// t: the predictor z + ds·t, then the corrector. A corrected point
// further from the prediction than half the step is refused as well as
// a failed correction: on a smooth branch the corrector moves by about
// the curvature times ds²/2, so a longer move means that Newton found
// another branch (cycles of another amplitude, the far side of a fold),
// and the caller must shrink the step.
func (a *arc) advance(z, t []float64, ds float64) ([]float64, int, bool) {
	zp := make([]float64, len(z))
	for i := range zp {
		zp[i] = z[i] + ds*t[i]
	}
	zn, iters, ok := a.correct(zp, t)
	if !ok {
		return nil, iters, false
	}
	move := 0.0
	for i := range zn {
		move += (zn[i] - zp[i]) * (zn[i] - zp[i])
	}
	if math.Sqrt(move) > 0.5*ds {
		return nil, iters, false
	}
	return zn, iters, true
}

// correct finds, by Newton's method, the solution on the hyperplane
// through zp orthogonal to t; it returns the iterations used. It gives up
// as soon as the residual grows after the first step, when Newton is not
// converging: the caller halves the step, and each iteration of a cycle
// costs two integrations.
func (a *arc) correct(zp, t []float64) ([]float64, int, bool) {
	z := slices.Clone(zp)
	prev := math.Inf(1)
	for iter := 1; iter <= 8; iter++ {
		f, ok := a.F(z)
		if !ok {
			return nil, iter, false
		}
		g := 0.0
		for j := range z {
			g += t[j] * (z[j] - zp[j])
		}
		res := math.Abs(g)
		for _, v := range f {
			res = math.Max(res, math.Abs(v))
		}
		tol := a.Tol
		if tol <= 0 {
			tol = 1e-10
		}
		if res < tol {
			return z, iter, true
		}
		if iter > 2 && res > prev {
			return nil, iter, false
		}
		prev = res
		J, ok := a.jac(z)
		if !ok {
			return nil, iter, false
		}
		var dz mat.VecDense
		if err := dz.SolveVec(extended(J, t), mat.NewVecDense(a.n, append(f, g))); err != nil {
			return nil, iter, false
		}
		step := 0.0
		for j := range z {
			z[j] -= dz.AtVec(j)
			step = math.Max(step, math.Abs(dz.AtVec(j)))
			if math.IsNaN(z[j]) || math.IsInf(z[j], 0) {
				return nil, iter, false
			}
		}
		// A residual can stall above the tolerance where F is an
		// integration around a strongly unstable cycle: the integration
		// error, multiplied by the cycle's instability, sets its floor.
		// Newton's updates vanishing says the solution is found as well as
		// F allows.
		if step < 1e-10 {
			return z, iter, true
		}
	}
	return nil, 8, false
}

func floatsNorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
