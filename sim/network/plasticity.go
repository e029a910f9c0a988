package network

import (
	"fmt"

	"neurite/sim"
	"neurite/sim/connect"
	"neurite/sim/homeostasis"
	"neurite/sim/stdp"
)

// STDP is pair-based spike-timing-dependent plasticity (see package
// stdp, whose rule every engine shares).
type STDP = stdp.Rule

// Scaling is homeostatic synaptic scaling (see package homeostasis,
// whose rule every engine shares).
type Scaling = homeostasis.Rule

// plastic is a projection's learning state.
type plastic struct {
	pr      *Projection
	in      *connect.Transposed          // the synapses by target
	stdp    *stdp.Synapses[float32]      // nil without STDP
	scaling *homeostasis.Scaler[float32] // nil without scaling
}

// SetPlasticity makes a projection plastic: its weights become its own
// (one per synapse) and change with STDP, scaling or both.
func (pr *Projection) SetPlasticity(stdp *STDP, scaling *Scaling) error {
	if stdp != nil {
		if err := stdp.Check(); err != nil {
			return fmt.Errorf("projection %s: %w", pr.Name, err)
		}
	}
	if scaling != nil {
		if err := scaling.Check(); err != nil {
			return fmt.Errorf("projection %s: %w", pr.Name, err)
		}
	}
	if len(pr.W) == 1 {
		w := pr.W[0]
		pr.W = make([]float32, pr.Synapses())
		for s := range pr.W {
			pr.W[s] = w
		}
	}
	pr.stdp, pr.scaling = stdp, scaling
	return nil
}

// newPlastic builds the learning state of a plastic projection, with the
// index of synapses by target.
func newPlastic(pr *Projection) (*plastic, error) {
	in, err := (&connect.CSR{Start: pr.Start, Target: pr.Target}).Transpose(pr.To.N)
	if err != nil {
		return nil, fmt.Errorf("projection %s: %w", pr.Name, err)
	}
	pl := &plastic{pr: pr, in: in}
	if pr.stdp != nil {
		pl.stdp = stdp.New(pr.stdp, pr.Start, pr.Target, in, pr.W, pr.From.N, pr.To.N)
	}
	if pr.scaling != nil {
		pl.scaling = homeostasis.New(pr.scaling, in, pr.W, pr.To.N)
	}
	return pl, nil
}

func (pl *plastic) reset() {
	if pl.stdp != nil {
		pl.stdp.Reset()
	}
	if pl.scaling != nil {
		pl.scaling.Reset()
	}
}

// pre applies a spike as the projection's source: the neuron's outgoing
// synapses depress.
func (pl *plastic) pre(s sim.Spike) {
	if i := s.Cell - pl.pr.From.first; pl.stdp != nil && i >= 0 && i < pl.pr.From.N {
		pl.stdp.Pre(i, s.T)
	}
}

// post applies a spike as the projection's target: the neuron's incoming
// synapses potentiate and it counts into its rate.
func (pl *plastic) post(s sim.Spike) {
	j := s.Cell - pl.pr.To.first
	if j < 0 || j >= pl.pr.To.N {
		return
	}
	if pl.stdp != nil {
		pl.stdp.Post(j, s.T)
	}
	if pl.scaling != nil {
		pl.scaling.Spike(j, s.T)
	}
}

// LearningIndex returns the index of a plastic projection's synapses by
// target, which the engine built for its learning (nil for a projection
// that does not learn): for another engine to learn from without
// building it again.
func (e *Engine) LearningIndex(pr *Projection) *connect.Transposed {
	for _, pl := range e.plastic {
		if pl.pr == pr {
			return pl.in
		}
	}
	return nil
}

// Learning returns the projection's rules: its STDP and its scaling,
// each nil where it has none.
func (pr *Projection) Learning() (*STDP, *Scaling) { return pr.stdp, pr.scaling }

// Plastic reports whether the projection's weights learn (STDP or
// scaling).
func (pr *Projection) Plastic() bool { return pr.stdp != nil || pr.scaling != nil }
