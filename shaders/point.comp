#version 430
// Parameter sweeps of point models: one invocation per
// instance, each with its own value of the swept parameter, integrated
// with a fixed step (Euler or RK4, in single precision) and watched as the
// CPU sweeps watch (sim/analysis/sweep.go): spikes (resets, or upward
// crossings of a level), and after the transient the maxima of v that
// stand out (as sim/analysis.Peaks finds them), its range and the late
// spikes. The state lives in the buffer between
// dispatches, so a run is a series of dispatches, each of stepTo −
// stepFrom steps; within one it is held in registers (llvmpipe reads a
// storage buffer lane by lane), the buffer written only at a spike or a
// maximum and at the end.

layout(local_size_x = GROUP_SIZE) in;

// The model is the generated file model.glsl (gpu/pointmodel): the
// built-in models (point_builtin.glsl) or a typed model's equations
// translated to GLSL. NV, its number of variables, and NP, of parameters,
// are defined by the compiler's caller. model.glsl defines:
//
//   State                   the state's type, indexable (vec4, float[NV])
//   V                       the index of the membrane potential
//   stim(t)                 the stimulus added to the input
//   resets()                whether the model resets at a threshold
//   prepare()               run once the parameters p are set
//   deriv(x, t)             the right-hand side
//   reset(x, refUntil, t)   applies a spiking model's reset at t if v has
//                           reached its peak, and reports whether it did
//   zero(), axpy(x, a, y)   0 and x + a·y
//   rk4(k1, k2, k3, k4, h)  h/6·(k1 + 2 k2 + 2 k3 + k4)
//   kahan(x, c, d)          x += d with Kahan's compensation c
//   load(r), store(r, x)    the state from and to rec[r...]
//
// all without loops: Mesa's llvmpipe ends a shader's loops after 65,535
// passes in all, which a loop inside the step loop would reach (a loop of
// 4 passes inside one of 20,000 stopped after 43,691 in all).

const int K = 60; // maxima and late spikes kept, as on the CPU

// An instance's record, in floats: its state, then what it has seen.
const int X = 0, REF = NV, BELOW = NV + 1, SPIKES = NV + 2, LATE = NV + 3, FIRSTLATE = NV + 4,
	LASTLATE = NV + 5, LO = NV + 6, HI = NV + 7, EXT = NV + 8, SEEK = NV + 9, NMAX = NV + 10,
	NRING = NV + 11, CURSOR = NV + 12, MAXIMA = NV + 13, RING = MAXIMA + K, BLOW = RING + K + 1,
	RECORD = BLOW + 1;

layout(std430, binding = 0) readonly buffer Params { float base[]; };   // the model's parameters
layout(std430, binding = 1) readonly buffer Values { float values[]; }; // the swept one's, per instance
layout(std430, binding = 2) buffer Records { float rec[]; };

uniform int nInst, swept, method; // method: 0 Euler, 1 RK4
uniform int stepFrom, stepTo;
uniform float dt, transient, level, rearm; // crossings count at level, re-arm below rearm
uniform float delta, prominence;           // a maximum's least prominence: delta, or prominence × its size

float p[NP];
int trainAt; // a Poisson stimulus's cursor (see gpu/sweep/sweep_model.go)

#include "model.glsl"

