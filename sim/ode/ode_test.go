if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {package ode
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {import (
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	"context"
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	"math"
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	"testing"
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {// oscillator is x” = -x: x = cos t, y = -sin t.
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {type oscillator struct{}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (oscillator) Dim() int { return 2 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (oscillator) Deriv(t float64, x, dx []float64) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	dx[0], dx[1] = x[1], -x[0]
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func solve(t *testing.T, sys System, m Method, dt float64, tEnd float64, x []float64) Result {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	t.Helper()
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	res, err := Integrate(context.Background(), sys, x, 0, tEnd, Settings{Method: m, Dt: dt, Rtol: 1e-10, Atol: 1e-12}, nil)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if err != nil {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Fatal(err)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	return res
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {// TestOrders halves the step and checks the error falls as dt^order.
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestOrders(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	for _, c := range []struct {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		m     Method
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		order float64
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}{{Euler, 1}, {RK4, 4}} {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		errAt := func(dt float64) float64 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			x := []float64{1, 0}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			solve(t, oscillator{}, c.m, dt, 2, x)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			return math.Hypot(x[0]-math.Cos(2), x[1]+math.Sin(2))
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		e1, e2 := errAt(0.01), errAt(0.005)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		if got := math.Log2(e1 / e2); math.Abs(got-c.order) > 0.15 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			t.Errorf("%v: observed order %.2f, want %v", c.m, got, c.order)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestRK45Tolerance(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	x := []float64{1, 0}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	res := solve(t, oscillator{}, RK45, 0.1, 20, x)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if e := math.Hypot(x[0]-math.Cos(20), x[1]+math.Sin(20)); e > 1e-8 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Errorf("error %.2g at rtol 1e-10", e)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if res.Steps > 2000 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Errorf("%d steps: the step size did not grow", res.Steps)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {// ramp climbs at slope 1 and resets to 0 on reaching 0.3; a refractory
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {// break is not needed here.
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {type ramp struct{}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (ramp) Dim() int                             { return 1 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (ramp) Deriv(t float64, x, dx []float64)     { dx[0] = 1 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (ramp) Event(t float64, x []float64) float64 { return x[0] - 0.3 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (ramp) Reset(t float64, x []float64)         { x[0] = 0 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (ramp) Linear(t float64, x, a, b []float64)  { a[0], b[0] = 1, 0 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestEventLocation(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	for _, m := range []Method{RK45, ExpEuler} {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		x := []float64{0}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		res := solve(t, ramp{}, m, 0.07, 1, x)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		want := []float64{0.3, 0.6, 0.9}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		if len(res.Spikes) != 3 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			t.Fatalf("%v: spikes %v", m, res.Spikes)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		for i, s := range res.Spikes {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			if math.Abs(s-want[i]) > 1e-9 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {				t.Errorf("%v: spike %d at %.12f, want %v", m, i, s, want[i])
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	// Fixed-step methods fire at the start of the first step above
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	// threshold: with dt = 0.07 that is t = 0.35.
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	x := []float64{0}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	res := solve(t, ramp{}, Euler, 0.07, 0.4, x)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if len(res.Spikes) != 1 || math.Abs(res.Spikes[0]-0.35) > 1e-12 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Errorf("euler spikes %v, want [0.35]", res.Spikes)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {// decay is x' = 2 - x/3: exponential Euler is exact for it.
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {type decay struct{}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (decay) Dim() int                            { return 1 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (decay) Deriv(t float64, x, dx []float64)    { dx[0] = 2 - x[0]/3 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (decay) Linear(t float64, x, a, b []float64) { a[0], b[0] = 2, -1.0/3 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestExpEulerExactForLinear(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	x := []float64{-1}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	solve(t, decay{}, ExpEuler, 0.5, 5, x)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	want := 6 + (-1-6)*math.Exp(-5.0/3)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if math.Abs(x[0]-want) > 1e-12 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Errorf("x(5) = %.15f, want %.15f", x[0], want)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {type exploding struct{}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (exploding) Dim() int                         { return 1 }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func (exploding) Deriv(t float64, x, dx []float64) { dx[0] = x[0] * x[0] }
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestBlowUp(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	x := []float64{1}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	_, err := Integrate(context.Background(), exploding{}, x, 0, 10, Settings{Method: Euler, Dt: 0.1}, nil)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	var bu *BlowUpError
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if err == nil || !asBlowUp(err, &bu) || bu.T > 2 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Errorf("err = %v", err)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func asBlowUp(err error, target **BlowUpError) bool {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	b, ok := err.(*BlowUpError)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	*target = b
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	return ok
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {func TestObserveEvery(t *testing.T) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	var ts []float64
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	x := []float64{1, 0}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	_, err := Integrate(context.Background(), oscillator{}, x, 0, 1, Settings{Method: RK45, Dt: 0.3, Every: 0.25}, func(t float64, x []float64) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		ts = append(ts, t)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	})
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if err != nil {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Fatal(err)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	want := []float64{0, 0.25, 0.5, 0.75, 1}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	if len(ts) != len(want) {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		t.Fatalf("observed at %v", ts)
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	for i := range ts {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		if math.Abs(ts[i]-want[i]) > 1e-12 {
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {			t.Errorf("observation %d at %v, want %v", i, ts[i], want[i])
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {		}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {	}
if err == nil || !asBlowUp(err, &bu) || bu.T > 10 {}
