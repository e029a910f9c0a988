package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"neurite/sim/ode"
	"neurite/sim/point"
)

// RunOptions set how sweeps simulate.
type RunOptions struct {
	Method    ode.Method // default RK45
	Dt        float64    // fixed step, or RK45's first step (default 0.01)
	Transient float64    // time dropped before measuring (default 200)
	Duration  float64    // time measured after the transient (default 1000)
	Workers   int        // parallel runs (default: all cores)
	Progress  func(float64)
}

func (o *RunOptions) defaults() {
	if o.Dt <= 0 {
		o.Dt = 0.01
	}
	if o.Transient <= 0 {
		o.Transient = 200
	}
	if o.Duration <= 0 {
		o.Duration = 1000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// Trace is what one simulation recorded of the membrane potential.
type Trace struct {
	Spikes []float64 // spike times (resets, or upward crossings of the spike level)
	Maxima []float64 // values of local maxima of v after the transient; the final v alone where v has settled
	Times  []float64 // times of those maxima
}

// simulate runs m from its initial state for transient + duration and
// returns spikes (all) and the local maxima of v after the transient.
// A run that has settled on an equilibrium records its final v as the one
// maximum: the maxima of rounding noise would otherwise stand for it, and a
// run that settles monotonically would have none.
func simulate(ctx context.Context, m *point.Model, o RunOptions) (Trace, error) {
	m.Restart()
	x := m.InitialState()
	v := m.V
	var tr Trace
	prev, prev2 := math.NaN(), math.NaN()
	prevT := 0.0
	below := true
	level := m.SpikeAt
	span := m.Vars[v].Max - m.Vars[v].Min
	lo, hi := math.Inf(1), math.Inf(-1)
	res, err := ode.Integrate(ctx, m, x, 0, o.Transient+o.Duration, ode.Settings{Method: o.Method, Dt: o.Dt, Rtol: 1e-7, Atol: 1e-9, MaxStep: 0.5},
		func(t float64, y []float64) {
			cur := y[v]
			if !m.Spiking() && !math.IsInf(level, 0) {
				switch {
				case below && cur >= level:
					tr.Spikes = append(tr.Spikes, t)
					below = false
				case !below && cur < level-0.05*span:
					below = true
				}
			}
			if t > o.Transient {
				lo, hi = math.Min(lo, cur), math.Max(hi, cur)
				if !math.IsNaN(prev2) && prev > prev2 && prev >= cur {
					tr.Maxima = append(tr.Maxima, prev)
					tr.Times = append(tr.Times, prevT)
				}
			}
			prev2, prev, prevT = prev, cur, t
		})
	if m.Spiking() {
		tr.Spikes = res.Spikes
	}
	if err == nil && hi-lo < 1e-6*span {
		tr.Maxima, tr.Times = []float64{prev}, []float64{o.Transient + o.Duration}
	}
	return tr, err
}

// parallel runs work(i) for i in [0, n) on o.Workers goroutines, stopping
// at the first error.
func parallel(ctx context.Context, n int, o RunOptions, work func(i int) error) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for range min(o.Workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				errs[i] = work(i)
				if o.Progress != nil {
					o.Progress(float64(done.Add(1)) / float64(n))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// SweepPoint is one value of a brute-force bifurcation diagram.
type SweepPoint struct {
	P, Value float64
}

// BruteForce sweeps param over n values from from to to, simulates each,
// drops the transient and records the local maxima of the membrane
// potential (or, with isi, the inter-spike intervals): the diagram of any
// model, spiking ones included, in parallel over all cores.
func BruteForce(ctx context.Context, model *point.Model, param string, from, to float64, n int, isi bool, o RunOptions) ([]SweepPoint, error) {
	o.defaults()
	if _, ok := model.Param(param); !ok {
		return nil, model.SetParam(param, 0)
	}
	results := make([][]SweepPoint, n)
	err := parallel(ctx, n, o, func(i int) error {
		m := model.Clone()
		p := from + (to-from)*float64(i)/float64(max(1, n-1))
		m.SetParam(param, p)
		tr, err := simulate(ctx, m, o)
		if err != nil {
			return fmt.Errorf("%s = %.6g: %w", param, p, err)
		}
		if isi {
			var late []float64
			for _, s := range tr.Spikes {
				if s > o.Transient {
					late = append(late, s)
				}
			}
			for k := 1; k < len(late); k++ {
				results[i] = append(results[i], SweepPoint{p, late[k] - late[k-1]})
			}
		} else {
			for _, v := range tr.Maxima {
				results[i] = append(results[i], SweepPoint{p, v})
			}
		}
		return nil
	})
	var out []SweepPoint
	for _, r := range results {
		// A long run repeats its maxima; keep at most 60 per value.
		if len(r) > 60 {
			r = r[len(r)-60:]
		}
		out = append(out, r...)
	}
	return out, err
}

// FIPoint is the firing rate at one current.
type FIPoint struct {
	I      float64
	Rate   float64 // Hz, from the inter-spike intervals after the transient
	Spikes int     // spikes in the whole run
}

// FICurve is a frequency–current relation with Hodgkin's class.
type FICurve struct {
	Param    string
	Points   []FIPoint
	Rheobase float64 // the lowest current with repetitive firing (NaN if none)
	Class    int     // Hodgkin's class 1, 2 or 3 (0: no spikes at all)
	Note     string
}

// rate is the firing frequency (Hz) from the spikes after the transient.
func rate(spikes []float64, transient float64) float64 {
	var late []float64
	for _, s := range spikes {
		if s > transient {
			late = append(late, s)
		}
	}
	if len(late) < 3 {
		return 0
	}
	return 1000 * float64(len(late)-1) / (late[len(late)-1] - late[0])
}

// FI computes the F–I curve over n currents from from to to, refines the
// rheobase by bisection, and labels Hodgkin's class: 1 if firing starts at
// arbitrarily low rates, 2 if it starts at a rate well above zero, 3 if
// the model fires only at the onset of the current.
func FI(ctx context.Context, model *point.Model, param string, from, to float64, n int, o RunOptions) (*FICurve, error) {
	o.defaults()
	if _, ok := model.Param(param); !ok {
		return nil, model.SetParam(param, 0)
	}
	fi := &FICurve{Param: param, Points: make([]FIPoint, n), Rheobase: math.NaN()}
	measure := func(I float64) (FIPoint, error) {
		m := model.Clone()
		m.SetParam(param, I)
		tr, err := simulate(ctx, m, o)
		if err != nil {
			return FIPoint{}, fmt.Errorf("%s = %.6g: %w", param, I, err)
		}
		return FIPoint{I: I, Rate: rate(tr.Spikes, o.Transient), Spikes: len(tr.Spikes)}, nil
	}
	err := parallel(ctx, n, o, func(i int) error {
		I := from + (to-from)*float64(i)/float64(max(1, n-1))
		var err error
		fi.Points[i], err = measure(I)
		return err
	})
	if err != nil {
		return fi, err
	}
	first := -1
	anySpikes := false
	for i, p := range fi.Points {
		anySpikes = anySpikes || p.Spikes > 0
		if first < 0 && p.Rate > 0 {
			first = i
		}
	}
	switch {
	case first < 0 && anySpikes:
		fi.Class, fi.Note = 3, "class 3: spikes at the onset of the current but no repetitive firing"
		return fi, nil
	case first < 0:
		fi.Note = "no spikes in this range"
		return fi, nil
	case first == 0:
		fi.Rheobase = fi.Points[0].I
		fi.Note = "fires at the lowest current of the range; start lower to find the rheobase"
		return fi, nil
	}
	// Bisection between the last silent and the first firing current.
	lo, hi := fi.Points[first-1].I, fi.Points[first].I
	for math.Abs(hi-lo) > 1e-4*math.Abs(to-from) {
		mid := (lo + hi) / 2
		p, err := measure(mid)
		if err != nil {
			return fi, err
		}
		if p.Rate > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	fi.Rheobase = hi
	onset, err := measure(hi + 1e-3*math.Abs(to-from))
	if err != nil {
		return fi, err
	}
	maxRate := 0.0
	for _, p := range fi.Points {
		maxRate = math.Max(maxRate, p.Rate)
	}
	if onset.Rate < 0.2*maxRate {
		fi.Class = 1
		fi.Note = fmt.Sprintf("class 1: firing starts at low rates (%.3g Hz just above the rheobase %.6g, up to %.3g Hz)", onset.Rate, hi, maxRate)
	} else {
		fi.Class = 2
		fi.Note = fmt.Sprintf("class 2: firing starts abruptly at %.3g Hz at the rheobase %.6g (up to %.3g Hz)", onset.Rate, hi, maxRate)
	}
	return fi, nil
}
