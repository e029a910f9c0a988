//go:build goexperiment.simd && amd64

package rng

import "simd/archsimd"

// With Go's SIMD experiment on a processor with AVX2, DrawStreams runs
// four streams' Philox rounds at once: each word of the counter is a
// vector of four 64-bit lanes whose low halves hold the four streams'
// words (VPMULUDQ multiplies those halves into full 64-bit products).
// The high halves of the lanes fill with bits the multiplies ignore; the
// words are masked on the way out.
func init() {
	if archsimd.X86.AVX2() {
		drawStreams = drawStreamsAVX2
	}
}

func drawStreamsAVX2(k Key, input, first uint32, call uint64, out [][4]uint32) {
	m := len(out) &^ 3
	var keys [10][2]archsimd.Uint64x4
	k0, k1 := k[0], k[1]
	for r := range keys {
		keys[r] = [2]archsimd.Uint64x4{archsimd.BroadcastUint64x4(uint64(k0)), archsimd.BroadcastUint64x4(uint64(k1))}
		k0 += weyl0
		k1 += weyl1
	}
	m0, m1 := archsimd.BroadcastUint64x4(mul0).AsUint32x8(), archsimd.BroadcastUint64x4(mul1).AsUint32x8()
	ctr0, ctr1 := archsimd.BroadcastUint64x4(uint64(uint32(call))), archsimd.BroadcastUint64x4(call>>32)
	ctr3 := archsimd.BroadcastUint64x4(uint64(input))
	lanes := archsimd.LoadUint64x4(&[4]uint64{0, 1, 2, 3})
	var w0, w1, w2, w3 [4]uint64
	for j := 0; j < m; j += 4 {
		c0, c1, c3 := ctr0, ctr1, ctr3
		c2 := archsimd.BroadcastUint64x4(uint64(first + uint32(j))).Add(lanes)
		for r := range keys {
			p0 := c0.AsUint32x8().MulEvenWiden(m0)
			p1 := c2.AsUint32x8().MulEvenWiden(m1)
			c0 = p1.ShiftAllRight(32).Xor(c1).Xor(keys[r][0])
			c1 = p1
			c2 = p0.ShiftAllRight(32).Xor(c3).Xor(keys[r][1])
			c3 = p0
		}
		c0.Store(&w0)
		c1.Store(&w1)
		c2.Store(&w2)
		c3.Store(&w3)
		o := out[j : j+4 : j+4]
		for l := range o {
			o[l] = [4]uint32{uint32(w0[l]), uint32(w1[l]), uint32(w2[l]), uint32(w3[l])}
		}
	}
	drawStreamsGo(k, input, first+uint32(m), call, out[m:])
}
