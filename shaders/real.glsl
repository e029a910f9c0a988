// The precision of a point model's arithmetic, one model definition for
// both its users: float for the sweeps (point.comp), double for networks
// (point_net.comp), which run bit for bit with the CPU engine wherever the
// arithmetic allows. The generated model.glsl (gpu/pointmodel)
// defines REAL_IS_DOUBLE, and for doubles the twin of sim/fastexp
// (fastexp(x)), before it includes this file; point_builtin.glsl and a
// typed model's translation write real, rvec2, State and PRECISE, and call
// the wrappers below for the functions GLSL has only in single precision.
//
// PRECISE is GLSL's precise for doubles: no multiply and add are fused,
// the sums are the CPU's rounding for rounding; the sweeps leave the
// compiler free, as before.
//
// In double precision exp is fastexp, the CPU's own algorithm (the
// built-in models use sim/fastexp where the CPU does, math.Exp elsewhere:
// within 2 ulp of it); sinh, cosh and tanh are formed from it (within a
// few ulp of 1 absolutely, which is what the models' sigmoids need);
// log, log10, sin, cos, tan, atan and a power to a fractional exponent
// are evaluated in single precision (relative error about 1e-7): GLSL has
// no double versions, and the models shipped need none of them.

#ifdef REAL_IS_DOUBLE
#define real double
#define rvec2 dvec2
#define rvec4 dvec4
#define PRECISE precise
#define L(x) x##lf // a literal, exact in double
// A decimal constant as the quotient of two whole numbers, which the
// division rounds to the double (or float) nearest the decimal, as Go
// reads it: NVIDIA's compiler reads a decimal lf literal in single
// precision, so no constant that is not a short binary fraction is
// written as one.
#define Q(a, b) (real(a) / real(b))

real rexp(real x) { return fastexp(x); }
real rlog(real x) { return real(log(float(x))); }
real rsin(real x) { return real(sin(float(x))); }
real rcos(real x) { return real(cos(float(x))); }
real rtan(real x) { return real(tan(float(x))); }
real ratan(real x) { return real(atan(float(x))); }
real rpow2(real x, real y) { return real(exp2(float(y) * log2(float(x)))); } // x > 0

real rsinh(real x) {
	precise real e = fastexp(x), s = (e - 1.0lf / e) * 0.5lf;
	return s;
}

real rcosh(real x) {
	precise real e = fastexp(x), c = (e + 1.0lf / e) * 0.5lf;
	return c;
}

real rtanh(real x) {
	if (abs(x) > 20.0lf) {
		return sign(x);
	}
	precise real e = fastexp(2.0lf * x), t = 1.0lf - 2.0lf / (e + 1.0lf);
	return t;
}
#else
#define real float
#define rvec2 vec2
#define rvec4 vec4
#define PRECISE
#define L(x) x
#define Q(a, b) (real(a) / real(b))

real rexp(real x) { return exp(x); }
real rlog(real x) { return log(x); }
real rsin(real x) { return sin(x); }
real rcos(real x) { return cos(x); }
real rtan(real x) { return tan(x); }
real ratan(real x) { return atan(x); }
real rpow2(real x, real y) { return exp2(y * log2(x)); } // x > 0
real rsinh(real x) { return sinh(x); }
real rcosh(real x) { return cosh(x); }
real rtanh(real x) { return tanh(x); }
#endif
