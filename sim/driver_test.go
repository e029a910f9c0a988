package sim_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"neurite/sim"
)

// chain is a toy backend: neurons that sum their inputs and fire when the
// sum reaches 1, each firing passed on to the next neuron after a delay.
type chain struct {
	v        []float64
	epoch    int64
	every    int64
	snapEach int64
	blowAt   int64 // step at whose end neuron 0 blows up; 0 for never
	epochs   []int64
}

func (c *chain) Dt() float64                    { return 0.1 }
func (c *chain) Reset()                         { clear(c.v) }
func (c *chain) Probes() int                    { return len(c.v) }
func (c *chain) RecordEvery() int64             { return c.every }
func (c *chain) Snapshots() sim.Schedule        { return sim.Every(c.snapEach) }
func (c *chain) EpochSteps() int64              { return c.epoch }
func (c *chain) Probe(values []float64)         { copy(values, c.v) }
func (c *chain) Snapshot(b []float64) []float64 { return append(b[:0], c.v...) }

func (c *chain) Advance(ep *sim.Epoch) error {
	c.epochs = append(c.epochs, ep.To-ep.From)
	for step := ep.From; step < ep.To; step++ {
		due := ep.Inputs.Due(step)
		for i := range c.v {
			c.v[i] += due[i]
			due[i] = 0
			if c.v[i] >= 1 {
				c.v[i] = 0
				t := float64(step) * c.Dt()
				ep.Spikes = append(ep.Spikes, sim.Spike{Cell: i, T: t, Step: t})
			}
		}
		if c.blowAt > 0 && step+1 == c.blowAt {
			ep.NoteBlowUp(&sim.BlowUpError{T: float64(step+1) * c.Dt(), Where: "neuron 0", V: math.Inf(1)})
			return nil
		}
		if row := ep.Row(step+1, c.every); row != nil {
			copy(row, c.v)
		}
	}
	return nil
}

// next routes neuron i's spikes to neuron i+1, delay steps later.
type next struct{ delay, n int64 }

func (r next) MinDelay() int64 { return r.delay }
func (r next) MaxDelay() int64 { return r.delay }
func (r next) Route(spikes []sim.Spike, q *sim.Queue) {
	for _, s := range spikes {
		if int64(s.Cell)+1 < r.n {
			q.Add(s.Cell+1, int64(math.Round(s.Step/0.1))+r.delay, 1)
		}
	}
}

// TestDriverDeliversOnTime: a spike travels down the chain one delay per
// neuron whatever the backend's epoch, and no epoch is longer than the
// delay.
func TestDriverDeliversOnTime(t *testing.T) {
	const n = 6
	for _, delay := range []int64{1, 3, 8} {
		for _, epoch := range []int64{1, 5, 1000} {
			c := &chain{v: make([]float64, n), epoch: epoch, every: 1}
			d := sim.NewDriver(c, sim.Wiring{Targets: n, Inputs: []sim.Input{{Step: 4, Target: 0, W: 0.5}, {Step: 4, Target: 0, W: 0.5}}, Router: next{delay, n}})
			d.Init()
			var rec sim.Memory
			if err := d.Run(context.Background(), 10, &rec, nil); err != nil {
				t.Fatal(err)
			}
			if len(rec.SpikeList) != n {
				t.Fatalf("delay %d, epoch %d: %d spikes, want %d", delay, epoch, len(rec.SpikeList), n)
			}
			for i, s := range rec.SpikeList {
				if want := int64(4) + int64(i)*delay; s.Cell != i || int64(math.Round(s.T/0.1)) != want {
					t.Errorf("delay %d, epoch %d: spike %d is neuron %d at step %g, want neuron %d at step %d", delay, epoch, i, s.Cell, s.T/0.1, i, want)
				}
			}
			for _, e := range c.epochs {
				if e > min(delay, epoch) {
					t.Errorf("delay %d, epoch %d: an epoch of %d steps", delay, epoch, e)
				}
			}
			if len(rec.T) != 101 || rec.T[100] != 10 {
				t.Errorf("delay %d, epoch %d: %d samples ending at %g ms", delay, epoch, len(rec.T), rec.T[len(rec.T)-1])
			}
		}
	}
}

// TestDriverResumes: two runs to 5 and 10 ms record what one run to 10 ms
// does, and Init starts again from nothing.
func TestDriverResumes(t *testing.T) {
	run := func(stops ...float64) *sim.Memory {
		c := &chain{v: make([]float64, 3), epoch: 7, every: 2, snapEach: 10}
		d := sim.NewDriver(c, sim.Wiring{Targets: 3, Inputs: []sim.Input{{Step: 30, Target: 0, W: 1}, {Step: 60, Target: 0, W: 1}}, Router: next{4, 3}})
		d.Init()
		var rec sim.Memory
		for _, s := range stops {
			if err := d.Run(context.Background(), s, &rec, nil); err != nil {
				t.Fatal(err)
			}
		}
		return &rec
	}
	one, two := run(10), run(5, 10)
	if len(one.T) != len(two.T) || len(one.SpikeList) != 6 || len(two.SpikeList) != 6 || len(one.SnapT) != 11 || len(two.SnapT) != 11 {
		t.Fatalf("one run: %d samples, %d spikes, %d snapshots; two: %d, %d, %d",
			len(one.T), len(one.SpikeList), len(one.SnapT), len(two.T), len(two.SpikeList), len(two.SnapT))
	}
	for i := range one.SpikeList {
		if one.SpikeList[i] != two.SpikeList[i] {
			t.Errorf("spike %d: %v in one run, %v in two", i, one.SpikeList[i], two.SpikeList[i])
		}
	}
}

