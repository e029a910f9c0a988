package network

import (
	"math"

	"neurite/sim"
)

// fastLIF holds what the fused LIF kernel needs of a population whose
// neurons share their parameters, whose synapses are voltage jumps or
// exponential currents and conductances, and whose drives are
// independent Poisson trains: the common case of large networks (COBA,
// Brunel, the cortical microcircuit). The kernel works in passes over a
// chunk's arrays, one quantity at a time, with scalar parameters; it
// computes each neuron's step exactly as the general kernel does.
type fastLIF struct {
	el, r, vth, vreset, i, tau, p22 float64
	refSteps                        int64
	ports                           []fastPort
	// drive[k] is the Poisson drive onto port k (-1: none); fusable
	// when no port has more than one, so that a step's inputs can be
	// drawn ahead of the fused pass and added in the general order.
	drive   []int
	fusable bool
}

type fastPort struct {
	synapse Synapse
	decay   float64 // the per-step decay of the current or conductance
	e       float64 // reversal potential (conductance)
	p21     float64 // exact: the voltage a unit current adds over a step
}

// newFastLIF returns the fused kernel's constants for p, or nil when p
// needs the general kernel.
func newFastLIF(p *popState) *fastLIF {
	l := p.LIF
	if l == nil {
		return nil
	}
	for _, col := range [][]float64{l.Tau, l.EL, l.R, l.Vth, l.Vreset, l.Tref, l.I} {
		for _, x := range col {
			if x != col[0] {
				return nil
			}
		}
	}
	for _, d := range p.Drives {
		if d.Kind != Poisson || d.Shared {
			return nil
		}
	}
	f := &fastLIF{el: l.EL[0], r: l.R[0], vth: l.Vth[0], vreset: l.Vreset[0], i: l.I[0], tau: l.Tau[0], p22: p.p22[0], refSteps: p.refSteps[0]}
	for k, q := range p.Ports {
		if q.Synapse != Delta && q.Shape != Exp {
			return nil
		}
		fp := fastPort{synapse: q.Synapse, decay: p.decayB[k], e: q.E}
		if p.Method == Exact && q.Synapse == Current {
			fp.p21 = p.p21[k][0]
		}
		f.ports = append(f.ports, fp)
		f.drive = append(f.drive, -1)
	}
	f.fusable = true
	for d, dr := range p.Drives {
		if f.drive[dr.Port] >= 0 {
			f.fusable = false
		}
		f.drive[dr.Port] = d
	}
	return f
}

// scratch is a chunk's working arrays for the fused kernel.
type scratch struct {
	cand      []float64   // the updated voltages, before refractoriness
	extra     [][]float64 // fused: each port's Poisson input of the step
	zero      []float64
	cond, cur [][]float64 // the chunk's part of each conductance and current port
	e, p21    []float64   // their reversal potentials; the currents' exact weights
	spiked    []int
}

// lifFast takes the chunk's neurons through step n in Brian2's order:
// update, threshold, delivery (Poisson drives, then the queue), reset.
// It returns the first neuron whose voltage blew up, or -1.
func (e *Engine) lifFast(c *chunk, n int64, due []float64) int {
	if bad, ok := fused(e, c, n, due); ok {
		return bad
	}
	p, f, dt := c.pop, c.pop.fast, e.net.Dt
	lo, hi := c.lo, c.hi
	v, ref := p.v[lo:hi], p.refUntil[lo:hi]
	s := &c.scratch
	if s.cand == nil {
		s.cand = make([]float64, hi-lo)
	}
	s.cond, s.cur, s.e, s.p21 = s.cond[:0], s.cur[:0], s.e[:0], s.p21[:0]
	for k, q := range f.ports {
		switch q.synapse {
		case Conductance:
			s.cond, s.e = append(s.cond, p.b[k][lo:hi]), append(s.e, q.e)
		case Current:
			s.cur, s.p21 = append(s.cur, p.b[k][lo:hi]), append(s.p21, q.p21)
		}
	}
	if p.Method == Exact {
		vinf := f.el + float64(f.r*f.i)
		updateExact(s.cand, v, s.cur, s.p21, vinf, f.p22)
	} else {
		updateEuler(s.cand, v, s.cond, s.e, s.cur, eulerLIF{el: f.el, r: f.r, i: f.i, dt: dt, tau: f.tau})
	}
	s.spiked = commit(v, s.cand, ref, n, f.vth, s.spiked[:0])
	tn := float64(n) * dt
	for _, i := range s.spiked {
		ref[i] = n + f.refSteps
		c.spikes = append(c.spikes, sim.Spike{Cell: p.first + lo + i, T: tn, Step: tn})
	}
	for k, q := range f.ports {
		if q.synapse != Delta {
			scale(p.b[k][lo:hi], q.decay)
		}
	}
	for d := range p.Drives {
		e.poissonDrive(c, d, n)
	}
	base := int(p.base)
	for k, q := range f.ports {
		in := due[base+k*p.N+lo : base+k*p.N+hi]
		if q.synapse == Delta {
			deliverJumps(v, in, ref, n)
		} else {
			deliver(p.b[k][lo:hi], in)
		}
	}
	for _, i := range s.spiked {
		v[i] = f.vreset
	}
	if i := outOfRange(v); i >= 0 {
		return lo + i
	}
	return -1
}

