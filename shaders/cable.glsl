// What the two cable kernels share: the model's buffers and the per-cell
// work of a step (events, synapses, clamps, Crank–Nicolson's algebraic
// nodes, spike detection, probes), in the CPU engine's order. The
// including shader defines SLOT(k, c), the slot of node k of cell c.

#include "hh.glsl"

// The per-node arrays, each nodeSlots long, one after another, are buffer
// textures: doubles (as pairs of words) and floats read and written as
// images, the read-only ints fetched as texels. Mesa's llvmpipe reads an
// image's texels for all lanes at once but a storage buffer's lane by
// lane, four times slower; on GPUs the two cost the same. The images are
// coherent so that a team's invocations see each other's writes after a
// barrier.
layout(binding = 0, rg32ui) uniform coherent uimageBuffer dImg; // V, DINV, RHS, DBASE, RBASE, CAPCJ, GAX, ACCD, ACCR
layout(binding = 1, r32f) uniform coherent imageBuffer fImg;    // GM, GE, M, H, N, SCALE
uniform isamplerBuffer iTex;                                     // PARENT (node number in its cell), HHSET (-1: none)

const int V = 0, DINV = 1, RHS = 2, DBASE = 3, RBASE = 4, CAPCJ = 5, GAX = 6, ACCD = 7, ACCR = 8;
const int GM = 0, GE = 1, M = 2, H = 3, N = 4, SCALE = 5;
const int PARENT = 0, HHSET = 1;

struct Syn {
	float e, decayA, decayB;
	float a, b, i, g;
	int slot;
};

struct Clamp {
	double amp, i;
	int slot, on, off; // on in steps [on, off)
	int pad;
};

struct Event {
	int step, syn;
	float wa, wb; // weight × the synapse's factors
};

struct Cell {
	int synLo, synHi, clampLo, clampHi;
	int evLo, evHi, algLo, algHi, probeLo, probeHi;
	int detSlot, cursor, detAbove, nSpikes;
	int blowStep; // the step in which v left its bounds, -1 for none
	float threshold;
	int reached; // the step a chunk reached: its end unless v blew up
};

struct Alg {
	double d, rhs;
	int slot, nbrLo, nbrHi, pad;
};

struct AlgNbr {
	double g;
	int slot, pad;
};

struct Probe {
	int kind, slot, index;
};

struct Spike {
	int step;
	float frac; // of the step, where v crossed the threshold
};

// The hh parameter sets, two texels each: (gnabar, gkbar, gl) in S/cm²
// and ena, then ek and el in mV.
uniform samplerBuffer hhTex;
layout(std430, binding = 0) buffer Syns { Syn syns[]; };
layout(std430, binding = 1) buffer Clamps { Clamp clamps[]; };
layout(std430, binding = 2) readonly buffer Events { Event events[]; };
layout(std430, binding = 3) buffer Cells { Cell cells[]; };
layout(std430, binding = 4) buffer Algs { Alg algs[]; };
layout(std430, binding = 5) readonly buffer AlgNbrs { AlgNbr algNbrs[]; };
layout(std430, binding = 6) readonly buffer Probes { Probe probes[]; };
layout(std430, binding = 7) writeonly buffer Rec { double rec[]; };
layout(std430, binding = 8) buffer Spikes { Spike spikes[]; };

uniform int nCells, nodesPerCell, nodeSlots;
uniform int stepFrom, stepTo;   // advance over steps [stepFrom, stepTo)
uniform int recordEvery, recBase, nProbes;
uniform int spikeCap;           // spikes a cell may record in a chunk
uniform int crankNicolson;
uniform float dtq;              // dt × Q10
uniform float maxAbsV;

double dn(int f, int s) { return packDouble2x32(imageLoad(dImg, f * nodeSlots + s).xy); }
void setDn(int f, int s, double x) { imageStore(dImg, f * nodeSlots + s, uvec4(unpackDouble2x32(x), 0u, 0u)); }
float fn(int f, int s) { return imageLoad(fImg, f * nodeSlots + s).x; }
void setFn(int f, int s, float x) { imageStore(fImg, f * nodeSlots + s, vec4(x)); }
int in_(int f, int s) { return texelFetch(iTex, f * nodeSlots + s).x; }

// Probe kinds, as compartments.ProbeVar.
const int probeV = 0, probeM = 1, probeH = 2, probeN = 3, probeSynI = 4, probeSynG = 5, probeClampI = 6;

