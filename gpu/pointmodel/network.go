package pointmodel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"neurite/gpu/device"
	"neurite/shaders"
	"neurite/sim/fastexp"
	"neurite/sim/hh"
	"neurite/sim/point"
)

// Network returns the model.glsl of m in double precision, the model a
// network of its neurons runs (shaders/point_net.comp): the sweeps' model
// definition (shaders/point_builtin.glsl or m's equations translated as
// for a sweep), with fastexp, the twin of sim/fastexp. Networks give
// their models no stimulus of their own (a drive is the network's).
func Network(m *point.Model) (Model, error) {
	if m.Stim != nil {
		return Model{}, fmt.Errorf("the GPU runs network models without a stimulus of their own (%s has one)", m.Name)
	}
	head := "#define REAL_IS_DOUBLE\n\n" + FastexpGLSL() +
		fmt.Sprintf("\nconst double EXP_PLUS_05 = %s, EXP_MINUS_15 = %s; // sim/hh's\n\n", DoubleLiteral(hh.ExpPlus05), DoubleLiteral(hh.ExpMinus15)) +
		"#include \"real.glsl\"\n\ndouble stim(double t) { return 0.0lf; }\n\n"
	return Body(m, head, DoubleLiteral)
}

// NetworkParams returns the p[] of Network's shader for a neuron
// whose model parameters are params: them, padded to np, and for the
// built-in Hodgkin–Huxley model q10 in p[9], as sim/hh.Q10 computes it
// (GLSL has no pow in double precision).
func NetworkParams(m *point.Model, params []float64, np int) []float64 {
	p := make([]float64, np)
	copy(p, params)
	if m.Equations() == nil && m.Name == "hh" {
		p[9] = hh.Q10(params[8])
	}
	return p
}

// FastexpGLSL returns fastexp(x), sim/fastexp.Exp in GLSL double
// precision: the same constants, table (exact, as bits) and operations,
// the fused ones fma, every other precise, so that it returns the CPU's
// number bit for bit. Outside Exp's range, where the CPU falls back to
// math.Exp, it returns 0 (x ≤ −708; math.Exp's subnormals) or +Inf
// (x ≥ 709; math.Exp overflows at 709.78). It also defines
// portableExp(x), sim/fastexp.Portable's twin, the same bits on every
// device.
func FastexpGLSL() string {
	c := fastexp.Constants()
	var s strings.Builder
	s.WriteString("// sim/fastexp.Exp's table: 2^(j/64) as (low, high) words.\n")
	fmt.Fprintf(&s, "const uvec2 FASTEXP_TABLE[%d] = uvec2[%d](", len(c.Table), len(c.Table))
	for j, b := range c.Table {
		if j > 0 {
			s.WriteString(", ")
		}
		if j%4 == 0 {
			s.WriteString("\n\t")
		}
		fmt.Fprintf(&s, "uvec2(%#xu, %#xu)", uint32(b), uint32(b>>32))
	}
	s.WriteString(");\n\n")
	d := DoubleLiteral
	fmt.Fprintf(&s, `double fastexp(double x) {
	if (!(x > %[1]s && x < %[2]s)) {
		return x >= %[2]s ? %[3]s : x <= %[1]s ? 0.0lf : x;
	}
	precise double kf = (x * %[4]s + %[5]s) - %[5]s;
	int k = int(kf);
	precise double r = (x - kf * %[6]s) - kf * %[7]s;
	precise double q = fma(r, %[8]s, %[9]s);
	q = fma(r, q, %[10]s);
	q = fma(r, q, %[11]s);
	q = fma(r, q, 0.5lf);
	precise double p = fma(r * r, q, r);
	uvec2 t = FASTEXP_TABLE[k & %[12]d];
	t.y += uint(k >> %[13]d) << 20; // 2^(k>>6) into the exponent
	double s = packDouble2x32(t);
	precise double e = fma(s, p, s);
	return e;
}

// sim/fastexp.Portable: fastexp with each product rounded before the sum,
// so that it is the CPU's number on devices without a fused fma too.
double portableExp(double x) {
	if (!(x > %[1]s && x < %[2]s)) {
		return x >= %[2]s ? %[3]s : x <= %[1]s ? 0.0lf : x;
	}
	precise double kf = (x * %[4]s + %[5]s) - %[5]s;
	int k = int(kf);
	precise double r = (x - kf * %[6]s) - kf * %[7]s;
	precise double q = r * %[8]s + %[9]s;
	q = r * q + %[10]s;
	q = r * q + %[11]s;
	q = r * q + 0.5lf;
	precise double p = (r * r) * q + r;
	uvec2 t = FASTEXP_TABLE[k & %[12]d];
	t.y += uint(k >> %[13]d) << 20;
	double s = packDouble2x32(t);
	precise double e = s * p + s;
	return e;
}
`, d(c.MinArg), d(c.MaxArg), d(math.Inf(1)), d(c.InvLn2N), d(c.Shifter), d(c.Ln2HiN), d(c.Ln2LoN),
		d(c.Poly[0]), d(c.Poly[1]), d(c.Poly[2]), d(c.Poly[3]), len(c.Table)-1, c.TableBits)
	return s.String()
}

// DoubleLiteral writes a double as a GLSL constant expression of its
// exact bits, the decimal in a comment for the reader. A decimal literal
// with the lf suffix is not enough: NVIDIA's compiler (driver 580) reads
// "0.006lf" as the float nearest, and longer decimals to within an ulp or
// so, where Mesa rounds correctly.
func DoubleLiteral(x float64) string {
	b := math.Float64bits(x)
	return fmt.Sprintf("packDouble2x32(uvec2(0x%08xu, 0x%08xu)) /* %s */", uint32(b), uint32(b>>32), strconv.FormatFloat(x, 'g', -1, 64))
}

// fmaProbe computes fma(x, x, −1) for the x it is given.
const fmaProbe = `#version 430
layout(local_size_x = 1) in;
layout(std430, binding = 0) buffer Data { double d[]; };
void main() { d[1] = fma(d[0], d[0], -1.0lf); }
`

// FusedFMA reports whether the device computes GLSL's fma of doubles
// with one rounding, as math.FMA (NVIDIA's and AMD's do): Mesa's
// llvmpipe rounds the product and then the sum, and there fastexp is
// within an ulp of sim/fastexp rather than equal to it. Call it on the
// device's thread.
func FusedFMA() (bool, error) {
	src, err := shaders.Load("fma.comp", shaders.Generated{Name: "fma.comp", Text: fmaProbe})
	if err != nil {
		return false, err
	}
	prog, err := device.Compile(src)
	if err != nil {
		return false, err
	}
	defer prog.Delete()
	x := 1 + 0x1p-30 // x² − 1 = 2⁻²⁹ + 2⁻⁶⁰: rounded once it keeps 2⁻⁶⁰
	data := []float64{x, 0}
	raw := unsafe.Slice((*uint32)(unsafe.Pointer(&data[0])), 4)
	b := device.NewBuffer(raw, 0)
	defer b.Delete()
	b.Bind(0)
	prog.Use()
	prog.Dispatch(1)
	device.Read(b, 0, raw)
	return data[1] == math.FMA(x, x, -1), nil
}
