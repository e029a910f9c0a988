package sweep

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/shaders"
	"neurite/sim/point"
)

// typedModel parses a model typed as equations.
func typedModel(t testing.TB, src string) *point.Model {
	t.Helper()
	m, err := point.Parse(strings.NewReader(src), "test.ode")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// deviceDeriv evaluates a model's right-hand side on the device, as
// point.comp would, at each state: the time, then the model's variables;
// the stimulus is first followed up to the time in half steps of 0.01 ms.
func deviceDeriv(t *testing.T, m *point.Model, states [][]float32) [][]float32 {
	t.Helper()
	model, err := modelSource(m)
	if err != nil {
		t.Fatal(err)
	}
	const probe = `#version 430
layout(local_size_x = 1) in;
layout(std430, binding = 0) buffer Data { float rec[]; };
float p[NP];
int trainAt = -1;
#include "model.glsl"
void main() {
	int at = NP + (1 + 2 * NV) * int(gl_GlobalInvocationID.x);
	for (int k = 0; k < NP; k++) {
		p[k] = rec[k];
	}
	// A Poisson train's cursor follows time in half steps (dt = 0.01).
	for (float s = 0.0; s < rec[at]; s += 0.005) {
		stim(s);
	}
	store(at + 1 + NV, deriv(load(at + 1), rec[at]));
}
`
	src, err := shaders.Load("probe.comp", shaders.Generated{Name: "probe.comp", Text: probe}, shaders.Generated{Name: "model.glsl", Text: model.Text})
	if err != nil {
		t.Fatal(err)
	}
	nv, np := model.NV, model.NP
	data := make([]float32, np+(1+2*nv)*len(states))
	for k, p := range m.Params {
		data[k] = float32(p.Value)
	}
	for i, s := range states {
		copy(data[np+(1+2*nv)*i:], s)
	}
	err = devicetest.Shared(t).Do(func() error {
		prog, err := device.Compile(src.Define("NV", nv).Define("NP", np))
		if err != nil {
			return err
		}
		defer prog.Delete()
		b := device.NewBuffer(data, 0)
		defer b.Delete()
		b.Bind(0)
		prog.Use()
		defer bindTrain(prog, m.Stim)()
		prog.Dispatch(len(states))
		device.Read(b, 0, data)
		return nil
	})
	if err != nil {
		t.Fatalf("%v\nmodel.glsl:\n%s", err, model.Text)
	}
	out := make([][]float32, len(states))
	for i := range out {
		at := np + (1+2*nv)*i + 1 + nv
		out[i] = data[at : at+nv]
	}
	return out
}

// TestTranslateAgainstCPU evaluates typed models' right-hand sides on the
// device and on the CPU (expr-lang in double precision) at states over a
// range of signs and sizes: every operator and function a typed model may
// use gives the same value within single precision.
func TestTranslateAgainstCPU(t *testing.T) {
	exprs := []string{
		"a + b*c - a/b", "-a^2", "a^3 - 2*a^-2", "b^0.5 + b**1.5", "pow(a, 3) + pow(b, 0.25)", "(-2)^3 * a",
		"exp(-a) + log(b) + log10(b) + sqrt(b)", "tanh(a) + cosh(a) - sinh(a) + atan(a)",
		"sin(a) + cos(a) + tan(0.1*a)", "heav(a) + abs(a) + floor(a) + ceil(a) + round(a)",
		"min(a, b, c) + max(a, b)", "a > 0 ? a : b", "a > 0 && b > 0 ? 1 : 0", "a > 0 and b > 1 ? 1 : 0", "not (a > b) ? 2 : 3", "!(a < b) || a < -1 ? 1 : 0",
		"a >= b or c == 1.5 ? 1 : 0", "pi*a + 1e-3*t*a", "if a < 0 { b } else { -b }", "q*q + a",
		"a/(exp(a/b) - 1)", "1/(1 + exp(-(a - c)/b))", "a^15 + b^-7 + a^8", "round(a + 0.49999997)", "round(8388609 + a*0) - 8388609",
	}
	var states [][]float32
	for _, a := range []float32{-2.5, -0.5, 0, 0.5, 2.5} {
		for _, b := range []float32{0.3, 1.7} {
			states = append(states, []float32{0.7, a, b, 0.1, -0.2, 1, 2, 3, 4})
		}
	}
	// Eight expressions a model: its state is a float[8] on the device.
	vars := []string{"a", "b", "x3", "x4", "x5", "x6", "x7", "x8"}
	for start := 0; start < len(exprs); start += len(vars) {
		group := exprs[start:min(start+len(vars), len(exprs))]
		var src strings.Builder
		src.WriteString("par c=1.5, e=2\ninit a=0, b=1\nq = a*b + e\n")
		for k, v := range vars {
			e := "0"
			if k < len(group) {
				e = group[k]
			}
			fmt.Fprintf(&src, "%s' = %s\n", v, e)
		}
		m := typedModel(t, src.String())
		got := deviceDeriv(t, m, states)
		for i, s := range states {
			x := make([]float64, len(vars))
			for k := range x {
				x[k] = float64(s[1+k])
			}
			want := make([]float64, len(vars))
			m.Deriv(float64(s[0]), x, want)
			for k, e := range group {
				g, w := float64(got[i][k]), want[k]
				if !(math.Abs(g-w) <= 2e-5*math.Max(1, math.Abs(w))) && g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
					t.Errorf("%s at a = %g, b = %g: GPU %g, CPU %g", e, s[1], s[2], g, w)
				}
			}
		}
	}
}

