package mechglsl

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/shaders"
)

// preludeKernel computes, for pair k of buf, (log(x), x^y) in place.
const preludeKernel = `#version 430
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer Buf { double buf[]; };
uniform int n;
#include "prelude.glsl"
void main() {
	int k = int(gl_GlobalInvocationID.x);
	if (k < n) {
		double x = buf[2 * k], y = buf[2 * k + 1];
		buf[2 * k] = mech_log(x);
		buf[2 * k + 1] = mech_pow(x, y);
	}
}
`

// TestLogPow compares mech_log and mech_pow on the device with math.Log
// and math.Pow: x over 600 decades and near 1, y whole, halves and
// random in [-10, 10]. log is within 4e-16 relative (the float start
// refined once leaves about an ulp) and 4e-16 absolute (near x = 1,
// where the refinement's rounding is absolute); pow within the ulp of
// log x times the fraction of y (at most a half) that exp turns into a
// relative error, 2e-16·|log x|, and fastexp's 2 ulp and the rounding of
// the whole power's products, 4e-15, relative.
func TestLogPow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 4096
	in := make([]float64, 2*n)
	for k := range n {
		x := math.Pow(10, -300+600*r.Float64())
		if k%4 == 1 {
			x = 1 + 1e-3*r.NormFloat64()
		}
		y := -10 + 20*r.Float64()
		switch k % 3 {
		case 1:
			y = math.Round(y)
		case 2:
			y = math.Round(2*y) / 2
		}
		if math.Abs(y*math.Log(x)) > 700 {
			y = 0.5 // within the range of doubles
		}
		if k%97 == 0 {
			x = 0 // Hay's ((v+75)/48)^2 at v = -75
		}
		in[2*k], in[2*k+1] = x, y
	}
	sh, err := shaders.Load("prelude_test.comp", shaders.Generated{Name: "prelude_test.comp", Text: preludeKernel},
		shaders.Generated{Name: "prelude.glsl", Text: Prelude()})
	if err != nil {
		t.Fatal(err)
	}
	buf := slices.Clone(in) // (x, y) pairs become (log x, x^y)
	devicetest.Run(t, sh, n/64, func(prog *device.Program) { prog.SetInt("n", n) }, devicetest.Words(buf))
	got := func(j int) float64 { return buf[j] }
	for k := range n {
		x, y := in[2*k], in[2*k+1]
		if x == 0 {
			if p, want := got(2*k+1), math.Pow(x, y); p != want {
				t.Errorf("pow(0, %v) = %v, Go %v", y, p, want)
			}
			continue
		}
		if l, want := got(2*k), math.Log(x); math.Abs(l-want) > 4e-16*(math.Abs(want)+1) {
			t.Errorf("log(%v) = %v, Go %v", x, l, want)
		}
		if p, want := got(2*k+1), math.Pow(x, y); math.Abs(p-want) > (4e-15+2e-16*math.Abs(math.Log(x)))*math.Abs(want) {
			t.Errorf("pow(%v, %v) = %v, Go %v", x, y, p, want)
		}
	}
}
