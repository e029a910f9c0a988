//go:build goexperiment.simd && amd64

package mech

import (
	"math"
	"simd/archsimd"

	"neurite/sim/fastexp"
)

// arith sets d = a op b for the four arithmetic operators, a nil operand
// being c: four instances at a time with AVX2, the last one to three
// alone (IEEE arithmetic gives the same bits either way; masked loads and
// stores would cost more than the scalar operations for so few). Each
// operator and form has a loop of its own: a switch inside the loop
// doubled its cost.
func arith(op opcode, d, a, b []float64, c float64) {
	n := len(d)
	if !fastexp.Vector || n < 4 {
		arithScalar(op, d, a, b, c)
		return
	}
	var i int
	switch {
	case a != nil && b != nil:
		a, b = a[:n], b[:n]
		i = [...]func(d, a, b []float64) int{addVV, subVV, mulVV, divVV}[op](d, a, b)
	case b == nil:
		a = a[:n]
		i = [...]func(d, a []float64, c float64) int{addVC, subVC, mulVC, divVC}[op](d, a, c)
	default:
		b = b[:n]
		i = [...]func(d, b []float64, c float64) int{addVC, subCV, mulVC, divCV}[op](d, b, c)
	}
	// Scalar SSE code after 256-bit instructions carries false
	// dependencies on the registers' upper halves until they are cleared
	// (compartments/kernels_avx2.go measured the cost).
	archsimd.ClearAVXUpperBits()
	if i < n {
		if a != nil {
			a = a[i:]
		}
		if b != nil {
			b = b[i:]
		}
		arithScalar(op, d[i:], a, b, c)
	}
}

// The loops below each do whole vectors of four and return where they
// stopped.

func addVV(d, a, b []float64) int {
	i := 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Add(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

func addVC(d, a []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Add(vc).StoreSlice(d[i:])
	}
	return i
}

func subVV(d, a, b []float64) int {
	i := 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Sub(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

func subVC(d, a []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Sub(vc).StoreSlice(d[i:])
	}
	return i
}

func subCV(d, b []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		vc.Sub(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

func mulVV(d, a, b []float64) int {
	i := 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Mul(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

func mulVC(d, a []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Mul(vc).StoreSlice(d[i:])
	}
	return i
}

func divVV(d, a, b []float64) int {
	i := 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Div(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

func divVC(d, a []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Div(vc).StoreSlice(d[i:])
	}
	return i
}

func divCV(d, b []float64, c float64) int {
	vc, i := archsimd.BroadcastFloat64x4(c), 0
	for ; i+4 <= len(d); i += 4 {
		vc.Div(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
	return i
}

// expVec sets d = e^a by fastexp.ExpSlice.
func expVec(d, a []float64) { fastexp.ExpSlice(d, a) }

var (
	vOne  = archsimd.BroadcastFloat64x4(1)
	vSign = archsimd.BroadcastInt64x4(math.MinInt64)
)

// cnexpVec sets d = insCnexp(s, a, b, dt) four at a time, each value in
// registers from its loads to its store.
func cnexpVec(d, s, a, b, dt []float64) {
	if !fastexp.Vector {
		cnexpScalar(d, s, a, b, dt)
		return
	}
	n := len(d) &^ 3 // d is whole vectors (vector), but for a frame of one
	s, a, b, dt = s[:len(d)], a[:len(d)], b[:len(d)], dt[:len(d)]
	for i := 0; i < n; i += 4 {
		vb := archsimd.LoadFloat64x4Slice(b[i:])
		vs := archsimd.LoadFloat64x4Slice(s[i:])
		e := fastexp.Exp4(archsimd.LoadFloat64x4Slice(dt[i:]).Mul(vb))
		na := archsimd.LoadFloat64x4Slice(a[i:]).AsInt64x4().Xor(vSign).AsFloat64x4()
		vs.Add(vOne.Sub(e).Mul(na.Div(vb).Sub(vs))).StoreSlice(d[i:])
	}
	archsimd.ClearAVXUpperBits()
	if n < len(d) {
		cnexpScalar(d[n:], s[n:], a[n:], b[n:], dt[n:])
	}
}

// compareLanes sets d to 1 where a op b holds and 0 elsewhere (b nil: c),
// four at a time, over whole vectors; it returns where it stopped. One
// loop per comparison and form, as arith's.
func compareLanes(op comparison, d, a, b []float64, c float64) int {
	if !fastexp.Vector {
		return 0
	}
	a = a[:len(d)]
	i := 0
	if b != nil {
		b = b[:len(d)]
		switch op {
		case cmpLT:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Less(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		case cmpGT:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Greater(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		case cmpLE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).LessEqual(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		case cmpGE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).GreaterEqual(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		case cmpEQ:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Equal(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		case cmpNE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).NotEqual(archsimd.LoadFloat64x4Slice(b[i:]))).StoreSlice(d[i:])
			}
		}
	} else {
		vc := archsimd.BroadcastFloat64x4(c)
		switch op {
		case cmpLT:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Less(vc)).StoreSlice(d[i:])
			}
		case cmpGT:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Greater(vc)).StoreSlice(d[i:])
			}
		case cmpLE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).LessEqual(vc)).StoreSlice(d[i:])
			}
		case cmpGE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).GreaterEqual(vc)).StoreSlice(d[i:])
			}
		case cmpEQ:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).Equal(vc)).StoreSlice(d[i:])
			}
		case cmpNE:
			for ; i+4 <= len(d); i += 4 {
				vOne.Masked(archsimd.LoadFloat64x4Slice(a[i:]).NotEqual(vc)).StoreSlice(d[i:])
			}
		}
	}
	archsimd.ClearAVXUpperBits()
	return i
}
