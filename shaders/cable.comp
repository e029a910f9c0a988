#version 430
// The cable engine on the GPU: one work group per cell advances it through
// a chunk of steps with NEURON's fixed-step scheme, the same as the CPU
// engine (compartments/engine.go). The voltages and the tree solve are in
// double precision, the channel kinetics in single: in single precision
// the step's change of v falls below half an ulp of v as a cell nears
// steady state and is lost, which left the passive cable 0.1 mV off.
//
//   1. (all) d = dBase + g_hh, rhs = C/dt·v + passive + hh currents
//   2. (one) deliver the events due by t + dt/2; synaptic and clamp
//      currents; Hines elimination and back-substitution (backward Euler,
//      or Crank–Nicolson's extrapolated half step with the algebraic nodes
//      re-solved)
//   3. (all) blow-up check; hh gates exactly over dt with the new v
//   4. (one) synapses decay; spike detection; probes at record steps
//
// "All" steps split the cell's nodes or mechanism instances over the
// group's invocations; "one" steps run on its first invocation, as the
// tree solve is sequential and the others are short.

layout(local_size_x = 64) in;

#include "hh.glsl"

struct Node {
	double v, d, rhs, dBase, rBase, capCj, gax;
	float gm, ge;
	int parent; // global index, -1 at the root
	int pad;
};

struct HH {
	float gna, gk, gl; // µS over the segment
	float ena, ek, el;
	float m, h, n;
	int node;
};

struct Syn {
	float e, decayA, decayB;
	float a, b, i, g;
	int node;
};

struct Clamp {
	double amp, i;
	int node, on, off; // on in steps [on, off)
	int pad;
};

struct Event {
	int step, syn;
	float wa, wb; // weight × the synapse's factors
};

struct Cell {
	int first, end;
	int hhLo, hhHi, synLo, synHi, clampLo, clampHi;
	int evLo, evHi, algLo, algHi, probeLo, probeHi;
	int detNode, cursor, detAbove, nSpikes;
	int blowStep; // the step after which v left its bounds, -1 for none
	float threshold;
};

struct Alg {
	double d, rhs;
	int node, nbrLo, nbrHi, pad;
};

struct AlgNbr {
	double g;
	int node, pad;
};

struct Probe {
	int kind, index, node;
};

struct Spike {
	int step;
	float frac; // of the step, where v crossed the threshold
};

layout(std430, binding = 0) buffer Nodes { Node nodes[]; };
layout(std430, binding = 1) buffer HHs { HH hh[]; };
layout(std430, binding = 2) buffer Syns { Syn syns[]; };
layout(std430, binding = 3) buffer Clamps { Clamp clamps[]; };
layout(std430, binding = 4) readonly buffer Events { Event events[]; };
layout(std430, binding = 5) buffer Cells { Cell cells[]; };
layout(std430, binding = 6) buffer Algs { Alg algs[]; };
layout(std430, binding = 7) readonly buffer AlgNbrs { AlgNbr algNbrs[]; };
layout(std430, binding = 8) readonly buffer Probes { Probe probes[]; };
layout(std430, binding = 9) writeonly buffer Rec { double rec[]; };
layout(std430, binding = 10) buffer Spikes { Spike spikes[]; };

uniform int stepFrom, stepTo;   // advance over steps [stepFrom, stepTo)
uniform int recordEvery, recBase, nProbes;
uniform int spikeCap;           // spikes a cell may record in a chunk
uniform int crankNicolson;
uniform float dtq;              // dt × Q10
uniform float maxAbsV;

// Probe kinds, as compartments.ProbeVar.
const int probeV = 0, probeM = 1, probeH = 2, probeN = 3, probeSynI = 4, probeSynG = 5, probeClampI = 6;

shared int blown;

double probeValue(Probe p) {
	switch (p.kind) {
	case probeM: return hh[p.index].m;
	case probeH: return hh[p.index].h;
	case probeN: return hh[p.index].n;
	case probeSynI: return syns[p.index].i;
	case probeSynG: return syns[p.index].g;
	case probeClampI: return clamps[p.index].i;
	}
	return nodes[p.node].v;
}

