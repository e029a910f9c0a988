package analysis

import (
	"errors"
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/mat"

	"neurite/sim/point"
)

// Kind is the type of an equilibrium, from the eigenvalues of its Jacobian.
type Kind string

const (
	StableNode    Kind = "stable node"
	UnstableNode  Kind = "unstable node"
	StableFocus   Kind = "stable focus"
	UnstableFocus Kind = "unstable focus"
	Saddle        Kind = "saddle"
	NonHyperbolic Kind = "non-hyperbolic"
)

// Equilibrium is a rest state of a model.
type Equilibrium struct {
	X           []float64
	Eigenvalues []complex128
	Kind        Kind
}

// Stable reports whether every eigenvalue has a negative real part.
func (e Equilibrium) Stable() bool {
	for _, l := range e.Eigenvalues {
		if real(l) >= 0 {
			return false
		}
	}
	return true
}

// Jacobian is the model's Jacobian at x by central differences.
func Jacobian(m *point.Model, x []float64) *mat.Dense {
	n := len(x)
	J := mat.NewDense(n, n, nil)
	y := append([]float64(nil), x...)
	fp, fm := make([]float64, n), make([]float64, n)
	for j := range n {
		h := 1e-6 * math.Max(1, math.Abs(x[j]))
		y[j] = x[j] + h
		m.Field(y, fp)
		y[j] = x[j] - h
		m.Field(y, fm)
		y[j] = x[j]
		for i := range n {
			J.Set(i, j, (fp[i]-fm[i])/(2*h))
		}
	}
	return J
}

// Eigenvalues of a square matrix, sorted by real part, largest first.
func Eigenvalues(J *mat.Dense) []complex128 {
	var eig mat.Eigen
	if !eig.Factorize(J, mat.EigenNone) {
		n, _ := J.Dims()
		out := make([]complex128, n)
		for i := range out {
			out[i] = cmplx.NaN()
		}
		return out
	}
	ev := eig.Values(nil)
	sort.Slice(ev, func(i, j int) bool { return real(ev[i]) > real(ev[j]) })
	return ev
}

// Classify names the type of an equilibrium with these eigenvalues. In
// more than two dimensions an equilibrium whose only unstable directions
// are a complex pair is called an unstable focus (a saddle-focus): the
// trajectories leaving it spiral, as at a Hopf bifurcation.
func Classify(ev []complex128) Kind {
	posReal, posComplex, neg, complexPair := 0, 0, 0, false
	for _, l := range ev {
		isComplex := math.Abs(imag(l)) > 1e-9*math.Max(1, cmplx.Abs(l))
		complexPair = complexPair || isComplex
		switch {
		case math.Abs(real(l)) < 1e-9*math.Max(1, cmplx.Abs(l)):
			return NonHyperbolic
		case real(l) > 0 && isComplex:
			posComplex++
		case real(l) > 0:
			posReal++
		default:
			neg++
		}
	}
	switch {
	case posReal > 0 && (neg > 0 || posComplex > 0):
		return Saddle
	case posReal > 0:
		return UnstableNode
	case posComplex > 0:
		return UnstableFocus
	case complexPair:
		return StableFocus
	}
	return StableNode
}

// newton solves f(x) = 0 from x by damped Newton steps; ok reports
// convergence to |f| small relative to the variables' scales.
func newton(m *point.Model, x []float64, scale []float64) bool {
	n := len(x)
	f := make([]float64, n)
	step := mat.NewVecDense(n, nil)
	for iter := 0; iter < 60; iter++ {
		m.Field(x, f)
		if norm(f, scale) < 1e-10 {
			return true
		}
		J := Jacobian(m, x)
		if err := step.SolveVec(J, mat.NewVecDense(n, append([]float64(nil), f...))); err != nil {
			return false
		}
		// Damp the step to at most a fifth of the window, so that Newton
		// stays in the region it was started in.
		damp := 1.0
		for i := range n {
			if s := math.Abs(step.AtVec(i)); s > 0.2*scale[i] {
				damp = math.Min(damp, 0.2*scale[i]/s)
			}
		}
		for i := range n {
			x[i] -= damp * step.AtVec(i)
			if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
				return false
			}
		}
	}
	m.Field(x, f)
	return norm(f, scale) < 1e-8
}

func norm(f, scale []float64) float64 {
	s := 0.0
	for i, v := range f {
		s = math.Max(s, math.Abs(v)/scale[i])
	}
	return s
}

// Window is a box of state space: [Lo[i], Hi[i]] for each variable.
type Window struct{ Lo, Hi []float64 }

// DefaultWindow is the model's plotting ranges.
func DefaultWindow(m *point.Model) Window {
	w := Window{}
	for _, v := range m.Vars {
		w.Lo, w.Hi = append(w.Lo, v.Min), append(w.Hi, v.Max)
	}
	return w
}

