package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"

	"neurite/sim/ode"
	"neurite/sim/point"
)

// Lyapunov is an estimate of the largest Lyapunov exponent (per unit of
// model time) with its spread: half the difference between the estimates
// of the run's two halves, which is small once the average has
// converged.
type Lyapunov struct {
	L, Spread float64
}

// Chaotic reports whether the estimate shows chaos: above 0.01 by more
// than twice its spread. Converged tells an estimate whose
// spread is too wide to decide (Chaotic false, Converged false) from one
// that is not chaos.
func (l Lyapunov) Chaotic() bool { return l.L-2*l.Spread > 0.01 }

// Converged reports whether the two halves agree well enough to call the
// sign: the spread within half the distance of the estimate from 0.01.
func (l Lyapunov) Converged() bool { return l.Spread <= math.Abs(l.L-0.01)/2 }

// MinRenormalisations is the fewest intervals of tau an estimate averages
// over: the first ones, while the separation turns towards the most
// unstable direction, are not counted, and the rest must be many for the
// average to mean anything.
const MinRenormalisations = 100

// maxRenormalisations bounds them from above: a count that would not end.
const maxRenormalisations = 1e9

// alignment is the number of first intervals not counted.
const alignment = 10

// LargestLyapunov estimates the largest Lyapunov exponent by Benettin's
// method: a copy of the trajectory displaced by d0 is followed for every
// interval tau, the growth of the separation (in the model's scaled
// coordinates) is logged and the copy is brought back to distance d0
// along the separation. The first transient is dropped, and so are the
// first intervals, while the separation aligns with the most unstable
// direction (their growth says nothing of the exponent). Positive values
// mean chaos. Models with a reset are refused: their flow is not
// differentiable at the reset.
func LargestLyapunov(ctx context.Context, model *point.Model, transient, duration, tau float64) (Lyapunov, error) {
	if model.Spiking() {
		return Lyapunov{}, errors.New("the Lyapunov exponent needs a smooth flow; this model resets at spikes")
	}
	if !(duration/tau <= maxRenormalisations) {
		return Lyapunov{}, fmt.Errorf("a duration of %g is more than %.0e intervals of tau = %g", duration, float64(maxRenormalisations), tau)
	}
	steps := int(duration / tau)
	if steps < MinRenormalisations {
		return Lyapunov{}, fmt.Errorf("a duration of %g is %d intervals of tau = %g; the estimate needs at least %d (a duration of %g)",
			duration, steps, tau, MinRenormalisations, MinRenormalisations*tau)
	}
	m := model.Clone()
	scale := DefaultWindow(m).scale()
	set := ode.Settings{Method: ode.RK45, Dt: tau / 10, Rtol: 1e-10, Atol: 1e-12}
	x := m.InitialState()
	if _, err := ode.Integrate(ctx, m, x, 0, transient, set, nil); err != nil {
		return Lyapunov{}, err
	}
	const d0 = 1e-8
	y := append([]float64(nil), x...)
	y[0] += d0 * scale[0]
	var halves [2]float64
	t := transient
	for k := range alignment + steps {
		if _, err := ode.Integrate(ctx, m, x, t, t+tau, set, nil); err != nil {
			return Lyapunov{}, err
		}
		if _, err := ode.Integrate(ctx, m, y, t, t+tau, set, nil); err != nil {
			return Lyapunov{}, err
		}
		t += tau
		d := 0.0
		for i := range x {
			e := (y[i] - x[i]) / scale[i]
			d += e * e
		}
		d = math.Sqrt(d)
		if d == 0 {
			return Lyapunov{L: math.Inf(-1)}, nil
		}
		if k >= alignment {
			halves[2*(k-alignment)/steps] += math.Log(d / d0)
		}
		for i := range y {
			y[i] = x[i] + (y[i]-x[i])*d0/d
		}
	}
	first, second := (steps+1)/2, steps/2 // halves[0] holds the intervals j < steps/2, rounded up
	a, b := halves[0]/(float64(first)*tau), halves[1]/(float64(second)*tau)
	return Lyapunov{L: (halves[0] + halves[1]) / (float64(steps) * tau), Spread: math.Abs(a-b) / 2}, nil
}
