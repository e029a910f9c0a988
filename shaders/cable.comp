#version 430
// The cable engine on the GPU: one invocation per cell advances it through
// a chunk of steps with NEURON's fixed-step scheme, the same as the CPU
// engine (compartments/engine.go). Cells are interleaved in memory: node k
// of cell c is slot k·nCells + c of every per-node array, so neighbouring
// invocations read neighbouring words, and a population of cells runs in
// lockstep across the device's lanes (cells with fewer nodes than the
// largest are padded with inert nodes). Each step:
//
//   1. deliver the events due by t + dt/2; synaptic and clamp currents
//   2. leaves to root: form each node's equation (C/dt·v + currents,
//      conductances) and eliminate it into its parent (Hines)
//   3. root to leaves: the new v (backward Euler, or Crank–Nicolson's
//      extrapolated half step), the blow-up check, the hh gates exactly
//      over dt with the new v; then the algebraic nodes of Crank–Nicolson
//   4. synapses decay; spike detection; probes at record steps
//
// The voltages and the tree solve are in double precision, the channel
// kinetics in single: in single precision the step's change of v falls
// below half an ulp of v as a cell nears steady state and is lost, which
// left the passive cable 0.1 mV off.

layout(local_size_x = GROUP_SIZE) in;

#include "hh.glsl"

// Per-node arrays, each nodeSlots long, one after another.
layout(std430, binding = 0) buffer D { double dn[]; };  // V, DINV, RHS, DBASE, RBASE, CAPCJ, GAX, ACCD, ACCR
layout(std430, binding = 1) buffer F { float fn[]; };   // GM, GE, M, H, N, SCALE
layout(std430, binding = 2) readonly buffer I { int in_[]; }; // PARENT (local), HHSET (-1: none)

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

void main() {
	int c = int(gl_GlobalInvocationID.x);
	if (c >= nCells || cells[c].blowStep >= 0) {
		return;
	}
	Cell cell = cells[c];
	int cursor = cell.cursor, detAbove = cell.detAbove, nSpikes = 0;
	bool cn = crankNicolson != 0;
	for (int step = stepFrom; step < stepTo; step++) {
		// 1. Events, synapses and clamps, added to their nodes' equations.
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
		// 2. Leaves to root: each node's equation, eliminated into its
		// parent; DINV keeps 1/d for the way back.
		for (int k = nodesPerCell - 1; k >= 0; k--) {
			int s = k * nCells + c;
			double d = DN(DBASE, s) + double(FN(GM, s)) + DN(ACCD, s);
			double r = DN(CAPCJ, s) * DN(V, s) + DN(RBASE, s) + double(FN(GE, s)) + DN(ACCR, s);
			double inv = 1.0 / d;
			DN(DINV, s) = inv;
			DN(RHS, s) = r;
			DN(ACCD, s) = 0.0;
			DN(ACCR, s) = 0.0;
			if (k > 0) {
				double gax = DN(GAX, s);
				double f = gax * inv;
				int ps = IN(PARENT, s) * nCells + c;
				DN(ACCD, ps) -= f * gax;
				DN(ACCR, ps) += f * r;
			}
		}
		double vPrev = cell.detSlot >= 0 ? DN(V, cell.detSlot) : 0.0;
		// 3. Root to leaves: v, the check, the gates.
		bool blown = false;
		for (int k = 0; k < nodesPerCell; k++) {
			int s = k * nCells + c;
			double up = 0.0;
			if (k > 0) {
				int ps = IN(PARENT, s) * nCells + c;
				up = DN(GAX, s) * (cn ? DN(RHS, ps) : DN(V, ps));
			}
			double x = (DN(RHS, s) + up) * DN(DINV, s);
			double v = x;
			if (cn) {
				// x is v at the half step; v is extrapolated.
				DN(RHS, s) = x;
				v = 2.0 * x - DN(V, s);
			}
			DN(V, s) = v;
			if (!(abs(v) <= maxAbsV)) {
				blown = true;
			}
			int set = IN(HHSET, s);
			if (set >= 0) {
				gates(s, set, float(v));
			}
		}
		// Extrapolating an algebraic node would make it oscillate about its
		// value; Kirchhoff's law with its neighbours' new v gives it.
		for (int j = cell.algLo; j < cell.algHi; j++) {
			Alg a = algs[j];
			double num = a.rhs;
			for (int q = a.nbrLo; q < a.nbrHi; q++) {
				num += algNbrs[q].g * DN(V, algNbrs[q].slot);
			}
			DN(V, a.slot) = num / a.d;
		}
		if (blown) {
			cells[c].blowStep = step;
			break;
		}
		// 4. Synapses decay; spikes; probes.
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
	cells[c].cursor = cursor;
	cells[c].detAbove = detAbove;
	cells[c].nSpikes = nSpikes;
}