func (w Window) scale() []float64 {
	s := make([]float64, len(w.Lo))
	for i := range s {
		s[i] = math.Max(w.Hi[i]-w.Lo[i], 1e-12)
	}
	return s
}

func (w Window) contains(x []float64, margin float64) bool {
	for i := range x {
		pad := margin * (w.Hi[i] - w.Lo[i])
		if x[i] < w.Lo[i]-pad || x[i] > w.Hi[i]+pad {
			return false
		}
	}
	return true
}

// ErrNoEquilibria is returned when none lies in the window.
var ErrNoEquilibria = errors.New("no equilibrium in the window")

// Equilibria finds every equilibrium in the window, not just the one
// nearest a guess: a scan along the membrane potential (other variables
// solved for with v held, as in voltage clamp), and for two-dimensional
// models also Newton from a grid of starting points, each refined by
// Newton's method, then merged. Of a model with a reset (LIF,
// Izhikevich), an equilibrium at or above the threshold is left out: the
// model resets and fires before it gets there.
func Equilibria(m *point.Model, w Window) []Equilibrium {
	n := m.Dim()
	scale := w.scale()
	th, resets := m.Threshold()
	var found [][]float64
	add := func(x []float64) {
		if !w.contains(x, 0.01) || resets && x[m.V] >= th {
			return
		}
		for _, y := range found {
			if norm(diff(x, y), scale) < 1e-6 {
				return
			}
		}
		found = append(found, append([]float64(nil), x...))
	}
	for _, x := range scanV(m, w) {
		if newton(m, x, scale) {
			add(x)
		}
	}
	if n == 2 {
		const g = 12
		for i := range g {
			for j := range g {
				x := []float64{
					w.Lo[0] + (float64(i)+0.5)/g*(w.Hi[0]-w.Lo[0]),
					w.Lo[1] + (float64(j)+0.5)/g*(w.Hi[1]-w.Lo[1]),
				}
				if newton(m, x, scale) {
					add(x)
				}
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i][m.V] < found[j][m.V] })
	out := make([]Equilibrium, len(found))
	for i, x := range found {
		ev := Eigenvalues(Jacobian(m, x))
		out[i] = Equilibrium{X: x, Eigenvalues: ev, Kind: Classify(ev)}
	}
	return out
}

func diff(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// scanV holds the membrane potential at points across the window, solves
// the other variables' equations there, and returns the states at which
// dv/dt changes sign: starting points that bracket every equilibrium the
// potential separates.
func scanV(m *point.Model, w Window) [][]float64 {
	n := m.Dim()
	vi := m.V
	const steps = 400
	rest := m.InitialState()
	var out [][]float64
	prevF := math.NaN()
	var prev []float64
	f := make([]float64, n)
	for k := 0; k <= steps; k++ {
		v := w.Lo[vi] + float64(k)/steps*(w.Hi[vi]-w.Lo[vi])
		x := append([]float64(nil), rest...)
		x[vi] = v
		if n > 1 && !clampSolve(m, x, w) {
			prevF = math.NaN()
			continue
		}
		m.Field(x, f)
		if k > 0 && !math.IsNaN(prevF) && (f[vi] == 0 || math.Signbit(f[vi]) != math.Signbit(prevF)) {
			mid := make([]float64, n)
			for i := range mid {
				mid[i] = (x[i] + prev[i]) / 2
			}
			out = append(out, mid)
		}
		prevF, prev = f[vi], x
		rest = x // continuation in v: the next solve starts here
	}
	return out
}

// clampSolve solves f_i(x) = 0 for the variables other than v, v held.
func clampSolve(m *point.Model, x []float64, w Window) bool {
	n := m.Dim()
	vi := m.V
	idx := make([]int, 0, n-1)
	for i := range n {
		if i != vi {
			idx = append(idx, i)
		}
	}
	k := len(idx)
	f := make([]float64, n)
	scale := w.scale()
	for iter := 0; iter < 50; iter++ {
		m.Field(x, f)
		res := 0.0
		for _, i := range idx {
			res = math.Max(res, math.Abs(f[i])/scale[i])
		}
		if res < 1e-12 {
			return true
		}
		J := Jacobian(m, x)
		sub := mat.NewDense(k, k, nil)
		b := mat.NewVecDense(k, nil)
		for a, i := range idx {
			b.SetVec(a, f[i])
			for c, j := range idx {
				sub.Set(a, c, J.At(i, j))
			}
		}
		var s mat.VecDense
		if err := s.SolveVec(sub, b); err != nil {
			return false
		}
		for a, i := range idx {
			x[i] -= s.AtVec(a)
		}
	}
	return false
}
