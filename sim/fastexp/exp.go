// Package fastexp computes e^x to within two units in the last place, about
// three times faster than math.Exp on amd64.
//
// The cable and point-neuron kernels evaluate several exponentials per
// compartment and step (rate functions and exponential gate updates), and
// math.Exp (about 12 ns here) would dominate their cost. The method is the
// classic table-driven one: x = (k + j/64)·ln2 + r with |r| ≤ ln2/128, so that
// e^x = 2^k · 2^(j/64) · e^r, with e^r from a degree-6 polynomial whose
// truncation error (r^7/7! < 2e-17) is far below one ulp.
package fastexp

import "math"

const (
	tableBits = 6
	tableSize = 1 << tableBits
	invLn2N   = tableSize / math.Ln2
	// ln 2 split into a high part with trailing zero bits and a low part
	// (Cody–Waite), so that k·ln2Hi is exact for every k in range.
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	ln2HiN = ln2Hi / tableSize
	ln2LoN = ln2Lo / tableSize
	// Adding and subtracting 1.5·2^52 rounds to the nearest integer in two
	// additions, cheaper than math.Round.
	shifter = 0x1.8p52
	// Outside (minArg, maxArg) the result overflows, underflows to a
	// subnormal, or is NaN; math.Exp handles those edge cases exactly.
	minArg = -708.0
	maxArg = 709.0
)

// table holds the bits of 2^(j/64), j = 0..63.
var table = func() (t [tableSize]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j) / tableSize))
	}
	return t
}()

// Exp returns e^x. Special cases are those of math.Exp.
func Exp(x float64) float64 {
	if !(x > minArg && x < maxArg) {
		return math.Exp(x)
	}
	kf := (x*invLn2N + shifter) - shifter
	k := int64(kf)
	r := (x - kf*ln2HiN) - kf*ln2LoN
	q := math.FMA(r, 1.0/720, 1.0/120)
	q = math.FMA(r, q, 1.0/24)
	q = math.FMA(r, q, 1.0/6)
	q = math.FMA(r, q, 0.5)
	p := math.FMA(r*r, q, r)
	// 2^(k>>6) is added straight into the exponent field of 2^(j/64); the
	// range check above keeps the sum a normal number.
	s := math.Float64frombits(table[k&(tableSize-1)] + uint64(k>>tableBits)<<52)
	return math.FMA(s, p, s)
}

// Portable returns e^x by Exp's method with every product rounded before
// it is added (written float64(x*y), which forbids Go to fuse it), so
// that a device without a fused multiply-add (Mesa's llvmpipe rounds
// GLSL's fma in two steps) computes the same bits from the same
// operations: gpu/pointmodel's GLSL twin, portableExp, does. It is within
// three units in the last place. Outside Exp's range it returns 0 (x ≤
// −708, where math.Exp's subnormals begin), +Inf (x ≥ 709) or NaN.
func Portable(x float64) float64 {
	if !(x > minArg && x < maxArg) {
		switch {
		case x >= maxArg:
			return math.Inf(1)
		case x <= minArg:
			return 0
		}
		return x
	}
	kf := (float64(x*invLn2N) + shifter) - shifter
	k := int64(kf)
	r := (x - float64(kf*ln2HiN)) - float64(kf*ln2LoN)
	q := float64(r*(1.0/720)) + 1.0/120
	q = float64(r*q) + 1.0/24
	q = float64(r*q) + 1.0/6
	q = float64(r*q) + 0.5
	p := float64(float64(r*r)*q) + r
	s := math.Float64frombits(table[k&(tableSize-1)] + uint64(k>>tableBits)<<52)
	return float64(s*p) + s
}
