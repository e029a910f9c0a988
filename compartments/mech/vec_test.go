package mech

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/compartments/nmodl"
	"neurite/sim/fastexp"
)

// TestEvaluator compiles expressions of every form the evaluator has
// (vector with vector, with a constant on either side, comparisons with
// a constant on the left, exp, x^2, pow, a FUNCTION call, IF under a mask)
// and checks each instance's value against Go's arithmetic on that
// instance alone, to the bit, for groups of 1 to 9 instances (the scalar
// frame, the scalar tail, whole vectors) and of 600 (blocks of 256).
func TestEvaluator(t *testing.T) {
	cases := []struct {
		expr string
		want func(v, p float64) float64
	}{
		{"v + p", func(v, p float64) float64 { return v + p }},
		{"v - p", func(v, p float64) float64 { return v - p }},
		{"v * p", func(v, p float64) float64 { return v * p }},
		{"v / p", func(v, p float64) float64 { return v / p }},
		{"v - 3", func(v, p float64) float64 { return v - 3 }},
		{"3 - v", func(v, p float64) float64 { return 3 - v }},
		{"v / 7", func(v, p float64) float64 { return v / 7 }},
		{"7 / v", func(v, p float64) float64 { return 7 / v }},
		{"2 * v + 1", func(v, p float64) float64 { return 2*v + 1 }},
		{"-v", func(v, p float64) float64 { return -v }},
		{"(-v - 38)/6", func(v, p float64) float64 { return (-v - 38) / 6 }},
		{"-v * 3 + -p / 0.5", func(v, p float64) float64 { return -v*3 + -p/0.5 }},
		{"exp(v / 10)", func(v, p float64) float64 { return fastexp.Lane(v / 10) }},
		{"(0.182 * (v - -38))/(1 - (exp(-(v - -38)/6)))", func(v, p float64) float64 {
			return (0.182 * (v + 38)) / (1 - fastexp.Lane(-(v+38)/6))
		}},
		{"v^2", func(v, p float64) float64 { return v * v }},
		{"p^4.8", func(v, p float64) float64 { return power(p, 4.8) }},
		{"pow(p, v / 100)", func(v, p float64) float64 { return power(p, v/100) }},
		{"(v / 10)^3", func(v, p float64) float64 { return power(v/10, 3) }},
		{"1 + (v / 10)^p", func(v, p float64) float64 { return 1 + power(v/10, p) }},
		{"(v < -40)", func(v, p float64) float64 { return b2f(v < -40) }},
		{"(-40 < v)", func(v, p float64) float64 { return b2f(-40 < v) }},
		{"(-40 >= v)", func(v, p float64) float64 { return b2f(-40 >= v) }},
		{"(v == p)", func(v, p float64) float64 { return b2f(v == p) }},
		{"(v != -38) && (p > 1)", func(v, p float64) float64 { return b2f(v != -38 && p > 1) }},
		{"!(v > 0)", func(v, p float64) float64 { return b2f(!(v > 0)) }},
		{"fabs(v) + sq(p)", func(v, p float64) float64 { return math.Abs(v) + p*p }},
		{"sel(v)", func(v, p float64) float64 {
			if v > -20 {
				return v / 2
			}
			return -v
		}},
	}
	var assigns, names []string
	for i, c := range cases {
		names = append(names, fmt.Sprintf("y%d", i))
		assigns = append(assigns, fmt.Sprintf("\ty%d = %s", i, c.expr))
	}
	src := "NEURON { SUFFIX q RANGE p, " + strings.Join(names, ", ") + " }\nPARAMETER { p = 2 }\n" +
		"ASSIGNED { v " + strings.Join(names, " ") + " }\nBREAKPOINT {\n" + strings.Join(assigns, "\n") + "\n}\n" +
		"FUNCTION sq(x) { sq = x*x }\nFUNCTION sel(x) {\n\tif (x > -20) { sel = x/2 } else { sel = -x }\n}\n"
	_, m := compileSource(t, src)
	for _, n := range []int{1, 2, 3, 4, 5, 8, 9, 600} {
		g := m.NewGroup(n)
		c := &Cable{Node: make([]int32, n), V: make([]float64, n)}
		for k := range n {
			c.Node[k] = int32(k)
			c.V[k] = -90 + 130*float64(k%37)/36 // -90, ..., 40 with -38.9, -20, 0 among them
			g.Param[index(t, m.Params, "p")][k] = 0.5 + float64(k%5)
		}
		c.V[n-1] = -38
		i, di := make([]float64, n), make([]float64, n)
		g.Current(c, i, di)
		for ci, cs := range cases {
			y := g.Assigned[index(t, m.Assigned, names[ci])]
			for k := range n {
				want := cs.want(c.V[k], g.Param[index(t, m.Params, "p")][k])
				if math.Float64bits(y[k]) != math.Float64bits(want) {
					t.Errorf("n=%d, instance %d (v=%g): %s = %v, want %v", n, k, c.V[k], cs.expr, y[k], want)
				}
			}
		}
	}
}

