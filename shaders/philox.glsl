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
// same order on the same constants, every intermediate `precise` (no
// fused multiply-add), so that they make Go's doubles bit for bit. GLSL
// has no logarithm or cosine of doubles; these need + − × ÷ rounded as
// IEEE 754 rounds them, which GLSL does not promise of doubles but
// llvmpipe and NVIDIA's driver do; its square root is often an ulp off
// on NVIDIA's, so rngSqrt rounds it (TestPhiloxShader checks a device).
//
// The constants are given by their bits, not as decimal literals: NVIDIA's
// compiler (580) reads a double literal in single precision.

const double RNG_LN2_HI = packDouble2x32(uvec2(0xFEE00000u, 0x3FE62E42u)); // 0.6931471803691238
const double RNG_LN2_LO = packDouble2x32(uvec2(0x35793C76u, 0x3DEA39EFu)); // 1.9082149292705877e-10
const double RNG_LG1 = packDouble2x32(uvec2(0x55555593u, 0x3FE55555u)); // 0.6666666666666735
const double RNG_LG2 = packDouble2x32(uvec2(0x9997FA04u, 0x3FD99999u)); // 0.3999999999940942
const double RNG_LG3 = packDouble2x32(uvec2(0x94229359u, 0x3FD24924u)); // 0.2857142874366239
const double RNG_LG4 = packDouble2x32(uvec2(0x1D8E78AFu, 0x3FCC71C5u)); // 0.22222198432149784
const double RNG_LG5 = packDouble2x32(uvec2(0x96CB03DEu, 0x3FC74664u)); // 0.1818357216161805
const double RNG_LG6 = packDouble2x32(uvec2(0xD078C69Fu, 0x3FC39A09u)); // 0.15313837699209373
const double RNG_LG7 = packDouble2x32(uvec2(0xDF3E5244u, 0x3FC2F112u)); // 0.14798198605116586
const double RNG_SQRT_HALF = packDouble2x32(uvec2(0x667F3BCDu, 0x3FE6A09Eu)); // 0.7071067811865476

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
const double RNG_S1_HI = packDouble2x32(uvec2(0x00000000u, 0x3FF921FBu)); // 1.570796012878418
const double RNG_S1_LO = packDouble2x32(uvec2(0x4611A626u, 0x3E95110Bu)); // 3.139164786504813e-07
const double RNG_S3 = packDouble2x32(uvec2(0xE625BE53u, 0xBFE4ABBCu)); // -0.6459640975062463
const double RNG_S5 = packDouble2x32(uvec2(0x6775AAE2u, 0x3FB466BCu)); // 0.07969262624616705
const double RNG_S7 = packDouble2x32(uvec2(0xCE62BD86u, 0xBF732D2Cu)); // -0.004681754135318688
const double RNG_S9 = packDouble2x32(uvec2(0x487EE782u, 0x3F250783u)); // 0.00016044118478735983
const double RNG_S11 = packDouble2x32(uvec2(0xFDE8871Fu, 0xBECE3074u)); // -3.598843235212085e-06
const double RNG_S13 = packDouble2x32(uvec2(0x4D018D63u, 0x3E6E8F43u)); // 5.692172921967927e-08
const double RNG_S15 = packDouble2x32(uvec2(0x9F155744u, 0xBE06FADBu)); // -6.688035109811468e-10
const double RNG_S17 = packDouble2x32(uvec2(0x2AF93359u, 0x3D9AAEC3u)); // 6.0669357311061955e-12
const double RNG_C2 = packDouble2x32(uvec2(0xC9BE45DEu, 0xBFF3BD3Cu)); // -1.2337005501361697
const double RNG_C4 = packDouble2x32(uvec2(0x081B5AC4u, 0x3FD03C1Fu)); // 0.25366950790104803
const double RNG_C6 = packDouble2x32(uvec2(0x7E3CBFFAu, 0xBF955D3Cu)); // -0.02086348076335296
const double RNG_C8 = packDouble2x32(uvec2(0x6891BABBu, 0x3F4E1F50u)); // 0.0009192602748394266
const double RNG_C10 = packDouble2x32(uvec2(0x2A204A8Cu, 0xBEFA6D1Fu)); // -2.5202042373060607e-05
const double RNG_C12 = packDouble2x32(uvec2(0xA3763CC3u, 0x3E9F9D38u)); // 4.710874778818172e-07
const double RNG_C14 = packDouble2x32(uvec2(0xF44B128Fu, 0xBE3B6E24u)); // -6.386603083791852e-09
const double RNG_C16 = packDouble2x32(uvec2(0xC2F2D7F5u, 0x3DD20C62u)); // 6.565963114979473e-11
const double RNG_C18 = packDouble2x32(uvec2(0x91AF8314u, 0xBD62A0C5u)); // -5.294400200734623e-13

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

// rngTwoProduct sets p + e to a·b exactly (Dekker's product, a and b
// split in halves by Veltkamp's method: no fused multiply-add needed).
void rngTwoProduct(double a, double b, out double p, out double e) {
	const double SPLIT = packDouble2x32(uvec2(0x02000000u, 0x41A00000u)); // 2^27 + 1
	precise double ta = SPLIT * a;
	precise double ah = ta - (ta - a);
	precise double al = a - ah;
	precise double tb = SPLIT * b;
	precise double bh = tb - (tb - b);
	precise double bl = b - bh;
	precise double pp = a * b;
	precise double ee = (((ah * bh - pp) + ah * bl) + al * bh) + al * bl;
	p = pp;
	e = ee;
}

// rngRoundSqrt returns the square root of x > 0 correctly rounded, as
// Go's math.Sqrt, from c within an ulp of it: c moves to its neighbour
// above where x lies above the square of their midpoint, or to its
// neighbour below where x lies at or below theirs. x − m², m = (c + d)/2
// for neighbours c < d an ulp u apart, is x − c·d − u²/4: c·d = p + e
// exactly, x − p is exact (p is within a few ulp of x), and x − p − e is
// a multiple of u², so that its sign, which the subtraction rounds
// exactly, is that of x − m² unless it is 0 (then x < m²).
double rngRoundSqrt(double x, double c) {
	int k;
	double f = frexp(c, k);
	double up = ldexp(1.0LF, k - 53), down = f == 0.5LF ? up * 0.5LF : up;
	double p, e;
	precise double d = c + up;
	rngTwoProduct(c, d, p, e);
	precise double above = (x - p) - e;
	if (above > 0.0LF) {
		return d;
	}
	precise double b = c - down;
	rngTwoProduct(b, c, p, e);
	precise double below = (x - p) - e;
	return below <= 0.0LF ? b : c;
}

// rngSqrt returns the square root of x > 0 correctly rounded (Go's
// math.Sqrt): the device's, rounded by rngRoundSqrt, twice, in case it
// is two ulp off.
double rngSqrt(double x) {
	return rngRoundSqrt(x, rngRoundSqrt(x, sqrt(x)));
}

// rngNormal returns normal number j (0 to 3) of the four that the words
// of one call make by Box–Muller (rng.Normal): words 0 and 1 make
// numbers 0 (cosine) and 1 (sine), words 2 and 3 numbers 2 and 3.
double rngNormal(uvec4 w, uint j) {
	double u = rngUniform(w[j & 2u]), v = rngUniform(w[j & 2u | 1u]);
	precise double z = rngSqrt(-2.0LF * rngLog(u)) * rngCosSin2Pi(v, (j & 1u) == 1u);
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
