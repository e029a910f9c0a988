//go:build goexperiment.simd && amd64

package fastlog

import (
	"math"
	"simd/archsimd"
)

// Vector reports whether LogSlice runs four lanes at a time: with Go's
// SIMD experiment on a processor with AVX2.
var Vector = archsimd.X86.AVX2()

// fdlibm's constants, as math.Log has them.
const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	l1    = 6.666666666666735130e-01   // 0x3FE5555555555593
	l2    = 3.999999999940941908e-01   // 0x3FD999999997FA04
	l3    = 2.857142874366239149e-01   // 0x3FD2492494229359
	l4    = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
	l5    = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
	l6    = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
	l7    = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
)

func splat(x float64) archsimd.Float64x4 { return archsimd.BroadcastFloat64x4(x) }

// Constants made once: broadcasting inside a loop costs as much as the
// arithmetic.
var (
	vLn2Hi, vLn2Lo = splat(ln2Hi), splat(ln2Lo)
	vL             = [...]archsimd.Float64x4{splat(l1), splat(l2), splat(l3), splat(l4), splat(l5), splat(l6), splat(l7)}
	vHalf, vOne    = splat(0.5), splat(1)
	vTwo           = splat(2)
	vHSqrt2        = splat(math.Sqrt2 / 2)
	vMagic         = splat(0x1.8p52) // its bits plus k are those of float64(k) + 1.5·2^52, exactly
	vMantissa      = archsimd.BroadcastUint64x4(1<<52 - 1)
	vHalfBits      = archsimd.BroadcastUint64x4(math.Float64bits(0.5))
	vMagicBits     = archsimd.BroadcastInt64x4(int64(math.Float64bits(0x1.8p52)) - 0x3FE)
	vExpMask       = archsimd.BroadcastInt64x4(0x7FF)
	vMinNormal     = archsimd.BroadcastInt64x4(int64(math.Float64bits(0x1p-1022)) - 1)
	vInfBits       = archsimd.BroadcastInt64x4(int64(math.Float64bits(math.Inf(1))))
)

// log4 is math.Log lane by lane for lanes that are positive normal
// numbers, as Go's amd64 archLog computes it.
func log4(x archsimd.Float64x4) archsimd.Float64x4 {
	bits := x.AsUint64x4()
	// f1, ki := math.Frexp(x); k := float64(ki)
	f1 := bits.And(vMantissa).Or(vHalfBits).AsFloat64x4()
	e := bits.ShiftAllRight(52).AsInt64x4().And(vExpMask)
	k := e.Add(vMagicBits).AsFloat64x4().Sub(vMagic)
	// if f1 <= √2/2 { k -= 1; f1 *= 2 }, as archLog compares
	low := vOne.Masked(f1.LessEqual(vHSqrt2))
	k = k.Sub(low)
	f1 = f1.Mul(low.Add(vOne))
	f := f1.Sub(vOne)
	s := f.Div(vTwo.Add(f))
	s2 := s.Mul(s)
	s4 := s2.Mul(s2)
	t1 := s2.Mul(vL[6].Mul(s4).Add(vL[4]).Mul(s4).Add(vL[2]).Mul(s4).Add(vL[0]))
	t2 := s4.Mul(vL[5].Mul(s4).Add(vL[3]).Mul(s4).Add(vL[1]))
	r := t1.Add(t2)
	hfsq := vHalf.Mul(f).Mul(f)
	inner := s.Mul(hfsq.Add(r)).Add(k.Mul(vLn2Lo))
	return k.Mul(vLn2Hi).Sub(hfsq.Sub(inner).Sub(f))
}

// normal reports whether every lane of x is a positive normal finite
// number.
func normal(x archsimd.Float64x4) bool {
	b := x.AsInt64x4()
	return b.Greater(vMinNormal).And(vInfBits.Greater(b)).ToBits() == 0xf
}

// LogSlice sets dst[k] = math.Log(src[k]) for every k of dst (src at
// least as long).
func LogSlice(dst, src []float64) {
	src = src[:len(dst)]
	i := 0
	if Vector {
		for ; i+4 <= len(dst); i += 4 {
			x := archsimd.LoadFloat64x4Slice(src[i:])
			if !normal(x) {
				archsimd.ClearAVXUpperBits()
				for j := i; j < i+4; j++ {
					dst[j] = math.Log(src[j])
				}
				continue
			}
			log4(x).StoreSlice(dst[i:])
		}
		archsimd.ClearAVXUpperBits()
	}
	for ; i < len(dst); i++ {
		dst[i] = math.Log(src[i])
	}
}
