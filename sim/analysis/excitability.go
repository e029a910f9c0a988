package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"

	"neurite/sim/ode"
	"neurite/sim/point"
)

// PairThreshold is the smallest amplitude of two equal brief pulses,
// Delay apart, that fires the cell.
type PairThreshold struct {
	Delay, Amp float64
}

// Excitability says whether a cell at rest integrates or resonates.
type Excitability struct {
	Kind       string // "integrator" or "resonator"
	Rest       Kind   // type of the rest state
	Period     float64
	Thresholds []PairThreshold
	Note       string
}

// Diagnose tests whether a model at rest (its current parameters) is an
// integrator or a resonator (Izhikevich 2007, §7.2): pairs of brief pulses
// at increasing separations are given, and the smallest amplitude that
// fires the cell is found for each. An integrator needs less current the
// closer the pulses; a resonator needs least when they are one period of
// its damped subthreshold oscillation apart.
func Diagnose(ctx context.Context, model *point.Model) (*Excitability, error) {
	m := model.Clone()
	m.Stim = nil
	eqs := Equilibria(m, DefaultWindow(m))
	var rest *Equilibrium
	for i := range eqs {
		if eqs[i].Stable() {
			rest = &eqs[i]
			break
		}
	}
	if rest == nil {
		return nil, errors.New("the model has no stable rest state at these parameters (it fires or is bistable): lower the input")
	}
	// The time scale of the test: the damped oscillation's period at a
	// focus, else the slowest relaxation time.
	var period float64
	for _, l := range rest.Eigenvalues {
		if imag(l) > 0 {
			period = 2 * math.Pi / imag(l)
		}
	}
	scale := period
	if scale == 0 {
		slowest := math.Inf(1)
		for _, l := range rest.Eigenvalues {
			slowest = math.Min(slowest, math.Abs(real(l)))
		}
		scale = 2 / slowest
	}
	width := 0.02 * scale
	ex := &Excitability{Rest: rest.Kind, Period: period}
	fires := func(delay, amp float64) bool {
		m.Stim = Pair{Amp: amp, Width: width, Delay: delay}
		m.Restart()
		x := append([]float64(nil), rest.X...)
		m.SetInitialState(x)
		tr, err := simulate(ctx, m, RunOptions{Method: ode.RK45, Dt: width / 10, Transient: 0.001, Duration: delay + 3*scale})
		return err == nil && tr.Count > 0
	}
	for _, frac := range []float64{0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 1, 1.25, 1.5} {
		delay := frac * scale
		lo, hi := 0.0, 1.0
		for !fires(delay, hi) {
			hi *= 2
			if hi > 1e6 {
				return nil, fmt.Errorf("no pulse pair up to %.3g fires the cell", hi)
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		for hi-lo > 1e-3*hi {
			mid := (lo + hi) / 2
			if fires(delay, mid) {
				hi = mid
			} else {
				lo = mid
			}
		}
		ex.Thresholds = append(ex.Thresholds, PairThreshold{Delay: delay, Amp: hi})
	}
	// A resonator's threshold falls again at some separation after having
	// risen: the second pulse then comes at the depolarised phase of the
	// damped oscillation the first one started.
	peak, dip := 0, -1
	for i := 1; i < len(ex.Thresholds); i++ {
		if ex.Thresholds[i].Amp > ex.Thresholds[peak].Amp {
			peak, dip = i, -1
		} else if ex.Thresholds[i].Amp < 0.98*ex.Thresholds[peak].Amp && (dip < 0 || ex.Thresholds[i].Amp < ex.Thresholds[dip].Amp) {
			dip = i
		}
	}
	if dip > 0 {
		ex.Kind = "resonator"
		ex.Note = fmt.Sprintf("resonator: pulse pairs %s apart fire at a lower amplitude (%.3g) than pairs %s apart (%.3g); the rest state is a %s with a damped oscillation of period %s",
			m.TimeValue(ex.Thresholds[dip].Delay, "%.3g"), ex.Thresholds[dip].Amp, m.TimeValue(ex.Thresholds[peak].Delay, "%.3g"), ex.Thresholds[peak].Amp, rest.Kind, m.TimeValue(period, "%.3g"))
	} else {
		ex.Kind = "integrator"
		ex.Note = fmt.Sprintf("integrator: the closer the pulses, the less current fires the cell (rest state: %s)", rest.Kind)
	}
	return ex, nil
}

// Pair is two square pulses of Amp and Width, the second Delay after the
// first, starting at t = 0.
type Pair struct{ Amp, Width, Delay float64 }

func (p Pair) I(t float64) float64 {
	if (t >= 0 && t < p.Width) || (t >= p.Delay && t < p.Delay+p.Width) {
		return p.Amp
	}
	return 0
}

func (p Pair) NextBreak(t float64) float64 {
	next := math.Inf(1)
	for _, b := range []float64{0, p.Width, p.Delay, p.Delay + p.Width} {
		if b > t && b < next {
			next = b
		}
	}
	return next
}