// TestCurrentAgain: Current's second evaluation skips the assignments it
// cannot change (Hay's conductances) and gives the bits the full block
// gives; an assignment that reads v, a call, its own target or a
// variable set twice is run again.
func TestCurrentAgain(t *testing.T) {
	v := []float64{-80, -65, -38, -20, 10}
	skipped := 0
	for _, name := range hayMods {
		m := hay(t, name)
		if m.currentAgain == nil {
			continue
		}
		skipped++
		full := *m
		full.currentAgain = nil
		sameCurrents(t, name+", the second evaluation pruned and not", m, &full, v)
	}
	if skipped < 8 {
		t.Errorf("only %d Hay mechanisms skip their conductance in the second evaluation", skipped)
	}
	src := "NEURON { SUFFIX q RANGE g, x, y, z, w NONSPECIFIC_CURRENT i }\nPARAMETER { gbar = 1 }\nSTATE { m }\n" +
		"ASSIGNED { v g x y z w i }\nBREAKPOINT {\n\tg = gbar*m\n\tx = 1\n\tx = x + 2\n\ty = y + g\n\tz = f(1)\n\tw = g*v\n\ti = g*(v - 1)\n}\n" +
		"FUNCTION f(a) { f = a }\n"
	mod, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range vDependent(mod.Breakpoint.Stmts) {
		names = append(names, st.(*nmodl.Assign).Target.Name)
	}
	if want := "x x y z w i"; strings.Join(names, " ") != want {
		t.Errorf("run again: %v, want %s (g alone is the same in both)", names, want)
	}
	// A variable set under IF, or a block calling a PROCEDURE, keeps
	// everything that reads it.
	for _, tail := range []string{"\tif (v > 0) { x = 2 }\n\tg = x*m\n", "\tp()\n\tg = gbar*m\n"} {
		mod, err := nmodl.Parse("q.mod", []byte("NEURON { SUFFIX q RANGE g, x }\nPARAMETER { gbar = 1 }\nSTATE { m }\nASSIGNED { v g x }\n"+
			"BREAKPOINT {\n"+tail+"}\nPROCEDURE p() { x = v }\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := vDependent(mod.Breakpoint.Stmts); len(got) != len(mod.Breakpoint.Stmts) {
			t.Errorf("%q: %d of %d statements run again", tail, len(got), len(mod.Breakpoint.Stmts))
		}
	}
}

// TestCompareTwin: the comparisons four at a time give the scalar
// comparisons' values, NaN, infinities and signed zeros included.
func TestCompareTwin(t *testing.T) {
	xs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), -38, 1, 2.5, -1e300, 5e-324, 7, -38}
	ys := []float64{1, math.NaN(), math.Inf(1), math.Copysign(0, -1), 0, -38, 1, -2.5, -1e300, 0, 7, math.NaN()}
	for op := cmpLT; op <= cmpNE; op++ {
		for _, c := range []float64{-38, math.NaN(), 0} {
			for _, b := range [][]float64{ys, nil} {
				d := make([]float64, len(xs))
				compare(op, d, xs, b, c)
				for k, x := range xs {
					y := c
					if b != nil {
						y = b[k]
					}
					if want := b2f(op.holds(x, y)); math.Float64bits(d[k]) != math.Float64bits(want) {
						t.Errorf("comparison %d of %v and %v: %v, want %v", op, x, y, d[k], want)
					}
				}
			}
		}
	}
}

