//go:build goexperiment.simd && amd64

package compartments

import (
	"simd/archsimd"

	"neurite/sim"
	"neurite/sim/fastexp"
	"neurite/sim/hh"
)

// With Go's SIMD experiment (GOEXPERIMENT=simd, which the Makefile sets) on
// a processor with AVX2 and FMA, hh instances advance four at a time: the
// hh update is most of a cable step's arithmetic, and four lanes do it
// about four times faster. The scalar kernel stays the reference; tests
// compare the two. The membrane set-up and the blow-up check also take
// four nodes at a time, with the scalar kernels' very arithmetic.
func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		hhKernel, hhKernelName = (*Engine).gatesAVX2, "avx2"
		membraneKernel, withinKernel = membraneAVX2, withinAVX2
	}
}

type f64x4 = archsimd.Float64x4

func splat(x float64) f64x4 { return archsimd.BroadcastFloat64x4(x) }

// Constants of the rate functions, made once: broadcasting inside the
// loop costs as much as the arithmetic.
var (
	vZero, vOne, vTen, vHalf  = splat(0), splat(1), splat(10), splat(0.5)
	vTrapSmall                = splat(1e-5)
	v40, v65, vMinus40        = splat(40), splat(65), splat(-40)
	vMinus55, vMinusTenth     = splat(-55), splat(-0.1)
	vMinus720th               = splat(-1.0 / 720)
	vTenth, vFour, v007, v001 = splat(0.1), splat(4), splat(0.07), splat(0.01)
	v0125, vPlus05, vMinus15  = splat(0.125), splat(hh.ExpPlus05), splat(hh.ExpMinus15)
	vMaxAbsV                  = splat(sim.MaxAbsV)
)

// trap4 is hh.Rates' vtrap lane by lane: x/(e − 1), or 10·(1 − x/20) for |x| < 1e-5.
func trap4(x, e f64x4) f64x4 {
	small := x.Max(vZero.Sub(x)).Less(vTrapSmall)
	return vTen.Sub(x.Mul(vHalf)).Merge(x.Div(e.Sub(vOne)), small)
}

// gatesAVX2 advances hh instances [lo, hi), four at a time, as gatesScalar
// does (to rounding). Every instance takes the same lane arithmetic
// wherever it falls, so an instance's result never depends on its
// neighbours: a cell gives the same bits alone or in a network. The
// instances' own arrays are contiguous and load as vectors (the last one
// to three masked); their nodes' voltages and conductances load and store
// as vectors where the nodes are consecutive (the usual case in level
// order), and are gathered and scattered lane by lane where they are not
// (one soma from each cell of a lockstep group).
func (e *Engine) gatesAVX2(lo, hi int) {
	negDtq := splat(-e.dtq)
	for k := lo; k < hi; k += 4 {
		end := min(k+4, hi)
		nodes := e.hhNode[k:end]
		nd := int(nodes[0])
		consecutive := len(nodes) == 4 && int(nodes[3]) == nd+3
		var v f64x4
		if consecutive {
			v = archsimd.LoadFloat64x4Slice(e.v[nd : nd+4])
		} else {
			// Unused lanes repeat the last instance's voltage.
			at := func(j int) float64 { return e.v[nodes[min(j, len(nodes)-1)]] }
			v = lanes4(at(0), at(1), at(2), at(3))
		}
		m, h, n := hhLanes(v, archsimd.LoadFloat64x4SlicePart(e.hhM[k:end]), archsimd.LoadFloat64x4SlicePart(e.hhH[k:end]),
			archsimd.LoadFloat64x4SlicePart(e.hhN[k:end]), negDtq)
		m.StoreSlicePart(e.hhM[k:end])
		h.StoreSlicePart(e.hhH[k:end])
		n.StoreSlicePart(e.hhN[k:end])
		gm, ge := e.hhConductances(e.hhSet[k:end], archsimd.LoadFloat64x4SlicePart(e.hhScale[k:end]), m, h, n)
		if consecutive {
			gm.StoreSlice(e.gm[nd : nd+4])
			ge.StoreSlice(e.ge[nd : nd+4])
			continue
		}
		gms, ges := unlanes4(gm), unlanes4(ge)
		for j, node := range nodes {
			e.gm[node], e.ge[node] = gms[j], ges[j]
		}
	}
	// Scalar SSE code after 256-bit instructions carries false dependencies
	// on the registers' upper halves until they are cleared (VZEROUPPER);
	// without this the rest of the step ran several times slower.
	archsimd.ClearAVXUpperBits()
}

// lanes4 makes a vector of four scalars, register to register (through
// memory, the vector load would wait on four scalar stores).
func lanes4(a, b, c, d float64) f64x4 {
	var lo, hi archsimd.Float64x2
	var x f64x4
	return x.SetLo(lo.SetElem(0, a).SetElem(1, b)).SetHi(hi.SetElem(0, c).SetElem(1, d))
}

// unlanes4 returns the four lanes of x.
func unlanes4(x f64x4) [4]float64 {
	lo, hi := x.GetLo(), x.GetHi()
	return [4]float64{lo.GetElem(0), lo.GetElem(1), hi.GetElem(0), hi.GetElem(1)}
}

