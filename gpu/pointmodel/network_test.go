package pointmodel

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"neurite/gpu/device/devicetest"
	"neurite/shaders"
	"neurite/sim/fastexp"
	"neurite/sim/hh"
)

// deviceDoubles runs body (GLSL statements reading and writing d[i],
// doubles) once for each of xs on the device, with FastexpGLSL and the
// double model definitions' constants, and returns d.
func deviceDoubles(t *testing.T, xs []float64, stride int, body string) []float64 {
	t.Helper()
	text := "#version 430\nlayout(local_size_x = 1) in;\nlayout(std430, binding = 0) buffer Data { double d[]; };\n" +
		"#define REAL_IS_DOUBLE\n" + FastexpGLSL() + "\nconst double EXP_PLUS_05 = " + DoubleLiteral(hh.ExpPlus05) + ", EXP_MINUS_15 = " + DoubleLiteral(hh.ExpMinus15) + ";\n" +
		"void main() {\n\tint i = int(gl_GlobalInvocationID.x) * " + strconv.Itoa(stride) + ";\n" + body + "\n}\n"
	src, err := shaders.Load("probe.comp", shaders.Generated{Name: "probe.comp", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	data := make([]float64, len(xs)*stride)
	for k, x := range xs {
		data[k*stride] = x
	}
	devicetest.Run(t, src, len(xs), nil, devicetest.Words(data))
	return data
}

// TestFastexpTwin: the GPU's fastexp is sim/fastexp.Exp bit for bit over
// the range the models use and Exp's whole range, on a device whose fma
// is fused (FusedFMA); on one whose is not (llvmpipe), within an ulp.
func TestFastexpTwin(t *testing.T) {
	var fused bool
	if err := devicetest.Shared(t).Do(func() (err error) { fused, err = FusedFMA(); return err }); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var xs []float64
	for range 4000 {
		xs = append(xs, -60+120*r.Float64(), -707+1415*r.Float64(), 1e-8*(r.Float64()-0.5))
	}
	xs = append(xs, 0, -0.0, 1, -1, math.Ln2, 708.9, -707.9)
	out := deviceDoubles(t, xs, 1, "\td[i] = fastexp(d[i]);")
	differ := 0
	for k, x := range xs {
		want := fastexp.Exp(x)
		if out[k] == want {
			continue
		}
		differ++
		if fused || (out[k] != math.Nextafter(want, math.Inf(1)) && out[k] != math.Nextafter(want, math.Inf(-1))) {
			t.Fatalf("fastexp(%.17g) = %.17g on the device, %.17g on the CPU (fused fma: %v)", x, out[k], want, fused)
		}
	}
	t.Logf("fused fma: %v; %d of %d exponentials an ulp from the CPU's, the others equal", fused, differ, len(xs))
}

// TestPortableExpTwin: the GPU's portableExp is sim/fastexp.Portable bit
// for bit on every device, fused fma or not, ends included.
func TestPortableExpTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var xs []float64
	for range 4000 {
		xs = append(xs, -60+120*r.Float64(), -707+1415*r.Float64(), 1e-8*(r.Float64()-0.5), -50*r.Float64())
	}
	xs = append(xs, 0, -0.0, 1, -1, math.Ln2, 708.9, -707.9, -708, -1e4, 709, 1e4, math.Inf(-1), math.Inf(1))
	out := deviceDoubles(t, xs, 1, "\td[i] = portableExp(d[i]);")
	for k, x := range xs {
		if want := fastexp.Portable(x); math.Float64bits(out[k]) != math.Float64bits(want) {
			t.Fatalf("portableExp(%.17g) = %.17g on the device, %.17g on the CPU", x, out[k], want)
		}
	}
}
