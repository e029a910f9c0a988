package ode

import (
	"context"
	"math"
	"strings"
	"testing"
)

// oscillator is x” = -x: x = cos t, y = -sin t.
type oscillator struct{}

func (oscillator) Dim() int { return 2 }
func (oscillator) Deriv(t float64, x, dx []float64) {
	dx[0], dx[1] = x[1], -x[0]
}

func solve(t *testing.T, sys System, m Method, dt float64, tEnd float64, x []float64) Result {
	t.Helper()
	res, err := Integrate(context.Background(), sys, x, 0, tEnd, Settings{Method: m, Dt: dt, Rtol: 1e-10, Atol: 1e-12}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestOrders halves the step and checks the error falls as dt^order.
func TestOrders(t *testing.T) {
	for _, c := range []struct {
		m     Method
		order float64
	}{{Euler, 1}, {RK2, 2}, {RK4, 4}} {
		errAt := func(dt float64) float64 {
			x := []float64{1, 0}
			solve(t, oscillator{}, c.m, dt, 2, x)
			return math.Hypot(x[0]-math.Cos(2), x[1]+math.Sin(2))
		}
		e1, e2 := errAt(0.01), errAt(0.005)
		if got := math.Log2(e1 / e2); math.Abs(got-c.order) > 0.15 {
			t.Errorf("%v: observed order %.2f, want %v", c.m, got, c.order)
		}
	}
}

// TestStepper: single steps take the same path as Integrate.
func TestStepper(t *testing.T) {
	for _, m := range []Method{Euler, RK2, RK4} {
		x := []float64{1, 0}
		solve(t, oscillator{}, m, 0.1, 1, x)
		s, err := NewStepper(oscillator{}, m)
		if err != nil {
			t.Fatal(err)
		}
		y := []float64{1, 0}
		for k := range 10 {
			// Integrate lands on k·dt computed, not accumulated.
			t0, t1 := float64(k)*0.1, float64(k+1)*0.1
			s.Step(t0, y, t1-t0)
		}
		if x[0] != y[0] || x[1] != y[1] {
			t.Errorf("%v: stepped to %v, Integrate to %v", m, y, x)
		}
	}
	if _, err := NewStepper(oscillator{}, RK45); err == nil {
		t.Error("a stepper of RK45 was made")
	}
}

func TestRK45Tolerance(t *testing.T) {
	x := []float64{1, 0}
	res := solve(t, oscillator{}, RK45, 0.1, 20, x)
	if e := math.Hypot(x[0]-math.Cos(20), x[1]+math.Sin(20)); e > 1e-8 {
		t.Errorf("error %.2g at rtol 1e-10", e)
	}
	if res.Steps > 2000 {
		t.Errorf("%d steps: the step size did not grow", res.Steps)
	}
}

// ramp climbs at slope 1 and resets to 0 on reaching 0.3; a refractory
// break is not needed here.
type ramp struct{}

func (ramp) Dim() int                             { return 1 }
func (ramp) Deriv(t float64, x, dx []float64)     { dx[0] = 1 }
func (ramp) Event(t float64, x []float64) float64 { return x[0] - 0.3 }
func (ramp) Reset(t float64, x []float64)         { x[0] = 0 }
func (ramp) Linear(t float64, x, a, b []float64)  { a[0], b[0] = 1, 0 }

func TestEventLocation(t *testing.T) {
	for _, m := range []Method{RK45, ExpEuler} {
		x := []float64{0}
		res := solve(t, ramp{}, m, 0.07, 1, x)
		want := []float64{0.3, 0.6, 0.9}
		if len(res.Spikes) != 3 {
			t.Fatalf("%v: spikes %v", m, res.Spikes)
		}
		for i, s := range res.Spikes {
			if math.Abs(s-want[i]) > 1e-9 {
				t.Errorf("%v: spike %d at %.12f, want %v", m, i, s, want[i])
			}
			// the state at the spike is the threshold's, before the reset
			if len(res.Peaks) != 3 || math.Abs(res.Peaks[i]-0.3) > 1e-9 {
				t.Errorf("%v: state at spike %d: %v, want 0.3", m, i, res.Peaks)
			}
		}
	}
	// Fixed-step methods fire at the start of the first step above
	// threshold: with dt = 0.07 that is t = 0.35.
	x := []float64{0}
	res := solve(t, ramp{}, Euler, 0.07, 0.4, x)
	if len(res.Spikes) != 1 || math.Abs(res.Spikes[0]-0.35) > 1e-12 || len(res.Peaks) != 1 || math.Abs(res.Peaks[0]-0.35) > 1e-12 {
		t.Errorf("euler spikes %v at states %v, want [0.35] at [[0.35]]", res.Spikes, res.Peaks)
	}
}

// decay is x' = 2 - x/3: exponential Euler is exact for it.
type decay struct{}

func (decay) Dim() int                            { return 1 }
func (decay) Deriv(t float64, x, dx []float64)    { dx[0] = 2 - x[0]/3 }
func (decay) Linear(t float64, x, a, b []float64) { a[0], b[0] = 2, -1.0/3 }

func TestExpEulerExactForLinear(t *testing.T) {
	x := []float64{-1}
	solve(t, decay{}, ExpEuler, 0.5, 5, x)
	want := 6 + (-1-6)*math.Exp(-5.0/3)
	if math.Abs(x[0]-want) > 1e-12 {
		t.Errorf("x(5) = %.15f, want %.15f", x[0], want)
	}
}

type exploding struct{}

func (exploding) Dim() int                         { return 1 }
func (exploding) Deriv(t float64, x, dx []float64) { dx[0] = x[0] * x[0] }

// namedExploding names its variable (Namer).
type namedExploding struct{ exploding }

func (namedExploding) VarName(int) string { return "v" }

// TestBlowUp: a state gone infinite stops the run with the time, the
// variable (by name where the system names it) and the remedy that fits
// the method.
func TestBlowUp(t *testing.T) {
	for _, c := range []struct {
		sys    System
		method Method
		want   string
	}{
		{exploding{}, Euler, "variable 0 is not finite (reduce the step (dt))"},
		{namedExploding{}, Euler, "v is not finite (reduce the step (dt))"},
		{namedExploding{}, RK45, "v is not finite (tighten the tolerance)"},
	} {
		x := []float64{1}
		_, err := Integrate(context.Background(), c.sys, x, 0, 10, Settings{Method: c.method, Dt: 0.1, Rtol: 1e-6, Atol: 1e-9}, nil)
		var bu *BlowUpError
		if err == nil || !asBlowUp(err, &bu) || bu.T > 10 || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "numerical blow-up at t = ") {
			t.Errorf("%T, method %v: err = %v, want %q", c.sys, c.method, err, c.want)
		}
	}
}

func asBlowUp(err error, target **BlowUpError) bool {
	b, ok := err.(*BlowUpError)
	*target = b
	return ok
}

func TestObserveEvery(t *testing.T) {
	var ts []float64
	x := []float64{1, 0}
	_, err := Integrate(context.Background(), oscillator{}, x, 0, 1, Settings{Method: RK45, Dt: 0.3, Every: 0.25}, func(t float64, x []float64) {
		ts = append(ts, t)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.25, 0.5, 0.75, 1}
	if len(ts) != len(want) {
		t.Fatalf("observed at %v", ts)
	}
	for i := range ts {
		if math.Abs(ts[i]-want[i]) > 1e-12 {
			t.Errorf("observation %d at %v, want %v", i, ts[i], want[i])
		}
	}
}
