package ode

import (
	"fmt"
	"math"
)

// integrator holds the work arrays of one integration.
type integrator struct {
	sys System
	spk Spiker
	lin Linear
	brk Breaker
	s   Settings
	res Result

	k          [7][]float64
	x0, y, err []float64
	a, b       []float64
	h          float64 // RK45's next step
	haveK1     bool    // k[0] holds f(t, x) (first same as last)
	t0         float64 // start of the integration
	fixed      int     // fixed steps taken
}

func newIntegrator(sys System, s Settings, t0 float64) *integrator {
	n := sys.Dim()
	in := &integrator{sys: sys, s: s, t0: t0, x0: make([]float64, n), y: make([]float64, n), err: make([]float64, n),
		a: make([]float64, n), b: make([]float64, n), h: s.Dt}
	for i := range in.k {
		in.k[i] = make([]float64, n)
	}
	in.spk, _ = sys.(Spiker)
	in.lin, _ = sys.(Linear)
	in.brk, _ = sys.(Breaker)
	if in.s.Rtol <= 0 {
		in.s.Rtol = 1e-6
	}
	if in.s.Atol <= 0 {
		in.s.Atol = 1e-9
	}
	if in.s.MaxStep <= 0 {
		in.s.MaxStep = math.Inf(1)
	}
	if in.h <= 0 {
		in.h = 1e-3
	}
	return in
}

func (in *integrator) deriv(t float64, x, dx []float64) {
	in.res.Evals++
	in.sys.Deriv(t, x, dx)
}

// spikeAtStart fires a Spiker whose state is at or above threshold.
func (in *integrator) spikeAtStart(t float64, x []float64) {
	if in.spk != nil && in.spk.Event(t, x) >= 0 {
		in.spike(t, x)
	}
}

// spike records a spike at t with the state x reached there, then resets
// x.
func (in *integrator) spike(t float64, x []float64) {
	in.res.Spikes = append(in.res.Spikes, t)
	in.res.Peaks = append(in.res.Peaks, x...)
	in.spk.Reset(t, x)
	in.haveK1 = false
}

// step advances x from t by one step ending at most at limit (fixed-step
// methods take a full step unless end comes first) and returns the new time.
func (in *integrator) step(t float64, x []float64, limit, end float64) (float64, error) {
	in.spikeAtStart(t, x)
	var tNew float64
	switch in.s.Method {
	case Euler, RK2, RK4:
		// Fixed steps land on t0 + n·dt computed, not accumulated, so that
		// inputs switching at multiples of dt switch at the same step as
		// in schemes written with integer step indices.
		tNew = in.t0 + float64(in.fixed+1)*in.s.Dt
		if end-tNew < 1e-9*in.s.Dt {
			tNew = end
		}
		in.fixedStep(t, x, tNew-t)
		in.fixed++
	case RK45:
		tNew = in.dopri(t, x, in.breakAt(t, limit))
	case ExpEuler:
		tNew = in.expEuler(t, x, in.breakAt(t, limit))
	}
	in.res.Steps++
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			e := &BlowUpError{T: tNew, Var: i, Method: in.s.Method}
			if n, ok := in.sys.(Namer); ok {
				e.Name = n.VarName(i)
			}
			return tNew, e
		}
	}
	return tNew, nil
}

// breakAt shortens a step's end to the system's next break.
func (in *integrator) breakAt(t, limit float64) float64 {
	if in.brk != nil {
		limit = math.Min(limit, in.brk.NextBreak(t))
	}
	return limit
}

// fixedStep advances x by one step h of a fixed-step method.
func (in *integrator) fixedStep(t float64, x []float64, h float64) {
	switch in.s.Method {
	case Euler:
		in.deriv(t, x, in.k[0])
		for i := range x {
			x[i] += h * in.k[0][i]
		}
	case RK2:
		k1, k2, y := in.k[0], in.k[1], in.y
		in.deriv(t, x, k1)
		for i := range x {
			y[i] = x[i] + h/2*k1[i]
		}
		in.deriv(t+h/2, y, k2)
		for i := range x {
			x[i] += h * k2[i]
		}
	default:
		in.rk4(t, x, h)
	}
}

// Stepper takes single fixed steps of a system (Euler, RK2 or RK4), for
// engines that advance many instances step by step and handle spikes and
// inputs between steps themselves.
type Stepper struct{ in *integrator }

// NewStepper makes a stepper of a fixed-step method.
func NewStepper(sys System, m Method) (*Stepper, error) {
	if m != Euler && m != RK2 && m != RK4 {
		return nil, fmt.Errorf("%s is not a fixed-step method (euler, rk2 or rk4)", m)
	}
	return &Stepper{in: newIntegrator(sys, Settings{Method: m}, 0)}, nil
}

// Step advances x in place from t by h.
func (s *Stepper) Step(t float64, x []float64, h float64) { s.in.fixedStep(t, x, h) }

