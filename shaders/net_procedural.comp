#version 430
// Delivery of an epoch's spikes along procedural projections
// (gpu/network/procedural.go): no synapse is stored; a work group of
// PROC_GROUP invocations per spike and projection (and per block of
// PROC_GROUP chunks, the dispatch's second dimension, for a
// fixed_probability row over more candidates than a group's chunks
// take) draws the spike's row again, as sim/connect's Procedural.Row
// draws it, target, weight and delay, each invocation a chunk of the
// row, and adds each weight into the ring (ring.glsl) as
// net_deliver.comp adds a stored synapse's. The draws are Philox words
// (philox.glsl) keyed by the projection's seed, counted by (quantity,
// row, index), derived by sim/rng's portable arithmetic, and summed in
// the order sim/connect sums them: the CPU's rows, to the bit.

layout(local_size_x = PROC_GROUP) in;

#include "philox.glsl"

layout(std430, binding = 0) buffer Ring { uint ring[]; };
// The rows to draw: the projection, the row (its source neuron), its
// length where the rule fixes it, the ring slot of the spike's step.
layout(std430, binding = 1) readonly buffer Rows { uvec4 rows[]; };

// A procedural projection (connect.Procedural): the laws of its weights
// and delays (a, b, low, high: connect.Values), dt, its rule, the
// first queue target of its port and, for fixed_probability, the
// candidates of a chunk (connect.Procedural.Chunk).
struct Proj {
	double logQ, dt;
	double wA, wB, wLow, wHigh;
	double dA, dB, dLow, dHigh;
	uint kind, cand, self, base;
	uint keyLo, keyHi, wShape, dShape;
	uint chunk, pad;
};
layout(std430, binding = 2) readonly buffer Projs { Proj projs[]; };

uniform int nRows, targets, ringSlots, shift;

// The sums of the row's chunks of exponential spacings, an invocation's
// each.
shared double chunkSum[PROC_GROUP];

#include "ring.glsl"

// The Philox inputs of a row's quantities and the shapes of its values
// (sim/connect's procTargets …, ConstantShape …).
const uint TARGETS = 0u, WEIGHTS = 1u, DELAYS = 2u;
const uint CONSTANT = 0u, UNIFORM = 1u, NORMAL = 2u;
const uint FIXED_PROBABILITY = 2u;

// value returns the value of synapse m of row i for quantity q
// (connect.Values.value): attempt r takes call m + r·2^32.
double value(uint shape, double a, double b, double lo, double hi, uvec2 key, uint q, uint i, uint m) {
	if (shape == UNIFORM) {
		uvec4 w = rngDraw(key, q, i, uvec2(m, 0u));
		precise double x = a + (b - a) * rngUniform(w.x);
		return x;
	}
	if (shape == NORMAL) {
		for (uint r = 0u; ; r++) {
			uvec4 w = rngDraw(key, q, i, uvec2(m, r));
			precise double x = a + b * rngNormal(w, 0u);
			if (lo <= x && x <= hi) {
				return x;
			}
		}
	}
	return a;
}

// steps rounds a delay to steps of dt half away from zero, as
// network.DelaySteps's math.Round: x − ⌊x⌋ is exact.
int steps(double d, double dt) {
	precise double x = d / dt;
	double f = floor(x);
	return int(f) + (x - f >= 0.5LF ? 1 : 0);
}