// TestDriverBlowUp: the run stops at the blow-up, with the samples before
// it recorded and none after.
func TestDriverBlowUp(t *testing.T) {
	c := &chain{v: make([]float64, 2), epoch: 50, every: 1, blowAt: 23}
	d := sim.NewDriver(c, sim.Wiring{Targets: 2})
	d.Init()
	var rec sim.Memory
	err := d.Run(context.Background(), 10, &rec, nil)
	var b *sim.BlowUpError
	if !errors.As(err, &b) || math.Abs(b.T-2.3) > 1e-12 {
		t.Fatalf("err = %v, want a blow-up at 2.3 ms", err)
	}
	if last := rec.T[len(rec.T)-1]; math.Abs(last-2.2) > 1e-12 {
		t.Errorf("the last sample is at %g ms, want 2.2", last)
	}
}

// TestDriverCancel: a cancelled context stops the run before it starts
// an epoch.
func TestDriverCancel(t *testing.T) {
	c := &chain{v: make([]float64, 2), epoch: 5, every: 1}
	d := sim.NewDriver(c, sim.Wiring{Targets: 2})
	d.Init()
	ctx, cancel := context.WithCancel(context.Background())
	var rec sim.Memory
	err := d.Run(ctx, 10, &rec, func(t float64) {
		if t >= 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || d.Time() != 1 {
		t.Errorf("err = %v at %g ms, want cancelled at 1 ms", err, d.Time())
	}
}

// TestQueueWraps: inputs added in any order, beyond a lap of the ring,
// come out at their steps and sum.
func TestQueueWraps(t *testing.T) {
	q := sim.NewQueue(2, 4)
	q.Add(1, 7, 0.25)
	q.Add(0, 5, 1)
	q.Add(1, 7, 0.5)
	for step := int64(4); step < 9; step++ {
		due := q.Due(step)
		want := [2]float64{}
		switch step {
		case 5:
			want[0] = 1
		case 7:
			want[1] = 0.75
		}
		if due[0] != want[0] || due[1] != want[1] {
			t.Errorf("step %d: due %v, want %v", step, due, want)
		}
		clear(due)
	}
}

// TestDeliveryStep: NEURON's rule (the first step whose middle is at or
// after t), and times past the device's int32 step count saturate.
func TestDeliveryStep(t *testing.T) {
	for _, c := range []struct {
		t, dt float64
		want  int64
	}{
		{10, 0.025, 400}, {0, 0.025, 0}, {0.0125, 0.025, 0}, {0.0126, 0.025, 1},
		{math.Inf(1), 0.025, math.MaxInt32}, {1e9, 0.025, math.MaxInt32}, {1e12, 0.025, math.MaxInt32},
	} {
		if got := sim.DeliveryStep(c.t, c.dt); got != c.want {
			t.Errorf("DeliveryStep(%g, %g) = %d, want %d", c.t, c.dt, got, c.want)
		}
	}
}

// TestQueueQueued: the targets Add queued at a step, listed by each view
// in its own numbering, whatever the lap of the ring; a step with none,
// or a slot last used a lap earlier, lists none.
func TestQueueQueued(t *testing.T) {
	q := sim.NewQueue(5, 4)
	lo, hi := q.View(0, 2), q.View(2, 3)
	q.Add(4, 6, 1)
	lo.Add(1, 6, 2)
	hi.Add(0, 6, 3)
	hi.Add(2, 6, 1) // whole-ring target 4 again: listed once
	q.Add(0, 3, 1)
	clear(q.Due(3))
	q.Add(1, 7, 1) // the slot of step 3, a lap on
	for _, c := range []struct {
		q    *sim.Queue
		step int64
		want []int32
	}{
		{q, 6, []int32{4, 1, 2}}, {lo, 6, []int32{1}}, {hi, 6, []int32{2, 0}},
		{q, 3, nil}, {q, 7, []int32{1}}, {hi, 7, nil}, {q, 5, nil}, {q, 10, nil},
	} {
		if got := c.q.Queued(c.step, nil); !slices.Equal(got, c.want) {
			t.Errorf("step %d: queued %v, want %v", c.step, got, c.want)
		}
	}
	q.Clear()
	if got := q.Queued(6, nil); got != nil {
		t.Errorf("after Clear: queued %v", got)
	}
}

// TestStepGroups: time-sorted spikes come in runs of one step each, in
// order, none lost.
func TestStepGroups(t *testing.T) {
	spikes := []sim.Spike{{Cell: 0, T: 0.1, Step: 0.1}, {Cell: 3, T: 0.1, Step: 0.1}, {Cell: 1, T: 0.25, Step: 0.3}, {Cell: 2, T: 0.5, Step: 0.5}, {Cell: 4, T: 0.5, Step: 0.5}, {Cell: 5, T: 0.5, Step: 0.5}}
	var sizes []int
	total := 0
	for g := range sim.StepGroups(spikes) {
		for _, s := range g {
			if s.Step != g[0].Step {
				t.Fatalf("a run mixes steps %v and %v", g[0].Step, s.Step)
			}
		}
		sizes = append(sizes, len(g))
		total += len(g)
	}
	if fmt.Sprint(sizes) != "[2 1 3]" || total != len(spikes) {
		t.Errorf("runs of %v, want [2 1 3]", sizes)
	}
	for range sim.StepGroups(nil) {
		t.Error("a run of no spikes")
	}
}
