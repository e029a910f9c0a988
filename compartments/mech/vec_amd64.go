//go:build goexperiment.simd && amd64

package mech

import (
	"math"
	"simd/archsimd"

	"neurite/sim/fastexp"
)

// arithKernel is the kernel of an arithmetic instruction with a
// variable (or a constant: false) on the left and on the right: the
// operator's loop over whole vectors of four (IEEE arithmetic gives the
// bits of arithScalar). Each operator and form has a loop of its own: a
// switch inside the loop doubled its cost. nil without AVX2.
func arithKernel(op opcode, a, b bool) kernel {
	if !fastexp.Vector {
		return nil
	}
	switch {
	case a && b:
		return [...]kernel{kAddVV, kSubVV, kMulVV, kDivVV}[op]
	case a:
		return [...]kernel{kAddVC, kSubVC, kMulVC, kDivVC}[op]
	}
	return [...]kernel{kAddCV, kSubCV, kMulCV, kDivCV}[op]
}

// The kernels end with ClearAVXUpperBits: scalar SSE code after 256-bit
// instructions carries false dependencies on the registers' upper halves
// until they are cleared (compartments/kernels_avx2.go measured the cost).

func kAddVV(f *frame, in *instr) {
	n := f.n4
	addVV(f.vars[in.dst][:n], f.vars[in.a][:n], f.vars[in.b][:n])
	archsimd.ClearAVXUpperBits()
}

func kSubVV(f *frame, in *instr) {
	n := f.n4
	subVV(f.vars[in.dst][:n], f.vars[in.a][:n], f.vars[in.b][:n])
	archsimd.ClearAVXUpperBits()
}

func kMulVV(f *frame, in *instr) {
	n := f.n4
	mulVV(f.vars[in.dst][:n], f.vars[in.a][:n], f.vars[in.b][:n])
	archsimd.ClearAVXUpperBits()
}

func kDivVV(f *frame, in *instr) {
	n := f.n4
	divVV(f.vars[in.dst][:n], f.vars[in.a][:n], f.vars[in.b][:n])
	archsimd.ClearAVXUpperBits()
}

func kAddVC(f *frame, in *instr) {
	n := f.n4
	addVC(f.vars[in.dst][:n], f.vars[in.a][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kSubVC(f *frame, in *instr) {
	n := f.n4
	subVC(f.vars[in.dst][:n], f.vars[in.a][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kMulVC(f *frame, in *instr) {
	n := f.n4
	mulVC(f.vars[in.dst][:n], f.vars[in.a][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kDivVC(f *frame, in *instr) {
	n := f.n4
	divVC(f.vars[in.dst][:n], f.vars[in.a][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

// c + b and c * b are b + c and b * c, exactly.

func kAddCV(f *frame, in *instr) {
	n := f.n4
	addVC(f.vars[in.dst][:n], f.vars[in.b][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kSubCV(f *frame, in *instr) {
	n := f.n4
	subCV(f.vars[in.dst][:n], f.vars[in.b][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kMulCV(f *frame, in *instr) {
	n := f.n4
	mulVC(f.vars[in.dst][:n], f.vars[in.b][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

func kDivCV(f *frame, in *instr) {
	n := f.n4
	divCV(f.vars[in.dst][:n], f.vars[in.b][:n], in.c)
	archsimd.ClearAVXUpperBits()
}

// The loops below each do whole vectors of four: d's length is a
// multiple of four.

func addVV(d, a, b []float64) {
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Add(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

func addVC(d, a []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Add(vc).StoreSlice(d[i:])
	}
}

func subVV(d, a, b []float64) {
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Sub(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

func subVC(d, a []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Sub(vc).StoreSlice(d[i:])
	}
}

func subCV(d, b []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		vc.Sub(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

func mulVV(d, a, b []float64) {
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Mul(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

func mulVC(d, a []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Mul(vc).StoreSlice(d[i:])
	}
}

func divVV(d, a, b []float64) {
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Div(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

func divVC(d, a []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		archsimd.LoadFloat64x4Slice(a[i:]).Div(vc).StoreSlice(d[i:])
	}
}

func divCV(d, b []float64, c float64) {
	vc := archsimd.BroadcastFloat64x4(c)
	for i := 0; i+4 <= len(d); i += 4 {
		vc.Div(archsimd.LoadFloat64x4Slice(b[i:])).StoreSlice(d[i:])
	}
}

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