double probeValue(Probe p) {
	switch (p.kind) {
	case probeM: return fn(M, p.slot);
	case probeH: return fn(H, p.slot);
	case probeN: return fn(N, p.slot);
	case probeSynI: return syns[p.index].i;
	case probeSynG: return syns[p.index].g;
	case probeClampI: return clamps[p.index].i;
	}
	return dn(V, p.slot);
}

// gates advances the hh gates at slot s over dt with v and sets the
// node's conductance and current term for the next step.
void gates(int s, int set, float v) {
	vec4 g = texelFetch(hhTex, 2 * set), e = texelFetch(hhTex, 2 * set + 1);
	vec2 am, ah, an;
	hhRates(v, am, ah, an);
	float m = hhStep(fn(M, s), am, dtq), h = hhStep(fn(H, s), ah, dtq), n = hhStep(fn(N, s), an, dtq);
	setFn(M, s, m);
	setFn(H, s, h);
	setFn(N, s, n);
	float scale = fn(SCALE, s);
	float gna = g.x * scale * m * m * m * h;
	float n2 = n * n;
	float gk = g.y * scale * n2 * n2;
	float gl = g.z * scale;
	setFn(GM, s, gna + gk + gl);
	setFn(GE, s, gna * g.w + gk * e.x + gl * e.y);
}

// inject delivers the events due in a step from cursor on, adds the
// synaptic and clamp currents to their nodes' equations and keeps the
// algebraic nodes' own equations; it returns the new cursor.
int inject(Cell cell, int cursor, int step) {
	while (cursor < cell.evHi && events[cursor].step <= step) {
		Event ev = events[cursor];
		syns[ev.syn].a += ev.wa;
		syns[ev.syn].b += ev.wb;
		cursor++;
	}
	for (int k = cell.synLo; k < cell.synHi; k++) {
		Syn s = syns[k];
		float g = s.b - s.a;
		setDn(ACCD, s.slot, dn(ACCD, s.slot) + g);
		setDn(ACCR, s.slot, dn(ACCR, s.slot) + g * s.e);
		syns[k].i = g * (float(dn(V, s.slot)) - s.e);
	}
	for (int k = cell.clampLo; k < cell.clampHi; k++) {
		Clamp cl = clamps[k];
		double amp = (step >= cl.on && step < cl.off) ? cl.amp : 0.0;
		setDn(ACCR, cl.slot, dn(ACCR, cl.slot) + amp);
		clamps[k].i = amp;
	}
	// Crank–Nicolson's algebraic nodes keep their own equation, as it
	// stands before the children's elimination.
	for (int j = cell.algLo; j < cell.algHi; j++) {
		int s = algs[j].slot;
		algs[j].d = dn(DBASE, s) + double(fn(GM, s)) + dn(ACCD, s);
		algs[j].rhs = dn(RBASE, s) + double(fn(GE, s)) + dn(ACCR, s);
	}
	return cursor;
}

// settleAlgebraic sets the algebraic nodes' v from Kirchhoff's law with
// their neighbours' new v: extrapolating them would make them oscillate.
void settleAlgebraic(Cell cell) {
	for (int j = cell.algLo; j < cell.algHi; j++) {
		Alg a = algs[j];
		double num = a.rhs;
		for (int q = a.nbrLo; q < a.nbrHi; q++) {
			num += algNbrs[q].g * dn(V, algNbrs[q].slot);
		}
		setDn(V, a.slot, num / a.d);
	}
}

// finishStep lets the synapses decay, looks for a spike at the detector
// (vPrev is its v before the step) and records the probes at record steps.
void finishStep(int c, Cell cell, int step, double vPrev, inout int detAbove, inout int nSpikes) {
	for (int k = cell.synLo; k < cell.synHi; k++) {
		syns[k].a *= syns[k].decayA;
		syns[k].b *= syns[k].decayB;
		syns[k].g = syns[k].b - syns[k].a;
	}
	if (cell.detSlot >= 0) {
		double vNow = dn(V, cell.detSlot);
		if (detAbove == 0 && vNow >= cell.threshold) {
			detAbove = 1;
			if (nSpikes < spikeCap) {
				spikes[c * spikeCap + nSpikes] = Spike(step, float((cell.threshold - vPrev) / (vNow - vPrev)));
			}
			nSpikes++;
		} else if (detAbove != 0 && vNow < cell.threshold) {
			detAbove = 0;
		}
	}
	if ((step + 1) % recordEvery == 0) {
		int row = (step + 1) / recordEvery - recBase - 1;
		for (int k = cell.probeLo; k < cell.probeHi; k++) {
			rec[row * nProbes + k] = probeValue(probes[k]);
		}
	}
}
