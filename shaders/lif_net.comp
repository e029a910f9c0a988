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

// The state lives in images and the read-only arrays in buffer textures
// rather than storage buffers: Mesa's llvmpipe reads a storage buffer
// lane by lane, six times slower than an image (go test -bench Access
// ./gpu), and an epoch of one step reads and writes every neuron's state.
layout(binding = 0, rg32ui) uniform uimageBuffer vImg;  // v by neuron
layout(binding = 1, r32i) uniform iimageBuffer refImg;  // by neuron: the first step not refractory
layout(binding = 2, rg32ui) uniform uimageBuffer synImg; // by queue target: base + k·N + i; then a, the same; then the noise currents
uniform usamplerBuffer parTex; // the parameters, doubles
uniform usamplerBuffer dueTex; // the inputs due, doubles: (step − stepFrom)·targets + target
// Or, where the device delivers the spikes (ringSlots > 0), the inputs
// due are in a ring of slots by step modulo ringSlots, fixed-point sums
// of 2^ringShift in two words (net_deliver.comp), emptied as they are
// read.
layout(binding = 3, rg32ui) uniform uimageBuffer ringImg;
uniform int ringSlots, slotFrom, ringShift;
double ringQ; // 2^ringShift

double par(int k) { return packDouble2x32(texelFetch(parTex, k).xy); }
double due(int k) { return packDouble2x32(texelFetch(dueTex, k).xy); }
// inputDue is the synaptic input due at entry k of the epoch's slots.
double inputDue(int k) {
	if (ringSlots == 0) {
		return due(k);
	}
	uvec2 x = imageLoad(ringImg, k).xy;
	if (x != uvec2(0u)) {
		imageStore(ringImg, k, uvec4(0u));
	}
	// Below 2^52 in magnitude: exact, as is the scaling by a power of 2.
	precise double f = (double(int(x.y)) * 4294967296.0lf + double(x.x)) * ringQ;
	return f;
}
double syn(int k) { return packDouble2x32(imageLoad(synImg, k).xy); }
void setSyn(int k, double x) { imageStore(synImg, k, uvec4(unpackDouble2x32(x), 0u, 0u)); }

// The spikes: each population has a head of 4 words at 4·popIndex (its
// spikes, the earliest step at which one of its neurons blew up, its
// invocations whose step loop ended early — llvmpipe's loop guard) and
// its spikes (step, neuron) from word spikeAt, so that the populations'
// dispatches share nothing and need no barrier between them.
layout(std430, binding = 0) buffer Spikes { uint sw[]; };
layout(std430, binding = 1) readonly buffer Probes { int probes[]; };
layout(std430, binding = 2) buffer Rec { double rec[]; };

uniform int popFirst, popBase, popN;
uniform int popIndex, spikeAt, spikeCap;
uniform int neurons, targets, stepFrom, stepTo;
uniform int recordEvery, recBase, nProbes;
uniform int curBase, curCols; // the current table in dueTex: (step − stepFrom)·curCols + drive

// The per-neuron parameters, PW doubles each: vinf (exact) or E_L
// (Euler), exp(−dt/τ), R, I, τ, threshold, reset, refractory steps, and
// each port's exact current weight p21, and last the bits of the drives
// that pass the neuron by (a drive onto part of the population: bit d
// set, drive d skipped, as sim/network skips it). lif_pop.glsl's param(at, j)
// reads them, or, where the population's neurons share them (the common
// case of large networks), gives them as constants: no load at all.
const int PW = 9 + MAX_PORTS;

double b[MAX_PORTS];   // the ports' currents or conductances
double a[MAX_PORTS];   // alpha and bi-exponential ports: the second variable
double p21[MAX_PORTS]; // exact: the voltage a unit current adds over a step
double decay[MAX_PORTS], rev[MAX_PORTS];
int skipDrives; // the neuron's drives not reaching it, bit by drive

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
		bool spiked = notRef && v > vth;
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
		if (!(abs(v) <= maxAbsV)) {
			atomicMin(sw[4 * popIndex + 1], uint(n));
			blew = true;
			break;
		}
		if (n + 1 == recAt) {
			recAt += recordEvery;
			if (pcount > 0) {
				int row = (n + 1) / recordEvery - recBase - 1;
				for (int j = pfirst; j < pfirst + pcount; j++) {
					int k = probes[2 * neurons + 2 * j], what = probes[2 * neurons + 2 * j + 1];
					rec[row * nProbes + k] = what == 0 ? v : port(what - 1);
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
