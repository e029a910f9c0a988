// The counter-based generator of sim/rng, word for word: Philox4x32-10
// and the derivations the network drives take of its words, so that the
// GPU draws the very numbers the CPU draws. A 64-bit number (a call, a
// step) is a uvec2 (low word, high word).
//
// rngPoisson reads thresholds from a storage buffer this file declares
// where the including shader defines RNG_POISSON_BINDING (its binding
// point): each table is rng.Poisson's Threshold, the tables laid end to
// end.
//
// Pass the counter's call and stream as values known only when running
// (uniforms, invocation ids), not literals: Mesa 22.3's llvmpipe folds
// umulExtended of two constants to a high word of 0, so a counter word
// the compiler knows draws other numbers than the CPU's.

const uint PHILOX_M0 = 0xD2511F53u, PHILOX_M1 = 0xCD9E8D57u;
const uint PHILOX_W0 = 0x9E3779B9u, PHILOX_W1 = 0xBB67AE85u;

// philoxRound is one of Philox's ten rounds: the counter's two products
// and the key's Weyl step.
void philoxRound(inout uvec4 ctr, inout uvec2 key) {
	uint hi0, lo0, hi1, lo1;
	umulExtended(PHILOX_M0, ctr.x, hi0, lo0);
	umulExtended(PHILOX_M1, ctr.z, hi1, lo1);
	ctr = uvec4(hi1 ^ ctr.y ^ key.x, lo1, hi0 ^ ctr.w ^ key.y, lo0);
	key += uvec2(PHILOX_W0, PHILOX_W1);
}

// philox4x32 returns the 128 random bits of counter ctr under key
// (rng.Philox4x32). The rounds are written out, not looped: Mesa's
// llvmpipe ends an invocation's loops after 65,535 passes in all, which
// a kernel drawing every few steps of a long epoch would spend.
uvec4 philox4x32(uvec4 ctr, uvec2 key) {
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	philoxRound(ctr, key);
	return ctr;
}

// rngDraw returns the 128 bits of call number call of stream for input inp
// under key (rng.Draw): the counter (call, stream, input).
uvec4 rngDraw(uvec2 key, uint inp, uint stream, uvec2 call) {
	return philox4x32(uvec4(call, stream, inp), key);
}

// rngWord returns word n of a stream: word n mod 4 of call n/4 (rng.Word).
uint rngWord(uvec2 key, uint inp, uint stream, uvec2 n) {
	uvec4 w = rngDraw(key, inp, stream, uvec2(n.x >> 2 | n.y << 30, n.y >> 2));
	return w[n.x & 3u];
}

// rngUniform makes a uniform number in (0, 1) of a word: (w + ½)·2⁻³²,
// exact in a double (rng.Uniform).
double rngUniform(uint w) {
	return (double(w) + 0.5LF) * (1.0LF / 4294967296.0LF);
}

// rngLog, rngCosSin2Pi and rngNormal are sim/rng's Log, CosSin2Pi and
// Normal (sim/rng/portable.go) written again: the same operations in the
// same order on the same decimal constants, every intermediate `precise`
// (no fused multiply-add), so that they make Go's doubles bit for bit.
// GLSL has no logarithm or cosine of doubles; these need + − × ÷ and
// sqrt rounded as IEEE 754 rounds them, which GLSL does not promise of
// doubles (llvmpipe rounds them so; TestPhiloxShader checks a device).

const double RNG_LN2_HI = 0.6931471803691238LF, RNG_LN2_LO = 1.9082149292705877e-10LF;
const double RNG_LG1 = 0.6666666666666735LF, RNG_LG2 = 0.3999999999940942LF;
const double RNG_LG3 = 0.2857142874366239LF, RNG_LG4 = 0.22222198432149784LF;
const double RNG_LG5 = 0.1818357216161805LF, RNG_LG6 = 0.15313837699209373LF;
const double RNG_LG7 = 0.14798198605116586LF, RNG_SQRT_HALF = 0.7071067811865476LF;

// rngLog returns the natural logarithm of a positive, finite, normal x
// (rng.Log: fdlibm's method).
double rngLog(double x) {
	int ki;
	double f1 = frexp(x, ki);
	if (f1 < RNG_SQRT_HALF) {
		f1 = f1 * 2.0LF;
		ki = ki - 1;
	}
	precise double f = f1 - 1.0LF;
	double k = double(ki);
	precise double s = f / (2.0LF + f);
	precise double s2 = s * s;
	precise double s4 = s2 * s2;
	precise double t1 = s2 * (RNG_LG1 + s4 * (RNG_LG3 + s4 * (RNG_LG5 + s4 * RNG_LG7)));
	precise double t2 = s4 * (RNG_LG2 + s4 * (RNG_LG4 + s4 * RNG_LG6));
	precise double r = t1 + t2;
	precise double hfsq = 0.5LF * f * f;
	precise double y = k * RNG_LN2_HI - ((hfsq - (s * (hfsq + r) + k * RNG_LN2_LO)) - f);
	return y;
}

