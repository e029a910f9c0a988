package compartments

import (
	"math"

	"neurite/sim/fastexp"
)

// HH holds the parameters of NEURON's hh mechanism (hh.mod): maximal
// conductances in S/cm², reversal potentials in mV.
type HH struct {
	GNaBar, GKBar, GL float64
	EL, ENa, EK       float64
}

// DefaultHH returns hh.mod's defaults.
func DefaultHH() HH {
	return HH{GNaBar: 0.12, GKBar: 0.036, GL: 0.0003, EL: -54.3, ENa: 50, EK: -77}
}

// Pas is NEURON's passive leak: g in S/cm², e in mV.
type Pas struct {
	G, E float64
}

// DefaultPas returns NEURON's defaults for pas.
func DefaultPas() Pas { return Pas{G: 0.001, E: -70} }

// HHQ10 is the temperature factor of the hh rates: 3^((celsius − 6.3)/10).
func HHQ10(celsius float64) float64 { return math.Pow(3, (celsius-6.3)/10) }

// vtrap is x/(exp(x/y) − 1), with its limit y·(1 − x/y/2) near x = 0.
func vtrap(x, y float64) float64 {
	if r := x / y; math.Abs(r) < 1e-6 {
		return y * (1 - r/2)
	}
	return x / (fastexp.Exp(x/y) - 1)
}

// hhGate is one gate's steady state and rate sum α+β (1/ms, before Q10).
type hhGate struct{ inf, rate float64 }

// hhRates evaluates hh.mod's rate functions exactly (no tables) at v (mV)
// and returns the m, h and n gates.
func hhRates(v float64) (m, h, n hhGate) {
	am := 0.1 * vtrap(-(v+40), 10)
	bm := 4 * fastexp.Exp(-(v+65)/18)
	ah := 0.07 * fastexp.Exp(-(v+65)/20)
	bh := 1 / (fastexp.Exp(-(v+35)/10) + 1)
	an := 0.01 * vtrap(-(v+55), 10)
	bn := 0.125 * fastexp.Exp(-(v+65)/80)
	sm, sh, sn := am+bm, ah+bh, an+bn
	return hhGate{am / sm, sm}, hhGate{ah / sh, sh}, hhGate{an / sn, sn}
}

// HHSteadyState returns m∞, h∞ and n∞ at v (mV).
func HHSteadyState(v float64) (m, h, n float64) {
	gm, gh, gn := hhRates(v)
	return gm.inf, gh.inf, gn.inf
}
