// Package ode integrates ordinary differential equations dx/dt = f(t, x):
// forward Euler, classic Runge–Kutta 4, adaptive Dormand–Prince 5(4) with
// error control, and exponential Euler for conductance models. Systems
// that spike are reset when a threshold is crossed; the adaptive and
// exponential methods locate the crossing within the step.
package ode

import (
	"context"
	"fmt"
	"math"
)

// System is dx/dt = f(t, x).
type System interface {
	Dim() int
	Deriv(t float64, x, dx []float64)
}

// Spiker is a System with a threshold and a reset: when Event(t, x) rises
// through zero the system spikes and Reset changes its state (it may also
// start a refractory period).
type Spiker interface {
	System
	Event(t float64, x []float64) float64
	Reset(t float64, x []float64)
}

// Linear is a System whose every variable obeys dx_i/dt = a_i + b_i·x_i
// with a_i and b_i depending on the other variables: conductance models,
// whose gates and voltage relax exponentially. Exponential Euler needs it.
type Linear interface {
	System
	Linear(t float64, x, a, b []float64)
}

// Breaker is a System whose right-hand side jumps at known times (current
// steps, the end of a refractory period). Steps of the adaptive and
// exponential methods end exactly there.
type Breaker interface {
	System
	NextBreak(t float64) float64 // the first break time > t, or +Inf
}

// Method selects the integration scheme.
type Method int

const (
	Euler Method = iota
	RK4
	RK45
	ExpEuler
	RK2 // the midpoint method
)

// Methods lists the methods by their names on the command line.
var Methods = map[string]Method{"euler": Euler, "rk2": RK2, "rk4": RK4, "rk45": RK45, "expeuler": ExpEuler}

func (m Method) String() string {
	for k, v := range Methods {
		if v == m {
			return k
		}
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Settings configure an integration.
type Settings struct {
	Method Method
	// Dt is the step of the fixed-step methods, the first step of RK45.
	Dt float64
	// Rtol and Atol are RK45's relative and absolute error tolerances per
	// step (defaults 1e-6 and 1e-9).
	Rtol, Atol float64
	// MaxStep bounds RK45's step (default: no bound).
	MaxStep float64
	// Every is the interval of observations; 0 observes after every step.
	Every float64
}

// Result summarises an integration.
type Result struct {
	Steps  int       // accepted steps
	Evals  int       // evaluations of the right-hand side
	Spikes []float64 // spike times, for Spikers
	Peaks  []float64 // the state at each spike, before its reset: Dim values a spike
}

// BlowUpError reports a state that stopped being finite.
type BlowUpError struct {
	T      float64
	Var    int
	Name   string // the variable's name, where the system gives names
	Method Method
}

func (e *BlowUpError) Error() string {
	what := fmt.Sprintf("variable %d", e.Var)
	if e.Name != "" {
		what = e.Name
	}
	hint := "reduce the step (dt)"
	if e.Method == RK45 {
		hint = "tighten the tolerance"
	}
	return fmt.Sprintf("numerical blow-up at t = %.10g: %s is not finite (%s)", e.T, what, hint)
}

// Namer is a System that names its variables, for its errors.
type Namer interface {
	VarName(i int) string
}

// Observer is told the state at observation times (x is reused).
type Observer func(t float64, x []float64)

// Integrate advances x from t0 to t1 in place, calling obs (when not nil)
// at t0 and then every Settings.Every (or after every step). For a Spiker,
// fixed-step methods test the threshold at the start of each step and
// reset there (the scheme of Izhikevich 2003 and of most simulators);
// RK45 and exponential Euler locate the crossing within the step and reset
// at that time.
func Integrate(ctx context.Context, sys System, x []float64, t0, t1 float64, s Settings, obs Observer) (Result, error) {
	in := newIntegrator(sys, s, t0)
	if obs != nil {
		obs(t0, x)
	}
	next := t0 + s.Every
	t := t0
	for t < t1 {
		if in.res.Steps%256 == 0 && ctx.Err() != nil {
			return in.res, ctx.Err()
		}
		limit := t1
		if s.Every > 0 {
			limit = math.Min(limit, next)
		}
		tNew, err := in.step(t, x, limit, t1)
		if err != nil {
			return in.res, err
		}
		t = tNew
		if obs == nil {
			continue
		}
		if s.Every <= 0 {
			obs(t, x)
			continue
		}
		for next <= t+1e-9*math.Max(1, math.Abs(t)) {
			obs(t, x)
			next += s.Every
		}
	}
	return in.res, nil
}
