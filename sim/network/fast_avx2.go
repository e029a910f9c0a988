//go:build goexperiment.simd && amd64

package network

import (
	"simd/archsimd"

	"neurite/sim"
)

// With Go's SIMD experiment (GOEXPERIMENT=simd, which the Makefile sets) on
// a processor with AVX2, the fused LIF kernel's passes take four neurons
// at a time. Each lane does the scalar pass's operations in its order (no
// fused multiply-adds), so both give the same numbers; the tail of a
// chunk that does not fill a vector runs the scalar pass.
func init() {
	if archsimd.X86.AVX2() {
		updateEuler, updateExact, commit = updateEulerAVX2, updateExactAVX2, commitAVX2
		scale, deliver, deliverJumps, outOfRange = scaleAVX2, deliverAVX2, deliverJumpsAVX2, outOfRangeAVX2
	}
}

type f64x4 = archsimd.Float64x4

func bcast(x float64) f64x4 { return archsimd.BroadcastFloat64x4(x) }

func load(s []float64, i int) f64x4 { return archsimd.LoadFloat64x4Slice(s[i : i+4]) }

func updateEulerAVX2(cand, v []float64, cond [][]float64, e []float64, cur [][]float64, c eulerLIF) {
	m := len(v) &^ 3
	el, r, in, dt, tau := bcast(c.el), bcast(c.r), bcast(c.i), bcast(c.dt), bcast(c.tau)
	var es [8]f64x4
	for k := range min(len(e), len(es)) {
		es[k] = bcast(e[k])
	}
	if len(e) > len(es) {
		updateEulerGo(cand, v, cond, e, cur, c)
		return
	}
	for i := 0; i < m; i += 4 {
		x := load(v, i)
		var is, g, gE f64x4
		for _, b := range cur {
			is = is.Add(load(b, i))
		}
		for k, b := range cond {
			y := load(b, i)
			g = g.Add(y)
			gE = gE.Add(y.Mul(es[k]))
		}
		drive := in.Add(is).Add(gE).Sub(g.Mul(x))
		x.Add(dt.Mul(el.Sub(x).Add(r.Mul(drive))).Div(tau)).StoreSlice(cand[i : i+4])
	}
	archsimd.ClearAVXUpperBits()
	updateEulerFrom(m, cand, v, cond, e, cur, c)
}

func updateExactAVX2(cand, v []float64, cur [][]float64, p21 []float64, vinf, p22 float64) {
	m := len(v) &^ 3
	vi, p := bcast(vinf), bcast(p22)
	for i := 0; i < m; i += 4 {
		vi.Add(load(v, i).Sub(vi).Mul(p)).StoreSlice(cand[i : i+4])
	}
	for k, b := range cur {
		w := bcast(p21[k])
		for i := 0; i < m; i += 4 {
			load(cand, i).Add(w.Mul(load(b, i))).StoreSlice(cand[i : i+4])
		}
	}
	archsimd.ClearAVXUpperBits()
	updateExactFrom(m, cand, v, cur, p21, vinf, p22)
}

func commitAVX2(v, cand []float64, ref []int64, n int64, vth float64, spiked []int) []int {
	m := len(v) &^ 3
	nv, th, hi := archsimd.BroadcastInt64x4(n), bcast(vth), bcast(sim.MaxAbsV)
	for i := 0; i < m; i += 4 {
		free := nv.GreaterEqual(archsimd.LoadInt64x4Slice(ref[i : i+4]))
		x := load(cand, i)
		x.Merge(load(v, i), free).StoreSlice(v[i : i+4])
		// Out of range is a blow-up, not a spike (commitGo).
		if bits := x.Greater(th).And(x.LessEqual(hi)).And(free).ToBits(); bits != 0 {
			for l := range 4 {
				if bits&(1<<l) != 0 {
					spiked = append(spiked, i+l)
				}
			}
		}
	}
	archsimd.ClearAVXUpperBits()
	for _, i := range commitGo(v[m:], cand[m:], ref[m:], n, vth, nil) {
		spiked = append(spiked, m+i)
	}
	return spiked
}

func scaleAVX2(b []float64, d float64) {
	m := len(b) &^ 3
	dv := bcast(d)
	for i := 0; i < m; i += 4 {
		load(b, i).Mul(dv).StoreSlice(b[i : i+4])
	}
	archsimd.ClearAVXUpperBits()
	scaleGo(b[m:], d)
}

func deliverAVX2(b, in []float64) {
	m := min(len(b), len(in)) &^ 3
	for i := 0; i < m; i += 4 {
		load(b, i).Add(load(in, i)).StoreSlice(b[i : i+4])
	}
	archsimd.ClearAVXUpperBits()
	deliverGo(b[m:], in[m:])
	clear(in[:m])
}

func deliverJumpsAVX2(v, in []float64, ref []int64, n int64) {
	m := len(v) &^ 3
	nv := archsimd.BroadcastInt64x4(n)
	for i := 0; i < m; i += 4 {
		free := nv.GreaterEqual(archsimd.LoadInt64x4Slice(ref[i : i+4]))
		load(v, i).Add(load(in, i).Masked(free)).StoreSlice(v[i : i+4])
	}
	archsimd.ClearAVXUpperBits()
	deliverJumpsGo(v[m:], in[m:], ref[m:], n)
	clear(in[:m])
}

func outOfRangeAVX2(v []float64) int {
	m := len(v) &^ 3
	hi, lo := bcast(sim.MaxAbsV), bcast(-sim.MaxAbsV)
	for i := 0; i < m; i += 4 {
		x := load(v, i)
		if x.LessEqual(hi).And(x.GreaterEqual(lo)).ToBits() != 0xf {
			archsimd.ClearAVXUpperBits()
			return outOfRangeGo(v[i:i+4]) + i
		}
	}
	archsimd.ClearAVXUpperBits()
	if j := outOfRangeGo(v[m:]); j >= 0 {
		return m + j
	}
	return -1
}

