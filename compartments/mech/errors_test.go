package mech

import (
	"math"
	"strings"
	"testing"

	"neurite/compartments/nmodl"
)

// TestUnsupported checks that what Compile cannot run is an error naming
// the file, the line and the construct.
func TestUnsupported(t *testing.T) {
	const head = "NEURON { SUFFIX q }\nSTATE { m a b }\nBREAKPOINT { SOLVE s METHOD cnexp }\n"
	for _, tc := range []struct{ name, src, want string }{
		{"square", head + "DERIVATIVE s {\n\tm' = -m*m\n}\n", "q.mod:5: cnexp: m' = ... is not linear in m (a product of two terms in it)"},
		{"exp", head + "DERIVATIVE s {\n\tm' = 1\n\ta' = exp(a)\n}\n", "q.mod:6: cnexp: a' = ... is not linear in a (in a call of exp)"},
		{"divisor", head + "DERIVATIVE s {\n\tm' = 1/(1 + m)\n}\n", "q.mod:5: cnexp: m' = ... is not linear in m (it divides)"},
		{"condition", head + "DERIVATIVE s {\n\tm' = (m > 0.5)\n}\n", "q.mod:5: cnexp: m' = ... is not linear in m (under >)"},
		{"recursion", head + "DERIVATIVE s {\n\tm' = f(1)\n}\nFUNCTION f(x) {\n\tf = g(x)\n}\nFUNCTION g(x) {\n\tg = f(x - 1)\n}\n",
			"q.mod:11: FUNCTION f calls itself (recursion is not supported)"},
		{"nonlinear reaction", "NEURON { SUFFIX q }\nSTATE { a b c }\nBREAKPOINT { SOLVE k METHOD sparse }\nKINETIC k {\n\t~ a + b <-> c (1, 2)\n}\n",
			"q.mod:5: reaction with more than one state or a coefficient on a side (nonlinear) is not supported"},
		{"net_send in NET_RECEIVE's INITIAL", "NEURON { POINT_PROCESS q }\nNET_RECEIVE(w) {\n\tINITIAL {\n\t\tnet_send(1, 2)\n\t}\n}\n",
			"q.mod:4: net_send in NET_RECEIVE's INITIAL is not supported"},
		{"steady derivimplicit", "NEURON { SUFFIX q }\nSTATE { m }\nINITIAL {\n\tSOLVE s STEADYSTATE derivimplicit\n}\nDERIVATIVE s { m' = 1 - m }\n",
			"q.mod:4: SOLVE s derivimplicit outside BREAKPOINT is not supported"},
	} {
		m, err := nmodl.Parse("q.mod", []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_, err = Compile(m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestLinearCnexp checks the symbolic split on equations nocmodl's cnexp
// takes: the update equals the exact solution of x' = a + b*x.
func TestLinearCnexp(t *testing.T) {
	src := "NEURON { SUFFIX q RANGE k }\nPARAMETER { k = 2 }\nSTATE { m c }\nBREAKPOINT { SOLVE s METHOD cnexp }\n" +
		"DERIVATIVE s {\n\tfabs(-1)\n\tm' = -(3*m - 1)/k + 0.5\n\tc' = k\n}\n"
	m, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mech, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	g := mech.NewGroup(1)
	g.State[0][0], g.State[1][0] = 0.1, 5
	c := &Cable{Node: []int32{0}, V: []float64{-65}, Dt: 0.1}
	g.Advance(c)
	// m' = 1 - 1.5 m: m -> inf + (m - inf) exp(-1.5 dt), inf = 2/3
	inf := 1 / 1.5
	if want := inf + (0.1-inf)*math.Exp(-1.5*0.1); !within(g.State[0][0], want, 1e-14, 1) {
		t.Errorf("m = %.17g, want %.17g", g.State[0][0], want)
	}
	if want := 5 + 0.1*2.0; g.State[1][0] != want {
		t.Errorf("c = %.17g, want %.17g", g.State[1][0], want)
	}
}

// TestDerivimplicit checks backward Euler on a linear and a nonlinear
// pair of equations against their closed-form solutions.
func TestDerivimplicit(t *testing.T) {
	src := "NEURON { SUFFIX q }\nPARAMETER { inf = 0.7 tau = 3 }\nSTATE { m a }\nBREAKPOINT { SOLVE s METHOD derivimplicit }\n" +
		"DERIVATIVE s {\n\tm' = (inf - m)/tau\n\ta' = -a*a + m - m\n}\n"
	m, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mech, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if mech.Method != "derivimplicit" {
		t.Errorf("method %q", mech.Method)
	}
	g := mech.NewGroup(2)
	g.State[0][0], g.State[0][1] = 0.1, 0.9
	g.State[1][0], g.State[1][1] = 2, 0.5
	const dt = 0.1
	c := &Cable{Node: []int32{0, 0}, V: []float64{-65}, Dt: dt}
	g.Advance(c)
	for k, x := range []struct{ m, a float64 }{{0.1, 2}, {0.9, 0.5}} {
		wm := (x.m + dt*0.7/3) / (1 + dt/3)
		// a1 = a0 - dt*a1^2
		wa := (-1 + math.Sqrt(1+4*dt*x.a)) / (2 * dt)
		if !within(g.State[0][k], wm, 1e-12, 1) || !within(g.State[1][k], wa, 1e-12, 1) {
			t.Errorf("instance %d: m, a = %.17g, %.17g; want %.17g, %.17g", k, g.State[0][k], g.State[1][k], wm, wa)
		}
	}
}
