// Package point holds single-neuron (point) models — leaky
// integrate-and-fire, Hodgkin–Huxley, FitzHugh–Nagumo, Izhikevich,
// persistent sodium (I_Na,p and I_Na,p + I_K), rate units, Wilson–Cowan —
// and models typed as equations, with the input currents that drive them.
// A Model is an ode.System; spiking models reset at a threshold.
package point

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Param is a named parameter with its unit and a range for sliders.
type Param struct {
	Name, Unit, Doc string
	Value           float64
	Min, Max        float64
}

// Label names the parameter with its unit, for an axis: "I (µA/cm²)".
func (p Param) Label() string { return label(p.Name, p.Unit) }

// label is a name with its unit in brackets, or the bare name.
func label(name, unit string) string {
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}

// Var is a state variable with a range for phase portraits.
type Var struct {
	Name, Unit string
	Min, Max   float64
}

// Label names the variable with its unit, for an axis: "V (mV)".
func (v Var) Label() string { return label(v.Name, v.Unit) }

// Preset is a named parameter set (Izhikevich's RS, IB, ...).
type Preset struct {
	Name   string
	Values map[string]float64
}

// Model is a point neuron: dx/dt = f(p, t, I(t), x), where I(t) is the
// input parameter plus the stimulus. Models with a reset spike when
// x[V] reaches the threshold and are reset (with an optional refractory
// period during which v is held).
type Model struct {
	Name    string
	Doc     string // the equations, for the user
	Vars    []Var
	Params  []Param
	Presets []Preset
	Init    []float64
	V       int    // the membrane potential's index: spikes, traces, F–I
	Input   string // the injected-current parameter, "" for none
	// SpikeAt is the level of x[V] counted as a spike where the model
	// has no reset (upward crossings).
	SpikeAt float64
	Stim    Stimulus // added to the input; nil for none
	// TimeUnit is the unit of the model's time, "ms" for the built-in
	// neurons; "" where the model does not say (FitzHugh–Nagumo's
	// dimensionless time, a model typed as equations).
	TimeUnit string

	f      func(p []float64, t, I float64, x, dx []float64)
	linear func(p []float64, t, I float64, x, a, b []float64)
	reset  *reset
	eqs    *Equations // a typed model's text; nil for built-in models

	initFn   func(p []float64) []float64 // initial state from the parameters, if it depends on them
	input    int                         // index of Input in Params, -1 for none
	refUntil float64
	pbuf     []float64
}

// reset describes an integrate-and-fire reset: at x[V] ≥ p[peak] set the
// state with apply (given the time and the input) and hold v for
// p[refractory] ms (refractory < 0: none).
type reset struct {
	peak       int
	refractory int
	apply      func(p []float64, t, I float64, x []float64)
}

// Threshold is the level of x[V] at which a model with a reset spikes
// (LIF's vth, Izhikevich's v_peak); ok is false for a model without one.
func (m *Model) Threshold() (float64, bool) {
	if m.reset == nil {
		return 0, false
	}
	return m.Params[m.reset.peak].Value, true
}

// Spiking reports whether the model resets at a threshold.
func (m *Model) Spiking() bool { return m.reset != nil }

// VarName names state variable i (ode.Namer), for blow-up reports.
func (m *Model) VarName(i int) string { return m.Vars[i].Name }

// Dim is the number of state variables.
func (m *Model) Dim() int { return len(m.Vars) }

// I is the input current at time t.
func (m *Model) I(t float64) float64 {
	I := m.baseInput()
	if m.Stim != nil {
		I += m.Stim.I(t)
	}
	return I
}

// baseInput is the input parameter's value, the constant part of I.
func (m *Model) baseInput() float64 {
	if m.input >= 0 {
		return m.Params[m.input].Value
	}
	return 0
}

// Deriv is the right-hand side.
func (m *Model) Deriv(t float64, x, dx []float64) {
	p := m.paramValues()
	m.f(p, t, m.I(t), x, dx)
	if t < m.refUntil {
		dx[m.V] = 0
	}
}

// Field is the model's autonomous vector field at x: the right-hand side
// at t = 0 with the constant input alone, no stimulus, and no refractory
// hold, whatever a run of the model has left behind. Phase planes,
// nullclines, equilibria and their stability are of this field.
func (m *Model) Field(x, dx []float64) {
	m.f(m.paramValues(), 0, m.baseInput(), x, dx)
}

// paramValues returns the current parameter values without allocating
// for models whose functions only read them.
func (m *Model) paramValues() []float64 {
	if cap(m.pbuf) < len(m.Params) {
		m.pbuf = make([]float64, len(m.Params))
	}
	p := m.pbuf[:len(m.Params)]
	for i := range m.Params {
		p[i] = m.Params[i].Value
	}
	return p
}

