package rng

import (
	"math"
	"testing"
)

// ulps returns how many doubles lie from a to b (a and b of one sign).
func ulps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	if d < 0 {
		return -d
	}
	return d
}

// portableWords returns the words the tests take the portable functions
// over: the ends, the words about each power of two, and a million of
// Philox's.
func portableWords() []uint32 {
	w := []uint32{0, 1, 2, math.MaxUint32 - 1, math.MaxUint32}
	for b := range 32 {
		w = append(w, 1<<b-1, 1<<b, 1<<b+1)
	}
	k := KeyOf(2026)
	for i := range 1 << 18 {
		d := Draw(k, 5, uint32(i), 0)
		w = append(w, d[:]...)
	}
	return w
}

// TestPortableLog: Log is within 1 ulp of math.Log for every uniform of
// the words and for doubles across the whole range of exponents.
func TestPortableLog(t *testing.T) {
	var xs []float64
	for _, w := range portableWords() {
		xs = append(xs, Uniform(w))
	}
	for e := -1020; e <= 1020; e += 7 {
		xs = append(xs, math.Ldexp(1, e), math.Ldexp(math.Sqrt2, e), math.Ldexp(1.2345678901234567, e), math.Nextafter(math.Ldexp(1, e), 0))
	}
	worst := int64(0)
	for _, x := range xs {
		d := ulps(Log(x), math.Log(x))
		if d > 1 {
			t.Fatalf("Log(%g) = %g is %d ulp from math.Log's %g", x, Log(x), d, math.Log(x))
		}
		worst = max(worst, d)
	}
	t.Logf("Log: at most %d ulp from math.Log over %d numbers", worst, len(xs))
}

// cosSinRef returns cos(2πv) and sin(2πv) to within about an ulp of
// the truth: the quarter turns q = round(4v) taken off exactly (4v and
// t = 4v − q are exact), then math.Cos and math.Sin of πt/2 rounded, θ,
// corrected to first order for the rest of πt/2 (θ's rounding error, by
// a fused multiply-add, and π/2's).
func cosSinRef(v float64) (float64, float64) {
	const halfPi = math.Pi / 2
	halfPiLo := float64(math.Pi/2 - halfPi)
	q := math.Round(4 * v)
	t := 4*v - q
	theta := t * halfPi
	rest := math.FMA(t, halfPi, -theta) + t*halfPiLo
	c, s := math.Cos(theta)-math.Sin(theta)*rest, math.Sin(theta)+math.Cos(theta)*rest
	switch int(q) & 3 {
	case 1:
		return -s, c
	case 2:
		return -c, -s
	case 3:
		return s, -c
	}
	return c, s
}

// TestPortableCosSin: CosSin2Pi is within 2 ulp of cos(2πv) and
// sin(2πv) (math.Cos and math.Sin of the angle left after the quarter
// turns, corrected for its rounding: math.Cos of 2πv rounded is off by
// up to 4·10⁻¹⁶, which near a zero of the cosine is many ulp of the
// result) for every uniform of the words and for v about the quarter
// turns.
func TestPortableCosSin(t *testing.T) {
	var vs []float64
	for _, w := range portableWords() {
		vs = append(vs, Uniform(w))
	}
	for q := range 4 {
		for _, d := range []float64{-0x1p-33, -0x1p-40, 0x1p-40, 0x1p-33, 0.125} {
			if v := float64(q)/4 + d; v >= 0 {
				vs = append(vs, v)
			}
		}
	}
	var worst [2]int64
	var at [2]float64
	for _, v := range vs {
		c, s := cosSinRef(v)
		for k, want := range []float64{c, s} {
			if d := ulps(CosSin2Pi(v, k == 1), want); d > worst[k] {
				worst[k], at[k] = d, v
			}
		}
	}
	for k, name := range []string{"cos", "sin"} {
		t.Logf("%s(2πv): at most %d ulp (at v = %g), over %d numbers", name, worst[k], at[k], len(vs))
		if worst[k] > 2 {
			c, s := cosSinRef(at[k])
			t.Errorf("%s(2π·%g) = %g is %d ulp from %g, %g", name, at[k], CosSin2Pi(at[k], k == 1), worst[k], c, s)
		}
	}
}
