// Package netcon routes spikes along connections that span engines, as
// NEURON's NetCons do: from neurons of any part of a composite run
// (point neurons, cable cells) to the input targets of any part, each
// connection with its own weight and delay, and with STDP where a
// projection learns (STDP, synaptic scaling). It is the cross router of
// sim.Composite.
package netcon

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/connect"
	"neurite/sim/homeostasis"
	"neurite/sim/stdp"
)

// Range is a population as the whole run numbers it: ids First to
// First+N-1.
type Range struct{ First, N int }

func (r Range) has(id int) bool { return id >= r.First && id < r.First+r.N }

// Projection is connections from the neurons of From to input targets of
// one part: rows by source neuron (Start, Target, Target numbering the
// neurons of To), and per connection the part's queue target it feeds,
// its weight and its delay in steps.
type Projection struct {
	Name     string
	From, To Range
	Start    []int64
	Target   []uint32
	Part     int       // the part whose targets the connections feed
	Slot     []int32   // per connection: the part's queue target
	W        []float64 // per connection (µS onto cable cells; as the target's port takes, onto point neurons)
	Delay    []int64   // per connection: steps from the step the spike's Step names to delivery
	// Lag is 1 where the sources' spikes name the end of the step they
	// occur in (cable cells' NetCon times), 0 where they name the step
	// itself (point neurons).
	Lag   int64
	learn *stdp.Synapses[float64]
	scale *homeostasis.Scaler[float64]
	in    *connect.Transposed // the connections by target, for learning
}

// Synapses is the number of connections.
func (pr *Projection) Synapses() int64 { return int64(len(pr.Target)) }

// Weight returns connection s's weight now.
func (pr *Projection) Weight(s int64) float64 { return pr.W[s] }

// Plastic reports whether the projection's weights learn.
func (pr *Projection) Plastic() bool { return pr.learn != nil || pr.scale != nil }

// SetScaling makes the projection's weights scale toward its targets'
// target rate (see package homeostasis).
func (pr *Projection) SetScaling(r *homeostasis.Rule) error {
	if err := r.Check(); err != nil {
		return fmt.Errorf("projection %s: %w", pr.Name, err)
	}
	in, err := pr.incoming()
	if err != nil {
		return err
	}
	pr.scale = homeostasis.New(r, in, pr.W, pr.To.N)
	return nil
}

// incoming returns the connections indexed by target neuron, made once.
func (pr *Projection) incoming() (*connect.Transposed, error) {
	if pr.in == nil {
		in, err := (&connect.CSR{Start: pr.Start, Target: pr.Target}).Transpose(pr.To.N)
		if err != nil {
			return nil, fmt.Errorf("projection %s: %w", pr.Name, err)
		}
		pr.in = in
	}
	return pr.in, nil
}

// SetSTDP makes the projection's weights learn by rule r, pre traces
// from its sources' spikes and post traces from its targets'.
func (pr *Projection) SetSTDP(r *stdp.Rule) error {
	if err := r.Check(); err != nil {
		return fmt.Errorf("projection %s: %w", pr.Name, err)
	}
	in, err := pr.incoming()
	if err != nil {
		return err
	}
	pr.learn = stdp.New(r, pr.Start, pr.Target, in, pr.W, pr.From.N, pr.To.N)
	return nil
}

// Links is a set of projections as one router. Weights that learn keep
// what they learnt when the run starts again, as a point network's do;
// Reset forgets the spikes.
type Links struct {
	Projections []*Projection
	dt          float64
	scaledAt    int64 // the step up to which scaling has been applied
}

// New makes the router of projections at time step dt (ms).
func New(projections []*Projection, dt float64) *Links {
	return &Links{Projections: projections, dt: dt}
}

// MinDelay is the fewest steps from a spike's step to a delivery.
func (l *Links) MinDelay() int64 {
	d := int64(math.MaxInt64)
	for _, pr := range l.Projections {
		for _, k := range pr.Delay {
			d = min(d, pr.Lag+k)
		}
	}
	return d
}

// MaxDelay is the most such steps.
func (l *Links) MaxDelay() int64 {
	var d int64
	for _, pr := range l.Projections {
		for _, k := range pr.Delay {
			d = max(d, pr.Lag+k)
		}
	}
	return d
}

// Reset forgets the spikes the traces and rates hold.
func (l *Links) Reset() {
	for _, pr := range l.Projections {
		if pr.learn != nil {
			pr.learn.Reset()
		}
		if pr.scale != nil {
			pr.scale.Reset()
		}
	}
	l.scaledAt = 0
}

// EpochStart applies synaptic scaling for the time since it last ran, up
// to the start of the epoch that begins at step, as a point network does.
func (l *Links) EpochStart(step int64) {
	if step <= l.scaledAt {
		return
	}
	for _, pr := range l.Projections {
		if pr.scale != nil {
			pr.scale.Scale(float64(step)*l.dt, float64(step-l.scaledAt)*l.dt)
		}
	}
	l.scaledAt = step
}

// Route queues each spike's connections, with the weights they have
// then, and applies plasticity spike by spike in the order of time (as a
// point network's router does).
func (l *Links) Route(spikes []sim.Spike, parts []*sim.Queue) {
	for _, s := range spikes {
		n := int64(math.Round(s.Step / l.dt))
		for _, pr := range l.Projections {
			if !pr.From.has(s.Cell) {
				continue
			}
			q, i := parts[pr.Part], s.Cell-pr.From.First
			for syn := pr.Start[i]; syn < pr.Start[i+1]; syn++ {
				q.Add(int(pr.Slot[syn]), n+pr.Delay[syn], pr.W[syn])
			}
		}
		for _, pr := range l.Projections {
			if pr.learn != nil && pr.From.has(s.Cell) {
				pr.learn.Pre(s.Cell-pr.From.First, s.T)
			}
			if !pr.To.has(s.Cell) {
				continue
			}
			if pr.learn != nil {
				pr.learn.Post(s.Cell-pr.To.First, s.T)
			}
			if pr.scale != nil {
				pr.scale.Spike(s.Cell-pr.To.First, s.T)
			}
		}
	}
}
