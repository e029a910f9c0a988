// Package stdp is pair-based spike-timing-dependent plasticity: the rule
// and its traces, applied to the synapses of a projection whatever
// engine runs its neurons (point networks, cable cells, or both).
package stdp

import (
	"fmt"

	"neurite/sim/connect"
	"neurite/sim/fastexp"
)

// Rule is pair-based STDP with a trace per presynaptic and per
// postsynaptic neuron (all-to-all pairing: traces add; nearest-neighbour:
// traces reset to their increment). A presynaptic spike depresses by the
// postsynaptic trace, a postsynaptic spike potentiates by the presynaptic
// trace; additive steps are in units of WMax, multiplicative ones scale
// with the room left (w − WMin for depression, WMax − w for
// potentiation). Weights stay in [WMin, WMax].
type Rule struct {
	TauPlus, TauMinus float64 // ms
	APlus, AMinus     float64 // fractions of WMax
	WMin, WMax        float64
	Multiplicative    bool
	Nearest           bool
}

// Check refuses time constants that are not positive and bounds that
// leave no room.
func (r *Rule) Check() error {
	if !(r.TauPlus > 0 && r.TauMinus > 0 && r.WMax > r.WMin) {
		return fmt.Errorf("STDP needs positive tau_plus and tau_minus and w_max > w_min")
	}
	return nil
}

// Move returns weight w moved by a trace's step a (in units of WMax for
// additive STDP), clamped to [WMin, WMax].
func (r *Rule) Move(w, a float64, potentiate bool) float64 {
	// Each product is rounded before it is added (float64(...): Go may
	// not fuse it), as the GPU's twin (shaders/net_learn.comp) rounds it.
	switch {
	case !r.Multiplicative:
		w += float64(a * r.WMax)
	case potentiate:
		w += float64(a * (r.WMax - w))
	default:
		w += float64(a * (w - r.WMin))
	}
	return min(r.WMax, max(r.WMin, w))
}

// Trace is a trace per neuron, kept lazily: a value and the time it was
// last brought up to date.
type Trace struct {
	x, t []float64
}

// NewTrace makes the traces of n neurons, all zero.
func NewTrace(n int) Trace { return Trace{x: make([]float64, n), t: make([]float64, n)} }

// At returns the trace of neuron i decayed to time t with rate inv,
// 1/τ: by fastexp.Portable and a product, with no division, so that a
// GPU computes the same bits (shaders/net_learn.comp).
func (tr Trace) At(i int, t, inv float64) float64 {
	return tr.x[i] * fastexp.Portable((tr.t[i]-t)*inv)
}

// Bump adds a (or resets to a, nearest) at time t, decaying with rate
// inv (1/τ).
func (tr Trace) Bump(i int, t, inv, a float64, nearest bool) {
	if nearest {
		tr.x[i] = a
	} else {
		tr.x[i] = float64(tr.At(i, t, inv)) + a // the product rounded, unfused
	}
	tr.t[i] = t
}

// Reset zeroes every trace.
func (tr Trace) Reset() {
	clear(tr.x)
	clear(tr.t)
}

// Synapses applies a rule to a projection's synapses: rows by
// presynaptic neuron (Start, Target), In the same synapses by target,
// weights W one per synapse.
type Synapses[W float32 | float64] struct {
	Rule      *Rule
	Start     []int64
	Target    []uint32
	In        *connect.Transposed
	W         []W
	pre, post Trace
	// invPlus and invMinus are 1/TauPlus and 1/TauMinus.
	invPlus, invMinus float64
}

// New prepares the learning of a projection from pre to post neurons.
func New[W float32 | float64](r *Rule, start []int64, target []uint32, in *connect.Transposed, w []W, pre, post int) *Synapses[W] {
	return &Synapses[W]{Rule: r, Start: start, Target: target, In: in, W: w, pre: NewTrace(pre), post: NewTrace(post),
		invPlus: 1 / r.TauPlus, invMinus: 1 / r.TauMinus}
}

// Reset forgets every spike (the weights keep what they learnt).
func (s *Synapses[W]) Reset() {
	s.pre.Reset()
	s.post.Reset()
}

// Pre applies a spike of presynaptic neuron i at time t: its outgoing
// synapses depress by their targets' traces, then its trace grows.
func (s *Synapses[W]) Pre(i int, t float64) {
	r := s.Rule
	for syn := s.Start[i]; syn < s.Start[i+1]; syn++ {
		y := s.post.At(int(s.Target[syn]), t, s.invMinus)
		s.W[syn] = W(r.Move(float64(s.W[syn]), -r.AMinus*y, false))
	}
	s.pre.Bump(i, t, s.invPlus, 1, r.Nearest)
}

// Post applies a spike of postsynaptic neuron j at time t: its incoming
// synapses potentiate by their sources' traces, then its trace grows.
func (s *Synapses[W]) Post(j int, t float64) {
	r := s.Rule
	for k := s.In.Start[j]; k < s.In.Start[j+1]; k++ {
		x := s.pre.At(int(s.In.Src[k]), t, s.invPlus)
		syn := int64(s.In.Syn[k])
		s.W[syn] = W(r.Move(float64(s.W[syn]), r.APlus*x, true))
	}
	s.post.Bump(j, t, s.invMinus, 1, r.Nearest)
}
