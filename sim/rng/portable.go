package rng

import "math"

// The logarithm and the cosine and sine that Normal takes, written with
// the operations a GLSL shader has in double precision and rounds as Go
// does: + − × ÷ and sqrt (each one rounding), the exact frexp and floor,
// and polynomials whose coefficients are the same decimal literals in
// shaders/philox.glsl. The shader computes them step for step in the
// same order with every intermediate `precise`, so its normals are
// Go's, bit for bit.
//
// Go may fuse x*y + z into one multiply-add where the processor has one
// (the spec allows it; amd64's compiler does not, arm64's, ppc64's and
// s390x's do), which would round differently from the shader. An
// explicit float64() conversion of a product forces its rounding (the
// spec's own way to forbid the fusion), so every product that is added
// to something, in its expression or later, is written float64(x*y)
// (GOARCH=arm64 go build -gcflags=-S ./sim/rng shows no FMADD or FMSUB
// in this file).

// fdlibm's log (e_log.c, Go's math.log): the logarithm's coefficients
// and ln 2 in two parts, Ln2Hi with its low bits zero so that k·Ln2Hi is
// exact.
const (
	ln2Hi    = 0.6931471803691238
	ln2Lo    = 1.9082149292705877e-10
	lg1      = 0.6666666666666735
	lg2      = 0.3999999999940942
	lg3      = 0.2857142874366239
	lg4      = 0.22222198432149784
	lg5      = 0.1818357216161805
	lg6      = 0.15313837699209373
	lg7      = 0.14798198605116586
	sqrtHalf = 0.7071067811865476
)

// Log returns the natural logarithm of a positive, finite, normal x by
// fdlibm's method: x = 2ᵏ·(1 + f) with 1 + f in [√½, √2), and
// log(1 + f) = 2·atanh(s), s = f/(2 + f), a polynomial in s² after its
// first terms. Within 1 ulp of math.Log (TestPortableLog).
func Log(x float64) float64 {
	f1, ki := math.Frexp(x)
	if f1 < sqrtHalf {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := float64(s2 * (lg1 + float64(s4*(lg3+float64(s4*(lg5+float64(s4*lg7)))))))
	t2 := float64(s4 * (lg2 + float64(s4*(lg4+float64(s4*lg6)))))
	r := t1 + t2
	hfsq := float64(0.5 * f * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// The Taylor coefficients of sin(πt/2) and cos(πt/2) in t, each the
// double nearest (π/2)ⁿ/n! with its sign; for |t| ≤ ½ the first term
// left out (t¹⁹, t²⁰) is below 10⁻¹⁹ of the result. π/2 is in two
// parts, s1Hi of 21 bits, so that t·s1Hi is exact for a t of up to 32
// bits (a uniform's, see CosSin2Pi) and s1Lo the double nearest the rest.
const (
	s1Hi = 1.570796012878418
	s1Lo = 3.139164786504813e-07
	s3   = -0.6459640975062463
	s5   = 0.07969262624616705
	s7   = -0.004681754135318688
	s9   = 0.00016044118478735983
	s11  = -3.598843235212085e-06
	s13  = 5.692172921967927e-08
	s15  = -6.688035109811468e-10
	s17  = 6.0669357311061955e-12
	c2   = -1.2337005501361697
	c4   = 0.25366950790104803
	c6   = -0.02086348076335296
	c8   = 0.0009192602748394266
	c10  = -2.5202042373060607e-05
	c12  = 4.710874778818172e-07
	c14  = -6.386603083791852e-09
	c16  = 6.565963114979473e-11
	c18  = -5.294400200734623e-13
)

// sinHalfPi and cosHalfPi return sin(πt/2) and cos(πt/2) for |t| ≤ ½:
// sin as t·s1Hi, exact, plus a correction a tenth as large, so that the
// result rounds about once; cos as 1 plus a correction of at most 0.3.
func sinHalfPi(t float64) float64 {
	t2 := t * t
	p := s15 + float64(t2*s17)
	p = s13 + float64(t2*p)
	p = s11 + float64(t2*p)
	p = s9 + float64(t2*p)
	p = s7 + float64(t2*p)
	p = s5 + float64(t2*p)
	p = s3 + float64(t2*p)
	return float64(t*s1Hi) + (float64(t*s1Lo) + float64(t*float64(t2*p)))
}

func cosHalfPi(t float64) float64 {
	t2 := t * t
	q := c16 + float64(t2*c18)
	q = c14 + float64(t2*q)
	q = c12 + float64(t2*q)
	q = c10 + float64(t2*q)
	q = c8 + float64(t2*q)
	q = c6 + float64(t2*q)
	q = c4 + float64(t2*q)
	q = c2 + float64(t2*q)
	return 1 + float64(t2*q)
}

// CosSin2Pi returns cos(2πv), or sin(2πv) where sine is set, for v in
// [0, 1): the quarter turns q = round(4v) are taken off exactly (4v and
// t = 4v − q are exact), and the rest, an angle πt/2 of at most π/4,
// goes to the polynomials, so that the angle is never rounded. For a
// uniform (w + ½)·2⁻³², t is a multiple of 2⁻³¹: 31 bits at most.
func CosSin2Pi(v float64, sine bool) float64 {
	x := float64(4 * v)
	q := math.Floor(x + 0.5)
	t := x - q
	quarter := int(q)
	if sine {
		quarter += 3 // sin(θ) = cos(θ − π/2)
	}
	switch quarter & 3 {
	case 0:
		return cosHalfPi(t)
	case 1:
		return -sinHalfPi(t)
	case 2:
		return -cosHalfPi(t)
	}
	return sinHalfPi(t)
}