// finiteState tells NaN and infinity by the bits, not by comparisons:
// GLSL does not require comparisons (or min and max) to honour NaN, and
// the compiler may rewrite them as if none were; a state gone NaN could
// then be carried on as a number.
bool finiteState(State x) {
	for (int k = 0; k < NV; k++) {
		if ((floatBitsToUint(float(x[k])) & 0x7f800000u) == 0x7f800000u) {
			return false;
		}
	}
	return true;
}

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= nInst) {
		return;
	}
	for (int k = 0; k < NP; k++) {
		p[k] = base[k];
	}
	p[swept] = values[i];
	prepare();
	int r = i * RECORD;
	State x = load(r + X);
	// The steps are summed with Kahan's compensation: a change below half
	// an ulp of x would otherwise be lost, and a slow relaxation would
	// stall short of its equilibrium by about ulp(x)·τ/dt (1e-4 for a rate
	// unit near 2, 1e-2 mV for a membrane with τ = 10 ms at dt = 0.01).
	// The compensation, under an ulp, starts afresh each dispatch.
	State comp = zero();
	float refUntil = rec[r + REF], below = rec[r + BELOW], spikes = rec[r + SPIKES], blow = rec[r + BLOW];
	float late = rec[r + LATE], firstLate = rec[r + FIRSTLATE], lastLate = rec[r + LASTLATE];
	// The maxima are found as sim/analysis.Peaks finds them: ext is the
	// trough (seek 0) or the peak so far (seek 1); seek −1 before the
	// first sample.
	float lo = rec[r + LO], hi = rec[r + HI], ext = rec[r + EXT];
	int seek = int(rec[r + SEEK]);
	int nMax = int(rec[r + NMAX]), nRing = int(rec[r + NRING]);
	trainAt = int(rec[r + CURSOR]);
	bool spiking = resets();
	for (int step = stepFrom; step < stepTo; step++) {
		float t = float(step) * dt;
		// A spike at time ts: counted, and after the transient kept.
		float ts = -1.0;
		if (spiking && reset(x, refUntil, t)) {
			ts = t;
			comp = zero();
		}
		State k1 = deriv(x, t);
		State change;
		if (method == 0) {
			change = axpy(zero(), dt, k1);
		} else {
			State k2 = deriv(axpy(x, 0.5 * dt, k1), t + 0.5 * dt);
			State k3 = deriv(axpy(x, 0.5 * dt, k2), t + 0.5 * dt);
			State k4 = deriv(axpy(x, dt, k3), t + dt);
			change = rk4(k1, k2, k3, k4, dt);
		}
		if (t < refUntil) {
			change[V] = 0.0; // held through the refractory period
		}
		kahan(x, comp, change);
		float tNew = float(step + 1) * dt;
		if (blow < 0.0 && !finiteState(x)) {
			blow = tNew; // the first step out of the finite numbers
		}
		float cur = x[V];
		if (!spiking) {
			if (below != 0.0 && cur >= level) {
				below = 0.0;
				ts = tNew;
			} else if (below == 0.0 && cur < rearm) {
				below = 1.0;
			}
		}
		if (ts >= 0.0) {
			spikes += 1.0;
			if (ts > transient) {
				if (late == 0.0) {
					firstLate = ts;
				}
				lastLate = ts;
				late += 1.0;
				rec[r + RING + nRing % (K + 1)] = ts;
				nRing++;
			}
		}
		if (tNew > transient) {
			lo = min(lo, cur);
			hi = max(hi, cur);
			float d = max(delta, prominence * abs(ext));
			if (seek < 0) {
				seek = 0;
				ext = cur;
			} else if (seek == 1 ? cur > ext : cur < ext) {
				ext = cur;
			} else if (seek == 1 && cur < ext - d) {
				rec[r + MAXIMA + nMax % K] = ext;
				nMax++;
				seek = 0;
				ext = cur;
			} else if (seek == 0 && cur > ext + d) {
				seek = 1;
				ext = cur;
			}
		}
	}
	rec[r + BELOW] = below;
	rec[r + BLOW] = blow;
	rec[r + SPIKES] = spikes;
	rec[r + LATE] = late;
	rec[r + FIRSTLATE] = firstLate;
	rec[r + LASTLATE] = lastLate;
	rec[r + LO] = lo;
	rec[r + HI] = hi;
	rec[r + EXT] = ext;
	rec[r + SEEK] = float(seek);
	rec[r + CURSOR] = float(trainAt);
	rec[r + NMAX] = float(nMax);
	rec[r + NRING] = float(nRing);
	store(r + X, x);
	rec[r + REF] = refUntil;
}
