package network

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/connect"
	"neurite/sim/stdp"
)

// STDP is pair-based spike-timing-dependent plasticity (see package
// stdp, whose rule every engine shares).
type STDP = stdp.Rule

// Scaling is homeostatic synaptic scaling: every incoming weight of a
// neuron is multiplied by 1 + Rate·(target − r)/target·Δt, where r is the
// neuron's firing rate filtered with time constant Tau, so that rates
// settle at Target (van Rossum, Bi and Turrigiano 2000).
type Scaling struct {
	Target float64 // Hz
	Tau    float64 // ms, the rate estimate's time constant
	Rate   float64 // 1/ms, how fast weights follow
	WMax   float64 // 0: no bound
}

// plastic is a projection's learning state.
type plastic struct {
	pr      *Projection
	stdp    *stdp.Synapses[float32] // nil without STDP
	scaling *Scaling
	in      *connect.Transposed // the synapses reaching each neuron
	rate    []float64           // scaling: the filtered rate of each target (Hz)
	rateT   []float64
}

// SetPlasticity makes a projection plastic: its weights become its own
// (one per synapse) and change with STDP, scaling or both.
func (pr *Projection) SetPlasticity(stdp *STDP, scaling *Scaling) error {
	if stdp != nil {
		if err := stdp.Check(); err != nil {
			return fmt.Errorf("projection %s: %w", pr.Name, err)
		}
	}
	if scaling != nil && !(scaling.Target > 0 && scaling.Tau > 0 && scaling.Rate > 0) {
		return fmt.Errorf("projection %s: scaling needs a positive target_rate, tau and rate", pr.Name)
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
	pl := &plastic{pr: pr, scaling: pr.scaling, in: in,
		rate: make([]float64, pr.To.N), rateT: make([]float64, pr.To.N)}
	if pr.stdp != nil {
		pl.stdp = stdp.New(pr.stdp, pr.Start, pr.Target, in, pr.W, pr.From.N, pr.To.N)
	}
	return pl, nil
}

func (pl *plastic) reset() {
	if pl.stdp != nil {
		pl.stdp.Reset()
	}
	clear(pl.rate)
	clear(pl.rateT)
}

// spike applies one spike, in time order: as the projection's source it
// depresses the neuron's outgoing synapses, as its target it potentiates
// the incoming ones.
func (pl *plastic) spike(s sim.Spike) {
	pr, t := pl.pr, s.T
	if i := s.Cell - pr.From.first; pl.stdp != nil && i >= 0 && i < pr.From.N {
		pl.stdp.Pre(i, t)
	}
	j := s.Cell - pr.To.first
	if j < 0 || j >= pr.To.N {
		return
	}
	if pl.stdp != nil {
		pl.stdp.Post(j, t)
	}
	if sc := pl.scaling; sc != nil {
		pl.rate[j] = pl.rateAt(j, t) + 1000/sc.Tau
		pl.rateT[j] = t
	}
}

func (pl *plastic) rateAt(j int, t float64) float64 {
	return pl.rate[j] * math.Exp(-(t-pl.rateT[j])/pl.scaling.Tau)
}

// scale applies synaptic scaling over the epoch that ended at t, of
// length span (ms).
func (pl *plastic) scale(t, span float64) {
	sc := pl.scaling
	for j := range pl.pr.To.N {
		r := pl.rateAt(j, t)
		f := 1 + sc.Rate*(sc.Target-r)/sc.Target*span
		for _, syn := range pl.in.Syn[pl.in.Start[j]:pl.in.Start[j+1]] {
			w := float64(pl.pr.W[syn]) * f
			if sc.WMax > 0 {
				w = min(w, sc.WMax)
			}
			pl.pr.W[syn] = float32(w)
		}
	}
}

// Plastic reports whether the projection's weights learn (STDP or
// scaling).
func (pr *Projection) Plastic() bool { return pr.stdp != nil || pr.scaling != nil }
