// Package homeostasis is homeostatic synaptic scaling (van Rossum, Bi and
// Turrigiano 2000): every incoming weight of a neuron is multiplied by
// 1 + Rate·(Target − r)/Target·Δt, where r is the neuron's firing rate
// filtered with time constant Tau, so that rates settle at Target. One
// implementation serves every engine whose projections learn (point
// networks, links onto cable cells).
package homeostasis

import (
	"errors"

	"neurite/sim/connect"
	"neurite/sim/fastexp"
)

// Rule is the scaling's settings.
type Rule struct {
	Target float64 // Hz
	Tau    float64 // ms, the rate estimate's time constant
	Rate   float64 // 1/ms, how fast weights follow
	WMax   float64 // 0: no bound
}

// Check refuses settings that are not all positive.
func (r *Rule) Check() error {
	if !(r.Target > 0 && r.Tau > 0 && r.Rate > 0) {
		return errors.New("scaling needs a positive target_rate, tau and rate")
	}
	return nil
}

// Scaler scales the weights w of a projection's synapses, indexed by
// target neuron (in), by their targets' rates.
type Scaler[W float32 | float64] struct {
	in    *connect.Transposed
	w     []W
	rate  []float64 // the filtered rate of each target (Hz) at rateT
	rateT []float64
	c     Twin // the rule's numbers, with no division left to do
}

// Twin holds the numbers Scaler computes with: 1/Tau, a spike's step of
// the rate (1000/Tau Hz), Rate/Target, Target and WMax.
type Twin struct {
	Inv, Bump, Gain, Target, WMax float64
}

// Twin returns the rule's numbers as Scaler computes with them.
func (r *Rule) Twin() Twin {
	return Twin{Inv: 1 / r.Tau, Bump: 1000 / r.Tau, Gain: r.Rate / r.Target, Target: r.Target, WMax: r.WMax}
}

// New makes the scaler of weights w reaching n target neurons.
func New[W float32 | float64](r *Rule, in *connect.Transposed, w []W, n int) *Scaler[W] {
	return &Scaler[W]{in: in, w: w, rate: make([]float64, n), rateT: make([]float64, n), c: r.Twin()}
}

// Reset forgets the rates.
func (s *Scaler[W]) Reset() {
	clear(s.rate)
	clear(s.rateT)
}

// Spike counts a spike of target neuron j at t (ms) into its rate.
func (s *Scaler[W]) Spike(j int, t float64) {
	s.rate[j] = float64(s.rateAt(j, t)) + s.c.Bump // the product rounded, unfused
	s.rateT[j] = t
}

// rateAt is the rate of neuron j decayed to t, by fastexp.Portable and
// products (no division), as the GPU's twin (shaders/net_learn.comp).
func (s *Scaler[W]) rateAt(j int, t float64) float64 {
	return s.rate[j] * fastexp.Portable((s.rateT[j]-t)*s.c.Inv)
}

// Scale applies scaling over span ms ending at t: the factor is
// 1 + (Rate/Target)·(Target − r)·span, each product rounded before the
// sum.
func (s *Scaler[W]) Scale(t, span float64) {
	c := s.c
	for j := range s.rate {
		f := 1 + float64(float64(c.Gain*(c.Target-s.rateAt(j, t)))*span)
		for _, syn := range s.in.Syn[s.in.Start[j]:s.in.Start[j+1]] {
			w := float64(s.w[syn]) * f
			if c.WMax > 0 {
				w = min(w, c.WMax)
			}
			s.w[syn] = W(w)
		}
	}
}
