package point

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"neurite/sim/hh"
)

// Builtin returns a built-in model by name, optionally with a preset
// after a colon ("izhikevich:FS", "inapk:low").
func Builtin(name string) (*Model, error) {
	base, preset, _ := strings.Cut(name, ":")
	build, ok := builtins[strings.ToLower(base)]
	if !ok {
		return nil, fmt.Errorf("unknown model %q (built-in: %s; or a model file)", base, strings.Join(Names(), ", "))
	}
	m := build()
	if preset != "" {
		if err := m.ApplyPreset(preset); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Names lists the built-in models.
func Names() []string {
	var out []string
	for k := range builtins {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var builtins = map[string]func() *Model{
	"lif":          LIF,
	"hh":           HH,
	"fhn":          FHN,
	"izhikevich":   Izhikevich,
	"inap":         INaP,
	"inapk":        INaPK,
	"rate":         RateSigmoid,
	"rate-relu":    RateReLU,
	"wilson-cowan": WilsonCowan,
}

// LIF is the leaky integrate-and-fire neuron with a refractory period. It
// is linear between spikes, so exponential Euler integrates it exactly
// (for piecewise-constant input) and locates threshold crossings exactly.
func LIF() *Model {
	const (
		pI = iota
		pTau
		pEL
		pR
		pVth
		pVreset
		pTref
	)
	return (&Model{
		Name:     "lif",
		TimeUnit: "ms",
		Doc:      "τ dv/dt = E_L − v + R·I;  when v ≥ v_th: spike, v ← v_reset, held for t_ref",
		Vars:     []Var{{Name: "v", Unit: "mV", Min: -80, Max: -40}},
		Params: []Param{
			{Name: "I", Unit: "nA", Value: 2, Min: 0, Max: 5, Doc: "injected current"},
			{Name: "tau", Unit: "ms", Value: 10, Min: 1, Max: 50, Doc: "membrane time constant"},
			{Name: "EL", Unit: "mV", Value: -65, Min: -90, Max: -40, Doc: "resting potential"},
			{Name: "R", Unit: "MΩ", Value: 10, Min: 1, Max: 100, Doc: "input resistance"},
			{Name: "vth", Unit: "mV", Value: -50, Min: -70, Max: -30, Doc: "threshold"},
			{Name: "vreset", Unit: "mV", Value: -65, Min: -90, Max: -50, Doc: "reset potential"},
			{Name: "tref", Unit: "ms", Value: 2, Min: 0, Max: 10, Doc: "refractory period"},
		},
		Init: []float64{-65}, V: 0, Input: "I", SpikeAt: -50,
		f: func(p []float64, t, I float64, x, dx []float64) {
			dx[0] = (p[pEL] - x[0] + p[pR]*I) / p[pTau]
		},
		linear: func(p []float64, t, I float64, x, a, b []float64) {
			a[0], b[0] = (p[pEL]+p[pR]*I)/p[pTau], -1/p[pTau]
		},
		reset: &reset{peak: pVth, refractory: pTref, apply: func(p []float64, _, _ float64, x []float64) { x[0] = p[pVreset] }},
	}).finish()
}

// LIFRate is the firing rate (Hz) of the LIF neuron under a constant
// current, in closed form: 1/(t_ref + τ·ln((E_L + R·I − v_reset)/(E_L + R·I − v_th))).
func LIFRate(tau, EL, R, vth, vreset, tref, I float64) float64 {
	vinf := EL + R*I
	if vinf <= vth {
		return 0
	}
	return 1000 / (tref + tau*math.Log((vinf-vreset)/(vinf-vth)))
}

// HH is the Hodgkin–Huxley point neuron with NEURON's hh.mod kinetics
// (the cable engine's hh): I is the injected current density in µA/cm².
func HH() *Model {
	const (
		pI = iota
		pGNa
		pGK
		pGL
		pEL
		pENa
		pEK
		pC
		pCelsius
	)
	m0, h0, n0 := hh.SteadyState(-65)
	d := hh.Defaults()
	gates := func(p []float64, v float64, x []float64, f func(i int, inf, rate float64)) {
		q := hh.Q10(p[pCelsius])
		gm, gh, gn := hh.Rates(v)
		f(1, gm.Inf, q*gm.Rate)
		f(2, gh.Inf, q*gh.Rate)
		f(3, gn.Inf, q*gn.Rate)
	}
	return (&Model{
		Name:     "hh",
		TimeUnit: "ms",
		Doc: "C dv/dt = I − g_Na m³h (v − E_Na) − g_K n⁴ (v − E_K) − g_L (v − E_L);  dx/dt = q10·(α_x (1 − x) − β_x x), x = m, h, n\n" +
			"(NEURON's hh.mod: rates at 6.3 °C scaled by q10 = 3^((celsius − 6.3)/10))",
		Vars: []Var{{Name: "v", Unit: "mV", Min: -90, Max: 50}, {Name: "m", Min: 0, Max: 1}, {Name: "h", Min: 0, Max: 1}, {Name: "n", Min: 0, Max: 1}},
		Params: []Param{
			{Name: "I", Unit: "µA/cm²", Value: 10, Min: 0, Max: 50, Doc: "injected current density"},
			{Name: "gnabar", Unit: "mS/cm²", Value: d.GNaBar * 1000, Min: 0, Max: 300},
			{Name: "gkbar", Unit: "mS/cm²", Value: d.GKBar * 1000, Min: 0, Max: 100},
			{Name: "gl", Unit: "mS/cm²", Value: d.GL * 1000, Min: 0, Max: 3},
			{Name: "el", Unit: "mV", Value: d.EL, Min: -80, Max: -40},
			{Name: "ena", Unit: "mV", Value: d.ENa, Min: 20, Max: 80},
			{Name: "ek", Unit: "mV", Value: d.EK, Min: -100, Max: -50},
			{Name: "C", Unit: "µF/cm²", Value: 1, Min: 0.1, Max: 5},
			{Name: "celsius", Unit: "°C", Value: 6.3, Min: 0, Max: 40},
		},
		Init: []float64{-65, m0, h0, n0}, V: 0, Input: "I", SpikeAt: 0,
		f: func(p []float64, t, I float64, x, dx []float64) {
			v, m, h, n := x[0], x[1], x[2], x[3]
			n2 := n * n
			ina := p[pGNa] * m * m * m * h * (v - p[pENa])
			ik := p[pGK] * n2 * n2 * (v - p[pEK])
			il := p[pGL] * (v - p[pEL])
			dx[0] = (I - ina - ik - il) / p[pC]
			gates(p, v, x, func(i int, inf, rate float64) { dx[i] = rate * (inf - x[i]) })
		},
		linear: func(p []float64, t, I float64, x, a, b []float64) {
			v, m, h, n := x[0], x[1], x[2], x[3]
			n2 := n * n
			gna, gk, gl := p[pGNa]*m*m*m*h, p[pGK]*n2*n2, p[pGL]
			a[0] = (I + gna*p[pENa] + gk*p[pEK] + gl*p[pEL]) / p[pC]
			b[0] = -(gna + gk + gl) / p[pC]
			gates(p, v, x, func(i int, inf, rate float64) { a[i], b[i] = rate*inf, -rate })
		},
	}).finish()
}

// FHN is the FitzHugh–Nagumo model.
func FHN() *Model {
	return (&Model{
		Name: "fhn",
		Doc:  "dv/dt = v − v³/3 − w + I;  dw/dt = a (v + b − c w)",
		Vars: []Var{{Name: "v", Min: -2.5, Max: 2.5}, {Name: "w", Min: -1, Max: 2}},
		Params: []Param{
			{Name: "I", Value: 0.5, Min: 0, Max: 2},
			{Name: "a", Value: 0.08, Min: 0.01, Max: 0.5},
			{Name: "b", Value: 0.7, Min: 0, Max: 1.5},
			{Name: "c", Value: 0.8, Min: 0, Max: 2},
		},
		Init: []float64{-1.2, -0.6}, V: 0, Input: "I", SpikeAt: 1,
		f: func(p []float64, t, I float64, x, dx []float64) {
			v, w := x[0], x[1]
			dx[0] = v - v*v*v/3 - w + I
			dx[1] = p[1] * (v + p[2] - p[3]*w)
		},
	}).finish()
}

// Izhikevich is the simple model of Izhikevich (2003) with its named
// parameter sets.
func Izhikevich() *Model {
	const (
		pI = iota
		pA
		pB
		pC
		pD
		pPeak
	)
	preset := func(name string, a, b, c, d float64) Preset {
		return Preset{Name: name, Values: map[string]float64{"a": a, "b": b, "c": c, "d": d}}
	}
	m := &Model{
		Name:     "izhikevich",
		TimeUnit: "ms",
		Doc:      "dv/dt = 0.04 v² + 5 v + 140 − u + I;  du/dt = a (b v − u);  when v ≥ 30: v ← c, u ← u + d",
		Vars:     []Var{{Name: "v", Unit: "mV", Min: -90, Max: 40}, {Name: "u", Min: -20, Max: 15}},
		Params: []Param{
			{Name: "I", Value: 10, Min: -5, Max: 30},
			{Name: "a", Value: 0.02, Min: 0, Max: 0.2},
			{Name: "b", Value: 0.2, Min: -0.5, Max: 0.5},
			{Name: "c", Unit: "mV", Value: -65, Min: -80, Max: -40},
			{Name: "d", Value: 8, Min: 0, Max: 10},
			{Name: "vpeak", Unit: "mV", Value: 30, Min: 0, Max: 50},
		},
		Presets: []Preset{
			preset("RS", 0.02, 0.2, -65, 8), preset("IB", 0.02, 0.2, -55, 4), preset("CH", 0.02, 0.2, -50, 2),
			preset("FS", 0.1, 0.2, -65, 2), preset("LTS", 0.02, 0.25, -65, 2), preset("TC", 0.02, 0.25, -65, 0.05),
			preset("RZ", 0.1, 0.26, -65, 2),
		},
		Init: []float64{-65, -13}, V: 0, Input: "I", SpikeAt: 30,
		f: func(p []float64, t, I float64, x, dx []float64) {
			v, u := x[0], x[1]
			dx[0] = 0.04*v*v + 5*v + 140 - u + I
			dx[1] = p[pA] * (p[pB]*v - u)
		},
		reset: &reset{peak: pPeak, refractory: -1, apply: func(p []float64, _, _ float64, x []float64) {
			x[0] = p[pC]
			x[1] += p[pD]
		}},
	}
	m.initFn = func(p []float64) []float64 { return []float64{-65, p[pB] * -65} }
	return m.finish()
}

// boltzmann is 1/(1 + exp((half − v)/k)).
func boltzmann(v, half, k float64) float64 { return 1 / (1 + math.Exp((half-v)/k)) }

// INaP is the one-dimensional persistent sodium model of Izhikevich
// (2007, §3.1) with a reset: V ← Vreset when V reaches Vpeak.
func INaP() *Model {
	const (
		pI = iota
		pC
		pGL
		pEL
		pGNa
		pENa
		pVhalf
		pK
		pPeak
		pReset
	)
	return (&Model{
		Name:     "inap",
		TimeUnit: "ms",
		Doc:      "C dV/dt = I − g_L (V − E_L) − g_Na m∞(V) (V − E_Na),  m∞ = 1/(1 + exp((V½ − V)/k));  when V ≥ Vpeak: V ← Vreset",
		Vars:     []Var{{Name: "V", Unit: "mV", Min: -80, Max: 40}},
		Params: []Param{
			{Name: "I", Unit: "pA", Value: 0, Min: -20, Max: 60},
			{Name: "C", Unit: "µF", Value: 10, Min: 1, Max: 20},
			{Name: "gL", Unit: "mS", Value: 19, Min: 1, Max: 40},
			{Name: "EL", Unit: "mV", Value: -67, Min: -90, Max: -50},
			{Name: "gNa", Unit: "mS", Value: 74, Min: 0, Max: 150},
			{Name: "ENa", Unit: "mV", Value: 60, Min: 30, Max: 80},
			{Name: "Vhalf", Unit: "mV", Value: 1.5, Min: -40, Max: 20},
			{Name: "k", Unit: "mV", Value: 16, Min: 1, Max: 30},
			{Name: "Vpeak", Unit: "mV", Value: 20, Min: -20, Max: 40},
			{Name: "Vreset", Unit: "mV", Value: -60, Min: -80, Max: -40},
		},
		Init: []float64{-53}, V: 0, Input: "I", SpikeAt: 20,
		f: func(p []float64, t, I float64, x, dx []float64) {
			v := x[0]
			dx[0] = (I - p[pGL]*(v-p[pEL]) - p[pGNa]*boltzmann(v, p[pVhalf], p[pK])*(v-p[pENa])) / p[pC]
		},
		reset: &reset{peak: pPeak, refractory: -1, apply: func(p []float64, _, _ float64, x []float64) { x[0] = p[pReset] }},
	}).finish()
}

// INaPK is the I_Na,p + I_K model of Izhikevich (2007, §4.1.1), with the
// high- and low-threshold potassium parameter sets.
func INaPK() *Model {
	const (
		pI = iota
		pC
		pGL
		pEL
		pGNa
		pENa
		pGK
		pEK
		pVm
		pKm
		pVn
		pKn
		pTau
	)
	return (&Model{
		Name:     "inapk",
		TimeUnit: "ms",
		Doc: "C dV/dt = I − g_L (V − E_L) − g_Na m∞(V) (V − E_Na) − g_K n (V − E_K);  dn/dt = (n∞(V) − n)/τ\n" +
			"m∞, n∞ Boltzmann with V½ = Vm, Vn and slopes km, kn (high threshold: E_L −80, Vn −25; low threshold: E_L −78, Vn −45)",
		Vars: []Var{{Name: "V", Unit: "mV", Min: -90, Max: 20}, {Name: "n", Min: -0.1, Max: 0.8}},
		Params: []Param{
			{Name: "I", Unit: "µA/cm²", Value: 0, Min: -10, Max: 60},
			{Name: "C", Unit: "µF/cm²", Value: 1, Min: 0.1, Max: 5},
			{Name: "gL", Unit: "mS/cm²", Value: 8, Min: 0, Max: 20},
			{Name: "EL", Unit: "mV", Value: -80, Min: -90, Max: -60},
			{Name: "gNa", Unit: "mS/cm²", Value: 20, Min: 0, Max: 40},
			{Name: "ENa", Unit: "mV", Value: 60, Min: 30, Max: 80},
			{Name: "gK", Unit: "mS/cm²", Value: 10, Min: 0, Max: 30},
			{Name: "EK", Unit: "mV", Value: -90, Min: -100, Max: -70},
			{Name: "Vm", Unit: "mV", Value: -20, Min: -40, Max: 0},
			{Name: "km", Unit: "mV", Value: 15, Min: 1, Max: 30},
			{Name: "Vn", Unit: "mV", Value: -25, Min: -60, Max: 0},
			{Name: "kn", Unit: "mV", Value: 5, Min: 1, Max: 20},
			{Name: "tau", Unit: "ms", Value: 1, Min: 0.05, Max: 10},
		},
		Presets: []Preset{
			{Name: "high", Values: map[string]float64{"EL": -80, "Vn": -25}},
			{Name: "low", Values: map[string]float64{"EL": -78, "Vn": -45}},
		},
		Init: []float64{-65, 0}, V: 0, Input: "I", SpikeAt: -10,
		f: func(p []float64, t, I float64, x, dx []float64) {
			v, n := x[0], x[1]
			m := boltzmann(v, p[pVm], p[pKm])
			dx[0] = (I - p[pGL]*(v-p[pEL]) - p[pGNa]*m*(v-p[pENa]) - p[pGK]*n*(v-p[pEK])) / p[pC]
			dx[1] = (boltzmann(v, p[pVn], p[pKn]) - n) / p[pTau]
		},
		linear: func(p []float64, t, I float64, x, a, b []float64) {
			v, n := x[0], x[1]
			m := boltzmann(v, p[pVm], p[pKm])
			a[0] = (I + p[pGL]*p[pEL] + p[pGNa]*m*p[pENa] + p[pGK]*n*p[pEK]) / p[pC]
			b[0] = -(p[pGL] + p[pGNa]*m + p[pGK]*n) / p[pC]
			a[1], b[1] = boltzmann(v, p[pVn], p[pKn])/p[pTau], -1/p[pTau]
		},
	}).finish()
}

// rateUnit is τ dr/dt = −r + F(w·r + I) for a transfer function F.
func rateUnit(name, doc string, transfer func(p []float64, x float64) float64, extra ...Param) *Model {
	params := append([]Param{
		{Name: "I", Value: 0, Min: -5, Max: 5},
		{Name: "tau", Unit: "ms", Value: 10, Min: 1, Max: 100},
		{Name: "w", Value: 0, Min: -10, Max: 10, Doc: "self-excitation"},
	}, extra...)
	return (&Model{
		Name: name, Doc: doc, TimeUnit: "ms",
		Vars:   []Var{{Name: "r", Min: -0.1, Max: 1.1}},
		Params: params,
		Init:   []float64{0}, V: 0, Input: "I", SpikeAt: math.Inf(1),
		f: func(p []float64, t, I float64, x, dx []float64) {
			dx[0] = (-x[0] + transfer(p, p[2]*x[0]+I)) / p[1]
		},
	}).finish()
}

// RateSigmoid is a rate unit with a logistic transfer function.
func RateSigmoid() *Model {
	return rateUnit("rate", "τ dr/dt = −r + 1/(1 + exp(−gain·(w r + I − θ)))",
		func(p []float64, x float64) float64 { return 1 / (1 + math.Exp(-p[3]*(x-p[4]))) },
		Param{Name: "gain", Value: 4, Min: 0.1, Max: 20}, Param{Name: "theta", Value: 0.5, Min: -2, Max: 2})
}

// RateReLU is a rate unit with a rectified-linear transfer function.
func RateReLU() *Model {
	return rateUnit("rate-relu", "τ dr/dt = −r + max(0, gain·(w r + I − θ))",
		func(p []float64, x float64) float64 { return math.Max(0, p[3]*(x-p[4])) },
		Param{Name: "gain", Value: 1, Min: 0.1, Max: 5}, Param{Name: "theta", Value: 0, Min: -2, Max: 2})
}

// WilsonCowan is the excitatory–inhibitory pair of Wilson and Cowan
// (1972), with their limit-cycle parameters.
func WilsonCowan() *Model {
	const (
		pP = iota
		pQ
		pC1
		pC2
		pC3
		pC4
		pAE
		pThE
		pAI
		pThI
		pRE
		pRI
		pTauE
		pTauI
	)
	s := func(x, a, th float64) float64 { return 1/(1+math.Exp(-a*(x-th))) - 1/(1+math.Exp(a*th)) }
	return (&Model{
		Name:     "wilson-cowan",
		TimeUnit: "ms",
		Doc: "τ_E dE/dt = −E + (k_E − r_E E) S_E(c1 E − c2 I + P);  τ_I dI/dt = −I + (k_I − r_I I) S_I(c3 E − c4 I + Q)\n" +
			"S(x) = 1/(1 + exp(−a (x − θ))) − 1/(1 + exp(a θ)), k = S(∞)",
		Vars: []Var{{Name: "E", Min: -0.05, Max: 0.5}, {Name: "I", Min: -0.05, Max: 0.5}},
		Params: []Param{
			{Name: "P", Value: 1.25, Min: 0, Max: 4}, {Name: "Q", Value: 0, Min: -2, Max: 2},
			{Name: "c1", Value: 16, Min: 0, Max: 30}, {Name: "c2", Value: 12, Min: 0, Max: 30},
			{Name: "c3", Value: 15, Min: 0, Max: 30}, {Name: "c4", Value: 3, Min: 0, Max: 30},
			{Name: "aE", Value: 1.3, Min: 0.1, Max: 5}, {Name: "thetaE", Value: 4, Min: 0, Max: 10},
			{Name: "aI", Value: 2, Min: 0.1, Max: 5}, {Name: "thetaI", Value: 3.7, Min: 0, Max: 10},
			{Name: "rE", Value: 1, Min: 0, Max: 2}, {Name: "rI", Value: 1, Min: 0, Max: 2},
			{Name: "tauE", Unit: "ms", Value: 1, Min: 0.1, Max: 20}, {Name: "tauI", Unit: "ms", Value: 1, Min: 0.1, Max: 20},
		},
		Init: []float64{0.1, 0.05}, V: 0, Input: "P", SpikeAt: math.Inf(1),
		f: func(p []float64, t, P float64, x, dx []float64) {
			e, i := x[0], x[1]
			kE := 1 - 1/(1+math.Exp(p[pAE]*p[pThE]))
			kI := 1 - 1/(1+math.Exp(p[pAI]*p[pThI]))
			dx[0] = (-e + (kE-p[pRE]*e)*s(p[pC1]*e-p[pC2]*i+P, p[pAE], p[pThE])) / p[pTauE]
			dx[1] = (-i + (kI-p[pRI]*i)*s(p[pC3]*e-p[pC4]*i+p[pQ], p[pAI], p[pThI])) / p[pTauI]
		},
	}).finish()
}
