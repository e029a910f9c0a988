package network

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/point"
)

// PointModel is a point model of the dynamics lab run for every neuron
// of a population, with per-neuron parameters. Synaptic currents and
// conductance currents add to the model's input (its own units); voltage
// jumps add to its membrane potential.
type PointModel struct {
	Model  *point.Model
	Params map[string][]float64 // per-neuron values; absent parameters keep the model's
	Init   map[string][]float64 // per-neuron initial values of state variables
}

// V is the index of the membrane potential.
func (pm *PointModel) V() int { return pm.Model.V }

// instance makes neuron i's copy of the model.
func (pm *PointModel) instance(i int) (modelState, error) {
	m := pm.Model.Clone()
	for name, vals := range pm.Params {
		if err := m.SetParam(name, vals[i]); err != nil {
			return modelState{}, err
		}
	}
	ms := modelState{m: &PointModel{Model: m, Init: pm.Init}, x: make([]float64, m.Dim()), k: make([]float64, 4*m.Dim()), tmp: make([]float64, m.Dim())}
	if m.Input != "" {
		ms.baseI, _ = m.Param(m.Input)
	}
	ms.index = i
	return ms, nil
}

// reset sets the initial state.
func (ms *modelState) reset() {
	m := ms.m.Model
	m.Restart()
	copy(ms.x, m.InitialState())
	for name, vals := range ms.m.Init {
		if j, ok := m.VarIndex(name); ok {
			ms.x[j] = vals[ms.index]
		}
	}
	ms.below = ms.x[m.V] < m.SpikeAt
}

// step advances the model over dt from t with input current I.
func (ms *modelState) step(t, dt, I float64, method Method) {
	m := ms.m.Model
	if m.Input != "" {
		m.SetParam(m.Input, I)
	}
	n := len(ms.x)
	k1, k2, k3, k4 := ms.k[:n], ms.k[n:2*n], ms.k[2*n:3*n], ms.k[3*n:]
	m.Deriv(t, ms.x, k1)
	stage := func(k []float64, h float64, out []float64) {
		for j := range ms.x {
			ms.tmp[j] = ms.x[j] + h*k[j]
		}
		m.Deriv(t+h, ms.tmp, out)
	}
	switch method {
	case RK2:
		stage(k1, dt/2, k2)
		for j := range ms.x {
			ms.x[j] += dt * k2[j]
		}
		return
	case RK4:
	default:
		for j := range ms.x {
			ms.x[j] += dt * k1[j]
		}
		return
	}
	stage(k1, dt/2, k2)
	stage(k2, dt/2, k3)
	stage(k3, dt, k4)
	for j := range ms.x {
		ms.x[j] += dt / 6 * (k1[j] + 2*k2[j] + 2*k3[j] + k4[j])
	}
}

// modelStep takes the chunk's neurons of a general point model through
// step n: update, threshold (the model's reset, or an upward crossing of
// its spike level), delivery, reset.
func (e *Engine) modelStep(c *chunk, n int64, t float64, due []float64, from int64) int {
	p, dt := c.pop, e.net.Dt
	for i := c.lo; i < c.hi; i++ {
		ms := &p.models[i]
		m := ms.m.Model
		V := m.V
		Is, g, gE := p.synaptic(i)
		I := ms.baseI + p.input(i, t, dt) + Is + gE - g*ms.x[V]
		ms.step(t, dt, I, p.Method)
		tn := t + dt
		spiked := false
		if m.Spiking() {
			spiked = m.Event(tn, ms.x) >= 0
		} else {
			above := ms.x[V] >= m.SpikeAt
			spiked = above && ms.below
			ms.below = !above
		}
		if spiked {
			ts := float64(n) * dt
			c.spikes = append(c.spikes, sim.Spike{Cell: p.first + i, T: ts, Step: ts})
			if m.Spiking() {
				p.refUntil[i] = n + 1
			}
		}
		ms.x[V] = p.endStep(i, n, from, dt, ms.x[V], due)
		if spiked && m.Spiking() {
			m.Reset(tn, ms.x)
		}
		p.v[i] = ms.x[V]
		for _, x := range ms.x {
			if !(math.Abs(x) <= sim.MaxAbsV) {
				return i
			}
		}
	}
	return -1
}

// probeFunc returns a reader of a probe's present value.
func (e *Engine) probeFunc(pr Probe) (func() float64, error) {
	var ps *popState
	for _, p := range e.pops {
		if p.Population == pr.Pop {
			ps = p
		}
	}
	if ps == nil || pr.Neuron < 0 || pr.Neuron >= ps.N {
		return nil, fmt.Errorf("a probe names neuron %d, which is not in the network", pr.Neuron)
	}
	i := pr.Neuron
	if pr.Var == "v" {
		return func() float64 { return ps.v[i] }, nil
	}
	var k int
	if _, err := fmt.Sscanf(pr.Var, "g%d", &k); err == nil && k >= 1 && k <= len(ps.Ports) {
		return func() float64 { return ps.syn(k-1, i) }, nil
	}
	if ps.Model != nil {
		if j, ok := ps.Model.Model.VarIndex(pr.Var); ok {
			return func() float64 { return ps.models[i].x[j] }, nil
		}
	}
	return nil, fmt.Errorf("population %s has no variable %q to record", ps.Name, pr.Var)
}
