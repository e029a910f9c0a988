package mechglsl

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/shaders"
)

var hayMods = []string{"CaDynamics_E2", "Ca_HVA", "Ca_LVAst", "Ih", "Im", "K_Pst", "K_Tst", "NaTa_t", "Nap_Et2", "SK_E2", "SKv3_1"}

var ions = []string{"na", "k", "ca"}

func hay(t *testing.T, name string) *mech.Mechanism {
	t.Helper()
	mod, err := nmodl.ReadFile(filepath.Join("../../assets/models/nmodl_hay_cell/mod", name+".mod"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mech.Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// kernel runs op (0 init, 1 current, 2 advance) for every instance of a
// mechanism whose GLSL is src; buf is [instance words | ions | v | i | di].
const kernel = `#version 430
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer Buf { double buf[]; };
uniform int n, op, ionBase, vBase;
uniform double t;
#define MECH_DATA buf
#define MECH_ION(k, f, node) buf[ionBase + ((k) * 4 + (f)) * n + (node)]
#define MECH_AREA(node) (100.0lf + double(node)) // as newInstances's cable
#define MECH_CELSIUS 34.0lf
#define MECH_DT packDouble2x32(uvec2(0x9999999au, 0x3f999999u)) // 0.025, which NVIDIA would read from 0.025lf in single precision
#include "prelude.glsl"
#include "mech.glsl"
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= n) {
		return;
	}
	double v = buf[vBase + i];
	if (op == 0) {
		P_init(0, n, i, i, v, t);
	} else if (op == 1) {
		double di;
		buf[vBase + n + i] = P_current(0, n, i, i, v, t, di);
		buf[vBase + 2 * n + i] = di;
	} else {
		P_advance(0, n, i, i, v, t);
	}
}
`

// instances is a random population of one mechanism, both as mech's group
// and cable and as the kernel's buffer.
type instances struct {
	g   *mech.Group
	c   *mech.Cable
	lay Layout
	i   []float64
	di  []float64
}

// guards are voltages where the Hay rates take their IF branches.
var guards = []float64{-27, -38, -66, -154.9, -17, -64.4, -50}

func newInstances(m *mech.Mechanism, lay Layout, n int, r *rand.Rand) *instances {
	in := &instances{g: m.NewGroup(n), lay: lay, i: make([]float64, n), di: make([]float64, n)}
	c := &mech.Cable{Node: make([]int32, n), V: make([]float64, n), Area: make([]float64, n), Celsius: 34, Dt: 0.025, T: 12.5, Ions: map[string]*mech.IonNodes{}}
	for k := range n {
		c.Node[k] = int32(k)
		c.Area[k] = 100 + float64(k)
		c.V[k] = -100 + 160*r.Float64()
		if k < len(guards) {
			c.V[k] = guards[k]
		}
	}
	for _, name := range ions {
		io := &mech.IonNodes{E: make([]float64, n), Ci: make([]float64, n), Co: make([]float64, n), I: make([]float64, n)}
		for k := range n {
			io.E[k] = map[string]float64{"na": 50, "k": -85, "ca": 120}[name] + 10*r.NormFloat64()
			io.Ci[k] = math.Exp(math.Log(1e-5) + r.Float64()*math.Log(100))
			if k == n-1 {
				io.Ci[k] = 1e-8 // SK_E2's ca < 1e-7 branch
			}
			io.Co[k] = 1 + 2*r.Float64()
			io.I[k] = -0.01 * r.Float64()
		}
		c.Ions[name] = io
	}
	in.c = c
	for j := range m.Params {
		for k := range n {
			in.g.Param[j][k] *= 0.5 + r.Float64()
		}
	}
	for j, s := range m.States {
		for k := range n {
			in.g.State[j][k] = r.Float64()
			if s.Name == "cai" {
				in.g.State[j][k] = c.Ions["ca"].Ci[k]
			}
		}
	}
	return in
}

// words is the kernel's buffer of the population.
func (in *instances) words() []float64 {
	n := in.g.N
	w := make([]float64, 0, (in.lay.Words+4*len(ions)+3)*n)
	for _, vs := range [][][]float64{in.g.Param, in.g.State, in.g.Assigned} {
		for _, x := range vs {
			w = append(w, x...)
		}
	}
	w = append(w, make([]float64, (in.lay.Words-len(w)/n)*n)...)
	for _, name := range ions {
		io := in.c.Ions[name]
		w = slices.Concat(w, io.E, io.I, io.Ci, io.Co)
	}
	w = slices.Concat(w, in.c.V, in.i, in.di)
	return w
}

// run compiles the kernel for src and runs op over buf, returning it.
func run(t *testing.T, src string, op int, buf []float64, n, ionBase, vBase int, tNow float64) []float64 {
	t.Helper()
	sh, err := shaders.Load("mechtest.comp", shaders.Generated{Name: "mechtest.comp", Text: kernel},
		shaders.Generated{Name: "prelude.glsl", Text: Prelude()}, shaders.Generated{Name: "mech.glsl", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(buf)
	devicetest.Run(t, sh, (n+63)/64, func(prog *device.Program) {
		prog.SetInt("n", n)
		prog.SetInt("op", op)
		prog.SetInt("ionBase", ionBase)
		prog.SetInt("vBase", vBase)
		prog.SetDouble("t", tNow)
	}, devicetest.Words(out))
	return out
}

// TestHayOnDevice evaluates each Hay mechanism's INITIAL, current and
// state update on the device and with mech's Go closures, over random
// parameters, states, voltages (and the rate functions' guard voltages)
// and ions, and compares every variable, the ions, i and di/dv.
//
// The tolerance is 1e-10 relative to the largest magnitude of each
// quantity across the instances: the device's exp (fastexp) is within 2
// ulp of math.Exp and its log within a few, and the formulas amplify that
// at most by their condition numbers (x/(exp(x)-1) near its removable
// singularity, by about 1/|x| for the |x| ≥ 1e-4 random voltages give)
// and di/dv by |i|/0.001 — far below 1e-10 — while any difference of
// semantics (a branch, an order of updates, a unit constant) shows as a
// relative error of order one.
func TestHayOnDevice(t *testing.T) {
	for _, name := range hayMods {
		t.Run(name, func(t *testing.T) { onDevice(t, hay(t, name), uint64(len(name))) })
	}
}

// TestAreaOnDevice: a mechanism that reads the node's area (µm²) gets
// the cable's, as on the CPU.
func TestAreaOnDevice(t *testing.T) {
	const src = "NEURON { SUFFIX q NONSPECIFIC_CURRENT i RANGE g, a }\nPARAMETER { g = 0.001 }\nASSIGNED { i a v }\n" +
		"BREAKPOINT {\n\ta = area\n\ti = g*(v + 65)*a/1000\n}\n"
	mod, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mech.Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	onDevice(t, m, 7)
}

// TestDerivimplicitOnDevice: backward Euler by Newton's method on a
// pair of states coupled nonlinearly, as mech runs it.
func TestDerivimplicitOnDevice(t *testing.T) {
	const src = "NEURON { SUFFIX q USEION k READ ek WRITE ik RANGE gbar }\nPARAMETER { gbar = 0.01 }\nSTATE { m h }\n" +
		"ASSIGNED { ik ek v minf mtau }\nBREAKPOINT {\n\tSOLVE s METHOD derivimplicit\n\tik = gbar*m*m*h*(v - ek)\n}\n" +
		"INITIAL {\n\tm = 0.1\n\th = 0.9\n}\nDERIVATIVE s {\n\tminf = 1/(1 + exp(-(v + 40)/7))\n\tmtau = 0.1 + 5*exp(-((v + 50)/20)^2)\n" +
		"\tm' = (minf - m)/mtau\n\th' = -h*m*m/(0.5 + m) + (1 - h)*(1 - h)/2\n}\n"
	mod, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mech.Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	onDevice(t, m, 11)
}

// TestKineticOnDevice: KINETIC blocks SOLVEd by sparse, for a step and
// to the steady state (INITIAL), as mech solves them: na8st's eight
// states with CONSERVE (the kinetics reference case), and a scheme with a
// flux and CONSERVE coefficients.
func TestKineticOnDevice(t *testing.T) {
	na8st, err := nmodl.ReadFile("../../assets/models/nmodl_kinetics_point/mod/na8st.mod")
	if err != nil {
		t.Fatal(err)
	}
	const src = "NEURON { SUFFIX q NONSPECIFIC_CURRENT i RANGE kf }\nPARAMETER { kf = 0.3 }\nSTATE { a b c }\nASSIGNED { i v }\n" +
		"BREAKPOINT {\n\tSOLVE k METHOD sparse\n\ti = 1e-3*b*(v + 70)\n}\nINITIAL {\n\tSOLVE k STEADYSTATE sparse\n}\n" +
		"KINETIC k {\n\tLOCAL e\n\te = exp(v/20)\n\t~ a <-> b (kf*e, 0.2)\n\t~ b <-> c (0.1, 0.05/e)\n\t~ a << (0.01)\n\tCONSERVE a + 2b + c = 1.5\n}\n"
	inline, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, mod := range []*nmodl.Mod{na8st, inline} {
		t.Run(mod.Name, func(t *testing.T) {
			m, err := mech.Compile(mod)
			if err != nil {
				t.Fatal(err)
			}
			onDevice(t, m, uint64(20+k))
		})
	}
}

// onDevice runs m's INITIAL, current and state update on the device and
// with mech's closures over random populations and compares them.
func onDevice(t *testing.T, m *mech.Mechanism, seed uint64) {
	const n = 200
	src, lay, err := Emit(m, ions)
	if err != nil {
		t.Fatal(err)
	}
	src = renamed(src, m.Name)
	r := rand.New(rand.NewPCG(1, seed))
	for op, what := range []string{"init", "current", "advance"} {
		in := newInstances(m, lay, n, r)
		buf := in.words()
		ionBase, vBase := lay.Words*n, (lay.Words+4*len(ions))*n
		got := run(t, src, op, buf, n, ionBase, vBase, in.c.T)
		switch op {
		case 0:
			in.g.Init(in.c)
		case 1:
			in.g.Current(in.c, in.i, in.di)
		case 2:
			in.g.Advance(in.c)
		}
		want := in.words()
		compare(t, what, m, lay, n, got, want)
	}
}

// renamed makes the mechanism's prefix P, the kernel's.
func renamed(src, name string) string {
	return "#define " + name + "_init P_init\n#define " + name + "_current P_current\n#define " + name + "_advance P_advance\n" + src
}

// compare checks each quantity (a run of n words) of got against want.
func compare(t *testing.T, what string, m *mech.Mechanism, lay Layout, n int, got, want []float64) {
	t.Helper()
	var names []string
	for _, vs := range [][]mech.Var{m.Params, m.States, m.Assigned} {
		for _, v := range vs {
			names = append(names, v.Name)
		}
	}
	for range lay.Words - len(names) {
		names = append(names, "(internal)")
	}
	for _, ion := range ions {
		for _, f := range []string{"e", "i", "ci", "co"} {
			names = append(names, ion+" "+f)
		}
	}
	names = append(names, "v", "i", "di/dv")
	for q, name := range names {
		if name == "(internal)" {
			continue // mech keeps these in its own scratch
		}
		g, w := got[q*n:(q+1)*n], want[q*n:(q+1)*n]
		scale := 0.0
		for _, x := range w {
			scale = math.Max(scale, math.Abs(x))
		}
		worst, at := 0.0, 0
		for k := range w {
			if d := math.Abs(g[k] - w[k]); d > worst || math.IsNaN(d) {
				worst, at = d, k
				if math.IsNaN(d) {
					worst = math.Inf(1)
				}
			}
		}
		if worst > 1e-10*scale {
			t.Errorf("%s %s: instance %d: device %v, Go %v (scale %g)", what, name, at, g[at], w[at], scale)
		}
	}
}
