package network

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/ode"
	"neurite/sim/point"
)

// odeMethod maps a population's method to the lab's integrator (exact
// integration is the LIF kernel's own).
var odeMethod = map[Method]ode.Method{Exact: ode.RK4, Euler: ode.Euler, RK2: ode.RK2, RK4: ode.RK4}

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
func (pm *PointModel) instance(i int, method Method) (modelState, error) {
	m := pm.Model.Clone()
	for name, vals := range pm.Params {
		if err := m.SetParam(name, vals[i]); err != nil {
			return modelState{}, err
		}
	}
	stepper, err := ode.NewStepper(m, odeMethod[method])
	if err != nil {
		return modelState{}, err
	}
	ms := modelState{m: &PointModel{Model: m, Init: pm.Init}, x: make([]float64, m.Dim()), stepper: stepper}
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

// step advances the model over dt from t with input current I, with the
// dynamics lab's fixed-step integrators.
func (ms *modelState) step(t, dt, I float64) {
	m := ms.m.Model
	if m.Input != "" {
		m.SetParam(m.Input, I)
	}
	ms.stepper.Step(t, ms.x, dt)
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
		I := ms.baseI + p.input(i, t, dt) + Is + gE - g*ms.x[V] + p.rateInput(i, n, ms)
		ms.step(t, dt, I)
		tn := t + dt
		spiked := false
		// A v out of range crosses nothing but blows up: the reset
		// would hide it (lifStep).
		inRange := math.Abs(ms.x[V]) <= sim.MaxAbsV
		if m.Spiking() {
			spiked = inRange && m.Event(tn, ms.x) >= 0
		} else {
			above := inRange && ms.x[V] >= m.SpikeAt
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
		p.rateRecord(i, n+1, ms.x)
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

// NeuronStart is a point-model neuron's parameters and initial state as
// the engine sets them: for engines on other devices (gpu/network).
type NeuronStart struct {
	Params []float64 // the model's parameters, in its order
	X      []float64 // the initial state, V0 applied
	Below  bool      // whether it starts under the spike level (models without a reset)
}

// ModelStart returns neuron i of a point-model population as Reset
// starts it.
func (p *Population) ModelStart(i int) (NeuronStart, error) {
	ms, err := p.Model.instance(i, Euler)
	if err != nil {
		return NeuronStart{}, fmt.Errorf("population %s: %w", p.Name, err)
	}
	ms.reset()
	if p.V0 != nil {
		ms.x[p.Model.V()] = p.V0[i]
	}
	m := ms.m.Model
	params := make([]float64, len(m.Params))
	for k, q := range m.Params {
		params[k] = q.Value
	}
	return NeuronStart{Params: params, X: ms.x, Below: ms.below}, nil
}
