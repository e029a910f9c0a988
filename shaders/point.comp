#version 430
// Parameter sweeps of the built-in point models: one invocation per
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

#include "hh.glsl"

const int HH = 0, IZHIKEVICH = 1, LIF = 2, FHN = 3, INAPK = 4, INAP = 5;
const int K = 60; // maxima and late spikes kept, as on the CPU

// An instance's record, in floats.
const int X = 0, REF = 4, BELOW = 5, SPIKES = 6, LATE = 7, FIRSTLATE = 8, LASTLATE = 9,
	LO = 10, HI = 11, PREV = 12, PREV2 = 13, NMAX = 14, NRING = 15, MAXIMA = 16, RING = 16 + K,
	RECORD = 16 + K + K + 1;

layout(std430, binding = 0) readonly buffer Params { float base[]; };   // the model's parameters
layout(std430, binding = 1) readonly buffer Values { float values[]; }; // the swept one's, per instance
layout(std430, binding = 2) buffer Records { float rec[]; };

uniform int model, nInst, swept, method; // method: 0 Euler, 1 RK4
uniform int stepFrom, stepTo;
uniform float dt, transient, level, rearm; // crossings count at level, re-arm below rearm

float p[16];
float q10; // hh's temperature factor

float boltzmann(float v, float half_, float k) { return 1.0 / (1.0 + exp((half_ - v) / k)); }

// deriv is the model's right-hand side (dimension up to 4).
vec4 deriv(vec4 x) {
	float I = p[0];
	switch (model) {
	case HH: {
		// I, gnabar, gkbar, gl, el, ena, ek, C, celsius
		float v = x[0];
		vec2 am, ah, an;
		hhRates(v, am, ah, an);
		float q = q10;
		float n2 = x[3] * x[3];
		float ina = p[1] * x[1] * x[1] * x[1] * x[2] * (v - p[5]);
		float ik = p[2] * n2 * n2 * (v - p[6]);
		float il = p[3] * (v - p[4]);
		return vec4((I - ina - ik - il) / p[7],
			q * (am.x * (1.0 - x[1]) - am.y * x[1]),
			q * (ah.x * (1.0 - x[2]) - ah.y * x[2]),
			q * (an.x * (1.0 - x[3]) - an.y * x[3]));
	}
	case IZHIKEVICH: // I, a, b, c, d, vpeak
		return vec4(0.04 * x[0] * x[0] + 5.0 * x[0] + 140.0 - x[1] + I, p[1] * (p[2] * x[0] - x[1]), 0, 0);
	case LIF: // I, tau, EL, R, vth, vreset, tref
		return vec4((p[2] - x[0] + p[3] * I) / p[1], 0, 0, 0);
	case FHN: // I, a, b, c
		return vec4(x[0] - x[0] * x[0] * x[0] / 3.0 - x[1] + I, p[1] * (x[0] + p[2] - p[3] * x[1]), 0, 0);
	case INAPK: { // I, C, gL, EL, gNa, ENa, gK, EK, Vm, km, Vn, kn, tau
		float v = x[0];
		float m = boltzmann(v, p[8], p[9]);
		return vec4((I - p[2] * (v - p[3]) - p[4] * m * (v - p[5]) - p[6] * x[1] * (v - p[7])) / p[1],
			(boltzmann(v, p[10], p[11]) - x[1]) / p[12], 0, 0);
	}
	case INAP: // I, C, gL, EL, gNa, ENa, Vhalf, k, Vpeak, Vreset
		return vec4((I - p[2] * (x[0] - p[3]) - p[4] * boltzmann(x[0], p[6], p[7]) * (x[0] - p[5])) / p[1], 0, 0, 0);
	}
	return vec4(0);
}

// reset applies a spiking model's reset at t if v has reached its peak,
// and reports whether it did.
bool reset(inout vec4 x, inout float refUntil, float t) {
	switch (model) {
	case IZHIKEVICH:
		if (x[0] >= p[5]) {
			x[0] = p[3];
			x[1] += p[4];
			return true;
		}
		break;
	case LIF:
		if (t >= refUntil && x[0] >= p[4]) {
			x[0] = p[5];
			refUntil = t + p[6];
			return true;
		}
		break;
	case INAP:
		if (x[0] >= p[8]) {
			x[0] = p[9];
			return true;
		}
		break;
	}
	return false;
}

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= nInst) {
		return;
	}
	for (int k = 0; k < 16; k++) {
		p[k] = base[k];
	}
	p[swept] = values[i];
	q10 = pow(3.0, (p[8] - 6.3) / 10.0);
	int r = i * RECORD;
	vec4 x = vec4(rec[r + X], rec[r + X + 1], rec[r + X + 2], rec[r + X + 3]);
	float refUntil = rec[r + REF], below = rec[r + BELOW], spikes = rec[r + SPIKES];
	float late = rec[r + LATE], firstLate = rec[r + FIRSTLATE], lastLate = rec[r + LASTLATE];
	float lo = rec[r + LO], hi = rec[r + HI], prev = rec[r + PREV], prev2 = rec[r + PREV2];
	int nMax = int(rec[r + NMAX]), nRing = int(rec[r + NRING]);
	bool resets = model == IZHIKEVICH || model == LIF || model == INAP;
	for (int step = stepFrom; step < stepTo; step++) {
		float t = float(step) * dt;
		// A spike at time ts: counted, and after the transient kept.
		float ts = -1.0;
		if (resets && reset(x, refUntil, t)) {
			ts = t;
		}
		vec4 k1 = deriv(x);
		vec4 next;
		if (method == 0) {
			next = x + dt * k1;
		} else {
			vec4 k2 = deriv(x + 0.5 * dt * k1);
			vec4 k3 = deriv(x + 0.5 * dt * k2);
			vec4 k4 = deriv(x + dt * k3);
			next = x + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
		}
		if (model == LIF && t < refUntil) {
			next[0] = x[0]; // held through the refractory period
		}
		x = next;
		float tNew = float(step + 1) * dt;
		float cur = x[0];
		if (!resets) {
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
			if (!isnan(prev2) && prev > prev2 && prev >= cur) {
				rec[r + MAXIMA + nMax % K] = prev;
				nMax++;
			}
		}
		prev2 = prev;
		prev = cur;
	}
	rec[r + BELOW] = below;
	rec[r + SPIKES] = spikes;
	rec[r + LATE] = late;
	rec[r + FIRSTLATE] = firstLate;
	rec[r + LASTLATE] = lastLate;
	rec[r + LO] = lo;
	rec[r + HI] = hi;
	rec[r + PREV] = prev;
	rec[r + PREV2] = prev2;
	rec[r + NMAX] = float(nMax);
	rec[r + NRING] = float(nRing);
	rec[r + X] = x[0];
	rec[r + X + 1] = x[1];
	rec[r + X + 2] = x[2];
	rec[r + X + 3] = x[3];
	rec[r + REF] = refUntil;
}