func (in *integrator) rk4(t float64, x []float64, h float64) {
	k1, k2, k3, k4, y := in.k[0], in.k[1], in.k[2], in.k[3], in.y
	in.deriv(t, x, k1)
	for i := range x {
		y[i] = x[i] + h/2*k1[i]
	}
	in.deriv(t+h/2, y, k2)
	for i := range x {
		y[i] = x[i] + h/2*k2[i]
	}
	in.deriv(t+h/2, y, k3)
	for i := range x {
		y[i] = x[i] + h*k3[i]
	}
	in.deriv(t+h, y, k4)
	for i := range x {
		x[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
	}
}

// Dormand–Prince 5(4) coefficients (Dormand & Prince 1980).
var (
	dpC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dpA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	// Fifth-order weights are the last row of dpA; these are the
	// differences to the embedded fourth-order weights.
	dpE = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// dopri takes one accepted Dormand–Prince step, no further than limit,
// retrying with smaller steps until the local error is within tolerance,
// and locates threshold crossings inside it.
func (in *integrator) dopri(t float64, x []float64, limit float64) float64 {
	n := len(x)
	k := in.k
	if !in.haveK1 {
		in.deriv(t, x, k[0])
		in.haveK1 = true
	}
	copy(in.x0, x)
	for {
		h := math.Min(in.h, in.s.MaxStep)
		last := false
		if t+h >= limit {
			h, last = limit-t, true
		}
		for s := 1; s < 7; s++ {
			for i := range n {
				acc := 0.0
				for j := 0; j < s; j++ {
					acc += dpA[s][j] * k[j][i]
				}
				in.y[i] = in.x0[i] + h*acc
			}
			in.deriv(t+dpC[s]*h, in.y, k[s])
		}
		// in.y is now the fifth-order solution (stage 7 is FSAL).
		errNorm := 0.0
		for i := range n {
			e := 0.0
			for j := range 7 {
				e += dpE[j] * k[j][i]
			}
			sc := in.s.Atol + in.s.Rtol*math.Max(math.Abs(in.x0[i]), math.Abs(in.y[i]))
			errNorm = math.Max(errNorm, math.Abs(h*e)/sc)
		}
		if errNorm <= 1 || h <= 1e-12*math.Max(1, math.Abs(t)) || math.IsNaN(errNorm) {
			factor := 5.0
			if errNorm > 0 {
				factor = math.Min(5, math.Max(0.2, 0.9*math.Pow(errNorm, -0.2)))
			}
			if !last || factor < 1 {
				in.h = h * factor
			}
			tNew := t + h
			if tc, ok := in.crossing(t, h, k[0], k[6]); ok {
				in.hermite(t, h, (tc-t)/h, x)
				in.spike(tc, x)
				return tc
			}
			copy(x, in.y)
			copy(k[0], k[6])
			if last {
				return limit
			}
			return tNew
		}
		in.h = h * math.Max(0.2, 0.9*math.Pow(errNorm, -0.2))
	}
}

// hermite writes into out the cubic Hermite interpolant at t + θh of the
// step from x0 (slope f0) to y (slope f1).
func (in *integrator) hermite(t, h, theta float64, out []float64) {
	f0, f1 := in.k[0], in.k[6]
	h00 := (1 + 2*theta) * (1 - theta) * (1 - theta)
	h10 := theta * (1 - theta) * (1 - theta)
	h01 := theta * theta * (3 - 2*theta)
	h11 := theta * theta * (theta - 1)
	for i := range out {
		out[i] = h00*in.x0[i] + h10*h*f0[i] + h01*in.y[i] + h11*h*f1[i]
	}
}

// crossing locates a rise of the spike event through zero inside the step
// just taken, on the step's interpolant.
func (in *integrator) crossing(t, h float64, f0, f1 []float64) (float64, bool) {
	if in.spk == nil {
		return 0, false
	}
	if !(in.spk.Event(t, in.x0) < 0 && in.spk.Event(t+h, in.y) >= 0) {
		return 0, false
	}
	probe := make([]float64, len(in.y))
	g := func(theta float64) float64 {
		in.hermite(t, h, theta, probe)
		return in.spk.Event(t+theta*h, probe)
	}
	return t + h*rootIn(g), true
}

// rootIn finds θ in (0, 1] where g rises through zero (g(0) < 0 ≤ g(1)),
// returning a point at which g ≥ 0 within 1e-12 of the root.
func rootIn(g func(float64) float64) float64 {
	lo, hi := 0.0, 1.0
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if g(mid) >= 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// expEuler takes one exponential Euler step to at most limit (a full Dt
// otherwise): each variable relaxes exactly with the others frozen. A
// threshold crossing is located on the same exponentials.
func (in *integrator) expEuler(t float64, x []float64, limit float64) float64 {
	h := math.Min(in.s.Dt, limit-t)
	if limit-t < in.s.Dt*(1+1e-9) {
		h = limit - t
	}
	in.res.Evals++
	in.lin.Linear(t, x, in.a, in.b)
	copy(in.x0, x)
	advance := func(dt float64, out []float64) {
		for i := range out {
			a, b, x0 := in.a[i], in.b[i], in.x0[i]
			if math.Abs(b*dt) < 1e-10 {
				out[i] = x0 + (a+b*x0)*dt
			} else {
				out[i] = (x0+a/b)*math.Exp(b*dt) - a/b
			}
		}
	}
	advance(h, x)
	if in.spk != nil && in.spk.Event(t, in.x0) < 0 && in.spk.Event(t+h, x) >= 0 {
		theta := rootIn(func(th float64) float64 {
			advance(th*h, in.y)
			return in.spk.Event(t+th*h, in.y)
		})
		tc := t + theta*h
		advance(theta*h, x)
		in.spike(tc, x)
		return tc
	}
	return t + h
}
