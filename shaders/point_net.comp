#version 430
// Point networks of neurons of any point model on the GPU (gpu/network):
// one invocation per neuron of one population advances it through the
// steps of an epoch, its state held in registers, in the CPU engine's
// order (sim/network/model.go, modelStep): the input (the model's own
// current, the current drives, the synaptic currents and conductances),
// one step of the population's method (Euler, RK2 or RK4, the lab's
// fixed-step integrators, v held during a refractory period), the
// threshold (the model's reset condition, or an upward crossing of its
// spike level), the synapses' decay, the Poisson drives, the delivery of
// the inputs due (voltage jumps discarded in the step of a spike), the
// model's reset. Everything is in double precision and PRECISE, so that
// the numbers are the CPU's where the model's functions are (see
// shaders/real.glsl). The network's part (state images, queue slots,
// spikes, records: net_state.glsl) is lif_net.comp's.
//
// The model is the generated model.glsl (gpu/pointmodel.Network): the
// sweeps' model definition (point_builtin.glsl or a typed model's
// equations) in double precision. The population's ports, drives and
// constants are the generated lif_pop.glsl (gpu/network/shader.go):
// NPORTS, METHOD (0 Euler, 1 RK2, 2 RK4), SPIKING, SPIKE_AT, INPUT (the
// model's input parameter, −1 for none), synaptic(), currentInput(n) and
// inRange(x), each without loops (see lif_net.comp).

layout(local_size_x = GROUP_SIZE) in;

#include "net_state.glsl"

// The model neurons' records, from modelAt for the population: each
// neuron's parameters p[NP], its state (NV), the end of its refractory
// period (ms) and whether it is under its spike level.
layout(std430, binding = 3) buffer Models { double rec[]; };
uniform int modelAt;

// Rate projections: the sums into the neuron's fed parameters, a table of
// rateCols a step in dueTex from rateBase (rateIn, generated); and the
// states the projections from it read, handed back outCols a step
// (rateOut, generated).
layout(std430, binding = 4) writeonly buffer RateOut { double rout[]; };
uniform int rateBase, rateCols, outCols;

const int REC = NP + NV + 2;

double p[NP];    // the neuron's model parameters
double refUntil; // the end of the refractory period (ms)

#include "philox.glsl"
#include "model.glsl"
#include "lif_pop.glsl"

// f is the model's right-hand side as sim/point's Deriv: v held while
// refractory.
State f(State y, double t) {
	State d = deriv(y, t);
	if (t < refUntil) {
		d[V] = 0.0lf;
	}
	return d;
}

// step advances x over DT from t with the lab's fixed-step integrator
// (sim/ode/step.go), in its order of operations.
State step(State x, double t) {
	double h = DT;
	State k1 = f(x, t);
#if METHOD == 0
	return axpy(x, h, k1);
#else
	precise double h2 = h / 2.0lf, tm = t + h2;
	State k2 = f(axpy(x, h2, k1), tm);
#if METHOD == 1
	return axpy(x, h, k2);
#else
	State k3 = f(axpy(x, h2, k2), tm);
	precise double te = t + h;
	State k4 = f(axpy(x, h, k3), te);
	return axpy(x, 1.0lf, rk4(k1, k2, k3, k4, h)); // x + the step, exactly
#endif
#endif
}

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= popN) {
		return;
	}
	int g = popFirst + i;
	int at = g * PW;
	skipDrives = int(param(at, PW - 1));
	ringQ = packDouble2x32(uvec2(0u, uint(ringShift + 1023) << 20));
	loadPorts(i, at);
	loadDrives(i);
	int r = modelAt + i * REC;
	for (int k = 0; k < NP; k++) {
		p[k] = rec[r + k];
	}
	prepare();
	rateLoad();
	double baseI = INPUT >= 0 ? p[max(INPUT, 0)] : 0.0lf;
	State x = load(r + NP);
	refUntil = rec[r + NP + NV];
	bool below = rec[r + NP + NV + 1] != 0.0lf;
	int ref0 = imageLoad(refImg, g).x, ref = ref0;
	int pfirst = 0, pcount = 0;
	if (nProbes > 0) {
		pfirst = probes[2 * g];
		pcount = probes[2 * g + 1];
	}
	int n = stepFrom;
	int slot = slotFrom; // the inputs' slot of step n
	int recAt = (stepFrom / recordEvery + 1) * recordEvery;
	bool blew = false;
	for (; n < stepTo; n++) {
		precise double t = double(n) * DT;
		double is, gs, gE;
		synaptic(is, gs, gE);
		precise double I = baseI + currentInput(n) + is + gE - gs * x[V] + rateIn(n, i);
		if (INPUT >= 0) {
			p[max(INPUT, 0)] = I;
		}
		x = step(x, t);
		precise double tn = t + DT;
		bool spiked;
		if (SPIKING) {
			// A v out of range crosses nothing but blows up, as on the
			// CPU (sim/network's modelStep): the reset would hide it.
			spiked = withinD(x[V], MAX_ABS_V) && crossed(x, refUntil, tn);
		} else {
			bool above = withinD(x[V], MAX_ABS_V) && x[V] >= SPIKE_AT;
			spiked = above && below;
			below = !above;
		}
		if (spiked) {
			if (SPIKING) {
				ref = n + 1;
			}
			uint k = atomicAdd(sw[4 * popIndex], 1u);
			if (k < uint(spikeCap)) {
				sw[spikeAt + 2 * int(k)] = uint(n);
				sw[spikeAt + 2 * int(k) + 1] = uint(g);
			}
		}
		decayPorts();
		double v = drive(i, n, n >= ref, x[V]);
		x[V] = deliver(slot * targets + popBase + i, n >= ref, v);
		if (++slot == ringSlots) {
			slot = 0;
		}
		if (spiked && SPIKING) {
			fire(x, refUntil, tn);
		}
		rateOut(n, i, x);
		if (!inRange(x)) {
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
					trace[row * nProbes + k] = what == 0 ? x[V] : what > 0 ? port(what - 1) : x[-what - 1];
				}
			}
		}
	}
	if (n != stepTo && !blew) {
		atomicAdd(sw[4 * popIndex + 2], 1u);
	}
	store(r + NP, x);
	rec[r + NP + NV] = refUntil;
	rec[r + NP + NV + 1] = below ? 1.0lf : 0.0lf;
	imageStore(vImg, g, uvec4(unpackDouble2x32(x[V]), 0u, 0u));
	if (ref != ref0) {
		imageStore(refImg, g, ivec4(ref, 0, 0, 0));
	}
	storePorts(i);
	storeDrives(i);
}
