// The built-in point models of sim/point, with their parameters in p in
// the order of sim/point/builtin.go, in the precision real.glsl sets: the
// sweeps' (point.comp, float) and the networks' (point_net.comp, double).
// Each right-hand side is written in the CPU's order of operations (Go
// fuses nothing on amd64), every term PRECISE, so that in double the
// numbers are the CPU's where the functions are (Izhikevich, FitzHugh–
// Nagumo, LIF: arithmetic alone; Hodgkin–Huxley: sim/hh's rates on
// sim/fastexp, twinned here). The model is chosen by MODEL, a constant
// defined before this file is included, so that the compiler keeps only
// its case (a uniform costs the sweep a fifth of its speed on llvmpipe).

#include "hh.glsl"
#include "kahan.glsl"

const int HH = 0, IZHIKEVICH = 1, LIF = 2, FHN = 3, INAPK = 4, INAP = 5, RATE = 6, RATE_RELU = 7, WILSON_COWAN = 8;
const int model = MODEL;

// The state is an rvec4 (NV = 4), the unused components zero.
#define State rvec4

const int V = 0;

State zero() { return State(0.0); }

State axpy(State x, real a, State y) {
	PRECISE State r = x + a * y;
	return r;
}

State rk4(State k1, State k2, State k3, State k4, real h) {
	PRECISE State r = h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
	return r;
}

State load(int r) { return State(rec[r], rec[r + 1], rec[r + 2], rec[r + 3]); }

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

real q10; // hh's temperature factor

bool resets() { return model == IZHIKEVICH || model == LIF || model == INAP; }

#ifdef REAL_IS_DOUBLE
// The host computes q10 with the CPU's math.Pow (sim/hh.Q10) into p[9]:
// GLSL has no pow in double precision.
void prepare() { q10 = p[9]; }
#else
void prepare() { q10 = pow(3.0, (p[8] - 6.3) / 10.0); }
#endif

real boltzmann(real v, real half_, real k) {
	PRECISE real b = 1.0 / (1.0 + rexp((half_ - v) / k));
	return b;
}

// wcSigmoid is Wilson and Cowan's S(x), shifted so that S(0) = 0.
real wcSigmoid(real x, real a, real th) {
	PRECISE real s = 1.0 / (1.0 + rexp(-a * (x - th))) - 1.0 / (1.0 + rexp(a * th));
	return s;
}

#ifdef REAL_IS_DOUBLE
// hhTrap is sim/hh's trap: x/(e − 1), or its limit near x = 0.
real hhTrap(real x, real e) {
	if (abs(x) < Q(1.0, 100000.0)) {
		PRECISE real r = 10.0 * (1.0 - x / 20.0);
		return r;
	}
	PRECISE real r = x / (e - 1.0);
	return r;
}

// hhGates returns (α + β, α) of m, h and n at v, as sim/hh.Rates forms
// them: two exponentials on fastexp and the others from their powers.
void hhGates(real v, out rvec2 m, out rvec2 h, out rvec2 n) {
	PRECISE real e10 = fastexp(-(v + 40.0) / 10.0);
	PRECISE real b = fastexp(-(v + 65.0) / 720.0);
	PRECISE real b2 = b * b, b4 = b2 * b2, b9 = b4 * b4 * b, b18 = b9 * b9, b36 = b18 * b18;
	PRECISE real am = Q(1.0, 10.0) * hhTrap(-(v + 40.0), e10);
	PRECISE real bm = 4.0 * b36 * b4;
	PRECISE real ah = Q(7.0, 100.0) * b36;
	PRECISE real bh = 1.0 / (e10 * EXP_PLUS_05 + 1.0);
	PRECISE real an = Q(1.0, 100.0) * hhTrap(-(v + 55.0), e10 * EXP_MINUS_15);
	PRECISE real bn = L(0.125) * b9;
	PRECISE real sm = am + bm, sh = ah + bh, sn = an + bn;
	m = rvec2(sm, am);
	h = rvec2(sh, ah);
	n = rvec2(sn, an);
}
#else
// hhGates returns (α + β, α) of m, h and n at v, each exponential
// evaluated directly (hh.glsl: powers would multiply float's rounding).
void hhGates(real v, out rvec2 m, out rvec2 h, out rvec2 n) {
	hhRates(v, m, h, n);
	m = rvec2(m.x + m.y, m.x);
	h = rvec2(h.x + h.y, h.x);
	n = rvec2(n.x + n.y, n.x);
}
#endif

// hhGate is a gate's rate of change as sim/point's HH forms it:
// q10·(α + β)·(α/(α + β) − x).
real hhGate(rvec2 g, real x) {
	PRECISE real r = q10 * g.x * (g.y / g.x - x);
	return r;
}

