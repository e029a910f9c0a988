package pointmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"neurite/gpu/device/devicetest"
	"neurite/shaders"
	"neurite/sim/point"
)

// TestNetworkDerivTwin: each built-in model's right-hand side, as a
// network runs it in double precision (Network), against the CPU's
// (sim/point's Deriv) at random states: to the bit for the models of
// arithmetic alone (Izhikevich, FitzHugh–Nagumo, LIF), on any device;
// within a few units in the last place for those with exponentials,
// which the CPU takes from math.Exp or sim/fastexp and the device from
// fastexp's twin (exact only where its fma is fused).
func TestNetworkDerivTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, name := range []string{"izhikevich", "fhn", "lif", "inap", "inapk", "hh", "rate", "wilson-cowan"} {
		t.Run(name, func(t *testing.T) {
			m, err := point.Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			nm, err := Network(m)
			if err != nil {
				t.Fatal(err)
			}
			const n = 64
			stride := nm.NP + 2*nm.NV
			data := make([]float64, n*stride)
			want := make([]float64, n*nm.NV)
			base := make([]float64, len(m.Params))
			for k := range m.Params {
				base[k] = m.Params[k].Value
			}
			for i := range n {
				x := make([]float64, len(m.Vars))
				for k := range x {
					x[k] = m.Init[k] * (1 + 0.2*(r.Float64()-0.5))
					if x[k] == 0 {
						x[k] = 0.1 * r.Float64()
					}
				}
				for k := range m.Params {
					m.Params[k].Value = base[k]
				}
				m.Params[0].Value = base[0] + r.Float64() // the input
				params := make([]float64, len(m.Params))
				for k := range params {
					params[k] = m.Params[k].Value
				}
				copy(data[i*stride:], NetworkParams(m, params, nm.NP))
				copy(data[i*stride+nm.NP:], x)
				dx := make([]float64, len(m.Vars))
				m.Deriv(0, x, dx)
				copy(want[i*nm.NV:], dx)
			}
			text := fmt.Sprintf("#version 430\nlayout(local_size_x = 1) in;\nlayout(std430, binding = 0) buffer Data { double d[]; };\nlayout(std430, binding = 1) buffer Models { double rec[]; };\nconst int NP = %d, NV = %d;\ndouble p[NP];\ndouble refUntil = -1.0lf / 0.0lf;\n#include \"model.glsl\"\n", nm.NP, nm.NV) +
				fmt.Sprintf(`void main() {
	int i = int(gl_GlobalInvocationID.x) * %d;
	for (int k = 0; k < NP; k++) {
		p[k] = d[i + k];
	}
	prepare();
	int at = i + NP;
	State x = State(d[at], d[at + 1], d[at + 2], d[at + 3]); // NV = 4: an rvec4
	State dx = deriv(x, 0.0lf);
	d[at + NV] = dx.x;
	d[at + NV + 1] = dx.y;
	d[at + NV + 2] = dx.z;
	d[at + NV + 3] = dx.w;
}
`, stride)
			src, err := shaders.Load("deriv.comp", shaders.Generated{Name: "deriv.comp", Text: text}, shaders.Generated{Name: "model.glsl", Text: nm.Text})
			if err != nil {
				t.Fatal(err)
			}
			devicetest.Run(t, src, n, nil, devicetest.Words(data))
			exact := name == "izhikevich" || name == "fhn" || name == "lif"
			worst := 0.0
			for i := range n {
				for k := range len(m.Vars) {
					got, w := data[i*stride+nm.NP+nm.NV+k], want[i*nm.NV+k]
					d := math.Abs(got-w) / max(math.Abs(w), 1e-300)
					worst = max(worst, d)
					if exact && math.Float64bits(got) != math.Float64bits(w) || !(math.Abs(got-w) <= 1e-13*max(math.Abs(w), 1)) {
						t.Fatalf("instance %d, d%s/dt: %.17g on the device, %.17g on the CPU (x = %v, p = %v)", i, m.Vars[k].Name, got, w,
							data[i*stride+nm.NP:i*stride+nm.NP+len(m.Vars)], data[i*stride:i*stride+len(m.Params)])
					}
				}
			}
			t.Logf("worst relative difference %.2g (exact required: %v)", worst, exact)
		})
	}
}
