package fastexp

import "math"

// Lane is e^x by the table-free method of the vector kernels (Exp4,
// ExpSlice), one value at a time with the very same operations, so that
// it gives their bits: a kernel's result for an element does not depend
// on whether it ran in a vector lane or alone, nor on whether the
// processor has AVX2. x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor
// polynomial of degree 12 (truncation below 2e-16) in Estrin's scheme
// with fused multiply-adds, 2^k built in the exponent bits: within 3 ulp
// of math.Exp. Outside (−708, 709) it returns 0 below, +Inf above (math.Exp
// gives subnormals between −745 and −708), and NaN for NaN.
func Lane(x float64) float64 {
	switch {
	case x != x:
		return x
	case x >= laneHi:
		return math.Inf(1)
	case x <= laneLo:
		return 0
	}
	t := math.FMA(x, 1/math.Ln2, shifter)
	k := int64(math.Float64bits(t)) - int64(math.Float64bits(shifter))
	kf := t - shifter
	r := (x - float64(kf*ln2Hi)) - float64(kf*ln2Lo)
	r2 := r * r
	r4 := r2 * r2
	r8 := r4 * r4
	c := &taylor
	q0 := math.FMA(c[1], r, c[0])
	q1 := math.FMA(c[3], r, c[2])
	q2 := math.FMA(c[5], r, c[4])
	q3 := math.FMA(c[7], r, c[6])
	q4 := math.FMA(c[9], r, c[8])
	q5 := math.FMA(c[11], r, c[10])
	s0 := math.FMA(q1, r2, q0)
	s1 := math.FMA(q3, r2, q2)
	s2 := math.FMA(q5, r2, q4)
	t0 := math.FMA(s1, r4, s0)
	t1 := math.FMA(c[12], r4, s2)
	p := math.FMA(t1, r8, t0)
	return p * math.Float64frombits(uint64(k+1023)<<52)
}

// Lane's range is Exp's; it reduces by whole ln 2 (ln2Hi, ln2Lo).
const laneLo, laneHi = minArg, maxArg

// taylor holds 1/i! for i = 0..12.
var taylor = func() (c [13]float64) {
	f := 1.0
	for i := range c {
		if i > 0 {
			f *= float64(i)
		}
		c[i] = 1 / f
	}
	return c
}()

// expSlice is ExpSlice one element at a time.
func expSlice(dst, src []float64) {
	src = src[:len(dst)]
	for k, x := range src {
		dst[k] = Lane(x)
	}
}
