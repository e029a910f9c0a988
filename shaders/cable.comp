#version 430
// The cable engine on the GPU for populations of cells: one invocation
// per cell advances it through a chunk of steps with NEURON's fixed-step
// scheme, the same as the CPU engine (compartments/engine.go). The cells
// of a work group are interleaved in memory: node k of the cell in lane l
// of group g is slot (g·nodesPerCell + k)·GROUP_SIZE + l of every per-node
// array, so neighbouring invocations read neighbouring words, and a
// population of cells runs in lockstep across the device's lanes (cells
// with fewer nodes than the largest are padded with inert nodes). Each
// step:
//
//   0. the NMODL point processes' events due by t + dt/2, in order of
//      time (NET_RECEIVE, net_send's self-events); the mechanisms' ion
//      pass (Nernst) and currents at vⁿ, linearised, into the nodes'
//      equations (mechs.glsl)
//   1. deliver the events due by t + dt/2; synaptic and clamp currents
//   2. leaves to root: form each node's equation (C/dt·v + currents,
//      conductances) and eliminate its children into it (Hines); the
//      children, numbered consecutively, are pulled in rather than each
//      pushing into its parent, which would cost two more writes a node
//   3. root to leaves: the new v (backward Euler, or Crank–Nicolson's
//      extrapolated half step), the blow-up check, the hh gates exactly
//      over dt with the new v; then the algebraic nodes of Crank–Nicolson;
//      then the NMODL mechanisms' states with the new v
//   4. synapses decay; spike detection; probes at record steps
//
// The voltages and the tree solve are in double precision, the channel
// kinetics in single: in single precision the step's change of v falls
// below half an ulp of v as a cell nears steady state and is lost, which
// left the passive cable 0.1 mV off. The hh gates are updated in the
// root-to-leaves sweep, where the node's new v is at hand, rather than in a
// pass of their own over every node's memory. A few large cells are better
// served by cable_team.comp.

layout(local_size_x = GROUP_SIZE) in;

#define SLOT(k, c) ((((c) / GROUP_SIZE) * nodesPerCell + (k)) * GROUP_SIZE + (c) % GROUP_SIZE)
#define MECH_SYNC() // an invocation runs its cell's mechanisms alone
#include "cable.glsl"

// initMechs asks for NEURON's finitialize of the NMODL mechanisms
// instead of steps: the ion pass, every INITIAL block (and the point
// processes' NetCons' NET_RECEIVE INITIAL), then the currents.
uniform int initMechs;

void main() {
	int c = int(gl_GlobalInvocationID.x);
	if (c >= nCells || cells[c].blowStep >= 0) {
		return;
	}
	if (initMechs != 0) {
		mechIons(c, 0, 1);
		mechInit(c, 0, 1);
		// finitialize ends by evaluating the currents at v_init, so that
		// the ion currents and ASSIGNED variables have their values at 0
		mechIons(c, 0, 1);
		mechCurrents(c, 0.0lf, 0, 1);
		mechClear(c, 0, 1);
		return;
	}
	Cell cell = cells[c];
	int cursor = cell.cursor, detAbove = cell.detAbove, nSpikes = 0;
	int step = stepFrom;
	for (; step < stepTo; step++) {
		mechEvents(c, step, 0, 1);
		mechIons(c, 0, 1);
		mechCurrents(c, double(step) * MECH_DT, 0, 1);
		cursor = inject(cell, cursor, step);
		// Leaves to root: each node's equation with its children
		// eliminated into it; the solve row keeps 1/d for the way back.
		for (int k = nodesPerCell - 1; k >= 0; k--) {
			int s = SLOT(k, c);
			ivec4 ln = links(s);
			dvec2 own = fixedTerms(s) + dvec2(imageLoad(condImg, s).xy) + acc(s);
			double d = own.x, r = capAxial(s).x * vAt(s) + own.y;
			for (int q = ln.z; q < ln.w; q++) {
				int j = SLOT(q, c);
				dvec2 row = solveRow(j);
				double g = capAxial(j).y, f = g * row.x;
				d -= f * g;
				r += f * row.y;
			}
			setSolveRow(s, dvec2(1.0 / d, r));
		}
		clearInjected(cell);
		mechClear(c, 0, 1);
		double vPrev = cell.detSlot >= 0 ? vAt(cell.detSlot) : 0.0;
		// Root to leaves: v, the check, the gates.
		bool blown = false;
		for (int k = 0; k < nodesPerCell; k++) {
			int s = SLOT(k, c);
			ivec4 ln = links(s);
			dvec2 row = solveRow(s);
			double up = 0.0;
			if (k > 0) {
				int ps = SLOT(ln.x, c);
				up = capAxial(s).y * (cn ? solveRow(ps).y : vAt(ps));
			}
			double x = (row.y + up) * row.x;
			double v = x;
			if (cn) {
				// x is v at the half step; v is extrapolated.
				setSolveRow(s, dvec2(row.x, x));
				v = 2.0 * x - vAt(s);
			}
			setV(s, v);
			if (!(abs(v) <= maxAbsV)) {
				blown = true;
			}
			if (ln.y >= 0) {
				gates(s, ln.y, float(v));
			}
		}
		settleAlgebraic(cell);
		mechAdvance(c, double(step + 1) * MECH_DT, 0, 1);
		if (blown) {
			cells[c].blowStep = step;
			break;
		}
		finishStep(c, cell, step, vPrev, detAbove, nSpikes);
	}
	cells[c].reached = step;
	cells[c].cursor = cursor;
	cells[c].detAbove = detAbove;
	cells[c].nSpikes = nSpikes;
}
