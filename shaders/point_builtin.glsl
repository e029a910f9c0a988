// The built-in point models of sim/point for point.comp's sweeps, with
// their parameters in p in the order of sim/point/builtin.go. The model
// is chosen by MODEL, a constant defined before this file is included, so
// that the compiler keeps only its case (a uniform costs the sweep a fifth
// of its speed on llvmpipe).

#include "hh.glsl"
#include "kahan.glsl"

const int HH = 0, IZHIKEVICH = 1, LIF = 2, FHN = 3, INAPK = 4, INAP = 5, RATE = 6, RATE_RELU = 7, WILSON_COWAN = 8;
const int model = MODEL;

// The state is a vec4 (NV = 4), the unused components zero.
#define State vec4

const int V = 0;

State zero() { return vec4(0.0); }
State axpy(State x, float a, State y) { return x + a * y; }
State rk4(State k1, State k2, State k3, State k4, float h) { return h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4); }
State load(int r) { return vec4(rec[r], rec[r + 1], rec[r + 2], rec[r + 3]); }

void store(int r, State x) {
	rec[r] = x[0];
	rec[r + 1] = x[1];
	rec[r + 2] = x[2];
	rec[r + 3] = x[3];
}

void kahan(inout State x, inout State c, State d) {
	kahan(x.x, c.x, d.x);
	kahan(x.y, c.y, d.y);
	kahan(x.z, c.z, d.z);
	kahan(x.w, c.w, d.w);
}

float q10; // hh's temperature factor

bool resets() { return model == IZHIKEVICH || model == LIF || model == INAP; }

void prepare() { q10 = pow(3.0, (p[8] - 6.3) / 10.0); }

float boltzmann(float v, float half_, float k) { return 1.0 / (1.0 + exp((half_ - v) / k)); }

// wcSigmoid is Wilson and Cowan's S(x), shifted so that S(0) = 0.
float wcSigmoid(float x, float a, float th) { return 1.0 / (1.0 + exp(-a * (x - th))) - 1.0 / (1.0 + exp(a * th)); }

vec4 deriv(vec4 x, float t) {
	float I = p[0] + stim(t); // every model's input is its first parameter
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
	case RATE: // I, tau, w, gain, theta
		return vec4((-x[0] + 1.0 / (1.0 + exp(-p[3] * (p[2] * x[0] + I - p[4])))) / p[1], 0, 0, 0);
	case RATE_RELU: // I, tau, w, gain, theta
		return vec4((-x[0] + max(0.0, p[3] * (p[2] * x[0] + I - p[4]))) / p[1], 0, 0, 0);
	case WILSON_COWAN: { // P, Q, c1, c2, c3, c4, aE, thetaE, aI, thetaI, rE, rI, tauE, tauI
		float kE = 1.0 - 1.0 / (1.0 + exp(p[6] * p[7])), kI = 1.0 - 1.0 / (1.0 + exp(p[8] * p[9]));
		return vec4((-x[0] + (kE - p[10] * x[0]) * wcSigmoid(p[2] * x[0] - p[3] * x[1] + I, p[6], p[7])) / p[12],
			(-x[1] + (kI - p[11] * x[1]) * wcSigmoid(p[4] * x[0] - p[5] * x[1] + p[1], p[8], p[9])) / p[13], 0, 0);
	}
	}
	return vec4(0);
}

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
