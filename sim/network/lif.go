package network

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/rng"
)

// advance takes a chunk of neurons over the epoch's steps.
func (e *Engine) advance(c *chunk, ep *sim.Epoch) {
	p := c.pop
	dt := e.net.Dt
	for step := ep.From; step < ep.To; step++ {
		due := ep.Inputs.Due(step)
		t := float64(float64(step) * dt)
		e.drawWords(c, step)
		var bad int
		switch {
		case p.Source != nil:
			bad = e.sourceStep(c, step, due)
		case p.fast != nil:
			bad = e.lifFast(c, step, due)
		case p.LIF != nil:
			bad = e.lifStep(c, step, t, due, ep.From)
		default:
			bad = e.modelStep(c, step, t, due, ep.From)
		}
		if bad >= 0 {
			c.err = &sim.BlowUpError{T: t + dt, Where: fmt.Sprintf("population %s, neuron %d", p.Name, bad), V: p.v[bad]}
			return
		}
		if row := ep.Row(step+1, e.recordEvery); row != nil {
			for _, k := range c.probes {
				row[k] = e.probeAt[k]()
			}
		}
	}
}

// input returns the current (nA) the population's current and noise
// drives give neuron i at time t.
func (p *popState) input(i int, t, dt float64) float64 {
	I := 0.0
	for d := range p.Drives {
		dr := &p.Drives[d]
		if !dr.reaches(i) || !dr.on(t) {
			continue
		}
		switch dr.Kind {
		case CurrentDrive:
			I += dr.I(t)
		case Noise:
			I += p.noise[d][i]
		}
	}
	return I
}

// endStep decays neuron i's synapses, advances its noise, delivers what
// is due at step n (inputs from the queue and Poisson drives), and
// returns v with the voltage jumps added (discarded while refractory).
func (p *popState) endStep(i int, n, from int64, dt, v float64, due []float64) float64 {
	for k := range p.Ports {
		a, b := p.a[k], p.b[k]
		switch p.Ports[k].Shape {
		case Alpha:
			b[i] = float64(b[i]*p.decayB[k]) + float64(a[i]*p.alphaK[k])
			a[i] *= p.decayA[k]
		default:
			a[i] *= p.decayA[k]
			b[i] *= p.decayB[k]
		}
	}
	for d := range p.Drives {
		dr := &p.Drives[d]
		if !dr.reaches(i) {
			continue
		}
		switch dr.Kind {
		case Noise:
			f, s := p.noiseDecay[d], p.noiseScale[d]
			p.noise[d][i] = NoiseUpdate(p.noise[d][i], dr.Mean, f, s, rng.Normal(p.words[d][i], int(n%4)))
		case Poisson:
			var k int
			if dr.Shared {
				k = p.shared[d][n-from]
			} else {
				k = p.pois[d].Count(p.words[d][i][n%4])
			}
			if k > 0 {
				v = p.receive(i, dr.Port, n, v, float64(float64(k)*dr.W))
			}
		}
	}
	base := int(p.base)
	for k := range p.Ports {
		j := base + k*p.N + i
		if w := due[j]; w != 0 {
			due[j] = 0
			v = p.receive(i, k, n, v, w)
		}
	}
	return v
}

// receive adds weight w onto port k of neuron i at step n.
func (p *popState) receive(i, k int, n int64, v, w float64) float64 {
	if p.Ports[k].Synapse == Delta {
		if n >= p.refUntil[i] {
			v += w
		}
		return v
	}
	p.a[k][i] += float64(w * p.jumpA[k])
	p.b[k][i] += float64(w * p.jumpB[k])
	return v
}

// syn is port k's present value at neuron i: the current (nA) or the
// conductance (µS).
func (p *popState) syn(k, i int) float64 {
	if p.Ports[k].Shape == BiExp {
		return p.b[k][i] - p.a[k][i]
	}
	return p.b[k][i]
}

// synaptic returns the synaptic current and conductance terms at
// neuron i: Σ I, Σ g, Σ g·E.
func (p *popState) synaptic(i int) (I, g, gE float64) {
	for k, q := range p.Ports {
		s := p.syn(k, i)
		switch q.Synapse {
		case Current:
			I += s
		case Conductance:
			g += s
			gE += float64(s * q.E)
		}
	}
	return I, g, gE
}

// lifStep takes the chunk's LIF neurons through step n in Brian2's
// order; it returns the first neuron whose voltage blew up, or -1.
func (e *Engine) lifStep(c *chunk, n int64, t float64, due []float64, from int64) int {
	p, l, dt := c.pop, c.pop.LIF, e.net.Dt
	for i := c.lo; i < c.hi; i++ {
		v := p.v[i]
		notRef := n >= p.refUntil[i]
		if notRef {
			I := l.I[i] + p.input(i, t, dt)
			if p.Method == Exact {
				vinf := l.EL[i] + float64(l.R[i]*I)
				vn := vinf + float64((v-vinf)*p.p22[i])
				for k, q := range p.Ports {
					if q.Synapse == Current {
						vn += float64(p.p21[k][i] * p.b[k][i])
					}
				}
				v = vn
			} else {
				Is, g, gE := p.synaptic(i)
				v += dt * (l.EL[i] - v + float64(l.R[i]*(I+Is+gE-float64(g*v)))) / l.Tau[i]
			}
		}
		// A v out of range is no spike but a blow-up: the reset would
		// hide an infinite v (a conductance gone infinite) as a spike.
		spiked := notRef && v > l.Vth[i] && v <= sim.MaxAbsV
		if spiked {
			p.refUntil[i] = n + p.refSteps[i]
			tn := float64(n) * dt
			c.spikes = append(c.spikes, sim.Spike{Cell: p.first + i, T: tn, Step: tn})
		}
		v = p.endStep(i, n, from, dt, v, due)
		if spiked {
			v = l.Vreset[i]
		}
		p.v[i] = v
		if !(math.Abs(v) <= sim.MaxAbsV) {
			return i
		}
	}
	return -1
}

// gap draws the step of neuron i's next spike after the present one, a
// geometric waiting time (each step holds a spike with probability
// 1 − exp(−λ)), from word n of the neuron's stream of input.
func (p *popState) gap(k rng.Key, i int, input uint32, n int64) int64 {
	x := SourceWait(rng.Word(k, input, uint32(p.first+i), uint64(n)), p.lambda[i])
	if !(x < MaxSourceWait) {
		return math.MaxInt64
	}
	return int64(x)
}

// sourceStep fires the chunk's Poisson sources due at step n; inputs to
// a source are dropped.
func (e *Engine) sourceStep(c *chunk, n int64, due []float64) int {
	p := c.pop
	e.fire(c, n)
	for k := range p.Ports {
		clear(due[int(p.base)+k*p.N+c.lo : int(p.base)+k*p.N+c.hi])
	}
	return -1
}

// fire appends the spikes of the chunk's sources due at step n and draws
// their next.
func (e *Engine) fire(c *chunk, n int64) {
	p := c.pop
	for i := c.lo; i < c.hi; i++ {
		if n < p.next[i] {
			continue
		}
		tn := float64(n) * e.net.Dt
		c.spikes = append(c.spikes, sim.Spike{Cell: p.first + i, T: tn, Step: tn})
		if g := p.gap(e.key, i, SourceInput, n); g < math.MaxInt64-n {
			p.next[i] = n + 1 + g
		} else {
			p.next[i] = math.MaxInt64
		}
	}
}

// resetSources draws each source's first spike.
func (p *popState) resetSources(k rng.Key) {
	for i := range p.N {
		p.next[i] = p.gap(k, i, SourceStartInput, 0)
	}
}