// TestTranslateRefuses: what the device cannot run is refused with the
// reason, the file and the line.
func TestTranslateRefuses(t *testing.T) {
	var seventeen string
	for k := range 17 {
		seventeen += fmt.Sprintf("x%d' = -x%d\n", k, k)
	}
	for _, c := range []struct{ src, want string }{
		{seventeen, "17 variables; the GPU sweeps models of up to 16"},
		{"init a=0\na' = len([1, 2]) - a\n", "test.ode:2: the GPU cannot translate the function len"},
		{"init a=0\na' = (a in [1.0, 2.0] ? 1 : 0) - a\n", "test.ode:2: the GPU cannot translate"},
	} {
		m, err := point.Parse(strings.NewReader(c.src), "test.ode")
		if err != nil {
			t.Fatal(err)
		}
		_, err = modelSource(m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.src, err, c.want)
		}
	}
	// The GPU translates the tree the CPU compiles, constants folded:
	// 5 % 3 is 2 there, though GLSL has no % of floats.
	folded, err := point.Parse(strings.NewReader("par k=2\ninit a=0\na' = 5 % 3 - a\n"), "test.ode")
	if err != nil {
		t.Fatal(err)
	}
	if src, err := modelSource(folded); err != nil || !strings.Contains(src.Text, "(2e+00 - x[0])") {
		t.Errorf("5 %% 3 - a: %v\n%s", err, src.Text)
	}
	m, _ := point.Builtin("fhn")
	m.Stim, _ = point.ParseStimulus("step:amp=0.5,from=10,to=20+poisson:rate=100,weight=1,tau=2,to=100+poisson:rate=50,weight=1,tau=2,to=100,seed=2")
	if _, err := modelSource(m); err == nil || !strings.Contains(err.Error(), "one Poisson train") {
		t.Errorf("a model with two Poisson trains: %v", err)
	}
}

// TestStimulusAgainstCPU evaluates the input of a model with each kind of
// stimulus the device runs on the device and on the CPU, at times before,
// in and after them, edges included.
func TestStimulusAgainstCPU(t *testing.T) {
	m := typedModel(t, "par I=0.25\ninit a=0\na' = I\n")
	var states [][]float32
	for _, tm := range []float32{0, 4.5, 5, 9.99, 10, 12.5, 15, 17.25, 20, 30, 31, 60} {
		states = append(states, []float32{tm, 0})
	}
	for _, spec := range []string{
		"step:amp=2,from=10,to=20", "ramp:from=10,to=20,start=1,end=3", "pulses:amp=1.5,width=1,period=5,from=5,to=31",
		"sine:amp=2,freq=40,offset=0.5,from=10", "step:amp=1,from=5+sine:amp=1,freq=25,to=30",
		"pulses:amp=1,width=inf,period=5,from=12",
		"poisson:rate=200,weight=0.7,tau=3,from=2,to=40,seed=5", "step:amp=1,from=5+poisson:rate=100,weight=2,tau=1,to=30",
	} {
		var err error
		if m.Stim, err = point.ParseStimulus(spec); err != nil {
			t.Fatal(err)
		}
		got := deviceDeriv(t, m, states)
		for i, s := range states {
			want := make([]float64, 1)
			m.Deriv(float64(s[0]), []float64{0}, want)
			if math.Abs(float64(got[i][0])-want[0]) > 1e-5 {
				t.Errorf("%s at t = %g: GPU %g, CPU %g", spec, s[0], got[i][0], want[0])
			}
		}
	}
}

// TestTrainFits: poisson passes at most trainAdvance events a call, half
// a step apart; a train denser than that is left to the CPU.
func TestTrainFits(t *testing.T) {
	for _, c := range []struct {
		rate float64
		want bool
	}{{200, true}, {5e6, false}} {
		p := point.NewPoisson(c.rate, 1, 2, 0, 100, 1)
		if got := trainFits(p, 0.01); got != c.want {
			t.Errorf("%g Hz: fits %v", c.rate, got)
		}
	}
}
