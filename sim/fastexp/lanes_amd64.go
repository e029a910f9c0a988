//go:build goexperiment.simd && amd64

package fastexp

import (
	"math"
	"simd/archsimd"
)

// The vector twins of Lane: with Go's SIMD experiment on a processor with
// AVX2 and FMA, four exponentials at a time.

// Vector reports whether ExpSlice runs four lanes at a time.
var Vector = archsimd.X86.AVX2() && archsimd.X86.FMA()

func splat(x float64) archsimd.Float64x4 { return archsimd.BroadcastFloat64x4(x) }

// Constants made once: broadcasting inside a loop costs as much as the
// arithmetic.
var (
	vInvLn2   = splat(1 / math.Ln2)
	vShifter  = splat(shifter)
	vShiftInt = archsimd.BroadcastInt64x4(int64(math.Float64bits(shifter)))
	vLn2Hi    = splat(ln2Hi)
	vLn2Lo    = splat(ln2Lo)
	vBias     = archsimd.BroadcastInt64x4(1023)
	vLo       = splat(laneLo)
	vHi       = splat(laneHi)
	vZero     = splat(0)
	vInf      = splat(math.Inf(1))
	vTaylor   = func() (c [13]archsimd.Float64x4) {
		for i, x := range taylor {
			c[i] = splat(x)
		}
		return c
	}()
)

// Core4 is e^x lane by lane for x clamped to [−708, 709], Lane's
// arithmetic without its edge cases: for kernels whose arguments cannot
// leave that range, or for which e^±708 serves as well as 0 and +Inf
// (the hh rates).
func Core4(x archsimd.Float64x4) archsimd.Float64x4 {
	x = x.Max(vLo).Min(vHi)
	t := x.MulAdd(vInvLn2, vShifter)
	k := t.AsInt64x4().Sub(vShiftInt)
	kf := t.Sub(vShifter)
	r := x.Sub(kf.Mul(vLn2Hi)).Sub(kf.Mul(vLn2Lo))
	r2 := r.Mul(r)
	r4 := r2.Mul(r2)
	r8 := r4.Mul(r4)
	c := &vTaylor
	q0 := c[1].MulAdd(r, c[0])
	q1 := c[3].MulAdd(r, c[2])
	q2 := c[5].MulAdd(r, c[4])
	q3 := c[7].MulAdd(r, c[6])
	q4 := c[9].MulAdd(r, c[8])
	q5 := c[11].MulAdd(r, c[10])
	s0 := q1.MulAdd(r2, q0)
	s1 := q3.MulAdd(r2, q2)
	s2 := q5.MulAdd(r2, q4)
	t0 := s1.MulAdd(r4, s0)
	t1 := c[12].MulAdd(r4, s2)
	p := t1.MulAdd(r8, t0)
	return p.Mul(k.Add(vBias).ShiftAllLeft(52).AsFloat64x4())
}

// Exp4 is Lane lane by lane, edge cases included.
func Exp4(x archsimd.Float64x4) archsimd.Float64x4 {
	y := Core4(x)
	if x.Greater(vLo).And(x.Less(vHi)).ToBits() == 0xf {
		return y // every lane within range (a NaN is not): the usual case
	}
	y = vZero.Merge(y, x.LessEqual(vLo))
	y = vInf.Merge(y, x.GreaterEqual(vHi))
	return x.Merge(y, x.IsNaN())
}

// ExpSlice sets dst[k] = Lane(src[k]) for every k of dst (src at least as
// long), four at a time where the processor can, the last one to three
// through masked loads, so that every element takes the same arithmetic.
func ExpSlice(dst, src []float64) {
	if !Vector {
		expSlice(dst, src)
		return
	}
	src = src[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		Exp4(archsimd.LoadFloat64x4Slice(src[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		Exp4(archsimd.LoadFloat64x4SlicePart(src[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}
