// What the two cable kernels share: the model's buffers and the per-cell
// work of a step (events, synapses, clamps, Crank–Nicolson's algebraic
// nodes, spike detection, probes), in the CPU engine's order. The
// including shader defines SLOT(k, c), the slot of node k of cell c.

#include "hh.glsl"

// Per-node arrays, each nodeSlots long, one after another.
layout(std430, binding = 0) buffer D { double dn[]; };  // V, DINV, RHS, DBASE, RBASE, CAPCJ, GAX, ACCD, ACCR
layout(std430, binding = 1) buffer F { float fn[]; };   // GM, GE, M, H, N, SCALE
layout(std430, binding = 2) readonly buffer I { int in_[]; }; // PARENT (node number in its cell), HHSET (-1: none)

const int V = 0, DINV = 1, RHS = 2, DBASE = 3, RBASE = 4, CAPCJ = 5, GAX = 6, ACCD = 7, ACCR = 8;
const int GM = 0, GE = 1, M = 2, H = 3, N = 4, SCALE = 5;
const int PARENT = 0, HHSET = 1;

struct HHSet {
	float gna, gk, gl; // S/cm²
	float ena, ek, el; // mV
};

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

layout(std430, binding = 3) readonly buffer HHSets { HHSet hhSets[]; };
layout(std430, binding = 4) buffer Syns { Syn syns[]; };
layout(std430, binding = 5) buffer Clamps { Clamp clamps[]; };
layout(std430, binding = 6) readonly buffer Events { Event events[]; };
layout(std430, binding = 7) buffer Cells { Cell cells[]; };
layout(std430, binding = 8) buffer Algs { Alg algs[]; };
layout(std430, binding = 9) readonly buffer AlgNbrs { AlgNbr algNbrs[]; };
layout(std430, binding = 10) readonly buffer Probes { Probe probes[]; };
layout(std430, binding = 11) writeonly buffer Rec { double rec[]; };
layout(std430, binding = 12) buffer Spikes { Spike spikes[]; };

uniform int nCells, nodesPerCell, nodeSlots;
uniform int stepFrom, stepTo;   // advance over steps [stepFrom, stepTo)
uniform int recordEvery, recBase, nProbes;
uniform int spikeCap;           // spikes a cell may record in a chunk
uniform int crankNicolson;
uniform float dtq;              // dt × Q10
uniform float maxAbsV;

#define DN(f, s) dn[(f) * nodeSlots + (s)]
#define FN(f, s) fn[(f) * nodeSlots + (s)]
#define IN(f, s) in_[(f) * nodeSlots + (s)]

// Probe kinds, as compartments.ProbeVar.
const int probeV = 0, probeM = 1, probeH = 2, probeN = 3, probeSynI = 4, probeSynG = 5, probeClampI = 6;

double probeValue(Probe p) {
	switch (p.kind) {
	case probeM: return FN(M, p.slot);
	case probeH: return FN(H, p.slot);
	case probeN: return FN(N, p.slot);
	case probeSynI: return syns[p.index].i;
	case probeSynG: return syns[p.index].g;
	case probeClampI: return clamps[p.index].i;
	}
	return DN(V, p.slot);
}

// gates advances the hh gates at slot s over dt with v and sets the
// node's conductance and current term for the next step.
void gates(int s, int set, float v) {
	HHSet x = hhSets[set];
	vec2 am, ah, an;
	hhRates(v, am, ah, an);
	float m = hhStep(FN(M, s), am, dtq), h = hhStep(FN(H, s), ah, dtq), n = hhStep(FN(N, s), an, dtq);
	FN(M, s) = m;
	FN(H, s) = h;
	FN(N, s) = n;
	float scale = FN(SCALE, s);
	float gna = x.gna * scale * m * m * m * h;
	float n2 = n * n;
	float gk = x.gk * scale * n2 * n2;
	float gl = x.gl * scale;
	FN(GM, s) = gna + gk + gl;
	FN(GE, s) = gna * x.ena + gk * x.ek + gl * x.el;
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
		DN(ACCD, s.slot) += g;
		DN(ACCR, s.slot) += g * s.e;
		syns[k].i = g * (float(DN(V, s.slot)) - s.e);
	}
	for (int k = cell.clampLo; k < cell.clampHi; k++) {
		Clamp cl = clamps[k];
		double amp = (step >= cl.on && step < cl.off) ? cl.amp : 0.0;
		DN(ACCR, cl.slot) += amp;
		clamps[k].i = amp;
	}
	// Crank–Nicolson's algebraic nodes keep their own equation, as it
	// stands before the children's elimination.
	for (int j = cell.algLo; j < cell.algHi; j++) {
		int s = algs[j].slot;
		algs[j].d = DN(DBASE, s) + double(FN(GM, s)) + DN(ACCD, s);
		algs[j].rhs = DN(RBASE, s) + double(FN(GE, s)) + DN(ACCR, s);
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
			num += algNbrs[q].g * DN(V, algNbrs[q].slot);
		}
		DN(V, a.slot) = num / a.d;
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
		double vNow = DN(V, cell.detSlot);
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
