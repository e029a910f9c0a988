// Package hh is NEURON's Hodgkin–Huxley mechanism (hh.mod): its
// parameters and rate functions, shared by the cable engine and the point
// neuron, evaluated exactly (NEURON's usetable_hh = 0).
package hh

import (
	"math"

	"neurite/sim/fastexp"
)

// Params are hh's maximal conductances in S/cm² and reversal potentials in
// mV.
type Params struct {
	GNaBar, GKBar, GL float64
	EL, ENa, EK       float64
}

// Defaults returns hh.mod's defaults.
func Defaults() Params {
	return Params{GNaBar: 0.12, GKBar: 0.036, GL: 0.0003, EL: -54.3, ENa: 50, EK: -77}
}

// Q10 is the temperature factor of the rates: 3^((celsius − 6.3)/10).
func Q10(celsius float64) float64 { return math.Pow(3, (celsius-6.3)/10) }

// Gate is one gate's steady state and rate sum α+β (1/ms, before Q10).
type Gate struct{ Inf, Rate float64 }

// trap returns x/(e − 1), where e = exp(x/10), or its limit 10·(1 − x/20)
// for |x/10| < 1e-6: hh.mod's vtrap(x, 10) with the exponential given.
func trap(x, e float64) float64 {
	if math.Abs(x) < 1e-5 {
		return 10 * (1 - x/20)
	}
	return x / (e - 1)
}

// Factors that turn exp(-(v+40)/10) into the other /10 exponentials of the
// rate functions: exp(-(v+55)/10) and exp(-(v+35)/10).
var (
	ExpMinus15 = math.Exp(-1.5)
	ExpPlus05  = math.Exp(0.5)
)

// Rates evaluates hh.mod's rate functions at v (mV) and returns the m, h
// and n gates.
//
// The six exponentials of the rate functions come from two: the /10 family
// differ by constant factors, and exp(-(v+65)/k) for k = 18, 20, 80 are the
// 40th, 36th and 9th powers of exp(-(v+65)/720). The powers cost a few
// multiplications and stay within 1e-14 relative of direct evaluation; the
// rates are the largest cost of a cable step.
func Rates(v float64) (m, h, n Gate) {
	e10 := fastexp.Exp(-(v + 40) / 10)
	b := fastexp.Exp(-(v + 65) / 720)
	b2 := b * b
	b4 := b2 * b2
	b9 := b4 * b4 * b
	b18 := b9 * b9
	b36 := b18 * b18
	am := 0.1 * trap(-(v+40), e10)
	bm := 4 * b36 * b4
	ah := 0.07 * b36
	bh := 1 / (e10*ExpPlus05 + 1)
	an := 0.01 * trap(-(v+55), e10*ExpMinus15)
	bn := 0.125 * b9
	sm, sh, sn := am+bm, ah+bh, an+bn
	return Gate{am / sm, sm}, Gate{ah / sh, sh}, Gate{an / sn, sn}
}

// SteadyState returns m∞, h∞ and n∞ at v (mV).
func SteadyState(v float64) (m, h, n float64) {
	gm, gh, gn := Rates(v)
	return gm.Inf, gh.Inf, gn.Inf
}
