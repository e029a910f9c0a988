// What a typed model's equations translated to GLSL (gpu/pointmodel)
// call beyond GLSL's own functions: the functions of sim/point's
// expressions with Go's meaning where GLSL's differs or is undefined, in
// the precision real.glsl sets.

#include "kahan.glsl"

// heav is Heaviside's step, 1 at 0.
real heav(real x) { return x >= 0.0 ? 1.0 : 0.0; }

real log10(real x) { return rlog(x) * L(0.43429448190325176); }

// roundAway rounds halves away from zero, as Go's math.Round (GLSL's
// round may pick either way); adding a half first would round
// 0.49999997 up and large odd numbers to even.
real roundAway(real x) {
	real r = trunc(x);
	return abs(x - r) >= 0.5 ? r + sign(x) : r;
}

// powi is x to a whole power n, |n| ≤ 15: products of x, x², x⁴ and x⁸,
// defined for any x (GLSL's pow is undefined for x < 0), and no loop (see
// point.comp).
real powi(real x, int n) {
	int a = abs(n);
	PRECISE real x2 = x * x, x4 = x2 * x2;
	PRECISE real r = ((a & 1) != 0 ? x : 1.0) * ((a & 2) != 0 ? x2 : 1.0) * ((a & 4) != 0 ? x4 : 1.0) * ((a & 8) != 0 ? x4 * x4 : 1.0);
	return n < 0 ? 1.0 / r : r;
}

// powr is x^y as Go's math.Pow: a negative x to a whole power keeps its
// sign, to a fractional one it is NaN.
real powr(real x, real y) {
	if (y == 0.0 || x == 1.0) {
		return 1.0;
	}
	if (x == 0.0) {
		return y > 0.0 ? 0.0 : real(uintBitsToFloat(0x7f800000u)); // +Inf
	}
	if (x > 0.0) {
		return rpow2(x, y);
	}
	if (floor(y) != y) {
		return real(uintBitsToFloat(0x7fc00000u)); // NaN
	}
	real r = rpow2(-x, y);
	return mod(y, 2.0) == 1.0 ? -r : r;
}