// Linear writes dx_i/dt = a_i + b_i·x_i for exponential Euler: from the
// model's own form where it has one (conductance models, LIF), else from
// the diagonal of the Jacobian.
func (m *Model) Linear(t float64, x, a, b []float64) {
	p := m.paramValues()
	I := m.I(t)
	if m.linear != nil {
		m.linear(p, t, I, x, a, b)
	} else {
		dx := make([]float64, len(x))
		m.f(p, t, I, x, dx)
		y := slices.Clone(x)
		dy := make([]float64, len(x))
		for i := range x {
			h := 1e-7 * math.Max(1, math.Abs(x[i]))
			y[i] = x[i] + h
			m.f(p, t, I, y, dy)
			y[i] = x[i]
			b[i] = (dy[i] - dx[i]) / h
			a[i] = dx[i] - b[i]*x[i]
		}
	}
	if t < m.refUntil {
		a[m.V], b[m.V] = 0, 0
	}
}

// Event is x[V] minus the threshold, for spiking models; -1 otherwise.
func (m *Model) Event(t float64, x []float64) float64 {
	if m.reset == nil || t < m.refUntil {
		return -1
	}
	return x[m.V] - m.Params[m.reset.peak].Value
}

// Reset applies the model's reset after a spike at t.
func (m *Model) Reset(t float64, x []float64) {
	m.reset.apply(m.paramValues(), t, m.I(t), x)
	if r := m.reset.refractory; r >= 0 {
		m.refUntil = t + m.Params[r].Value
	}
}

// NextBreak is the next time the input or the refractory state jumps.
func (m *Model) NextBreak(t float64) float64 {
	next := math.Inf(1)
	if m.refUntil > t {
		next = m.refUntil
	}
	if m.Stim != nil {
		next = math.Min(next, m.Stim.NextBreak(t))
	}
	return next
}

// Restart clears the refractory state (before a new run from t = 0).
func (m *Model) Restart() { m.refUntil = math.Inf(-1) }

// SetInitialState makes x the state runs start from.
func (m *Model) SetInitialState(x []float64) {
	m.Init = slices.Clone(x)
	m.initFn = nil
}

// InitialState returns the model's initial state (for Izhikevich's model
// u(0) = b·v(0), so it follows the parameters).
func (m *Model) InitialState() []float64 {
	if m.initFn != nil {
		return m.initFn(m.paramValues())
	}
	return slices.Clone(m.Init)
}

// Clone returns an independent copy (parameters, stimulus, state).
func (m *Model) Clone() *Model {
	c := *m
	c.Params = slices.Clone(m.Params)
	c.Init = slices.Clone(m.Init)
	c.pbuf = nil
	return &c
}

// Param returns a parameter's value.
func (m *Model) Param(name string) (float64, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return 0, false
}

// ParamLabel names a parameter with its unit, for an axis (the bare name
// of one the model lacks).
func (m *Model) ParamLabel(name string) string {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Label()
		}
	}
	return name
}

// TimeValue writes a duration of the model's time with its unit, for a
// note: "16.4 ms", or "16.4 time units" where the model's time has none
// (FitzHugh–Nagumo's, a model typed as equations).
func (m *Model) TimeValue(t float64, format string) string {
	return fmt.Sprintf(format, t) + " " + cmp.Or(m.TimeUnit, "time units")
}

// TimeLabel names a quantity of the model's time with its unit, for an
// axis: "inter-spike interval (ms)", or "(time units)".
func (m *Model) TimeLabel(name string) string {
	return label(name, cmp.Or(m.TimeUnit, "time units"))
}

// ParamValue writes a value of a parameter with its unit, for a note:
// "6.23 µA/cm²".
func (m *Model) ParamValue(name string, v float64, format string) string {
	s := fmt.Sprintf(format, v)
	for _, p := range m.Params {
		if p.Name == name && p.Unit != "" {
			s += " " + p.Unit
		}
	}
	return s
}

// SetParam sets a parameter's value.
func (m *Model) SetParam(name string, v float64) error {
	for i := range m.Params {
		if m.Params[i].Name == name {
			m.Params[i].Value = v
			return nil
		}
	}
	names := make([]string, len(m.Params))
	for i, p := range m.Params {
		names[i] = p.Name
	}
	return fmt.Errorf("%s has no parameter %q (it has %s)", m.Name, name, strings.Join(names, ", "))
}

// ApplyPreset sets the parameters of a named preset.
func (m *Model) ApplyPreset(name string) error {
	for _, pr := range m.Presets {
		if strings.EqualFold(pr.Name, name) {
			for k, v := range pr.Values {
				if err := m.SetParam(k, v); err != nil {
					return err
				}
			}
			return nil
		}
	}
	var names []string
	for _, pr := range m.Presets {
		names = append(names, pr.Name)
	}
	if len(names) == 0 {
		return fmt.Errorf("%s has no presets", m.Name)
	}
	return fmt.Errorf("%s has no preset %q (it has %s)", m.Name, name, strings.Join(names, ", "))
}

// VarIndex returns a state variable's index.
func (m *Model) VarIndex(name string) (int, bool) {
	for i, v := range m.Vars {
		if v.Name == name {
			return i, true
		}
	}
	return -1, false
}

// finish checks a model and resolves its input parameter.
func (m *Model) finish() *Model {
	m.input = -1
	for i, p := range m.Params {
		if p.Name == m.Input {
			m.input = i
		}
	}
	m.Restart()
	return m
}
