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

// hhTrap returns x/(e − 1), where e = exp(x/10), or its limit 10·(1 − x/20)
// for |x/10| < 1e-6: hh.mod's vtrap(x, 10) with the exponential given.
func hhTrap(x, e float64) float64 {
	if math.Abs(x) < 1e-5 {
		return 10 * (1 - x/20)
	}
	return x / (e - 1)
}

// Factors that turn exp(-(v+40)/10) into the other /10 exponentials of the
// rate functions: exp(-(v+55)/10) and exp(-(v+35)/10).
var (
	expMinus15 = math.Exp(-1.5)
	expPlus05  = math.Exp(0.5)
)

// hhGate is one gate's steady state and rate sum α+β (1/ms, before Q10).
type hhGate struct{ inf, rate float64 }

// hhRates evaluates hh.mod's rate functions exactly (no tables) at v (mV)
// and returns the m, h and n gates.
//
// The six exponentials of the rate functions come from two: the /10 family
// differ by constant factors, and exp(-(v+65)/k) for k = 18, 20, 80 are the
// 40th, 36th and 9th powers of exp(-(v+65)/720). The powers cost a few
// multiplications and stay within 1e-14 relative of direct evaluation; the
// rates are the largest cost of a cable step.
func hhRates(v float64) (m, h, n hhGate) {
	e10 := fastexp.Exp(-(v + 40) / 10)
	b := fastexp.Exp(-(v + 65) / 720)
	b2 := b * b
	b4 := b2 * b2
	b9 := b4 * b4 * b
	b18 := b9 * b9
	b36 := b18 * b18
	am := 0.1 * hhTrap(-(v+40), e10)
	bm := 4 * b36 * b4
	ah := 0.07 * b36
	bh := 1 / (e10*expPlus05 + 1)
	an := 0.01 * hhTrap(-(v+55), e10*expMinus15)
	bn := 0.125 * b9
	sm, sh, sn := am+bm, ah+bh, an+bn
	return hhGate{am / sm, sm}, hhGate{ah / sh, sh}, hhGate{an / sn, sn}
}

// HHSteadyState returns m∞, h∞ and n∞ at v (mV).
func HHSteadyState(v float64) (m, h, n float64) {
	gm, gh, gn := hhRates(v)
	return gm.inf, gh.inf, gn.inf
}
