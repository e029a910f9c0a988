#version 430
// Parameter sweeps of point models: one invocation per
// instance, each with its own value of the swept parameter, integrated
// with a fixed step (Euler or RK4, in single precision) and watched as the
// CPU sweeps watch (sim/analysis/sweep.go): spikes (resets, or upward
// crossings of a level), and after the transient the local maxima of v,
// its range and the late spikes. The state lives in the buffer between
// dispatches, so a run is a series of dispatches, each of stepTo −
// stepFrom steps; within one it is held in registers (llvmpipe reads a
// storage buffer lane by lane), the buffer written only at a spike or a
// maximum and at the end.

layout(local_size_x = GROUP_SIZE) in;

// The model is the generated file model.glsl (gpu/sweep_model.go): the
// built-in models (point_builtin.glsl) or a typed model's equations
// translated to GLSL. It defines stim(t), the stimulus added to the
// input; V, the index of the membrane potential;
// resets(), whether the model resets at a threshold; prepare(), run once
// the parameters p are set; deriv(x, t), the right-hand side (dimension up
// to 4); and reset(x, refUntil, t), which applies a spiking model's reset
// at t if v has reached its peak and reports whether it did.

const int K = 60; // maxima and late spikes kept, as on the CPU

// An instance's record, in floats.
const int X = 0, REF = 4, BELOW = 5, SPIKES = 6, LATE = 7, FIRSTLATE = 8, LASTLATE = 9,
	LO = 10, HI = 11, EXT = 12, SEEK = 13, NMAX = 14, NRING = 15, MAXIMA = 16, RING = 16 + K,
	RECORD = 16 + K + K + 1;

layout(std430, binding = 0) readonly buffer Params { float base[]; };   // the model's parameters
layout(std430, binding = 1) readonly buffer Values { float values[]; }; // the swept one's, per instance
layout(std430, binding = 2) buffer Records { float rec[]; };

uniform int nInst, swept, method; // method: 0 Euler, 1 RK4
uniform int stepFrom, stepTo;
uniform float dt, transient, level, rearm; // crossings count at level, re-arm below rearm
uniform float delta;                       // the prominence of a maximum

float p[16];

#include "model.glsl"

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= nInst) {
		return;
	}
	for (int k = 0; k < 16; k++) {
		p[k] = base[k];
	}
	p[swept] = values[i];
	prepare();
	int r = i * RECORD;
	precise vec4 x = vec4(rec[r + X], rec[r + X + 1], rec[r + X + 2], rec[r + X + 3]);
	// The steps are summed with Kahan's compensation: a change below half
	// an ulp of x would otherwise be lost, and a slow relaxation would
	// stall short of its equilibrium by about ulp(x)·τ/dt (1e-4 for a rate
	// unit near 2, 1e-2 mV for a membrane with τ = 10 ms at dt = 0.01).
	// The compensation, under an ulp, starts afresh each dispatch.
	precise vec4 comp = vec4(0.0);
	float refUntil = rec[r + REF], below = rec[r + BELOW], spikes = rec[r + SPIKES];
	float late = rec[r + LATE], firstLate = rec[r + FIRSTLATE], lastLate = rec[r + LASTLATE];
	// The maxima are found as sim/analysis.Peaks finds them: ext is the
	// trough or, seeking a peak, the peak so far; NaN before the first
	// sample.
	float lo = rec[r + LO], hi = rec[r + HI], ext = rec[r + EXT];
	bool seekPeak = rec[r + SEEK] != 0.0;
	int nMax = int(rec[r + NMAX]), nRing = int(rec[r + NRING]);
	bool spiking = resets();
	for (int step = stepFrom; step < stepTo; step++) {
		float t = float(step) * dt;
		// A spike at time ts: counted, and after the transient kept.
		float ts = -1.0;
		if (spiking && reset(x, refUntil, t)) {
			ts = t;
			comp = vec4(0.0);
		}
		vec4 k1 = deriv(x, t);
		vec4 change;
		if (method == 0) {
			change = dt * k1;
		} else {
			vec4 k2 = deriv(x + 0.5 * dt * k1, t + 0.5 * dt);
			vec4 k3 = deriv(x + 0.5 * dt * k2, t + 0.5 * dt);
			vec4 k4 = deriv(x + dt * k3, t + dt);
			change = dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
		}
		if (t < refUntil) {
			change[V] = 0.0; // held through the refractory period
		}
		precise vec4 y = change - comp;
		precise vec4 sum = x + y;
		comp = (sum - x) - y;
		x = sum;
		float tNew = float(step + 1) * dt;
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
			if (isnan(ext) || (seekPeak ? cur > ext : cur < ext)) {
				ext = cur;
			} else if (seekPeak && cur < ext - delta) {
				rec[r + MAXIMA + nMax % K] = ext;
				nMax++;
				seekPeak = false;
				ext = cur;
			} else if (!seekPeak && cur > ext + delta) {
				seekPeak = true;
				ext = cur;
			}
		}
	}
	rec[r + BELOW] = below;
	rec[r + SPIKES] = spikes;
	rec[r + LATE] = late;
	rec[r + FIRSTLATE] = firstLate;
	rec[r + LASTLATE] = lastLate;
	rec[r + LO] = lo;
	rec[r + HI] = hi;
	rec[r + EXT] = ext;
	rec[r + SEEK] = seekPeak ? 1.0 : 0.0;
	rec[r + NMAX] = float(nMax);
	rec[r + NRING] = float(nRing);
	rec[r + X] = x[0];
	rec[r + X + 1] = x[1];
	rec[r + X + 2] = x[2];
	rec[r + X + 3] = x[3];
	rec[r + REF] = refUntil;
}
