#version 430
// Plasticity on the device (gpu/network/learning.go): STDP and synaptic
// scaling of the projections that learn, with the traces beside the
// neurons and the transposed index for the postsynaptic side. The
// arithmetic is sim/stdp's and sim/homeostasis's, operation for
// operation (portableExp, no division, every product rounded before it
// is added: `precise`), so the weights are the CPU engine's to the bit
// from the same spikes.
//
// A step's spikes learn in the CPU engine's order (sim/network's
// router), in two dispatches:
//   PHASE_PRE   a work group per (spike, projection from its neuron):
//               its row's synapses, each delivered into the ring with
//               its weight as it is, then depressed by its target's
//               post trace; then the neuron's pre trace grows.
//   PHASE_POST  a work group per (spike, projection onto its neuron):
//               its column's synapses potentiated by their sources' pre
//               traces (this step's included); then its post trace
//               grows and its rate counts the spike.
// A synapse lies in one row and one column, and a neuron spikes at most
// once a step, so no two invocations of a dispatch write one weight.
//   PHASE_SCALE an invocation per target neuron of one projection: its
//               incoming weights scaled by its rate, at an epoch's start.

layout(local_size_x = GROUP_SIZE) in;

// The ring (ring.glsl), which the neuron kernels read.
layout(std430, binding = 0) buffer Ring { uint ring[]; };
// The step's spikes: (projection, neuron in its population).
layout(std430, binding = 1) readonly buffer Spikes { uvec2 spikes[]; };
// The learning projections.
struct Proj {
	uint rowAt, tgtAt, dlyAt, delay0; // row starts, targets, delays (16 bits, two a word; ~0: all delay0)
	uint colAt, srcAt, synAt, wAt;    // column starts, sources and synapses by column, weights
	uint preAt, postAt, rateAt, base; // traces (x, t) by source and by target, rates (r, t) by target; its first queue target
	uint flags, fromN, toN, pad;      // STDP, MULTIPLICATIVE, NEAREST, SCALING
	double invPlus, invMinus, aPlus, aMinus, wMin, wMax;
	double sInv, sBump, sGain, sTarget, sWMax, pad2;
};
layout(std430, binding = 2) readonly buffer Projs { Proj projs[]; };
// The projections' index arrays, in one.
layout(std430, binding = 3) readonly buffer Index { uint idx[]; };
// The weights (float bits), which learning writes.
layout(std430, binding = 4) buffer Weights { float w[]; };
// The traces and rates: a value and the time it was last brought up to
// date, each.
layout(std430, binding = 5) buffer Traces { double tr[]; };

#include "ring.glsl"
#include "fastexp.glsl"

const uint STDP = 1u, MULTIPLICATIVE = 2u, NEAREST = 4u, SCALING = 8u;

uniform int phase, spikeFrom, targets, ringSlots, slot, shift, proj;
uniform double t, span;

// decayed returns the trace at tr[at] decayed to t with rate inv:
// sim/stdp's Trace.At.
double decayed(uint at, double inv) {
	precise double e = tr[at] * portableExp((tr[at + 1u] - t) * inv);
	return e;
}

// bump is sim/stdp's Trace.Bump by 1.
void bump(uint at, double inv, bool nearest) {
	if (nearest) {
		tr[at] = 1.0lf;
	} else {
		precise double x = decayed(at, inv) + 1.0lf;
		tr[at] = x;
	}
	tr[at + 1u] = t;
}

// move is sim/stdp's Rule.Move.
double move(Proj p, double x, double a, bool potentiate) {
	precise double y;
	if ((p.flags & MULTIPLICATIVE) == 0u) {
		y = x + a * p.wMax;
	} else if (potentiate) {
		y = x + a * (p.wMax - x);
	} else {
		y = x + a * (x - p.wMin);
	}
	return min(p.wMax, max(p.wMin, y));
}

void pre(Proj p, uint i) {
	uint first = idx[p.rowAt + i], end = idx[p.rowAt + i + 1u];
	bool learns = (p.flags & STDP) != 0u;
	for (uint s = first + gl_LocalInvocationID.x; s < end; s += uint(GROUP_SIZE)) {
		uint target = idx[p.tgtAt + s];
		float wf = w[p.wAt + s];
		int d = int(p.delay0);
		if (p.dlyAt != 0xffffffffu) {
			d = int((idx[p.dlyAt + s / 2u] >> (16u * (s & 1u))) & 0xffffu);
		}
		int m = slot + d;
		if (m >= ringSlots) {
			m -= ringSlots;
		}
		// The learnt weight to the ring's fixed point, to the nearest.
		ringAdd(m * targets + int(p.base + target), roundEven(ldexp(double(wf), -shift)));
		if (learns) {
			precise double a = -p.aMinus * decayed(p.postAt + 2u * target, p.invMinus);
			w[p.wAt + s] = float(move(p, double(wf), a, false));
		}
	}
	if (learns && gl_LocalInvocationID.x == 0u) {
		bump(p.preAt + 2u * i, p.invPlus, (p.flags & NEAREST) != 0u);
	}
}

void post(Proj p, uint j) {
	if ((p.flags & STDP) != 0u) {
		uint first = idx[p.colAt + j], end = idx[p.colAt + j + 1u];
		for (uint k = first + gl_LocalInvocationID.x; k < end; k += uint(GROUP_SIZE)) {
			uint s = idx[p.synAt + k];
			precise double a = p.aPlus * decayed(p.preAt + 2u * idx[p.srcAt + k], p.invPlus);
			w[p.wAt + s] = float(move(p, double(w[p.wAt + s]), a, true));
		}
	}
	if (gl_LocalInvocationID.x != 0u) {
		return;
	}
	if ((p.flags & STDP) != 0u) {
		bump(p.postAt + 2u * j, p.invMinus, (p.flags & NEAREST) != 0u);
	}
	if ((p.flags & SCALING) != 0u) {
		// sim/homeostasis's Scaler.Spike.
		uint at = p.rateAt + 2u * j;
		precise double r = decayed(at, p.sInv) + p.sBump;
		tr[at] = r;
		tr[at + 1u] = t;
	}
}

// scale is sim/homeostasis's Scaler.Scale for target j.
void scale(Proj p, uint j) {
	precise double f = 1.0lf + (p.sGain * (p.sTarget - decayed(p.rateAt + 2u * j, p.sInv))) * span;
	uint first = idx[p.colAt + j], end = idx[p.colAt + j + 1u];
	for (uint k = first; k < end; k++) {
		uint s = idx[p.synAt + k];
		precise double x = double(w[p.wAt + s]) * f;
		if (p.sWMax > 0.0lf) {
			x = min(x, p.sWMax);
		}
		w[p.wAt + s] = float(x);
	}
}

void main() {
	if (phase == 2) {
		Proj p = projs[proj];
		uint j = gl_GlobalInvocationID.x;
		if (j < p.toN) {
			scale(p, j);
		}
		return;
	}
	uvec2 sp = spikes[spikeFrom + int(gl_WorkGroupID.x)];
	Proj p = projs[sp.x];
	if (phase == 0) {
		pre(p, sp.y);
	} else {
		post(p, sp.y);
	}
}