// TestCnexpFused: the fused cnexp update (insCnexp) gives each instance
// the bits of CnexpUpdate's tree computed by Go's arithmetic, operation
// by operation, for frames of one instance, of part of a vector, of whole
// vectors and of blocks; with edge values (a rate of zero's limit, a
// large dt·b that leaves exp's range, signed zeros); and where the tree
// stays (a constant a or b, a FUNCTION in b).
func TestCnexpFused(t *testing.T) {
	src := `NEURON { SUFFIX q RANGE tau, inf, r }
PARAMETER { tau = 2 inf = 0.5 r = 3 }
STATE { m h w z }
ASSIGNED { v }
BREAKPOINT { SOLVE states METHOD cnexp }
INITIAL {
	m = 0.25
	h = 0.75
	w = 0
	z = 1
}
DERIVATIVE states {
	m' = (inf - m)/tau
	h' = -(h - inf*v)/tau + r
	w' = -w/4
	z' = (1 - z)*k(v)
}
FUNCTION k(x) { k = x/100 }
`
	mod, m := compileSource(t, src)
	fused := 0
	for _, st := range mod.Proc("states").Body.Stmts {
		d := st.(*nmodl.Diff)
		if a, b, _ := linear(d.Value, d.State.Sym); varying(a) && varying(b) {
			fused++
		}
	}
	if fused != 2 {
		t.Errorf("%d of the 4 updates fused, want 2 (m and h)", fused)
	}
	tree := func(s, a, b, dt float64) float64 {
		e := fastexp.Lane(dt * b)
		one := 1 - e
		na := -a
		q := na / b
		q = q - s
		q = one * q
		return s + q
	}
	for _, dt := range []float64{0.025, 1e4} {
		for _, n := range []int{1, 2, 3, 4, 5, 9, 34, 600} {
			g := m.NewGroup(n)
			c := &Cable{Node: make([]int32, n), V: make([]float64, n), Dt: dt}
			tau, inf, r := g.Param[index(t, m.Params, "tau")], g.Param[index(t, m.Params, "inf")], g.Param[index(t, m.Params, "r")]
			for k := range n {
				c.Node[k] = int32(k)
				c.V[k] = -90 + 130*float64(k%37)/36
				tau[k] = []float64{2, 1e-3, 1e300, math.Inf(1), 0.5}[k%5]
				inf[k] = []float64{0.5, 0, math.Copysign(0, -1), 1}[k%4]
				r[k] = float64(k%3) - 1
			}
			g.Init(c)
			old := make([][]float64, len(g.State))
			for i := range g.State {
				old[i] = slices.Clone(g.State[i])
			}
			g.Advance(c)
			for k := range n {
				v := c.V[k]
				want := []float64{
					tree(old[0][k], inf[k]/tau[k], -1/tau[k], dt),
					tree(old[1][k], -(-(inf[k]*v))/tau[k]+r[k], -1/tau[k], dt),
				}
				for i, w := range want {
					if got := g.State[i][k]; math.Float64bits(got) != math.Float64bits(w) {
						t.Errorf("dt=%g n=%d instance %d: %s = %v, want %v", dt, n, k, m.States[i].Name, got, w)
					}
				}
			}
		}
	}
}

// TestUniformRefill: a group fills celsius and dt only when they change,
// but a changed value is seen at the next evaluation.
func TestUniformRefill(t *testing.T) {
	_, m := compileSource(t, "NEURON { SUFFIX q RANGE y }\nASSIGNED { v y }\nBREAKPOINT {\n\ty = dt*2 + celsius\n}\n")
	const n = 5
	g := m.NewGroup(n)
	c := &Cable{Node: make([]int32, n), V: make([]float64, n)}
	for k := range n {
		c.Node[k] = int32(k)
	}
	i, di := make([]float64, n), make([]float64, n)
	for _, step := range []struct{ dt, celsius float64 }{{0.025, 34}, {0.025, 34}, {0.1, 34}, {0.1, 6.3}, {0.025, 6.3}} {
		c.Dt, c.Celsius = step.dt, step.celsius
		g.Current(c, i, di)
		for k, y := range g.Assigned[index(t, m.Assigned, "y")] {
			if want := c.Dt*2 + c.Celsius; y != want {
				t.Errorf("dt=%g, celsius=%g: instance %d has y = %g, want %g", c.Dt, c.Celsius, k, y, want)
			}
		}
	}
}

