#version 430
// The cable engine on the GPU for a few large cells: a work group of TEAM
// invocations advances one cell through a chunk of steps, with the same
// scheme and state as cable.comp. Node k of cell c is slot
// c·nodesPerCell + k, numbered branch by branch: a branch is a chain of
// nodes that ends where the tree forks or stops, its nodes numbered from
// its proximal end, and the branches of a cell are grouped by their height
// (the most branches between them and a tip). Each step:
//
//   0. invocation 0 delivers the NMODL point processes' events; the
//      mechanisms' ion pass and currents, shared out by instance (a
//      point process's by invocation 0: several may share a node)
//      (mechs.glsl)
//   1. invocation 0 delivers the events, the synaptic and clamp currents
//   2. every invocation forms the equations of its share of the nodes
//   3. leaves to root, a height at a time: each invocation eliminates its
//      branches from the tip end, first pulling in the branches that fork
//      from the distal end (all of lower height, so finished)
//   4. root to leaves, a height at a time: each invocation substitutes
//      down its branches from the parent's new v, checking v's bounds
//   5. every invocation updates the hh gates of its share of the nodes
//   6. invocation 0: Crank–Nicolson's algebraic nodes; the NMODL
//      mechanisms' states, shared out; invocation 0: synapse decay,
//      spike detection, probes
//
// so the longest path of branches from the root to a tip, not the whole
// cell, is the serial part of a step (Arbor's branch-parallel solve; a
// branch's elimination is a recurrence and stays serial). Nothing is
// pushed into a shared node, so no two invocations ever write one word.

layout(local_size_x = TEAM) in;

#define SLOT(k, c) ((c) * nodesPerCell + (k))
#define MECH_SYNC() { groupMemoryBarrier(); memoryBarrierBuffer(); barrier(); }
#include "cable.glsl"

// tree[c] is the offset of cell c's record: nodes, heights, then
// heights + 1 branch-index bounds of the heights, then each branch as
// first node, last node, and the range of tree[] that lists the first
// nodes of the branches forking from its last node.
layout(std430, binding = 9) readonly buffer Tree { int tree[]; };

shared int blown;

// sync makes every invocation's writes visible to the whole group.
void sync() {
	groupMemoryBarrier();
	barrier();
}

// initMechs asks for NEURON's finitialize of the NMODL mechanisms
// instead of steps: the ion pass, every INITIAL block (and the point
// processes' NetCons' NET_RECEIVE INITIAL), then the currents.
uniform int initMechs;

// eliminate runs the Hines elimination along a branch from its tip.
void eliminate(int c, int b) {
	int first = tree[b], last = tree[b + 1];
	double pd = 0.0, pr = 0.0; // what the node below adds to d and rhs
	for (int q = tree[b + 2]; q < tree[b + 3]; q++) {
		int j = SLOT(tree[q], c);
		dvec2 row = solveRow(j);
		double g = capAxial(j).y, f = g * row.x;
		pd -= f * g;
		pr += f * row.y;
	}
	for (int k = last; k >= first; k--) {
		int s = SLOT(k, c);
		dvec2 row = solveRow(s);
		double r = row.y + pr;
		double inv = 1.0 / (row.x + pd);
		setSolveRow(s, dvec2(inv, r));
		double g = capAxial(s).y, f = g * inv;
		pd = -f * g;
		pr = f * r;
	}
}

// substitute sets the new v down a branch from its parent's.
void substitute(int c, int b) {
	int first = tree[b], last = tree[b + 1];
	// up is the parent's solution: v for backward Euler, the half-step
	// value (kept in the solve row) for Crank–Nicolson.
	double up = 0.0;
	if (first > 0) {
		int ps = SLOT(links(SLOT(first, c)).x, c);
		up = cn ? solveRow(ps).y : vAt(ps);
	}
	for (int k = first; k <= last; k++) {
		int s = SLOT(k, c);
		dvec2 row = solveRow(s);
		double x = (row.y + capAxial(s).y * up) * row.x;
		double v = x;
		if (cn) {
			setSolveRow(s, dvec2(row.x, x));
			v = 2.0 * x - vAt(s);
		}
		setV(s, v);
		if (!(abs(v) <= maxAbsV)) {
			blown = 1;
		}
		up = x;
	}
}

void main() {
	int c = int(gl_WorkGroupID.x), lid = int(gl_LocalInvocationID.x);
	if (cells[c].blowStep >= 0) {
		return; // the whole group
	}
	if (initMechs != 0) {
		mechIons(c, lid, TEAM);
		mechInit(c, lid, TEAM);
		// finitialize ends by evaluating the currents at v_init, so that
		// the ion currents and ASSIGNED variables have their values at 0
		mechIons(c, lid, TEAM);
		mechCurrents(c, 0.0lf, lid, TEAM);
		mechClear(c, lid, TEAM);
		return;
	}
	Cell cell = cells[c];
	int rec0 = tree[c], n = tree[rec0], heights = tree[rec0 + 1];
	int bounds = rec0 + 2, branches = bounds + heights + 1;
	int cursor = cell.cursor, detAbove = cell.detAbove, nSpikes = 0;
	double vPrev = 0.0;
	if (lid == 0) {
		blown = 0;
	}
	int step = stepFrom;
	for (; step < stepTo; step++) {
		// (the mechanisms' calls end with every invocation's writes seen)
		mechEvents(c, step, lid, TEAM);
		mechIons(c, lid, TEAM);
		mechCurrents(c, double(step) * MECH_DT, lid, TEAM);
		if (lid == 0) {
			cursor = inject(cell, cursor, step);
			vPrev = cell.detSlot >= 0 ? vAt(cell.detSlot) : 0.0;
		}
		sync();
		// Each node's own equation: d and rhs in the solve row until
		// eliminated.
		for (int k = lid; k < n; k += TEAM) {
			int s = SLOT(k, c);
			dvec2 own = fixedTerms(s) + dvec2(imageLoad(condImg, s).xy) + acc(s);
			setSolveRow(s, own + dvec2(0.0, capAxial(s).x * vAt(s)));
		}
		sync();
		mechClear(c, lid, TEAM);
		for (int h = 0; h < heights; h++) {
			for (int b = tree[bounds + h] + lid; b < tree[bounds + h + 1]; b += TEAM) {
				eliminate(c, branches + 4 * b);
			}
			sync();
		}
		for (int h = heights - 1; h >= 0; h--) {
			for (int b = tree[bounds + h] + lid; b < tree[bounds + h + 1]; b += TEAM) {
				substitute(c, branches + 4 * b);
			}
			sync();
		}
		for (int k = lid; k < n; k += TEAM) {
			int s = SLOT(k, c);
			int set = links(s).y;
			if (set >= 0) {
				gates(s, set, float(vAt(s)));
			}
		}
		sync();
		if (blown != 0) {
			if (lid == 0) {
				settleAlgebraic(cell);
				cells[c].blowStep = step;
			}
			break;
		}
		if (lid == 0) {
			clearInjected(cell);
			settleAlgebraic(cell);
		}
#if HAS_MECHS
		sync();
		mechAdvance(c, double(step + 1) * MECH_DT, lid, TEAM);
#endif
		if (lid == 0) {
			finishStep(c, cell, step, vPrev, detAbove, nSpikes);
		}
	}
	if (lid == 0) {
		cells[c].reached = step;
		cells[c].cursor = cursor;
		cells[c].detAbove = detAbove;
		cells[c].nSpikes = nSpikes;
	}
}
