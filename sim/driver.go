package sim

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// Backend is what a simulation engine owns: its state arrays and how to
// advance them over an epoch. Everything around the advance (epochs, the
// event queue, spike exchange, sampling, snapshots, progress,
// cancellation and blow-up) is the Driver's, so that every engine (the
// CPU and GPU cable engines, point-neuron networks) runs the same way.
type Backend interface {
	// Dt is the time step (ms).
	Dt() float64
	// Reset sets the initial state, step 0.
	Reset()
	// Advance takes the state over the epoch's steps [From, To): it takes
	// the inputs due at each step from the epoch's queue, fills the
	// record rows, and appends the spikes and any blow-up to the epoch. A
	// non-nil error is a failure of the engine itself (a lost device).
	Advance(ep *Epoch) error
	// Probe writes the present values of the recorded quantities.
	Probe(values []float64)
	// Probes is how many quantities are recorded.
	Probes() int
	// RecordEvery is the sampling interval in steps.
	RecordEvery() int64
	// Snapshot appends the state a snapshot shows (the voltage of every
	// segment or neuron) to buf[:0].
	Snapshot(buf []float64) []float64
	// Snapshots is the schedule of snapshots.
	Snapshots() Schedule
	// EpochSteps is the most steps the backend advances well in one go:
	// enough work that the overhead of an epoch is small, little enough
	// that cancellation and progress stay prompt.
	EpochSteps() int64
}

// Schedule says at which steps snapshots are taken.
type Schedule interface {
	// At reports whether a snapshot is taken at step k.
	At(k int64) bool
	// Next returns the first snapshot step after k (math.MaxInt64 for none).
	Next(k int64) int64
}

// Every is the schedule of a snapshot every k steps, step 0 included
// (k ≤ 0: none).
type Every int64

func (k Every) At(step int64) bool { return k > 0 && step%int64(k) == 0 }

func (k Every) Next(step int64) int64 {
	if k <= 0 {
		return math.MaxInt64
	}
	return (step/int64(k) + 1) * int64(k)
}

// Epoch is one Advance: the steps to take, the inputs, and what the
// backend hands back.
type Epoch struct {
	From, To int64
	// Inputs holds the input weights due at every step of the epoch, by
	// target; a backend zeroes what it takes.
	Inputs *Queue
	// Rows[r] receives the recorded values at step (Base+r+1)·RecordEvery.
	Rows [][]float64
	Base int64
	// Spikes receives the epoch's spikes, in any order.
	Spikes []Spike
	// BlowUp is set by the backend to the earliest blow-up of the epoch.
	BlowUp *BlowUpError
}

// Row returns the record row of step k, or nil when k is not a record
// step of the epoch.
func (ep *Epoch) Row(k int64, every int64) []float64 {
	if k%every != 0 {
		return nil
	}
	r := k/every - ep.Base - 1
	if r < 0 || r >= int64(len(ep.Rows)) {
		return nil
	}
	return ep.Rows[r]
}

// NoteBlowUp keeps the earliest of the epoch's blow-ups.
func (ep *Epoch) NoteBlowUp(err *BlowUpError) {
	if err != nil && (ep.BlowUp == nil || err.T < ep.BlowUp.T) {
		ep.BlowUp = err
	}
}

// Input is an event from outside the model: weight W onto target Target,
// due at step Step.
type Input struct {
	Step   int64
	Target int32
	W      float64
}

// Router passes spikes on to the targets they reach: a network's
// connections.
type Router interface {
	// MinDelay is the fewest steps from the step in which a spike occurs
	// to the step of its delivery: no epoch is longer, so every spike is
	// exchanged before it is due.
	MinDelay() int64
	// MaxDelay is the most such steps.
	MaxDelay() int64
	// Route queues the deliveries of spikes emitted in an epoch.
	Route(spikes []Spike, q *Queue)
}

// Wiring is what connects a backend's targets to the world: the count of
// input targets, events from outside, and the spikes' routes.
type Wiring struct {
	Targets int
	Inputs  []Input // sorted by step
	Router  Router  // nil for none
}

// Simulator is a model being run: a Driver and its backend.
type Simulator interface {
	// Init sets the initial state (NEURON's finitialize).
	Init()
	// Run advances to tstop (ms), handing what is recorded to rec.
	Run(ctx context.Context, tstop float64, rec Recorder, progress ProgressFunc) error
	// Time is the model time in ms.
	Time() float64
}

// ProgressFunc is told the model time after each epoch.
type ProgressFunc func(t float64)

