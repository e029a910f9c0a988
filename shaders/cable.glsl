// What the two cable kernels share: the model's buffers and the per-cell
// work of a step (events, synapses, clamps, Crank–Nicolson's algebraic
// nodes, spike detection, probes), in the CPU engine's order. The
// including shader defines SLOT(k, c), the slot of node k of cell c.

#include "hh.glsl"

// The per-node arrays are buffer textures indexed by slot, their fields
// packed into a texel as a step reads and writes them together: the
// doubles (pairs of words) and floats written in a step are images, the
// fixed ones are fetched as texels. Mesa's llvmpipe reads an image's texels
// for all lanes at once, a texel of four words as fast as one, but a
// storage buffer's lane by lane, six times slower (BenchmarkAccess); on
// GPUs the forms cost about the same. The images are coherent so that a
// team's invocations see each other's writes after a barrier.
layout(binding = 0, rg32ui) uniform coherent uimageBuffer vImg;       // v (mV)
layout(binding = 1, rgba32ui) uniform coherent uimageBuffer solveImg; // 1/d and rhs of the tree solve
layout(binding = 2, rgba32ui) uniform coherent uimageBuffer accImg;   // d and rhs added by synapses and clamps
layout(binding = 3, rgba32f) uniform coherent imageBuffer gatesImg;   // hh m, h, n and the area factor
layout(binding = 4, rg32f) uniform coherent imageBuffer condImg;      // hh conductance and its current term
uniform usamplerBuffer fixedTex; // two texels a slot: d and rhs of the fixed terms; C·cj and the axial conductance
uniform isamplerBuffer linksTex; // the parent's node number in the cell, the hh set (-1: none), the children's numbers [z, w)
// The hh parameter sets, two texels each: (gnabar, gkbar, gl) in S/cm²
// and ena, then ek and el in mV.
uniform samplerBuffer hhTex;

dvec2 pair(uvec4 u) { return dvec2(packDouble2x32(u.xy), packDouble2x32(u.zw)); }
uvec4 words(dvec2 d) { return uvec4(unpackDouble2x32(d.x), unpackDouble2x32(d.y)); }

double vAt(int s) { return packDouble2x32(imageLoad(vImg, s).xy); }
void setV(int s, double v) { imageStore(vImg, s, uvec4(unpackDouble2x32(v), 0u, 0u)); }
dvec2 solveRow(int s) { return pair(imageLoad(solveImg, s)); }
void setSolveRow(int s, dvec2 x) { imageStore(solveImg, s, words(x)); }
dvec2 acc(int s) { return pair(imageLoad(accImg, s)); }
void setAcc(int s, dvec2 x) { imageStore(accImg, s, words(x)); }
dvec2 fixedTerms(int s) { return pair(texelFetch(fixedTex, 2 * s)); }
dvec2 capAxial(int s) { return pair(texelFetch(fixedTex, 2 * s + 1)); }
ivec4 links(int s) { return texelFetch(linksTex, s); }

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

layout(std430, binding = 0) buffer Syns { Syn syns[]; };
layout(std430, binding = 1) buffer Clamps { Clamp clamps[]; };
layout(std430, binding = 2) readonly buffer Events { Event events[]; };
layout(std430, binding = 3) buffer Cells { Cell cells[]; };
layout(std430, binding = 4) buffer Algs { Alg algs[]; };
layout(std430, binding = 5) readonly buffer AlgNbrs { AlgNbr algNbrs[]; };
layout(std430, binding = 6) readonly buffer Probes { Probe probes[]; };
layout(std430, binding = 7) writeonly buffer Rec { double rec[]; };
layout(std430, binding = 8) buffer Spikes { Spike spikes[]; };

uniform int nCells, nodesPerCell;
uniform int stepFrom, stepTo;   // advance over steps [stepFrom, stepTo)
uniform int recordEvery, recBase, nProbes;
uniform int spikeCap;           // spikes a cell may record in a chunk
// The method is compiled in (CRANK_NICOLSON 0 or 1): a branch fewer in
// the sweeps, and backward Euler reads no half-step values.
const bool cn = CRANK_NICOLSON != 0;
uniform float dtq;              // dt × Q10
uniform float maxAbsV;

// Probe kinds, as compartments.ProbeVar.
const int probeV = 0, probeM = 1, probeH = 2, probeN = 3, probeSynI = 4, probeSynG = 5, probeClampI = 6;

double probeValue(Probe p) {
	switch (p.kind) {
	case probeM: return imageLoad(gatesImg, p.slot).x;
	case probeH: return imageLoad(gatesImg, p.slot).y;
	case probeN: return imageLoad(gatesImg, p.slot).z;
	case probeSynI: return syns[p.index].i;
	case probeSynG: return syns[p.index].g;
	case probeClampI: return clamps[p.index].i;
	}
	return vAt(p.slot);
}

// gates advances the hh gates at slot s over dt with v and sets the
// node's conductance and current term for the next step.
void gates(int s, int set, float v) {
	vec4 g = texelFetch(hhTex, 2 * set), e = texelFetch(hhTex, 2 * set + 1);
	vec2 am, ah, an;
	hhRates(v, am, ah, an);
	vec4 x = imageLoad(gatesImg, s);
	float m = hhStep(x.x, am, dtq), h = hhStep(x.y, ah, dtq), n = hhStep(x.z, an, dtq), scale = x.w;
	imageStore(gatesImg, s, vec4(m, h, n, scale));
	float gna = g.x * scale * m * m * m * h;
	float n2 = n * n;
	float gk = g.y * scale * n2 * n2;
	float gl = g.z * scale;
	imageStore(condImg, s, vec4(gna + gk + gl, gna * g.w + gk * e.x + gl * e.y, 0.0, 0.0));
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
		setAcc(s.slot, acc(s.slot) + dvec2(g, g * s.e));
		syns[k].i = g * (float(vAt(s.slot)) - s.e);
	}
	for (int k = cell.clampLo; k < cell.clampHi; k++) {
		Clamp cl = clamps[k];
		double amp = (step >= cl.on && step < cl.off) ? cl.amp : 0.0;
		setAcc(cl.slot, acc(cl.slot) + dvec2(0.0, amp));
		clamps[k].i = amp;
	}
	// Crank–Nicolson's algebraic nodes keep their own equation, as it
	// stands before the children's elimination.
	for (int j = cell.algLo; j < cell.algHi; j++) {
		int s = algs[j].slot;
		dvec2 own = fixedTerms(s) + dvec2(imageLoad(condImg, s).xy) + acc(s);
		algs[j].d = own.x;
		algs[j].rhs = own.y;
	}
	return cursor;
}

// clearInjected empties the accumulators that inject filled, once the
// solve has taken them in.
void clearInjected(Cell cell) {
	for (int k = cell.synLo; k < cell.synHi; k++) {
		setAcc(syns[k].slot, dvec2(0.0));
	}
	for (int k = cell.clampLo; k < cell.clampHi; k++) {
		setAcc(clamps[k].slot, dvec2(0.0));
	}
}

// settleAlgebraic sets the algebraic nodes' v from Kirchhoff's law with
// their neighbours' new v: extrapolating them would make them oscillate.
void settleAlgebraic(Cell cell) {
	for (int j = cell.algLo; j < cell.algHi; j++) {
		Alg a = algs[j];
		double num = a.rhs;
		for (int q = a.nbrLo; q < a.nbrHi; q++) {
			num += algNbrs[q].g * vAt(algNbrs[q].slot);
		}
		setV(a.slot, num / a.d);
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
		double vNow = vAt(cell.detSlot);
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