State deriv(State x, real t) {
	real I = p[0] + stim(t); // every model's input is its first parameter
	switch (model) {
	case HH: {
		// I, gnabar, gkbar, gl, el, ena, ek, C, celsius
		real v = x[0];
		rvec2 gm, gh, gn;
		hhGates(v, gm, gh, gn);
		PRECISE real n2 = x[3] * x[3];
		PRECISE real ina = p[1] * x[1] * x[1] * x[1] * x[2] * (v - p[5]);
		PRECISE real ik = p[2] * n2 * n2 * (v - p[6]);
		PRECISE real il = p[3] * (v - p[4]);
		PRECISE real dv = (I - ina - ik - il) / p[7];
		return State(dv, hhGate(gm, x[1]), hhGate(gh, x[2]), hhGate(gn, x[3]));
	}
	case IZHIKEVICH: { // I, a, b, c, d, vpeak
		PRECISE real dv = Q(4.0, 100.0) * x[0] * x[0] + 5.0 * x[0] + 140.0 - x[1] + I;
		PRECISE real du = p[1] * (p[2] * x[0] - x[1]);
		return State(dv, du, 0, 0);
	}
	case LIF: { // I, tau, EL, R, vth, vreset, tref
		PRECISE real dv = (p[2] - x[0] + p[3] * I) / p[1];
		return State(dv, 0, 0, 0);
	}
	case FHN: { // I, a, b, c
		PRECISE real dv = x[0] - x[0] * x[0] * x[0] / 3.0 - x[1] + I;
		PRECISE real dw = p[1] * (x[0] + p[2] - p[3] * x[1]);
		return State(dv, dw, 0, 0);
	}
	case INAPK: { // I, C, gL, EL, gNa, ENa, gK, EK, Vm, km, Vn, kn, tau
		real v = x[0];
		real m = boltzmann(v, p[8], p[9]);
		PRECISE real dv = (I - p[2] * (v - p[3]) - p[4] * m * (v - p[5]) - p[6] * x[1] * (v - p[7])) / p[1];
		PRECISE real dn = (boltzmann(v, p[10], p[11]) - x[1]) / p[12];
		return State(dv, dn, 0, 0);
	}
	case INAP: { // I, C, gL, EL, gNa, ENa, Vhalf, k, Vpeak, Vreset
		PRECISE real dv = (I - p[2] * (x[0] - p[3]) - p[4] * boltzmann(x[0], p[6], p[7]) * (x[0] - p[5])) / p[1];
		return State(dv, 0, 0, 0);
	}
	case RATE: { // I, tau, w, gain, theta
		PRECISE real u = p[2] * x[0] + I;
		PRECISE real dr = (-x[0] + 1.0 / (1.0 + rexp(-p[3] * (u - p[4])))) / p[1];
		return State(dr, 0, 0, 0);
	}
	case RATE_RELU: { // I, tau, w, gain, theta
		PRECISE real u = p[2] * x[0] + I;
		PRECISE real dr = (-x[0] + max(real(0.0), p[3] * (u - p[4]))) / p[1];
		return State(dr, 0, 0, 0);
	}
	case WILSON_COWAN: { // P, Q, c1, c2, c3, c4, aE, thetaE, aI, thetaI, rE, rI, tauE, tauI
		PRECISE real kE = 1.0 - 1.0 / (1.0 + rexp(p[6] * p[7])), kI = 1.0 - 1.0 / (1.0 + rexp(p[8] * p[9]));
		PRECISE real dE = (-x[0] + (kE - p[10] * x[0]) * wcSigmoid(p[2] * x[0] - p[3] * x[1] + I, p[6], p[7])) / p[12];
		PRECISE real dI = (-x[1] + (kI - p[11] * x[1]) * wcSigmoid(p[4] * x[0] - p[5] * x[1] + p[1], p[8], p[9])) / p[13];
		return State(dE, dI, 0, 0);
	}
	}
	return State(0);
}

// crossed reports whether a spiking model's v has reached its peak at t
// (outside a refractory period): sim/point's Event ≥ 0.
bool crossed(State x, real refUntil, real t) {
	switch (model) {
	case IZHIKEVICH:
		return x[0] >= p[5];
	case LIF:
		return t >= refUntil && x[0] >= p[4];
	case INAP:
		return x[0] >= p[8];
	}
	return false;
}

// fire applies a spiking model's reset at t: sim/point's Reset.
void fire(inout State x, inout real refUntil, real t) {
	switch (model) {
	case IZHIKEVICH:
		x[0] = p[3];
		PRECISE real u = x[1] + p[4];
		x[1] = u;
		break;
	case LIF:
		x[0] = p[5];
		PRECISE real r = t + p[6];
		refUntil = r;
		break;
	case INAP:
		x[0] = p[9];
		break;
	}
}

// reset applies a spiking model's reset at t if v has reached its peak,
// and reports whether it did.
bool reset(inout State x, inout real refUntil, real t) {
	if (!crossed(x, refUntil, t)) {
		return false;
	}
	fire(x, refUntil, t);
	return true;
}
