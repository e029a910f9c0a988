#version 430
// Point networks of LIF neurons on the GPU (gpu/network): one invocation
// per neuron of one population advances it through the steps of an
// epoch, its state held in registers, in Brian2's order as the CPU engine
// takes it (sim/network/fast.go): update (exact or Euler; refractory
// neurons keep v), threshold, the synapses' decay, the Poisson drives
// and noise (drawn on the device as the CPU draws them, sim/rng), the delivery of
// the inputs due (voltage jumps discarded while refractory), reset. Within an
// epoch no spike reaches another neuron (an epoch is at most the shortest
// delay), so the neurons run independently; the host routes the epoch's
// spikes and uploads the inputs due in the next, or the device delivers
// them into a ring of slots (net_deliver.comp).
//
// Everything is in double precision, and every computation that forms
// the state is `precise`, so that no multiply and add are fused: the
// numbers are the CPU engine's, rounding for rounding. The step factors
// (exp(−dt/τ) and the exact current weights) are computed on the host;
// constants are written in the generated file as exact literals.
//
// The population's ports are the generated file lif_pop.glsl
// (gpu/network/shader.go): NPORTS, EULER, and the functions on the port
// variables b[] it defines, without loops: Mesa's llvmpipe ends a
// shader's loops after 65,535 passes in all, so the step loop must be the
// only one an invocation runs often.

layout(local_size_x = GROUP_SIZE) in;

#include "net_state.glsl"
#include "philox.glsl"
#include "lif_pop.glsl"

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= popN) {
		return;
	}
	int g = popFirst + i;
	ringQ = packDouble2x32(uvec2(0u, uint(ringShift + 1023) << 20));
	int at = g * PW;
	double vinf = param(at, 0), p22 = param(at, 1), r = param(at, 2), I = param(at, 3), tau = param(at, 4);
	double vth = param(at, 5), vreset = param(at, 6);
	int refSteps = int(param(at, 7));
	skipDrives = int(param(at, PW - 1));
	double dt = DT, maxAbsV = MAX_ABS_V;
	loadPorts(i, at);
	loadDrives(i);
	double v = packDouble2x32(imageLoad(vImg, g).xy);
	int ref0 = imageLoad(refImg, g).x, ref = ref0;
	// llvmpipe reads a storage buffer lane by lane: the probe table only
	// when something is recorded.
	int pfirst = 0, pcount = 0;
	if (nProbes > 0) {
		pfirst = probes[2 * g];
		pcount = probes[2 * g + 1];
	}
	int n = stepFrom;
	int slot = slotFrom; // the inputs' slot of step n
	// The next record step, counted rather than found by a remainder
	// each step: llvmpipe divides vectors of integers lane by lane.
	int recAt = (stepFrom / recordEvery + 1) * recordEvery;
	bool blew = false;
	for (; n < stepTo; n++) {
		bool notRef = n >= ref;
		if (notRef) {
#if CURRENTS
			// The bias plus the current and noise drives, and vinf from E_L (in
			// vinf's place), formed each step as the CPU forms them.
			precise double In = I + currentInput(n);
#if EULER
			v = eulerStep(v, vinf, r, In, dt, tau);
#else
			precise double vinfN = vinf + r * In;
			v = exactStep(v, vinfN, p22);
#endif
#else
#if EULER
			v = eulerStep(v, vinf, r, I, dt, tau);
#else
			v = exactStep(v, vinf, p22);
#endif
#endif
		}
		// A v out of range (NaN, infinite, or past MAX_ABS_V) is no spike
		// but a blow-up, as on the CPU (sim/network's lifStep): the
		// reset would hide it.
		bool spiked = notRef && withinD(v, maxAbsV) && v > vth;
		if (spiked) {
			ref = n + refSteps;
			uint k = atomicAdd(sw[4 * popIndex], 1u);
			if (k < uint(spikeCap)) {
				sw[spikeAt + 2 * int(k)] = uint(n);
				sw[spikeAt + 2 * int(k) + 1] = uint(g);
			}
		}
		decayPorts();
		v = drive(i, n, n >= ref, v);
		v = deliver(slot * targets + popBase + i, n >= ref, v);
		if (++slot == ringSlots) {
			slot = 0;
		}
		if (spiked) {
			v = vreset;
		}
		if (!withinD(v, maxAbsV)) {
			atomicMin(sw[4 * popIndex + 1], uint(n));
			// And the first neuron at the first step, as the CPU names it:
			// (step − stepFrom)·popN + i, exact where the host finds
			// that it fits in 32 bits (backend.go).
			atomicMin(sw[4 * popIndex + 3], uint(n - stepFrom) * uint(popN) + uint(i));
			blew = true;
			break;
		}
		if (n + 1 == recAt) {
			recAt += recordEvery;
			if (pcount > 0) {
				int row = (n + 1) / recordEvery - recBase - 1;
				for (int j = pfirst; j < pfirst + pcount; j++) {
					int k = probes[2 * neurons + 2 * j], what = probes[2 * neurons + 2 * j + 1];
					trace[row * nProbes + k] = what == 0 ? v : port(what - 1);
				}
			}
		}
	}
	if (n != stepTo && !blew) {
		atomicAdd(sw[4 * popIndex + 2], 1u);
	}
	imageStore(vImg, g, uvec4(unpackDouble2x32(v), 0u, 0u));
	if (ref != ref0) { // only a neuron that spiked: most vectors store nothing
		imageStore(refImg, g, ivec4(ref, 0, 0, 0));
	}
	storePorts(i);
	storeDrives(i);
}
