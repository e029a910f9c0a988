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

// rngNormal returns normal number j (0 to 3) of the four that the words
// of one call make by Box–Muller (rng.Normal). GLSL has no logarithm or
// cosine of doubles: this one is in single precision, equal to the CPU's
// to its rounding, not bit for bit.
float rngNormal(uvec4 w, uint j) {
	float u = float(rngUniform(w[j & 2u])), v = float(rngUniform(w[j & 2u | 1u]));
	float r = sqrt(-2.0 * log(u)), theta = 6.283185307179586 * v;
	return (j & 1u) == 0u ? r * cos(theta) : r * sin(theta);
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