// deliver adds the synapse of row i to target t whose values are number
// at of the row's (its target for fixed_probability, its place in the
// row otherwise), from the spike's slot, into the ring. Built with
// PROC_ROWS (gpu/network's TestProceduralRows), it writes the synapse
// instead, at word 5·(slot + n): target + 1, weight bits, delay steps,
// and the bits of the sorted uniform u that drew the target (0 for
// fixed_probability).
void deliver(Proj p, uvec2 key, uint i, uint at, uint t, int slot, uint n, double u) {
	float w = float(value(p.wShape, p.wA, p.wB, p.wLow, p.wHigh, key, WEIGHTS, i, at));
	int d = steps(value(p.dShape, p.dA, p.dB, p.dLow, p.dHigh, key, DELAYS, i, at), p.dt);
#ifdef PROC_ROWS
	int o = 5 * (slot + int(n));
	ring[o] = t + 1u;
	ring[o + 1] = floatBitsToUint(w);
	ring[o + 2] = uint(d);
	uvec2 ub = unpackDouble2x32(u);
	ring[o + 3] = ub.x;
	ring[o + 4] = ub.y;
#else
	int s = slot + d;
	if (s >= ringSlots) {
		s -= ringSlots;
	}
	ringAdd(s * targets + int(p.base + t), ldexp(double(w), -shift));
#endif
}

// partner maps candidate c of row i to its target (connect's partner):
// past i where the row's own neuron is left out.
uint partner(Proj p, uint c, uint i) {
	return p.self != 0u && c >= i ? c + 1u : c;
}

// word returns word n of a target stream from its first call, drawing a
// call every fourth word into w.
uint word(uvec2 key, uint i, uint n, uint call0, inout uvec4 w) {
	if ((n & 3u) == 0u) {
		w = rngDraw(key, TARGETS, i, uvec2(n >> 2, call0));
	}
	return w[n & 3u];
}

void main() {
	// A work group draws a row: the conditions that end it early are the
	// same for the whole group, which reaches the barrier together.
	uint id = gl_WorkGroupID.x;
	if (id >= uint(nRows)) {
		return;
	}
	uvec4 row = rows[id];
	Proj p = projs[row.x];
	uvec2 key = uvec2(p.keyLo, p.keyHi);
	uint i = row.y, k = row.z, block = gl_WorkGroupID.y, l = gl_LocalInvocationID.x;
	int slot = int(row.w);
	uvec4 w;
	if (p.kind == FIXED_PROBABILITY) {
		// Geometric skips in this invocation's chunk of the row, from
		// the chunk's words (Procedural.bernoulliRow); logQ = 0 is p = 0.
		uint chunk = block * uint(PROC_GROUP) + l;
		uint c = chunk * p.chunk;
		if (p.logQ == 0.0LF || c >= p.cand) {
			return;
		}
		uint end = min(c + p.chunk, p.cand);
		for (uint n = 0u; ; c++) {
			precise double skip = floor(rngLog(rngUniform(word(key, i, n, chunk, w))) / p.logQ);
			if (skip >= double(end - c)) {
				return;
			}
			c += uint(skip);
			uint t = partner(p, c, i);
			deliver(p, key, i, t, t, slot, c, 0.0LF);
			n++;
		}
	}
	if (block != 0u) {
		return;
	}
	// k sorted uniforms with replacement from k + 1 exponential spacings
	// (Procedural.sortedUniformRow), summed in its order: this
	// invocation's chunk of connect.GapChunk(k) spacings from 0, the
	// chunks' sums in order (the total, and this chunk's offset), then
	// the chunk's partial sums from its offset.
	uint size = 4u * ((k + uint(4 * PROC_GROUP)) / uint(4 * PROC_GROUP));
	uint first = l * size, end = min(first + size, k + 1u);
	precise double sum = 0.0LF;
	for (uint n = first; n < end; n++) {
		sum = sum - rngLog(rngUniform(word(key, i, n, 0u, w)));
	}
	chunkSum[l] = sum;
	memoryBarrierShared();
	barrier();
	precise double offset = 0.0LF, total = 0.0LF;
	for (uint j = 0u; j < uint(PROC_GROUP); j++) {
		if (j == l) {
			offset = total;
		}
		total = total + chunkSum[j];
	}
	sum = 0.0LF;
	double cand = double(p.cand);
	for (uint m = first; m < min(end, k); m++) {
		sum = sum - rngLog(rngUniform(word(key, i, m, 0u, w)));
		precise double u = (offset + sum) / total;
		precise double x = u * cand;
		deliver(p, key, i, m, partner(p, min(uint(floor(x)), p.cand - 1u), i), slot, m, u);
	}
}