// fused takes a whole step of a chunk in one vector pass where the
// processor and the population allow (fast_avx2.go), computing what the
// passes compute; ok is false where it does not apply.
var fused = func(e *Engine, c *chunk, n int64, due []float64) (bad int, ok bool) { return -1, false }

// driveInputs draws the chunk's Poisson inputs of step n for the fused
// pass: extra[k] receives port k's (zero for a port without a drive).
func (e *Engine) driveInputs(c *chunk, n int64) [][]float64 {
	p, f, s := c.pop, c.pop.fast, &c.scratch
	m := c.hi - c.lo
	if s.extra == nil {
		s.zero = make([]float64, m)
		for range f.ports {
			s.extra = append(s.extra, make([]float64, m))
		}
	}
	out := s.extra[:len(f.ports):len(f.ports)]
	for k, d := range f.drive {
		if d < 0 {
			out[k] = s.zero
			continue
		}
		x := s.extra[k][:m]
		out[k] = x
		dr := &p.Drives[d]
		var mask []bool
		if dr.Neurons != nil {
			mask = dr.Neurons[c.lo:c.hi]
		}
		p.pois[d].Counts(x, p.words[d][c.lo:c.hi], int(n%4), dr.W, mask)
	}
	return out
}

// The fused kernel's passes, replaced by vector versions where the
// processor has them (fast_avx2.go); both compute the same numbers, in
// the same order, as lifStep.
var (
	updateEuler  = updateEulerGo
	updateExact  = updateExactGo
	commit       = commitGo
	scale        = scaleGo
	deliver      = deliverGo
	deliverJumps = deliverJumpsGo
	outOfRange   = outOfRangeGo
)

// eulerLIF is the constants of an Euler step of a LIF neuron.
type eulerLIF struct{ el, r, i, dt, tau float64 }

// updateEulerGo sets cand to each neuron's Euler step: the conductance
// ports cond (reversal potentials e) and the current ports cur add to the
// input.
func updateEulerGo(cand, v []float64, cond [][]float64, e []float64, cur [][]float64, c eulerLIF) {
	updateEulerFrom(0, cand, v, cond, e, cur, c)
}

// updateEulerFrom is updateEulerGo from neuron from on (a vector pass's
// tail).
func updateEulerFrom(from int, cand, v []float64, cond [][]float64, e []float64, cur [][]float64, c eulerLIF) {
	for i := from; i < len(v); i++ {
		x, is, g, gE := v[i], 0.0, 0.0, 0.0
		for _, b := range cur {
			is += b[i]
		}
		for k, b := range cond {
			g += b[i]
			gE += float64(b[i] * e[k])
		}
		cand[i] = x + c.dt*(c.el-x+float64(c.r*(c.i+is+gE-float64(g*x))))/c.tau
	}
}

// updateExactGo sets cand to each neuron's exact step: decay toward vinf
// by p22, plus p21[k] times current port k.
func updateExactGo(cand, v []float64, cur [][]float64, p21 []float64, vinf, p22 float64) {
	updateExactFrom(0, cand, v, cur, p21, vinf, p22)
}

// updateExactFrom is updateExactGo from neuron from on.
func updateExactFrom(from int, cand, v []float64, cur [][]float64, p21 []float64, vinf, p22 float64) {
	for i := from; i < len(v); i++ {
		vn := vinf + float64((v[i]-vinf)*p22)
		for k, b := range cur {
			vn += float64(p21[k] * b[i])
		}
		cand[i] = vn
	}
}

// commitGo takes the candidates of the neurons not refractory at step n
// and appends those above threshold to spiked.
func commitGo(v, cand []float64, ref []int64, n int64, vth float64, spiked []int) []int {
	for i := range v {
		if n >= ref[i] {
			x := cand[i]
			v[i] = x
			if x > vth && x <= sim.MaxAbsV { // out of range: a blow-up, not a spike (lifStep)
				spiked = append(spiked, i)
			}
		}
	}
	return spiked
}

func scaleGo(b []float64, d float64) {
	for i := range b {
		b[i] *= d
	}
}

// deliverGo adds the inputs due onto a port's variable and empties them
// (adding the zeros too: no branch to mispredict).
func deliverGo(b, in []float64) {
	for i, w := range in {
		b[i] += w
	}
	clear(in)
}

// deliverJumpsGo adds the voltage jumps due, discarded while refractory.
func deliverJumpsGo(v, in []float64, ref []int64, n int64) {
	for i, w := range in {
		if w != 0 {
			in[i] = 0
			if n >= ref[i] {
				v[i] += w
			}
		}
	}
}

// outOfRangeGo returns the first voltage outside the physical range, or -1.
func outOfRangeGo(v []float64) int {
	for i, x := range v {
		if !(math.Abs(x) <= sim.MaxAbsV) {
			return i
		}
	}
	return -1
}

// poissonDrive delivers drive d's events of step n to the chunk's
// neurons: one word a neuron.
func (e *Engine) poissonDrive(c *chunk, d int, n int64) {
	p := c.pop
	dr, pd := &p.Drives[d], p.pois[d]
	b := p.b[dr.Port]
	delta := p.Ports[dr.Port].Synapse == Delta
	for i := c.lo; i < c.hi; i++ {
		if !dr.reaches(i) {
			continue
		}
		k := pd.Count(p.words[d][i][n%4])
		if k == 0 {
			continue
		}
		w := float64(float64(k) * dr.W)
		switch {
		case !delta:
			b[i] += w
		case n >= p.refUntil[i]:
			p.v[i] += w
		}
	}
}