// hhLanes advances four hh instances' gates over dt with their voltages v
// held, as hh.Rates and gatesScalar do.
func hhLanes(v, m, h, n, negDtq f64x4) (f64x4, f64x4, f64x4) {
	e10 := fastexp.Core4(v.Add(v40).Mul(vMinusTenth))
	b := fastexp.Core4(v.Add(v65).Mul(vMinus720th))
	b2 := b.Mul(b)
	b4 := b2.Mul(b2)
	b9 := b4.Mul(b4).Mul(b)
	b18 := b9.Mul(b9)
	b36 := b18.Mul(b18)
	am := trap4(vMinus40.Sub(v), e10).Mul(vTenth)
	bm := b36.Mul(b4).Mul(vFour)
	ah := b36.Mul(v007)
	bh := vOne.Div(e10.MulAdd(vPlus05, vOne))
	an := trap4(vMinus55.Sub(v), e10.Mul(vMinus15)).Mul(v001)
	bn := b9.Mul(v0125)
	sm, sh, sn := am.Add(bm), ah.Add(bh), an.Add(bn)
	// x∞ + (x − x∞)·exp(−dt·q10·(α+β)).
	minf, hinf, ninf := am.Div(sm), ah.Div(sh), an.Div(sn)
	m = m.Sub(minf).MulAdd(fastexp.Core4(sm.Mul(negDtq)), minf)
	h = h.Sub(hinf).MulAdd(fastexp.Core4(sh.Mul(negDtq)), hinf)
	n = n.Sub(ninf).MulAdd(fastexp.Core4(sn.Mul(negDtq)), ninf)
	return m, h, n
}

// hhConductances returns the membrane conductance and its current source
// (gm, ge, as setHH sets them) of up to four hh instances with parameter
// sets sets and area scales scale (unused lanes: the first set).
func (e *Engine) hhConductances(sets []int32, scale, m, h, n f64x4) (gm, ge f64x4) {
	gNa, gK, gL, eNa, eK, eL := e.hhParams4(sets)
	n2 := n.Mul(n)
	gna := gNa.Mul(m.Mul(m).Mul(m).Mul(h))
	gk := gK.Mul(n2.Mul(n2))
	return gna.Add(gk).Add(gL).Mul(scale), gna.Mul(eNa).Add(gk.Mul(eK)).Add(gL.Mul(eL)).Mul(scale)
}

// hhParams4 returns the parameters of up to four parameter sets:
// broadcast when they are one (the usual case), gathered otherwise, the
// first set in unused lanes.
func (e *Engine) hhParams4(given []int32) (gNa, gK, gL, eNa, eK, eL f64x4) {
	sets := [4]int32{given[0], given[0], given[0], given[0]}
	copy(sets[:], given)
	if sets[0] == sets[1] && sets[0] == sets[2] && sets[0] == sets[3] {
		hp := &e.hhParams[sets[0]]
		return splat(hp.GNaBar), splat(hp.GKBar), splat(hp.GL), splat(hp.ENa), splat(hp.EK), splat(hp.EL)
	}
	var a [6][4]float64
	for j, s := range sets {
		hp := &e.hhParams[s]
		a[0][j], a[1][j], a[2][j], a[3][j], a[4][j], a[5][j] = hp.GNaBar, hp.GKBar, hp.GL, hp.ENa, hp.EK, hp.EL
	}
	return archsimd.LoadFloat64x4(&a[0]), archsimd.LoadFloat64x4(&a[1]), archsimd.LoadFloat64x4(&a[2]),
		archsimd.LoadFloat64x4(&a[3]), archsimd.LoadFloat64x4(&a[4]), archsimd.LoadFloat64x4(&a[5])
}

// membraneAVX2 is membraneScalar four nodes at a time: the same additions
// and products, unfused, so the same bits.
func membraneAVX2(d, rhs, dBase, gm, capCj, v, rBase, ge []float64) {
	n := len(d)
	rhs, dBase, gm, capCj, v, rBase, ge = rhs[:n], dBase[:n], gm[:n], capCj[:n], v[:n], rBase[:n], ge[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		archsimd.LoadFloat64x4Slice(dBase[i:]).Add(archsimd.LoadFloat64x4Slice(gm[i:])).StoreSlice(d[i:])
		archsimd.LoadFloat64x4Slice(capCj[i:]).Mul(archsimd.LoadFloat64x4Slice(v[i:])).
			Add(archsimd.LoadFloat64x4Slice(rBase[i:])).Add(archsimd.LoadFloat64x4Slice(ge[i:])).StoreSlice(rhs[i:])
	}
	archsimd.ClearAVXUpperBits()
	membraneScalar(d[i:], rhs[i:], dBase[i:], gm[i:], capCj[i:], v[i:], rBase[i:], ge[i:])
}

// withinAVX2 is withinScalar four voltages at a time. An ordered
// comparison is false for NaN, so NaN fails as in the scalar kernel.
func withinAVX2(v []float64) bool {
	all, i := withinLanes(v)
	archsimd.ClearAVXUpperBits()
	return all && withinScalar(v[i:])
}

// withinLanes is withinAVX2's vector loop: whether the first i voltages
// are within range. It is a call of its own so that its mask is read
// before the upper halves are cleared: inline, the compiler read it
// after, a YMM register was left in use, and every SSE instruction that
// followed (Go's scalar arithmetic, math.Exp) paid for it: the NMODL
// mechanisms' update, which follows in each step, ran 2.3 times slower.
//
//go:noinline
func withinLanes(v []float64) (all bool, i int) {
	ok := vZero.Equal(vZero)
	for ; i+4 <= len(v); i += 4 {
		x := archsimd.LoadFloat64x4Slice(v[i:])
		ok = ok.And(x.Max(vZero.Sub(x)).LessEqual(vMaxAbsV))
	}
	return ok.ToBits() == 0xf, i
}