// compileSource parses and compiles the .mod text src.
func compileSource(t *testing.T, src string) (*nmodl.Mod, *Mechanism) {
	t.Helper()
	mod, err := nmodl.Parse("q.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	return mod, m
}

// TestSharedSubexpressions: a subexpression repeated in an expression is
// computed once (Hay's α and β rates), a negated variable is left to the
// operation that folds it, and an expression calling a FUNCTION is
// compiled as it stands; TestEvaluator checks the values' bits.
func TestSharedSubexpressions(t *testing.T) {
	cases := []struct {
		expr  string
		instr int
	}{
		{"(0.182 * (v - -38))/(1 - (exp(-(v - -38)/6)))", 6}, // (v - -38) once
		{"(0.124 * (-v - 38))/(1 - (exp(-(-v - 38)/6)))", 6}, // (-v - 38) once
		{"(v + p)*(v + p) + exp(v + p) - exp(v + p)", 5},     // v + p, exp(v + p) once
		{"-v*3 + -v/2", 3},               // -v folded into each
		{"f(v + 1) + f(v + 1)", 2*2 + 1}, // a FUNCTION: both calls
		{"(v - 3)/(v - 4)", 3},           // nothing repeated
	}
	for _, tc := range cases {
		src := "NEURON { SUFFIX q RANGE p, y }\nPARAMETER { p = 2 }\nASSIGNED { v y }\nBREAKPOINT {\n\ty = " + tc.expr + "\n}\n" +
			"FUNCTION f(x) { f = x }\n"
		mod, err := nmodl.Parse("q.mod", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		c := newCompiler(mod, &Mechanism{Mod: mod, Name: mod.Name})
		if err := c.declare(); err != nil {
			t.Fatal(err)
		}
		x := &ctx{pool: c.newPool(), scopes: []map[string]int{{}}}
		op, err := c.exprShared(x, mod.Breakpoint.Stmts[0].(*nmodl.Assign).Value, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(op.prog) != tc.instr {
			t.Errorf("%s: %d instructions, want %d", tc.expr, len(op.prog), tc.instr)
		}
	}
}

// TestOhmicCurrent: a current g*(v - e) after v-independent statements
// (every Hay channel's BREAKPOINT) runs its conductance once and both
// evaluations in one pass, with the general path's bits for i, di, the
// ASSIGNED variables and the ion currents; other forms keep the general
// path.
func TestOhmicCurrent(t *testing.T) {
	v := []float64{-38, 0, math.Copysign(0, -1)}
	for k := range 200 {
		v = append(v, -90+0.65*float64(k)+1e-3*float64(k%7))
	}
	fused := 0
	for _, name := range hayMods {
		m := hay(t, name)
		if m.ohmic == nil {
			continue
		}
		fused++
		general := *m
		general.ohmic, general.conductance = nil, nil
		sameCurrents(t, name+", in one pass and by the general path", m, &general, v)
	}
	if fused < 9 {
		t.Errorf("only %d Hay mechanisms' currents are ohmic", fused)
	}
	for _, tc := range []struct {
		breakpoint string
		ohmic      bool
	}{
		{"g = gbar*m\n\ti = g*(v - e)", true},
		{"i = (v - e)*gbar", true},
		{"i = gbar*(v - -80)", true},
		{"i = 2*(v - e)", true},
		{"g = gbar*m*v\n\ti = g*(v - e)", false}, // g depends on v
		{"i = gbar*(v - e)*2", false},
		{"i = gbar*v", false},
		{"i = i*(v - e)", false},
		{"g = gbar*m\n\ti = g*(v - e)\n\tj = g", false}, // j after i
		{"g = gbar*m\n\tj = i\n\ti = g*(v - e)", false}, // reads i
	} {
		src := "NEURON { SUFFIX q RANGE g, j NONSPECIFIC_CURRENT i }\nPARAMETER { gbar = 1 e = -70 }\nSTATE { m }\n" +
			"ASSIGNED { v g i j }\nBREAKPOINT {\n\t" + tc.breakpoint + "\n}\n"
		_, m := compileSource(t, src)
		if (m.ohmic != nil) != tc.ohmic {
			t.Errorf("%q: ohmic %v, want %v", tc.breakpoint, m.ohmic != nil, tc.ohmic)
		}
	}
}

// sameCurrents runs Current of a and of b (two compilations of one
// mechanism) on Hay cables at voltages v and checks that i, di, the
// ASSIGNED variables and the ion currents are the same to the bit.
func sameCurrents(t *testing.T, what string, a, b *Mechanism, v []float64) {
	t.Helper()
	var got [2][][]float64
	for k, m := range []*Mechanism{a, b} {
		c := hayCable(slices.Clone(v))
		g := m.NewGroup(len(v))
		g.Init(c)
		i, di := make([]float64, len(v)), make([]float64, len(v))
		g.Current(c, i, di)
		got[k] = append([][]float64{i, di}, g.Assigned...)
		for _, ion := range slices.Sorted(maps.Keys(c.Ions)) {
			got[k] = append(got[k], c.Ions[ion].I)
		}
	}
	for j := range got[0] {
		for k := range got[0][j] {
			if math.Float64bits(got[0][j][k]) != math.Float64bits(got[1][j][k]) {
				t.Errorf("%s: vector %d, instance %d: %v against %v", what, j, k, got[0][j][k], got[1][j][k])
			}
		}
	}
}
