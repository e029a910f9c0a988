package analysis

import (
	"context"
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
	// Batch runs the copies of a sweep (nil: the CPU, over all cores);
	// package gpu offers one that runs them on the device.
	Batch Batch
}

// Batch runs copies of a model, each with one parameter set to one of a
// list of values, from the model's initial state for the transient and
// the duration, and returns what each recorded.
type Batch interface {
	Traces(ctx context.Context, m *point.Model, param string, values []float64, o RunOptions) ([]Trace, error)
}

// CPU is the Batch of the CPU: the runs spread over o.Workers cores.
type CPU struct{}

// Traces runs the copies with the integrator o asks for.
func (CPU) Traces(ctx context.Context, model *point.Model, param string, values []float64, o RunOptions) ([]Trace, error) {
	o.SetDefaults()
	out := make([]Trace, len(values))
	err := parallel(ctx, len(values), o, func(i int) error {
		m := model.Clone()
		if err := m.SetParam(param, values[i]); err != nil {
			return err
		}
		tr, err := simulate(ctx, m, o)
		if err != nil {
			return fmt.Errorf("%s = %.6g: %w", param, values[i], err)
		}
		out[i] = tr
		return nil
	})
	return out, err
}

// traces runs a batch on o's backend.
func traces(ctx context.Context, m *point.Model, param string, values []float64, o RunOptions) ([]Trace, error) {
	if _, ok := m.Param(param); !ok {
		return nil, m.SetParam(param, 0)
	}
	b := o.Batch
	if b == nil {
		b = CPU{}
	}
	return b.Traces(ctx, m, param, values, o)
}