// Driver runs a Backend: the one run loop of every engine.
type Driver struct {
	b      Backend
	wiring Wiring
	queue  *Queue
	epoch  int64
	next   int // the first input not yet queued
	step   int64

	recordedInit bool
	values, snap []float64
}

// NewDriver prepares a backend for running with its wiring.
func NewDriver(b Backend, w Wiring) *Driver {
	d := &Driver{b: b, wiring: w, epoch: max(1, b.EpochSteps())}
	horizon := d.epoch
	if w.Router != nil {
		d.epoch = max(1, min(d.epoch, w.Router.MinDelay()))
		horizon = d.epoch + w.Router.MaxDelay()
	}
	d.queue = NewQueue(w.Targets, horizon+1)
	return d
}

// Init sets the initial state.
func (d *Driver) Init() {
	d.b.Reset()
	d.step, d.next, d.recordedInit = 0, 0, false
	d.queue.Clear()
}

// Time is the model time in ms.
func (d *Driver) Time() float64 { return float64(d.step) * d.b.Dt() }

// Step is the number of steps taken.
func (d *Driver) Step() int64 { return d.step }

// Run advances the model to tstop (ms), handing samples, spikes and
// snapshots to rec as they are made; the sample and snapshot at the
// initial time come on the first call after Init. Run returns early with
// ctx's error when ctx is cancelled, with everything up to the last
// completed epoch recorded; and with a *BlowUpError, naming the time and
// the place, when the state leaves the physical range, with everything
// before it recorded.
func (d *Driver) Run(ctx context.Context, tstop float64, rec Recorder, progress ProgressFunc) error {
	b := d.b
	dt := b.Dt()
	last := int64(math.Round(tstop / dt))
	every := b.RecordEvery()
	sched := b.Snapshots()
	if !d.recordedInit {
		d.recordedInit = true
		d.values = slices.Grow(d.values[:0], b.Probes())[:b.Probes()]
		b.Probe(d.values)
		if err := rec.Sample(0, d.values); err != nil {
			return err
		}
		if sched.At(0) {
			d.snap = b.Snapshot(d.snap)
			if err := rec.Snapshot(0, d.snap); err != nil {
				return err
			}
		}
	}
	var spikes []Spike
	for d.step < last {
		if err := ctx.Err(); err != nil {
			return err
		}
		from := d.step
		to := min(last, from+d.epoch, sched.Next(from))
		d.queueInputs(to)
		ep := &Epoch{From: from, To: to, Inputs: d.queue, Base: from / every, Spikes: spikes[:0]}
		ep.Rows = make([][]float64, to/every-ep.Base)
		for r := range ep.Rows {
			ep.Rows[r] = make([]float64, b.Probes())
		}
		if err := b.Advance(ep); err != nil {
			return err
		}
		if ep.BlowUp != nil {
			good := (int64(math.Round(ep.BlowUp.T/dt))-1)/every - ep.Base
			ep.Rows = ep.Rows[:max(0, min(int64(len(ep.Rows)), good))]
		}
		for r, row := range ep.Rows {
			if err := rec.Sample(float64((ep.Base+int64(r)+1)*every)*dt, row); err != nil {
				return err
			}
		}
		spikes = ep.Spikes
		if len(spikes) > 0 {
			slices.SortStableFunc(spikes, func(a, b Spike) int {
				return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Cell, b.Cell))
			})
			if err := rec.Spikes(spikes); err != nil {
				return err
			}
			if d.wiring.Router != nil {
				d.wiring.Router.Route(spikes, d.queue)
			}
		}
		if ep.BlowUp != nil {
			return ep.BlowUp
		}
		d.step = to
		if sched.At(to) {
			d.snap = b.Snapshot(d.snap)
			if err := rec.Snapshot(d.Time(), d.snap); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(d.Time())
		}
	}
	return nil
}

// queueInputs queues the outside events due before step to.
func (d *Driver) queueInputs(to int64) {
	in := d.wiring.Inputs
	for d.next < len(in) && in[d.next].Step < to {
		ev := in[d.next]
		d.queue.Add(int(ev.Target), ev.Step, ev.W)
		d.next++
	}
}

// DeliveryStep returns the step at whose start an event at time t (ms)
// is delivered: the first step whose middle, k·dt + dt/2, is at or after
// t (NEURON's rule). Times past the int32 range of step counters give
// math.MaxInt32, which no run reaches.
func DeliveryStep(t, dt float64) int64 {
	if !(t/dt < math.MaxInt32) {
		return math.MaxInt32
	}
	s := math.Max(0, math.Ceil(t/dt-0.5)-1)
	for float64(s*dt)+dt/2 < t {
		s++
	}
	return min(int64(s), math.MaxInt32)
}
