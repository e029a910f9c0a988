package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Part is one backend of a Composite with its wiring, its neurons
// numbered in the whole.
type Part struct {
	Backend Backend
	Wiring  Wiring
	// IDs gives the whole's id of each of the part's neurons (its spikes'
	// Cell).
	IDs []int
}

// CrossRouter passes spikes on between the parts of a Composite: to
// targets of any part, as Router does to one backend's.
type CrossRouter interface {
	MinDelay() int64
	MaxDelay() int64
	// Route queues the deliveries of an epoch's spikes (ids of the whole,
	// sorted by time) into the parts' queues, parts[k] numbering part k's
	// targets as its backend does.
	Route(spikes []Spike, parts []*Queue)
	// Reset forgets the spikes of an earlier run.
	Reset()
}

// Composite advances several backends as one, for one Driver: every part
// takes the same epoch's steps, its inputs taken from its own run of the
// one queue's targets, and at the epoch's end the spikes go to each
// part's own router and, across parts, to the cross router. Its
// samples are the parts' probes one part after the other; it takes no
// snapshots of its own.
type Composite struct {
	parts  []compositePart
	cross  CrossRouter
	dt     float64
	every  int64
	probes int
	local  []localID // by id of the whole
	views  []*Queue  // the parts' views of the queue last routed into
	queue  *Queue
}

type compositePart struct {
	Part
	target0, probe0 int
	spikes          []Spike // the spikes of the part's last epoch and route, by its own ids
}

// localID is a neuron of the whole as its part numbers it.
type localID struct {
	part int32
	id   int32
}

// NewComposite joins parts, connected by cross (nil for none), into one
// backend for neurons neurons, with the wiring to drive it by. The parts
// must share the time step and recording interval.
func NewComposite(parts []Part, cross CrossRouter, neurons int) (*Composite, Wiring, error) {
	c := &Composite{cross: cross, local: make([]localID, neurons)}
	var w Wiring
	for k, p := range parts {
		b := p.Backend
		if k == 0 {
			c.dt, c.every = b.Dt(), b.RecordEvery()
		} else if b.Dt() != c.dt || b.RecordEvery() != c.every {
			return nil, Wiring{}, fmt.Errorf("the engines of a network run at dt = %v and %v ms, recording every %d and %d steps: they must agree", c.dt, b.Dt(), c.every, b.RecordEvery())
		}
		c.parts = append(c.parts, compositePart{Part: p, target0: w.Targets, probe0: c.probes})
		for _, in := range p.Wiring.Inputs {
			in.Target += int32(w.Targets)
			w.Inputs = append(w.Inputs, in)
		}
		for i, id := range p.IDs {
			c.local[id] = localID{int32(k), int32(i)}
		}
		w.Targets += p.Wiring.Targets
		c.probes += b.Probes()
	}
	// Parts' inputs interleave by step; within a step each part keeps its
	// order, and parts' targets are disjoint.
	slices.SortStableFunc(w.Inputs, func(a, b Input) int { return cmp.Compare(a.Step, b.Step) })
	w.Router = (*compositeRouter)(c)
	return c, w, nil
}

func (c *Composite) Dt() float64        { return c.dt }
func (c *Composite) Probes() int        { return c.probes }
func (c *Composite) RecordEvery() int64 { return c.every }

// Snapshots: none; a part's state is read from its own engine.
func (c *Composite) Snapshots() Schedule { return Every(0) }

// Snapshot appends every part's snapshot in turn.
func (c *Composite) Snapshot(buf []float64) []float64 {
	buf = buf[:0]
	var part []float64
	for _, p := range c.parts {
		part = p.Backend.Snapshot(part)
		buf = append(buf, part...)
	}
	return buf
}

// EpochSteps is the shortest epoch a part wants.
func (c *Composite) EpochSteps() int64 {
	n := int64(math.MaxInt64)
	for _, p := range c.parts {
		n = min(n, p.Backend.EpochSteps())
	}
	return n
}

func (c *Composite) Reset() {
	for _, p := range c.parts {
		p.Backend.Reset()
	}
	if c.cross != nil {
		c.cross.Reset()
	}
}

func (c *Composite) Probe(values []float64) {
	for _, p := range c.parts {
		p.Backend.Probe(values[p.probe0 : p.probe0+p.Backend.Probes()])
	}
}

// EpochStarter is a cross router with work at the start of every epoch
// (synaptic scaling of its weights, from the rates so far).
type EpochStarter interface {
	EpochStart(step int64)
}

// Advance takes each part over the epoch in turn (each spreads its own
// work over the cores), then renumbers their spikes.
func (c *Composite) Advance(ep *Epoch) error {
	if s, ok := c.cross.(EpochStarter); ok {
		s.EpochStart(ep.From)
	}
	for k := range c.parts {
		p := &c.parts[k]
		n := p.Backend.Probes()
		sub := &Epoch{From: ep.From, To: ep.To, Inputs: c.viewsOf(ep.Inputs)[k], Base: ep.Base,
			Rows: make([][]float64, len(ep.Rows)), Spikes: p.spikes[:0]}
		for r, row := range ep.Rows {
			sub.Rows[r] = row[p.probe0 : p.probe0+n]
		}
		if err := p.Backend.Advance(sub); err != nil {
			return err
		}
		for _, s := range sub.Spikes {
			s.Cell = p.IDs[s.Cell]
			ep.Spikes = append(ep.Spikes, s)
		}
		p.spikes = sub.Spikes
		ep.NoteBlowUp(sub.BlowUp)
	}
	return nil
}

// viewsOf returns the parts' views of queue q.
func (c *Composite) viewsOf(q *Queue) []*Queue {
	if c.queue != q {
		c.queue, c.views = q, c.views[:0]
		for _, p := range c.parts {
			c.views = append(c.views, q.View(p.target0, p.Wiring.Targets))
		}
	}
	return c.views
}

// compositeRouter is the Composite as the driver's spike exchange.
type compositeRouter Composite

func (r *compositeRouter) MinDelay() int64 {
	d := int64(math.MaxInt64)
	for _, p := range r.parts {
		if p.Wiring.Router != nil {
			d = min(d, p.Wiring.Router.MinDelay())
		}
	}
	if r.cross != nil {
		d = min(d, r.cross.MinDelay())
	}
	return d
}

func (r *compositeRouter) MaxDelay() int64 {
	var d int64
	for _, p := range r.parts {
		if p.Wiring.Router != nil {
			d = max(d, p.Wiring.Router.MaxDelay())
		}
	}
	if r.cross != nil {
		d = max(d, r.cross.MaxDelay())
	}
	return d
}

// Route hands each part's router its own spikes, by its own ids and in
// the order of time, and the cross router all of them.
func (r *compositeRouter) Route(spikes []Spike, q *Queue) {
	c := (*Composite)(r)
	views := c.viewsOf(q)
	for k := range c.parts {
		p := &c.parts[k]
		if p.Wiring.Router == nil {
			continue
		}
		p.spikes = p.spikes[:0]
		for _, s := range spikes {
			if l := c.local[s.Cell]; int(l.part) == k {
				s.Cell = int(l.id)
				p.spikes = append(p.spikes, s)
			}
		}
		if len(p.spikes) > 0 {
			p.Wiring.Router.Route(p.spikes, views[k])
		}
	}
	if c.cross != nil {
		c.cross.Route(spikes, views)
	}
}
