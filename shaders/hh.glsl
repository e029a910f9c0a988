// The rates of NEURON's hh.mod (1/ms at 6.3 °C) and the steady states of
// its gates, in float32: each exponential evaluated directly (no shared
// powers, which would multiply rounding errors), and x/(exp(x/y) − 1)
// through a series where exp(u) − 1 would cancel.

float vtrap(float x, float y) {
	float u = x / y;
	if (abs(u) < 0.1) {
		// exp(u) − 1 = u (1 + u/2 + u²/6 + u³/24 + u⁴/120 + ...)
		return y / (1.0 + u * (0.5 + u * (1.0 / 6.0 + u * (1.0 / 24.0 + u / 120.0))));
	}
	return x / (exp(u) - 1.0);
}

// hhRates returns (α, β) of m, h and n at v (mV) as three vec2.
void hhRates(float v, out vec2 m, out vec2 h, out vec2 n) {
	m = vec2(0.1 * vtrap(-(v + 40.0), 10.0), 4.0 * exp(-(v + 65.0) / 18.0));
	h = vec2(0.07 * exp(-(v + 65.0) / 20.0), 1.0 / (exp(-(v + 35.0) / 10.0) + 1.0));
	n = vec2(0.01 * vtrap(-(v + 55.0), 10.0), 0.125 * exp(-(v + 65.0) / 80.0));
}

// hhStep advances a gate exactly over a step with v held:
// x∞ + (x − x∞)·exp(−dt·q10·(α + β)).
float hhStep(float x, vec2 ab, float dtq) {
	float s = ab.x + ab.y;
	float inf = ab.x / s;
	return inf + (x - inf) * exp(-dtq * s);
}
