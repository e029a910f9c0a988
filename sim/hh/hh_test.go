package hh

import (
	"math"
	"testing"
)

// hhRatesDirect is hh.mod's rate functions written as in the mod file, with
// math.Exp: the reference for hhRates.
func hhRatesDirect(v float64) (m, h, n Gate) {
	vtrap := func(x, y float64) float64 {
		if math.Abs(x/y) < 1e-6 {
			return y * (1 - x/y/2)
		}
		return x / (math.Exp(x/y) - 1)
	}
	am, bm := 0.1*vtrap(-(v+40), 10), 4*math.Exp(-(v+65)/18)
	ah, bh := 0.07*math.Exp(-(v+65)/20), 1/(math.Exp(-(v+35)/10)+1)
	an, bn := 0.01*vtrap(-(v+55), 10), 0.125*math.Exp(-(v+65)/80)
	return Gate{am / (am + bm), am + bm}, Gate{ah / (ah + bh), ah + bh}, Gate{an / (an + bn), an + bn}
}

func TestHHRatesExact(t *testing.T) {
	worst, worstNear := 0.0, 0.0
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }
	// Sweep the physiological range densely, the removable singularities
	// at -40 and -55 mV closely, and the extremes the blow-up check allows.
	var vs []float64
	for v := -150.0; v <= 150; v += 0.0137 {
		vs = append(vs, v)
	}
	for _, c := range []float64{-40, -55} {
		for _, d := range []float64{0, 1e-12, -1e-12, 1e-7, -1e-7, 1e-5, -1e-5, 1e-3} {
			vs = append(vs, c+d)
		}
	}
	vs = append(vs, -2000, -700, 700, 2000)
	for _, v := range vs {
		gm, gh, gn := Rates(v)
		rm, rh, rn := hhRatesDirect(v)
		d := 0.0
		for _, pair := range [][2]Gate{{gm, rm}, {gh, rh}, {gn, rn}} {
			d = max(d, rel(pair[0].Inf, pair[1].Inf), rel(pair[0].Rate, pair[1].Rate))
		}
		// Within 0.01 mV of the removable singularities both forms lose
		// digits to cancellation in exp(x) − 1 (about 1e-16/|x|).
		if math.Abs(v+40) < 0.01 || math.Abs(v+55) < 0.01 {
			worstNear = max(worstNear, d)
		} else {
			worst = max(worst, d)
		}
	}
	if worst > 1e-13 || worstNear > 1e-9 {
		t.Errorf("max relative difference from hh.mod's formulas %.3g (near -40 and -55 mV: %.3g)", worst, worstNear)
	}
	t.Logf("max relative difference from hh.mod's formulas: %.2g (near -40 and -55 mV: %.2g)", worst, worstNear)
}

func TestHHSteadyStateAtRest(t *testing.T) {
	// NEURON: m∞, h∞, n∞ at -65 mV (hh_single traces.csv, first row).
	m, h, n := SteadyState(-65)
	for _, c := range []struct{ got, want float64 }{{m, 0.052932}, {h, 0.596121}, {n, 0.317677}} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("steady state %.6f, NEURON %.6f", c.got, c.want)
		}
	}
}