func init() {
	if archsimd.X86.AVX2() {
		fused = fusedAVX2
	}
}

// fusedAVX2 takes the step in one pass for the populations of the
// benchmark networks: Euler with two conductance ports (COBA), exact with
// one current port (the microcircuit) or one voltage-jump port (Brunel).
// Inputs are added in the general kernel's order: a port's decayed value,
// then its Poisson input, then the queue's.
func fusedAVX2(e *Engine, c *chunk, n int64, due []float64) (int, bool) {
	p, f := c.pop, c.pop.fast
	m := c.hi - c.lo
	if !f.fusable || m%4 != 0 {
		return -1, false
	}
	exact := p.Method == Exact
	switch {
	case !exact && len(f.ports) == 2 && f.ports[0].synapse == Conductance && f.ports[1].synapse == Conductance:
	case exact && len(f.ports) == 1:
	default:
		return -1, false
	}
	lo, hi := c.lo, c.hi
	v, ref := p.v[lo:hi], p.refUntil[lo:hi]
	v = v[:len(ref)]
	extra := e.driveInputs(c, n)
	in := func(k int) []float64 { return due[int(p.base)+k*p.N+lo : int(p.base)+k*p.N+hi][:len(v)] }
	bad := -1
	s := &c.scratch
	s.spiked = s.spiked[:0]
	nv, th, vr := archsimd.BroadcastInt64x4(n), bcast(f.vth), bcast(f.vreset)
	hiV, loV := bcast(sim.MaxAbsV), bcast(-sim.MaxAbsV)
	var zero f64x4
	finish := func(i int, cand, x, vn f64x4, free archsimd.Mask64x4) {
		spk := cand.Greater(th).And(cand.LessEqual(hiV)).And(free) // out of range: a blow-up (commitGo)
		vf := vr.Merge(vn, spk)
		vf.StoreSlice(v[i : i+4])
		if bad < 0 && vf.LessEqual(hiV).And(vf.GreaterEqual(loV)).ToBits() != 0xf {
			bad = i
		}
		if bits := spk.ToBits(); bits != 0 {
			for l := range 4 {
				if bits&(1<<l) != 0 {
					s.spiked = append(s.spiked, i+l)
				}
			}
		}
	}
	if exact {
		q := f.ports[0]
		vinf := f.el + f.r*f.i
		vi, p22, p21, d := bcast(vinf), bcast(f.p22), bcast(q.p21), bcast(q.decay)
		b, x0, in0 := p.b[0][lo:hi][:len(v)], extra[0][:len(v)], in(0)
		for i := 0; i < m; i += 4 {
			x := load(v, i)
			free := nv.GreaterEqual(archsimd.LoadInt64x4Slice(ref[i : i+4]))
			cand := vi.Add(x.Sub(vi).Mul(p22))
			var vn f64x4
			if q.synapse == Current {
				y := load(b, i)
				cand = cand.Add(p21.Mul(y))
				vn = cand.Merge(x, free)
				y.Mul(d).Add(load(x0, i)).Add(load(in0, i)).StoreSlice(b[i : i+4])
			} else {
				vn = cand.Merge(x, free).Add(load(x0, i).Masked(free)).Add(load(in0, i).Masked(free))
			}
			zero.StoreSlice(in0[i : i+4])
			finish(i, cand, x, vn, free)
		}
	} else {
		q0, q1 := f.ports[0], f.ports[1]
		el, r, I, dt, tau := bcast(f.el), bcast(f.r), bcast(f.i), bcast(e.net.Dt), bcast(f.tau)
		e0, e1, d0, d1 := bcast(q0.e), bcast(q1.e), bcast(q0.decay), bcast(q1.decay)
		b0, b1 := p.b[0][lo:hi][:len(v)], p.b[1][lo:hi][:len(v)]
		x0, x1, in0, in1 := extra[0][:len(v)], extra[1][:len(v)], in(0), in(1)
		driven := f.drive[0] >= 0 || f.drive[1] >= 0
		for i := 0; i < m; i += 4 {
			x := load(v, i)
			free := nv.GreaterEqual(archsimd.LoadInt64x4Slice(ref[i : i+4]))
			y0, y1 := load(b0, i), load(b1, i)
			g := zero.Add(y0).Add(y1)
			gE := zero.Add(y0.Mul(e0)).Add(y1.Mul(e1))
			drive := I.Add(zero).Add(gE).Sub(g.Mul(x))
			cand := x.Add(dt.Mul(el.Sub(x).Add(r.Mul(drive))).Div(tau))
			vn := cand.Merge(x, free)
			z0, z1 := y0.Mul(d0), y1.Mul(d1)
			if driven {
				z0, z1 = z0.Add(load(x0, i)), z1.Add(load(x1, i))
			}
			z0.Add(load(in0, i)).StoreSlice(b0[i : i+4])
			z1.Add(load(in1, i)).StoreSlice(b1[i : i+4])
			zero.StoreSlice(in0[i : i+4])
			zero.StoreSlice(in1[i : i+4])
			finish(i, cand, x, vn, free)
		}
	}
	archsimd.ClearAVXUpperBits()
	tn := float64(n) * e.net.Dt
	for _, i := range s.spiked {
		ref[i] = n + f.refSteps
		c.spikes = append(c.spikes, sim.Spike{Cell: p.first + lo + i, T: tn, Step: tn})
	}
	if bad >= 0 {
		return lo + bad + outOfRangeGo(v[bad:bad+4]), true
	}
	return -1, true
}