// The Taylor coefficients of sin(πt/2) and cos(πt/2) (sim/rng's s1Hi … c18).
const double RNG_S1_HI = 1.570796012878418LF, RNG_S1_LO = 3.139164786504813e-07LF;
const double RNG_S3 = -0.6459640975062463LF, RNG_S5 = 0.07969262624616705LF;
const double RNG_S7 = -0.004681754135318688LF, RNG_S9 = 0.00016044118478735983LF;
const double RNG_S11 = -3.598843235212085e-06LF, RNG_S13 = 5.692172921967927e-08LF;
const double RNG_S15 = -6.688035109811468e-10LF, RNG_S17 = 6.0669357311061955e-12LF;
const double RNG_C2 = -1.2337005501361697LF, RNG_C4 = 0.25366950790104803LF;
const double RNG_C6 = -0.02086348076335296LF, RNG_C8 = 0.0009192602748394266LF;
const double RNG_C10 = -2.5202042373060607e-05LF, RNG_C12 = 4.710874778818172e-07LF;
const double RNG_C14 = -6.386603083791852e-09LF, RNG_C16 = 6.565963114979473e-11LF;
const double RNG_C18 = -5.294400200734623e-13LF;

// rngSinHalfPi and rngCosHalfPi return sin(πt/2) and cos(πt/2) for
// |t| ≤ ½ (sim/rng's sinHalfPi, cosHalfPi).
double rngSinHalfPi(double t) {
	precise double t2 = t * t;
	precise double p = RNG_S15 + t2 * RNG_S17;
	p = RNG_S13 + t2 * p;
	p = RNG_S11 + t2 * p;
	p = RNG_S9 + t2 * p;
	p = RNG_S7 + t2 * p;
	p = RNG_S5 + t2 * p;
	p = RNG_S3 + t2 * p;
	precise double y = t * RNG_S1_HI + (t * RNG_S1_LO + t * (t2 * p));
	return y;
}

double rngCosHalfPi(double t) {
	precise double t2 = t * t;
	precise double q = RNG_C16 + t2 * RNG_C18;
	q = RNG_C14 + t2 * q;
	q = RNG_C12 + t2 * q;
	q = RNG_C10 + t2 * q;
	q = RNG_C8 + t2 * q;
	q = RNG_C6 + t2 * q;
	q = RNG_C4 + t2 * q;
	q = RNG_C2 + t2 * q;
	precise double y = 1.0LF + t2 * q;
	return y;
}

// rngCosSin2Pi returns cos(2πv), or sin(2πv) where sine is set, for v
// in [0, 1) (rng.CosSin2Pi): the quarter turns taken off exactly.
double rngCosSin2Pi(double v, bool sine) {
	precise double x = 4.0LF * v;
	precise double q = floor(x + 0.5LF);
	precise double t = x - q;
	int quarter = (int(q) + (sine ? 3 : 0)) & 3;
	if (quarter == 0) {
		return rngCosHalfPi(t);
	} else if (quarter == 1) {
		return -rngSinHalfPi(t);
	} else if (quarter == 2) {
		return -rngCosHalfPi(t);
	}
	return rngSinHalfPi(t);
}

// rngNormal returns normal number j (0 to 3) of the four that the words
// of one call make by Box–Muller (rng.Normal): words 0 and 1 make
// numbers 0 (cosine) and 1 (sine), words 2 and 3 numbers 2 and 3.
double rngNormal(uvec4 w, uint j) {
	double u = rngUniform(w[j & 2u]), v = rngUniform(w[j & 2u | 1u]);
	precise double z = sqrt(-2.0LF * rngLog(u)) * rngCosSin2Pi(v, (j & 1u) == 1u);
	return z;
}

#ifdef RNG_POISSON_BINDING
layout(std430, binding = RNG_POISSON_BINDING) readonly buffer RngPoisson { uint rngThreshold[]; };

// rngPoisson returns the Poisson count of word w (rng.Poisson.Count):
// offset plus the number of the table's thresholds at or below w, the
// table being rngThreshold[first] to rngThreshold[first + len − 1]. A
// count of integers: the CPU's, bit for bit.
int rngPoisson(uint w, int offset, uint first, uint len) {
	uint lo = 0u, hi = len; // the count lies in [lo, hi]
	while (lo < hi) {
		uint mid = (lo + hi) >> 1;
		if (rngThreshold[first + mid] <= w) {
			lo = mid + 1u;
		} else {
			hi = mid;
		}
	}
	return offset + int(lo);
}
#endif
