package analysis

import (
	"context"
	"errors"
	"math"

	"neurite/sim/ode"
	"neurite/sim/point"
)

// LargestLyapunov estimates the largest Lyapunov exponent (per unit of
// model time) by Benettin's method: a copy of the trajectory displaced by
// d0 is followed for every interval tau, the growth of the separation
// (in the model's scaled coordinates) is logged and the copy is brought
// back to distance d0 along the separation. The first transient is
// dropped. Positive values mean chaos. Models with a reset are refused:
// their flow is not differentiable at the reset.
func LargestLyapunov(ctx context.Context, model *point.Model, transient, duration, tau float64) (float64, error) {
	if model.Spiking() {
		return 0, errors.New("the Lyapunov exponent needs a smooth flow; this model resets at spikes")
	}
	m := model.Clone()
	scale := DefaultWindow(m).scale()
	set := ode.Settings{Method: ode.RK45, Dt: tau / 10, Rtol: 1e-10, Atol: 1e-12}
	x := m.InitialState()
	if _, err := ode.Integrate(ctx, m, x, 0, transient, set, nil); err != nil {
		return 0, err
	}
	const d0 = 1e-8
	y := append([]float64(nil), x...)
	y[0] += d0 * scale[0]
	sum, t := 0.0, transient
	for t < transient+duration {
		if _, err := ode.Integrate(ctx, m, x, t, t+tau, set, nil); err != nil {
			return 0, err
		}
		if _, err := ode.Integrate(ctx, m, y, t, t+tau, set, nil); err != nil {
			return 0, err
		}
		t += tau
		d := 0.0
		for i := range x {
			e := (y[i] - x[i]) / scale[i]
			d += e * e
		}
		d = math.Sqrt(d)
		if d == 0 {
			return math.Inf(-1), nil
		}
		sum += math.Log(d / d0)
		for i := range y {
			y[i] = x[i] + (y[i]-x[i])*d0/d
		}
	}
	return sum / duration, nil
}