// solve does step 2 for the cell (first invocation only) and returns v at
// the detector before the step.
double solve(int c, int step) {
	Cell cell = cells[c];
	int first = cell.first, end = cell.end;
	int cursor = cell.cursor;
	while (cursor < cell.evHi && events[cursor].step <= step) {
		Event ev = events[cursor];
		syns[ev.syn].a += ev.wa;
		syns[ev.syn].b += ev.wb;
		cursor++;
	}
	cells[c].cursor = cursor;
	for (int k = cell.synLo; k < cell.synHi; k++) {
		Syn s = syns[k];
		float g = s.b - s.a;
		nodes[s.node].d += g;
		nodes[s.node].rhs += g * s.e;
		syns[k].i = g * (float(nodes[s.node].v) - s.e);
	}
	for (int k = cell.clampLo; k < cell.clampHi; k++) {
		Clamp cl = clamps[k];
		double amp = (step >= cl.on && step < cl.off) ? cl.amp : 0.0;
		nodes[cl.node].rhs += amp;
		clamps[k].i = amp;
	}
	for (int j = cell.algLo; j < cell.algHi; j++) {
		algs[j].d = nodes[algs[j].node].d;
		algs[j].rhs = nodes[algs[j].node].rhs;
	}
	// Hines elimination, leaves to root; d keeps 1/d.
	for (int i = end - 1; i > first; i--) {
		int par = nodes[i].parent;
		double inv = 1.0 / nodes[i].d;
		nodes[i].d = inv;
		double f = nodes[i].gax * inv;
		nodes[par].d -= f * nodes[i].gax;
		nodes[par].rhs += f * nodes[i].rhs;
	}
	nodes[first].d = 1.0 / nodes[first].d;
	double vPrev = cell.detNode >= 0 ? nodes[cell.detNode].v : 0.0;
	if (crankNicolson != 0) {
		nodes[first].rhs *= nodes[first].d;
		for (int i = first + 1; i < end; i++) {
			nodes[i].rhs = (nodes[i].rhs + nodes[i].gax * nodes[nodes[i].parent].rhs) * nodes[i].d;
		}
		for (int i = first; i < end; i++) {
			nodes[i].v = 2.0 * nodes[i].rhs - nodes[i].v;
		}
		for (int j = cell.algLo; j < cell.algHi; j++) {
			double num = algs[j].rhs;
			for (int q = algs[j].nbrLo; q < algs[j].nbrHi; q++) {
				num += algNbrs[q].g * nodes[algNbrs[q].node].v;
			}
			nodes[algs[j].node].v = num / algs[j].d;
		}
	} else {
		nodes[first].v = nodes[first].rhs * nodes[first].d;
		for (int i = first + 1; i < end; i++) {
			nodes[i].v = (nodes[i].rhs + nodes[i].gax * nodes[nodes[i].parent].v) * nodes[i].d;
		}
	}
	return vPrev;
}

// finish does step 4 for the cell (first invocation only).
void finish(int c, int step, double vPrev) {
	Cell cell = cells[c];
	for (int k = cell.synLo; k < cell.synHi; k++) {
		syns[k].a *= syns[k].decayA;
		syns[k].b *= syns[k].decayB;
		syns[k].g = syns[k].b - syns[k].a;
	}
	if (cell.detNode >= 0) {
		double vNow = nodes[cell.detNode].v;
		if (cell.detAbove == 0 && vNow >= cell.threshold) {
			cells[c].detAbove = 1;
			if (cell.nSpikes < spikeCap) {
				spikes[c * spikeCap + cell.nSpikes] = Spike(step, float((cell.threshold - vPrev) / (vNow - vPrev)));
			}
			cells[c].nSpikes = cell.nSpikes + 1;
		} else if (cell.detAbove != 0 && vNow < cell.threshold) {
			cells[c].detAbove = 0;
		}
	}
	if ((step + 1) % recordEvery == 0) {
		int row = (step + 1) / recordEvery - recBase - 1;
		for (int k = cell.probeLo; k < cell.probeHi; k++) {
			rec[row * nProbes + k] = probeValue(probes[k]);
		}
	}
}

void main() {
	int c = int(gl_WorkGroupID.x);
	int lid = int(gl_LocalInvocationID.x);
	int size = int(gl_WorkGroupSize.x);
	int first = cells[c].first, end = cells[c].end;
	int hhLo = cells[c].hhLo, hhHi = cells[c].hhHi;
	if (cells[c].blowStep >= 0) {
		return; // the whole group: blowStep is the same for all
	}
	if (lid == 0) {
		cells[c].nSpikes = 0; // the host has read the last chunk's
	}
	for (int step = stepFrom; step < stepTo; step++) {
		for (int i = first + lid; i < end; i += size) {
			nodes[i].d = nodes[i].dBase + nodes[i].gm;
			nodes[i].rhs = nodes[i].capCj * nodes[i].v + nodes[i].rBase + nodes[i].ge;
		}
		if (lid == 0) {
			blown = 0;
		}
		barrier();
		double vPrev = 0.0;
		if (lid == 0) {
			vPrev = solve(c, step);
		}
		barrier();
		for (int i = first + lid; i < end; i += size) {
			double v = nodes[i].v;
			if (!(abs(v) <= maxAbsV)) {
				blown = 1;
			}
		}
		for (int k = hhLo + lid; k < hhHi; k += size) {
			HH x = hh[k];
			vec2 am, ah, an;
			hhRates(float(nodes[x.node].v), am, ah, an);
			float m = hhStep(x.m, am, dtq), h = hhStep(x.h, ah, dtq), n = hhStep(x.n, an, dtq);
			hh[k].m = m;
			hh[k].h = h;
			hh[k].n = n;
			float gna = x.gna * m * m * m * h;
			float n2 = n * n;
			float gk = x.gk * n2 * n2;
			nodes[x.node].gm = gna + gk + x.gl;
			nodes[x.node].ge = gna * x.ena + gk * x.ek + x.gl * x.el;
		}
		barrier();
		if (blown != 0) {
			if (lid == 0) {
				cells[c].blowStep = step;
			}
			return;
		}
		if (lid == 0) {
			finish(c, step, vPrev);
		}
	}
}
