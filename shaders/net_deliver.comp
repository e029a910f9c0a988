#version 430
// Delivery of an epoch's spikes on the device (gpu/network/delivery.go):
// a work group per spike and projection pushes along the spike's row of
// synapses, each adding its weight to its target's entry of a ring of
// slots indexed by delivery step, which lif_net.comp reads and empties.
//
// The sums are in fixed point, integers of 2^shift, 64 bits as two
// 32-bit words added atomically with the carry passed on: integer sums do
// not depend on the order of the additions, so the many work groups may
// add in any order. The host chose shift so that every weight is an
// integer of it and every sum a target can receive stays below 2^52 of
// it: then the CPU engine's sums in doubles are exact too, in whatever
// order it adds, and both give the same numbers to the bit (2^52, not
// 2^53, so that the host's own check, a sum of magnitudes in doubles,
// is exact up to the bound).

layout(local_size_x = GROUP_SIZE) in;

// The ring: the entry of (slot, target) is words 2·(slot·targets +
// target), its low word, and the next, its high word.
layout(std430, binding = 0) buffer Ring { uint ring[]; };
// The rows to deliver: the segment, the row's first synapse in it, its
// synapses, the ring slot of the spike's step.
layout(std430, binding = 1) readonly buffer Rows { uvec4 rows[]; };
// Per segment (a run of rows of one projection in one buffer), two: the
// word of its targets, of its weights (~0: all share one), of its delays
// (~0: all share one), the shared delay; the shared weight's bits, its
// first queue target.
layout(std430, binding = 2) readonly buffer Segments { uvec4 segs[]; };
// The segments' synapses: targets, weights (float bits), delays (16 bits,
// two a word); a buffer texture, which llvmpipe reads a vector at a time
// (a storage buffer it reads lane by lane).
uniform usamplerBuffer synTex;

uint syn(uint j) { return texelFetch(synTex, int(j)).x; }

uniform int rowFrom, targets, ringSlots;

#include "net_ring.glsl"

void main() {
	uvec4 row = rows[rowFrom + int(gl_WorkGroupID.x)];
	uvec4 sa = segs[2 * row.x], sb = segs[2 * row.x + 1];
	bool wEach = sa.y != 0xffffffffu, dEach = sa.z != 0xffffffffu;
	float w0 = uintBitsToFloat(sb.x);
	int slot = int(row.w), base = int(sb.y);
	int m0 = slot + int(sa.w);
	if (m0 >= ringSlots) {
		m0 -= ringSlots;
	}
	int at0 = m0 * targets + base;
	uint end = row.y + row.z;
	for (uint j = row.y + gl_LocalInvocationID.x; j < end; j += uint(GROUP_SIZE)) {
		int t = int(syn(sa.x + j));
		float w = wEach ? uintBitsToFloat(syn(sa.y + j)) : w0;
		int at = at0 + t;
		if (dEach) {
			int m = slot + int((syn(sa.z + j / 2u) >> (16u * (j & 1u))) & 0xffffu);
			if (m >= ringSlots) {
				m -= ringSlots;
			}
			at = m * targets + base + t;
		}
		add(at, w);
	}
}
