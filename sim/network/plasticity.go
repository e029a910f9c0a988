package network

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/connect"
)

// STDP is pair-based spike-timing-dependent plasticity with a trace per
// presynaptic and per postsynaptic neuron (all-to-all pairing: traces
// add; nearest-neighbour: traces reset to their increment). A
// presynaptic spike depresses by the postsynaptic trace, a postsynaptic
// spike potentiates by the presynaptic trace; additive steps are in units
// of WMax, multiplicative ones scale with the room left (w − WMin for
// depression, WMax − w for potentiation). Weights stay in [WMin, WMax].
type STDP struct {
	TauPlus, TauMinus float64 // ms
	APlus, AMinus     float64 // fractions of WMax
	WMin, WMax        float64
	Multiplicative    bool
	Nearest           bool
}

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

// plastic is a projection's learning state. Traces are kept lazily: a
// value and the time it was last brought up to date.
type plastic struct {
	pr        *Projection
	stdp      *STDP
	scaling   *Scaling
	pre, post trace
	in        *connect.Transposed // the synapses reaching each neuron
	rate      []float64           // scaling: the filtered rate of each target (Hz)
	rateT     []float64
}

type trace struct {
	x, t []float64
}

func newTrace(n int) trace {
	tr := trace{x: make([]float64, n), t: make([]float64, n)}
	return tr
}

// at returns the trace of neuron i decayed to time t.
func (tr trace) at(i int, t, tau float64) float64 {
	return tr.x[i] * math.Exp(-(t-tr.t[i])/tau)
}

// bump adds a (or resets to a, nearest) at time t.
func (tr trace) bump(i int, t, tau, a float64, nearest bool) {
	if nearest {
		tr.x[i] = a
	} else {
		tr.x[i] = tr.at(i, t, tau) + a
	}
	tr.t[i] = t
}

// SetPlasticity makes a projection plastic: its weights become its own
// (one per synapse) and change with STDP, scaling or both.
func (pr *Projection) SetPlasticity(stdp *STDP, scaling *Scaling) error {
	if stdp != nil && !(stdp.TauPlus > 0 && stdp.TauMinus > 0 && stdp.WMax > stdp.WMin) {
		return fmt.Errorf("projection %s: STDP needs positive tau_plus and tau_minus and w_max > w_min", pr.Name)
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
	return &plastic{pr: pr, stdp: pr.stdp, scaling: pr.scaling, in: in,
		pre: newTrace(pr.From.N), post: newTrace(pr.To.N),
		rate: make([]float64, pr.To.N), rateT: make([]float64, pr.To.N)}, nil
}

func (pl *plastic) reset() {
	for _, tr := range []trace{pl.pre, pl.post} {
		clear(tr.x)
		clear(tr.t)
	}
	clear(pl.rate)
	clear(pl.rateT)
}

// spike applies one spike, in time order: as the projection's source it
// depresses the neuron's outgoing synapses, as its target it potentiates
// the incoming ones.
func (pl *plastic) spike(s sim.Spike) {
	pr, st, t := pl.pr, pl.stdp, s.T
	if i := s.Cell - pr.From.first; st != nil && i >= 0 && i < pr.From.N {
		for syn := pr.Start[i]; syn < pr.Start[i+1]; syn++ {
			y := pl.post.at(int(pr.Target[syn]), t, st.TauMinus)
			pl.set(syn, -st.AMinus*y, false)
		}
		pl.pre.bump(i, t, st.TauPlus, 1, st.Nearest)
	}
	j := s.Cell - pr.To.first
	if j < 0 || j >= pr.To.N {
		return
	}
	if st != nil {
		for k := pl.in.Start[j]; k < pl.in.Start[j+1]; k++ {
			x := pl.pre.at(int(pl.in.Src[k]), t, st.TauPlus)
			pl.set(int64(pl.in.Syn[k]), st.APlus*x, true)
		}
		pl.post.bump(j, t, st.TauMinus, 1, st.Nearest)
	}
	if sc := pl.scaling; sc != nil {
		pl.rate[j] = pl.rateAt(j, t) + 1000/sc.Tau
		pl.rateT[j] = t
	}
}

// set moves synapse syn by dw (in units of w_max for additive STDP).
func (pl *plastic) set(syn int64, a float64, potentiate bool) {
	st := pl.stdp
	w := float64(pl.pr.W[syn])
	switch {
	case !st.Multiplicative:
		w += a * st.WMax
	case potentiate:
		w += a * (st.WMax - w)
	default:
		w += a * (w - st.WMin)
	}
	pl.pr.W[syn] = float32(min(st.WMax, max(st.WMin, w)))
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