// SetDefaults fills in what o leaves at zero: dt 0.01, a transient of
// 200, a duration of 1000 (model time units), all cores.
func (o *RunOptions) SetDefaults() {
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
// Spikes are resets, or upward crossings of the model's spike level.
type Trace struct {
	Count               int       // spikes in the whole run
	Late                int       // spikes after the transient
	FirstLate, LastLate float64   // the first and last of those (ms)
	Spikes              []float64 // spike times after the transient (a batch may keep only the last 61)
	Maxima              []float64 // maxima of v after the transient that stand out (Peaks; the last 60); the final v alone where v has settled
}

// addSpike counts a spike at t.
func (tr *Trace) addSpike(t, transient float64) {
	tr.Count++
	if t > transient {
		if tr.Late == 0 {
			tr.FirstLate = t
		}
		tr.Late++
		tr.LastLate = t
		tr.Spikes = append(tr.Spikes, t)
	}
}

// simulate runs m from its initial state for transient + duration and
// returns its spikes and the maxima of v after the transient that stand
// out (Peaks, with Prominence of v's range). A run that has settled on an equilibrium
// records its final v as the one maximum: a run that settles monotonically
// would have none.
func simulate(ctx context.Context, m *point.Model, o RunOptions) (Trace, error) {
	m.Restart()
	x := m.InitialState()
	v := m.V
	var tr Trace
	final := math.NaN()
	below := true
	level := m.SpikeAt
	span := m.Vars[v].Max - m.Vars[v].Min
	lo, hi := math.Inf(1), math.Inf(-1)
	maxima := Peaks{Delta: Prominence * span}
	res, err := ode.Integrate(ctx, m, x, 0, o.Transient+o.Duration, ode.Settings{Method: o.Method, Dt: o.Dt, Rtol: 1e-7, Atol: 1e-9, MaxStep: 0.5},
		func(t float64, y []float64) {
			cur := y[v]
			if !m.Spiking() && !math.IsInf(level, 0) {
				switch {
				case below && cur >= level:
					tr.addSpike(t, o.Transient)
					below = false
				case !below && cur < level-0.05*span:
					below = true
				}
			}
			if t > o.Transient {
				lo, hi = math.Min(lo, cur), math.Max(hi, cur)
				if peak, ok := maxima.Add(cur); ok {
					tr.Maxima = append(tr.Maxima, peak)
				}
			}
			final = cur
		})
	if m.Spiking() {
		for _, t := range res.Spikes {
			tr.addSpike(t, o.Transient)
		}
	}
	if len(tr.Maxima) > maxKept {
		tr.Maxima = tr.Maxima[len(tr.Maxima)-maxKept:]
	}
	if err == nil && hi-lo < Settled*span {
		tr.Maxima = []float64{final}
	}
	return tr, err
}

// Prominence is how far v must rise before a maximum and fall after it
// for the maximum to count, as a fraction of the model's range of v or of
// the maximum's size, whichever is more: 1.4e-4 mV for hh, 6.5e-5 mV at
// −65 mV for a typed model whose range was left at −1..1, far above the
// flicker of single precision (GPU sweeps) about a slow peak, far below
// any oscillation worth drawing.
const Prominence = 1e-6

// Peaks finds the maxima of a sampled signal that stand out by Delta, or
// by Prominence of their size if that is more: a maximum counts once the
// signal has risen by that much from the trough before it and then fallen
// as much, so the last bit's flicker about an equilibrium or a slow peak
// makes none. It starts seeking a trough, so that a signal falling from
// its first sample has no maximum there.
type Peaks struct {
	Delta    float64
	ext      float64 // the running extreme: the trough or the peak sought
	seekPeak bool
	started  bool
}

// Add takes the next sample and returns the maximum it confirms, if any.
func (p *Peaks) Add(v float64) (peak float64, ok bool) {
	d := math.Max(p.Delta, Prominence*math.Abs(p.ext))
	switch {
	case !p.started:
		p.ext, p.started = v, true
	case p.seekPeak && v > p.ext:
		p.ext = v
	case p.seekPeak && v < p.ext-d:
		peak, ok = p.ext, true
		p.seekPeak, p.ext = false, v
	case !p.seekPeak && v < p.ext:
		p.ext = v
	case !p.seekPeak && v > p.ext+d:
		p.seekPeak, p.ext = true, v
	}
	return peak, ok
}

// parallel runs work(i) for i in [0, n) on o.Workers goroutines, stopping
// at the first error, and returns the error of the lowest i that fails:
// an index is skipped only above a failure already seen, so every i below
// the lowest failure runs, and the error is the same whatever the
// workers' timing (a model that blows up at every value is reported
// once, at the first).
func parallel(ctx context.Context, n int, o RunOptions, work func(i int) error) error {
	var next, done, failed atomic.Int64 // failed: the lowest i that failed, n for none
	failed.Store(int64(n))
	var wg sync.WaitGroup
	errs := make([]error, n)
	for range min(o.Workers, n) {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				// Indices are taken in order: once one above the lowest
				// failure is taken, every later one is too.
				if i >= int64(n) || ctx.Err() != nil || i > failed.Load() {
					return
				}
				if errs[i] = work(int(i)); errs[i] != nil {
					for f := failed.Load(); i < f && !failed.CompareAndSwap(f, i); f = failed.Load() {
					}
				}
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
	if f := failed.Load(); f < int64(n) {
		return errs[f]
	}
	return nil
}

// SweepPoint is one value of a brute-force bifurcation diagram.
type SweepPoint struct {
	P, Value float64
}

// Settled is the range of v after the transient, as a fraction of the
// model's range of v, under which a run counts as settled on an
// equilibrium: 1e-3 mV for most models, well above the jitter of single
// precision about an equilibrium (GPU sweeps) and well below the smallest
// oscillation worth drawing.
const Settled = 1e-5

// maxKept is how many maxima or intervals a run keeps for a brute-force
// diagram: a long run repeats them.
const maxKept = 60

// BruteForce sweeps param over n values from from to to, simulates each,
// drops the transient and records the maxima (Peaks) of the membrane
// potential (or, with isi, the inter-spike intervals): the diagram of any
// model, spiking ones included, in parallel over all cores or on the GPU.
func BruteForce(ctx context.Context, model *point.Model, param string, from, to float64, n int, isi bool, o RunOptions) ([]SweepPoint, error) {
	o.SetDefaults()
	values := make([]float64, n)
	for i := range values {
		values[i] = from + (to-from)*float64(i)/float64(max(1, n-1))
	}
	trs, err := traces(ctx, model, param, values, o)
	if err != nil {
		return nil, err
	}
	var out []SweepPoint
	for i, tr := range trs {
		p := values[i]
		if isi {
			late := tr.Spikes
			if len(late) > maxKept+1 {
				late = late[len(late)-maxKept-1:]
			}
			for k := 1; k < len(late); k++ {
				out = append(out, SweepPoint{p, late[k] - late[k-1]})
			}
		} else {
			for _, v := range tr.Maxima {
				out = append(out, SweepPoint{p, v})
			}
		}
	}
	return out, nil
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

// rate is the firing frequency (Hz) from the spikes after the transient:
// repetitive firing needs three.
func (tr Trace) rate() float64 {
	if tr.Late < 3 {
		return 0
	}
	return 1000 * float64(tr.Late-1) / (tr.LastLate - tr.FirstLate)
}

// FI computes the F–I curve over n currents from from to to, refines the
// rheobase by bisection, and labels Hodgkin's class: 1 if firing starts at
// arbitrarily low rates, 2 if it starts at a rate well above zero, 3 if
// the model fires only at the onset of the current.
func FI(ctx context.Context, model *point.Model, param string, from, to float64, n int, o RunOptions) (*FICurve, error) {
	o.SetDefaults()
	if _, ok := model.Param(param); !ok {
		return nil, model.SetParam(param, 0)
	}
	fi := &FICurve{Param: param, Points: make([]FIPoint, n), Rheobase: math.NaN()}
	measure := func(currents []float64) ([]FIPoint, error) {
		trs, err := traces(ctx, model, param, currents, o)
		if err != nil {
			return nil, err
		}
		pts := make([]FIPoint, len(trs))
		for i, tr := range trs {
			pts[i] = FIPoint{I: currents[i], Rate: tr.rate(), Spikes: tr.Count}
		}
		return pts, nil
	}
	grid := make([]float64, n)
	for i := range grid {
		grid[i] = from + (to-from)*float64(i)/float64(max(1, n-1))
	}
	pts, err := measure(grid)
	if err != nil {
		return fi, err
	}
	fi.Points = pts
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
	// Bisection between the last silent and the first firing current: on
	// the CPU a point at a time; a batch (the GPU) takes fifteen a round.
	lo, hi := fi.Points[first-1].I, fi.Points[first].I
	k := 1
	if _, cpu := o.Batch.(CPU); o.Batch != nil && !cpu {
		k = 15
	}
	for math.Abs(hi-lo) > 1e-4*math.Abs(to-from) {
		probe := make([]float64, k)
		for j := range probe {
			probe[j] = lo + (hi-lo)*float64(j+1)/float64(k+1)
		}
		pts, err := measure(probe)
		if err != nil {
			return fi, err
		}
		newLo, newHi := lo, hi
		for j, p := range pts {
			if p.Rate > 0 {
				newHi = probe[j]
				break
			}
			newLo = probe[j]
		}
		lo, hi = newLo, newHi
	}
	fi.Rheobase = hi
	onsets, err := measure([]float64{hi + 1e-3*math.Abs(to-from)})
	if err != nil {
		return fi, err
	}
	onset := onsets[0]
	maxRate := 0.0
	for _, p := range fi.Points {
		maxRate = math.Max(maxRate, p.Rate)
	}
	if onset.Rate < 0.2*maxRate {
		fi.Class = 1
		fi.Note = fmt.Sprintf("class 1: firing starts at low rates (%.3g Hz just above the rheobase %s, up to %.3g Hz)", onset.Rate, model.ParamValue(param, hi, "%.6g"), maxRate)
	} else {
		fi.Class = 2
		fi.Note = fmt.Sprintf("class 2: firing starts abruptly at %.3g Hz at the rheobase %s (up to %.3g Hz)", onset.Rate, model.ParamValue(param, hi, "%.6g"), maxRate)
	}
	return fi, nil
}
