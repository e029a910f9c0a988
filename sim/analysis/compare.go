package analysis

import (
	"context"
	"math"
	"time"

	"neurite/sim/ode"
	"neurite/sim/point"
)

// MethodResult is the accuracy and cost of one integrator at one setting.
type MethodResult struct {
	Method string
	// Step is the fixed step (ms), or for rk45 the relative tolerance.
	Step float64
	// Error is the largest |v − v_ref| over samples every 0.5 ms.
	Error float64
	// SpikeError is the largest shift of a spike time (NaN when the
	// number of spikes differs from the reference's).
	SpikeError float64
	Evals      int
	Wall       time.Duration
}

// CompareIntegrators runs a model for tEnd with every method at several
// steps (and RK45 at several tolerances) and measures the error against a
// reference computed by RK45 at a tolerance of 1e-12, and the cost.
func CompareIntegrators(ctx context.Context, model *point.Model, tEnd float64) ([]MethodResult, error) {
	const every = 0.5
	run := func(s ode.Settings) ([]float64, ode.Result, time.Duration, error) {
		m := model.Clone()
		m.Restart()
		x := m.InitialState()
		var vs []float64
		s.Every = every
		start := time.Now()
		res, err := ode.Integrate(ctx, m, x, 0, tEnd, s, func(_ float64, y []float64) { vs = append(vs, y[m.V]) })
		return vs, res, time.Since(start), err
	}
	ref, refRes, _, err := run(ode.Settings{Method: ode.RK45, Dt: 0.001, Rtol: 1e-12, Atol: 1e-14, MaxStep: every})
	if err != nil {
		return nil, err
	}
	var out []MethodResult
	add := func(name string, step float64, s ode.Settings) error {
		vs, res, wall, err := run(s)
		r := MethodResult{Method: name, Step: step, Evals: res.Evals, Wall: wall, Error: math.Inf(1), SpikeError: math.NaN()}
		if err == nil {
			r.Error = 0
			for i := range min(len(vs), len(ref)) {
				r.Error = math.Max(r.Error, math.Abs(vs[i]-ref[i]))
			}
			if len(res.Spikes) == len(refRes.Spikes) {
				r.SpikeError = 0
				for i := range res.Spikes {
					r.SpikeError = math.Max(r.SpikeError, math.Abs(res.Spikes[i]-refRes.Spikes[i]))
				}
			}
		}
		out = append(out, r)
		return ctx.Err()
	}
	for _, dt := range []float64{0.1, 0.05, 0.025, 0.0125, 0.00625} {
		for _, m := range []ode.Method{ode.Euler, ode.RK4, ode.ExpEuler} {
			if err := add(m.String(), dt, ode.Settings{Method: m, Dt: dt}); err != nil {
				return out, err
			}
		}
	}
	for _, tol := range []float64{1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9} {
		if err := add("rk45", tol, ode.Settings{Method: ode.RK45, Dt: 0.01, Rtol: tol, Atol: tol * 1e-3, MaxStep: every}); err != nil {
			return out, err
		}
	}
	return out, nil
}
