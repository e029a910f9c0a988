package nmodl

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mustParse parses src as "t.mod".
func mustParse(t *testing.T, src string) *Mod {
	t.Helper()
	m, err := Parse("t.mod", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return m
}

// Expressions have nocmodl's operators with C's precedence, ^ binding
// tighter than unary minus and to the right; literals may carry units.
func TestExpressions(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a + b * c", "(a + (b * c))"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b / c", "((a / b) / c)"},
		{"-x^2", "(-(x ^ 2))"},
		{"a^b^c", "(a ^ (b ^ c))"},
		{"2^-x", "(2 ^ (-x))"},
		{"-(v+75)/48", "((-(v + 75)) / 48)"},
		{"exp(-v * -0.026)", "exp(((-v) * (-0.026)))"},
		{"a < b && c >= d || !e", "(((a < b) && (c >= d)) || (!e))"},
		{"a == b < c", "(a == (b < c))"},
		{"a != b", "(a != b)"},
		{"a <= +b", "(a <= (+b))"},
		{"0.2*20.000(ms)/(1+x)", "((0.2 * 20.000(ms)) / (1 + x))"},
		{"1e-7 (mM) + .5 + 1.E3", "((1e-7(mM) + .5) + 1.E3)"},
		{"0.00043 (mM)/ a", "(0.00043(mM) / a)"},
		{"2.3^((34-21)/10)", "(2.3 ^ ((34 - 21) / 10))"},
		{"pow(a, 2) + fabs(b) + log(c)", "((pow(a, 2) + fabs(b)) + log(c))"},
		{"f(a, b*c)", "f(a, (b * c))"},
		{"x / (1 (ms))", "(x / 1(ms))"},
	} {
		src := "NEURON { SUFFIX s }\nPARAMETER { a b c d e x }\nASSIGNED { r }\nBREAKPOINT { r = " + c.src + " }\n" +
			"FUNCTION f(p, q) { f = p + q }\n"
		m := mustParse(t, src)
		if got := show(m.Breakpoint.Stmts[0].(*Assign).Value); got != c.want {
			t.Errorf("%s: %s, want %s", c.src, got, c.want)
		}
	}
}

// Each statement reads into the tree it means.
func TestStatements(t *testing.T) {
	const head = "NEURON { SUFFIX s RANGE g }\nPARAMETER { g = 1 }\nASSIGNED { v a b minf }\nSTATE { m n }\n"
	for _, c := range []struct {
		name, src string
		block     func(*Mod) *Block
		want      string
	}{
		{"if else if else", "PROCEDURE p() { if (v < -50) { a = 1 } else if (v == -38) { a = 2 } ELSE { a = 3 } }",
			proc(0), "{if (v < (-50)) {a = 1} else {if (v == (-38)) {a = 2} else {a = 3}}}"},
		{"LOCAL and arguments", "PROCEDURE rates(v (mV), k) { LOCAL q, r\n q = v*k r = q a = r }",
			proc(0), "{LOCAL q, r; q = (v * k); r = q; a = r}"},
		{"DERIVATIVE", "DERIVATIVE states { rates() m' = (minf - m)/2 n' = -n }\nPROCEDURE rates() { minf = 1 }",
			proc(0), "{rates(); m' = ((minf - m) / 2); n' = (-n)}"},
		{"SOLVE cnexp", "BREAKPOINT { SOLVE states METHOD cnexp a = g*m }\nDERIVATIVE states { m' = -m }",
			brk, "{SOLVE states METHOD cnexp; a = (g * m)}"},
		{"SOLVE derivimplicit", "BREAKPOINT { SOLVE states METHOD derivimplicit }\nDERIVATIVE states { m' = -m }",
			brk, "{SOLVE states METHOD derivimplicit}"},
		{"SOLVE sparse, STEADYSTATE", "BREAKPOINT { SOLVE kin METHOD sparse }\nINITIAL { SOLVE kin STEADYSTATE sparse }\nKINETIC kin { ~ m <-> n (a, b) }",
			ini, "{SOLVE kin STEADYSTATE sparse}"},
		{"KINETIC", "KINETIC kin { ~ m <-> n (a, b)\n ~ 2m + n <-> n (1, 2)\n ~ m << (a*b)\n CONSERVE m + n = 1 }",
			proc(0), "{~ m <-> n (a, b); ~ 2m + n <-> n (1, 2); ~ m << ((a * b)); CONSERVE m + n = 1}"},
		{"FUNCTION with TABLE", "FUNCTION f(x (mV)) (ms) { TABLE DEPEND g FROM -100 TO 100 WITH 200\n f = x*g }",
			proc(0), "{TABLE  DEPEND g FROM (-100) TO 100 WITH 200; f = (x * g)}"},
		{"PROCEDURE with TABLE", "PROCEDURE rates(v) { TABLE minf, a DEPEND celsius FROM -100 TO 100 WITH 200\n minf = v a = v }",
			proc(0), "{TABLE minf,a DEPEND celsius FROM (-100) TO 100 WITH 200; minf = v; a = v}"},
		{"calls", "INITIAL { rates(v) m = f(1) }\nPROCEDURE rates(x) { minf = x }\nFUNCTION f(x) { f = exp(x) }",
			ini, "{rates(v); m = f(1)}"},
		{"UNITSOFF inside a block", "PROCEDURE p() { UNITSOFF a = 1 UNITSON }",
			proc(0), "{a = 1}"},
	} {
		m := mustParse(t, head+c.src)
		if got := show(c.block(m)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func proc(i int) func(*Mod) *Block { return func(m *Mod) *Block { return m.Procs[i].Body } }
func brk(m *Mod) *Block            { return m.Breakpoint }
func ini(m *Mod) *Block            { return m.Initial }

// The NEURON, UNITS and declaration blocks, comments, TITLE and
// INDEPENDENT.
func TestDeclarations(t *testing.T) {
	src := `TITLE a test: of everything
COMMENT
  VERBATIM in a comment is a comment
ENDCOMMENT
? interface
NEURON {
	THREADSAFE
	POINT_PROCESS Syn : a synapse
	USEION ca READ cai, cao WRITE ica VALENCE 2
	USEION x READ ex WRITE ix VALENCE -1
	NONSPECIFIC_CURRENT i
	RANGE g, tau
	GLOBAL q
}
UNITS {
	(mA) = (milliamp)
	(molar) = (1/liter)
	FARADAY = (faraday) (coulomb)
	R = (k-mole) (joule/degC)
	PI = (pi) (1)
}
INDEPENDENT { t FROM 0 TO 1 WITH 1 (ms) }
PARAMETER {
	g = .5 (uS) <0, 1e9>
	tau = -2.5e-1 (ms)
	q = 3
	celsius (degC)
}
ASSIGNED { i (nA) ica (mA/cm2) v (mV) }
STATE { s (uS) FROM 0 TO 1 w }
`
	m := mustParse(t, src)
	if m.Title != "a test: of everything" || !m.ThreadSafe || m.Kind != PointProcess || m.Name != "Syn" || m.NamePos.Line != 8 {
		t.Errorf("title %q, threadsafe %v, %s %s at %v", m.Title, m.ThreadSafe, m.Kind, m.Name, m.NamePos)
	}
	if len(m.Ions) != 2 || m.Ions[0].Valence != 2 || m.Ions[1].Valence != -1 || strings.Join(m.Ions[0].Read, ",") != "cai,cao" {
		t.Errorf("ions %+v", m.Ions)
	}
	if len(m.UnitDefs) != 2 || m.UnitDefs[1] != (UnitDef{"molar", "1/liter", Pos{17, 2}}) {
		t.Errorf("unit definitions %+v", m.UnitDefs)
	}
	if len(m.Constants) != 3 || m.Constants[0].Value != 96485.3321233100141 || math.Abs(m.Constants[1].Value-8.31446261815324) > 1e-14 {
		t.Errorf("constants %+v %+v", m.Constants[0], m.Constants[1])
	}
	var got []string
	for _, s := range m.Symbols {
		got = append(got, s.String())
	}
	want := []string{
		"UNITS constant FARADAY = 96485.33212331001 (coulomb)",
		"UNITS constant R = 8.31446261815324 (joule/degC)",
		"UNITS constant PI = 3.141592653589793 (1)",
		"PARAMETER g = 0.5 (uS) <0, 1e+09> RANGE",
		"PARAMETER tau = -0.25 (ms) RANGE",
		"PARAMETER q = 3 GLOBAL",
		"PARAMETER celsius (degC)",
		"ASSIGNED i (nA)",
		"ASSIGNED ica (mA/cm2) ion ca WRITE",
		"ASSIGNED v (mV)",
		"STATE s (uS) <0, 1>",
		"STATE w",
		"ion variable cai ion ca READ",
		"ion variable cao ion ca READ",
		"ion variable ex ion x READ",
		"ion variable ix ion x WRITE",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("symbols\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := m.Symbol("celsius"); !s.Builtin {
		t.Errorf("celsius declared in PARAMETER is not NEURON's own")
	}
	if strings.Join(m.Nonspecific, ",") != "i" {
		t.Errorf("NONSPECIFIC_CURRENT %v", m.Nonspecific)
	}
	if s := m.Symbol("g"); s.Pos != (Pos{24, 2}) {
		t.Errorf("g declared at %v, want line 24 column 2", s.Pos)
	}
}

// NET_RECEIVE: arguments with units, its INITIAL, flag, net_send and
// state_discontinuity; names resolve to what they stand for.
func TestNetReceive(t *testing.T) {
	src := `NEURON { POINT_PROCESS Syn RANGE R }
PARAMETER { d = 1 (ms) }
ASSIGNED { on }
STATE { s }
INITIAL { net_send(0, 1) }
NET_RECEIVE(weight (uS), n, t0 (ms)) {
	INITIAL { n = 0 t0 = t }
	if (flag == 0) {
		n = n + 1
		state_discontinuity(s, s + weight)
		net_send(d, n)
	}
}
`
	m := mustParse(t, src)
	nr := m.NetReceive
	if len(nr.Args) != 3 || nr.Args[0] != (Arg{"weight", "uS", Pos{6, 13}}) || nr.Args[2].Unit != "ms" {
		t.Errorf("arguments %+v", nr.Args)
	}
	if got := show(nr.Initial); got != "{n = 0; t0 = t}" {
		t.Errorf("INITIAL %s", got)
	}
	if got := show(nr.Body); got != "{if (flag == 0) {n = (n + 1); state_discontinuity(s, (s + weight)); net_send(d, n)}}" {
		t.Errorf("body %s", got)
	}
	refs := map[string]RefKind{}
	for _, n := range allNames(m) {
		refs[n.Name] = n.Ref
	}
	for name, want := range map[string]RefKind{"flag": RefFlag, "n": RefArg, "t": RefBuiltin, "s": RefSymbol, "d": RefSymbol, "weight": RefArg} {
		if refs[name] != want {
			t.Errorf("%s resolved as %d, want %d", name, refs[name], want)
		}
	}
	if len(m.Undeclared) != 1 || m.Undeclared[0].Name != "R" {
		t.Errorf("undeclared RANGE names %v", m.Undeclared)
	}
}

// Names resolve innermost first: LOCAL, argument, FUNCTION result, then
// declarations and NEURON's own.
func TestResolve(t *testing.T) {
	src := `NEURON { SUFFIX s }
ASSIGNED { v q }
PROCEDURE rates(v) { LOCAL a
	a = v
	q = a
	if (q > 0) { LOCAL b
		b = celsius
	}
}
FUNCTION f(x) { f = x }
`
	m := mustParse(t, src)
	var got []string
	for _, n := range allNames(m) {
		got = append(got, n.Name+":"+[...]string{"", "symbol", "builtin", "local", "arg", "result", "flag"}[n.Ref])
	}
	want := "a:local v:arg q:symbol a:local q:symbol b:local celsius:builtin f:result x:arg"
	if strings.Join(got, " ") != want {
		t.Errorf("resolved %s\nwant %s", strings.Join(got, " "), want)
	}
	if m.Procs[0].Body.Stmts[1].(*Assign).Value.(*Name).Ref != RefArg {
		t.Error("rates' argument v does not shadow NEURON's v")
	}
}

// Every error names the file and the line, and what is wrong: the
// constructs Neurite does not run, syntax errors and the check's.
func TestErrors(t *testing.T) {
	const head = "NEURON { SUFFIX s }\nPARAMETER { g = 1 }\nASSIGNED { v a }\nSTATE { m }\n" // lines 1-4
	for _, c := range []struct {
		name, src string
		line      int
		want      string
	}{
		// unsupported constructs
		{"VERBATIM", head + "VERBATIM\n#include <x.h>\nENDVERBATIM\n", 5, "VERBATIM (C code) is not supported"},
		{"VERBATIM in a block", head + "PROCEDURE p() {\n a = 1\n VERBATIM return 0; ENDVERBATIM\n}", 7, "VERBATIM (C code) is not supported"},
		{"POINTER", "NEURON { SUFFIX s\n POINTER p }", 2, "POINTER is not supported"},
		{"BBCOREPOINTER", "NEURON { SUFFIX s\n BBCOREPOINTER p }", 2, "BBCOREPOINTER is not supported"},
		{"ARTIFICIAL_CELL", "NEURON {\n ARTIFICIAL_CELL c }", 2, "ARTIFICIAL_CELL is not supported"},
		{"EXTERNAL", "NEURON { SUFFIX s\n EXTERNAL x }", 2, "EXTERNAL is not supported"},
		{"ELECTRODE_CURRENT", "NEURON { SUFFIX s\n ELECTRODE_CURRENT i }", 2, "ELECTRODE_CURRENT is not supported"},
		{"FUNCTION_TABLE", head + "FUNCTION_TABLE tau(v (mV)) (ms)", 5, "FUNCTION_TABLE is not supported"},
		{"LINEAR", head + "LINEAR lin { }", 5, "LINEAR block is not supported"},
		{"NONLINEAR", head + "NONLINEAR nl { }", 5, "NONLINEAR block is not supported"},
		{"CONSTANT", head + "CONSTANT { c = 1 }", 5, "CONSTANT block is not supported"},
		{"DISCRETE", head + "DISCRETE d { }", 5, "DISCRETE block is not supported"},
		{"BEFORE", head + "BEFORE BREAKPOINT { }", 5, "BEFORE block is not supported"},
		{"top-level LOCAL", head + "LOCAL x", 5, "LOCAL outside a block is not supported"},
		{"FROM loop", head + "PROCEDURE p() {\n FROM i = 0 TO 3 { a = i } }", 6, "FROM ... TO loop is not supported"},
		{"WHILE", head + "PROCEDURE p() {\n WHILE (a < 1) { a = a + 1 } }", 6, "WHILE loop is not supported"},
		{"COMPARTMENT", head + "KINETIC k {\n COMPARTMENT 1 { m } }", 6, "COMPARTMENT is not supported"},
		{"array", "NEURON { SUFFIX s }\nASSIGNED {\n x[3] }", 3, "array x is not supported"},
		{"STATE tolerance", "NEURON { SUFFIX s }\nSTATE {\n c (mM) <1e-5> }", 3, "absolute tolerance"},
		{"unknown block", head + "FOO { }", 5, "unknown block FOO"},
		{"METHOD euler", head + "BREAKPOINT {\n SOLVE st METHOD euler }\nDERIVATIVE st { m' = -m }", 6, "SOLVE st METHOD euler is not supported for a DERIVATIVE block (Neurite runs cnexp, derivimplicit)"},
		{"METHOD runge", head + "BREAKPOINT {\n SOLVE st METHOD runge }\nDERIVATIVE st { m' = -m }", 6, "METHOD runge is not supported"},
		{"cnexp for KINETIC", head + "BREAKPOINT {\n SOLVE k METHOD cnexp }\nKINETIC k { ~ m << (1) }", 6, "SOLVE k METHOD cnexp is not supported for a KINETIC block (Neurite runs sparse)"},
		{"STEADYSTATE cnexp", head + "INITIAL {\n SOLVE st STEADYSTATE cnexp }\nDERIVATIVE st { m' = -m }", 6, "STEADYSTATE cnexp is not supported"},
		// syntax
		{"no NEURON block", "PARAMETER { g = 1 }\n", 2, "no NEURON block"},
		{"no SUFFIX", "NEURON {\n RANGE g\n}", 3, "names no SUFFIX or POINT_PROCESS"},
		{"two SUFFIXes", "NEURON { SUFFIX a\n SUFFIX b }", 2, "second SUFFIX or POINT_PROCESS"},
		{"unknown NEURON statement", "NEURON { SUFFIX a\n FOO b }", 2, "unknown NEURON block statement FOO"},
		{"second INITIAL", head + "INITIAL { }\nINITIAL { }", 6, "second INITIAL block (the first is at line 5)"},
		{"COMMENT not closed", head + "COMMENT\nno end", 5, "COMMENT without ENDCOMMENT"},
		{"ENDCOMMENT alone", head + "ENDCOMMENT", 5, "ENDCOMMENT without COMMENT is not supported"},
		{"bad character", head + "INITIAL {\n a = 1 % 2 }", 6, `unexpected character '%'`},
		{"non-ASCII character", head + "INITIAL {\n a = 1 × 2 }", 6, `unexpected character '×'`},
		{"bad character after a name", head + "INITIAL {\n a\"", 6, `unexpected character '"'`},
		{"missing brace", head + "INITIAL {\n a = 1\n", 7, "expected a statement, found end of file"},
		{"missing operand", head + "INITIAL {\n a = 1 +\n}", 7, "expected an expression, found '}'"},
		{"unit not closed", head + "INITIAL {\n a = 1 (mV }", 6, "unit not closed by ')'"},
		{"bare name", head + "INITIAL {\n a\n}", 7, `expected '=', ''' or '(' after a, found '}'`},
		{"derivative outside DERIVATIVE", head + "INITIAL {\n m' = 1 }", 6, "m' outside a DERIVATIVE block (in INITIAL)"},
		{"reaction outside KINETIC", head + "DERIVATIVE d {\n ~ m << (1) }", 6, "a reaction '~' outside a KINETIC block (in DERIVATIVE d)"},
		{"METHOD in INITIAL", head + "INITIAL {\n SOLVE d METHOD cnexp }", 6, "METHOD belongs in BREAKPOINT"},
		{"INITIAL in a PROCEDURE", head + "PROCEDURE p() {\n INITIAL { } }", 6, "INITIAL inside PROCEDURE p"},
		{"INITIAL in NET_RECEIVE's INITIAL", "NEURON { POINT_PROCESS s }\nNET_RECEIVE(w) { INITIAL {\n INITIAL { } } }", 3, "INITIAL inside NET_RECEIVE's INITIAL"},
		{"INITIAL inside if", "NEURON { POINT_PROCESS s }\nNET_RECEIVE(w) { if (w) {\n INITIAL { } } }", 3, "INITIAL inside NET_RECEIVE"},
		{"the first error in the file", head + "PROCEDURE p() {\n a = zz }\nINITIAL {\n a = yy }", 6, "undeclared name zz"},
		{"TABLE of two arguments", head + "PROCEDURE p(x, y) {\n TABLE a FROM 0 TO 1 WITH 10\n a = x }", 6, "a table is of one argument"},
		{"TABLE WITH 0", head + "PROCEDURE p(x) {\n TABLE a FROM 0 TO 1 WITH 0\n a = x }", 6, "TABLE WITH 0"},
		{"USEION without valence", "NEURON { SUFFIX s\n USEION foo READ efoo }", 2, "USEION foo needs a VALENCE"},
		{"unknown unit constant", "NEURON { SUFFIX s }\nUNITS {\n Q = (foo) (coulomb) }", 3, "Q = (foo) (coulomb): Neurite knows"},
		{"INDEPENDENT x", "NEURON { SUFFIX s }\nINDEPENDENT {\n x FROM 0 TO 1 WITH 1 }", 3, "INDEPENDENT x"},
		{"not a text file", "NEURON { SUFFIX s \x00 }", 1, "not a text file"},
		// the check
		{"undeclared name", head + "BREAKPOINT {\n a = g*zz }", 6, "undeclared name zz (in BREAKPOINT)"},
		{"undeclared target", head + "PROCEDURE p() {\n zz = 1 }", 6, "undeclared name zz (in PROCEDURE p)"},
		{"LOCAL out of scope", head + "PROCEDURE p() {\n if (a) { LOCAL x\n x = 1 }\n a = x }", 8, "undeclared name x"},
		{"ion variable not used", head + "BREAKPOINT {\n a = ena }", 6, "undeclared name ena"},
		{"duplicate PARAMETER", "NEURON { SUFFIX s }\nPARAMETER { g = 1\n g = 2 }", 3, "duplicate declaration of g (first at line 2)"},
		{"PARAMETER and STATE", "NEURON { SUFFIX s }\nPARAMETER { g = 1 }\nSTATE {\n g }", 4, "duplicate declaration of g (first at line 2)"},
		{"duplicate PROCEDURE", head + "PROCEDURE p() { }\nPROCEDURE p() { }", 6, "duplicate block p (first at line 5)"},
		{"block named as a variable", head + "PROCEDURE a() { }", 5, "PROCEDURE a has the name of the ASSIGNED declared at line 3"},
		{"duplicate LOCAL", head + "PROCEDURE p() {\n LOCAL x, x }", 6, "LOCAL x declared twice"},
		{"duplicate argument", head + "PROCEDURE p(x,\n x) { }", 6, "argument x of p listed twice"},
		{"second USEION", "NEURON { SUFFIX s\n USEION na READ ena\n USEION na WRITE ina }", 3, "second USEION na (first at line 2)"},
		{"not an ion variable", "NEURON { SUFFIX s\n USEION na READ ek }", 2, "USEION na READ ek: the variables of ion na are ena, ina, nai, nao"},
		{"RANGE and GLOBAL", "NEURON { SUFFIX s RANGE g\n GLOBAL g }\nPARAMETER { g = 1 }", 2, "g is both RANGE and GLOBAL"},
		{"RANGE v", "NEURON { SUFFIX s\n RANGE v }", 2, "RANGE v: v is NEURON's own"},
		{"NONSPECIFIC_CURRENT undeclared", "NEURON { SUFFIX s\n NONSPECIFIC_CURRENT i }", 2, "NONSPECIFIC_CURRENT i must be declared in ASSIGNED"},
		{"SOLVE of nothing", head + "BREAKPOINT {\n SOLVE states METHOD cnexp }", 6, "SOLVE states: no DERIVATIVE or KINETIC block states"},
		{"SOLVE of a PROCEDURE", head + "BREAKPOINT {\n SOLVE p METHOD cnexp }\nPROCEDURE p() { }", 6, "SOLVE p: no DERIVATIVE or KINETIC block p"},
		{"assignment to PARAMETER", head + "BREAKPOINT {\n g = 2 }", 6, "assignment to PARAMETER g"},
		{"assignment to a constant", "NEURON { SUFFIX s }\nUNITS { F = (faraday) (coulomb) }\nINITIAL {\n F = 1 }", 4, "assignment to UNITS constant F"},
		{"assignment to t", head + "INITIAL {\n t = 1 }", 6, "assignment to NEURON's t"},
		{"assignment to flag", "NEURON { POINT_PROCESS s }\nNET_RECEIVE(w) {\n flag = 1 }", 3, "assignment to NET_RECEIVE's flag"},
		{"derivative of a non-state", head + "DERIVATIVE d {\n a' = 1 }", 6, "a': a is not a STATE"},
		{"reaction of a non-state", head + "KINETIC k {\n ~ m <-> a (1, 1) }", 6, "a in a reaction: a is not a STATE"},
		{"CONSERVE of a non-state", head + "KINETIC k {\n CONSERVE m + g = 1 }", 6, "g in CONSERVE: g is not a STATE"},
		{"unknown function", head + "INITIAL {\n a = foo(1) }", 6, "unknown function foo (in INITIAL)"},
		{"arity", head + "INITIAL {\n a = exp(1, 2) }", 6, "exp takes 1 arguments, given 2"},
		{"PROCEDURE as a value", head + "PROCEDURE p() { }\nINITIAL {\n a = p() }", 7, "PROCEDURE p used as a value (in INITIAL)"},
		{"PROCEDURE as a variable", head + "PROCEDURE p() { }\nINITIAL {\n a = p }", 7, "PROCEDURE p used as a variable"},
		{"calling a DERIVATIVE", head + "DERIVATIVE d { m' = -m }\nINITIAL {\n d() }", 7, "DERIVATIVE d is called; it is SOLVEd"},
		{"net_send in a density mechanism", head + "INITIAL {\n net_send(1, 1) }", 6, "net_send in a density mechanism (SUFFIX s)"},
		{"net_send as a value", "NEURON { POINT_PROCESS s }\nASSIGNED { a }\nNET_RECEIVE(w) {\n a = net_send(1, 1) }", 4, "net_send used as a value"},
		{"state_discontinuity outside NET_RECEIVE", head + "INITIAL {\n state_discontinuity(m, 1) }", 6, "state_discontinuity outside NET_RECEIVE"},
		{"TABLE of a non-ASSIGNED", head + "PROCEDURE p(x) {\n TABLE g FROM 0 TO 1 WITH 10 }", 6, "TABLE g: g is not an ASSIGNED variable"},
		{"TABLE DEPEND undeclared", head + "PROCEDURE p(x) {\n TABLE a DEPEND zz FROM 0 TO 1 WITH 10 }", 6, "TABLE DEPEND zz: zz is not declared"},
	} {
		_, err := Parse("e.mod", []byte(c.src))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v, want an *Error", c.name, err)
			continue
		}
		if e.File != "e.mod" || e.Line != c.line || !strings.Contains(e.Msg, c.want) ||
			!strings.HasPrefix(err.Error(), "e.mod:") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %q, want e.mod:%d: ...%s...", c.name, err, c.line, c.want)
		}
	}
}

// A byte-order mark at the start is not part of the text.
func TestByteOrderMark(t *testing.T) {
	m := mustParse(t, "\ufeffNEURON { SUFFIX s }")
	if m.Name != "s" || m.NamePos != (Pos{1, 17}) {
		t.Errorf("%s at %v", m.Name, m.NamePos)
	}
}

// ReadFile names the file in its errors.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(filepath.Join(dir, "none.mod")); err == nil || err.Error() != filepath.Join(dir, "none.mod")+": no such file" {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "bad.mod")
	if err := os.WriteFile(path, []byte("NEURON { SUFFIX s }\nINITIAL {\n v = zz }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || err.Error() != path+":3: undeclared name zz (in INITIAL)" {
		t.Errorf("bad file: %v", err)
	}
}

// FuzzParse feeds arbitrary text to the reader: it must answer with a
// tree or an *Error naming the file and a line of it, never panic and
// never hang; in a tree it accepts, every name is resolved.
func FuzzParse(f *testing.F) {
	for _, path := range referenceMods {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("NEURON { POINT_PROCESS s }\nSTATE { s }\nNET_RECEIVE(w (uS)) { INITIAL { } if (flag == 0) { net_send(1, 1) } }\n"))
	f.Add([]byte("NEURON { SUFFIX s }\nASSIGNED { a }\nPROCEDURE p(x) { TABLE a FROM -1 TO 1 WITH 2\n a = -x^2^-1 }\n"))
	f.Add([]byte("STATE{}NET_RECEIVE(){A\"")) // a lexical error met by peek once reported line 0
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := Parse("fuzz.mod", src)
		if err != nil {
			var e *Error
			lines := strings.Count(string(src), "\n") + 1
			if !errors.As(err, &e) || e.File != "fuzz.mod" || e.Line < 1 || e.Line > lines ||
				!strings.HasPrefix(err.Error(), "fuzz.mod:") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want fuzz.mod:LINE: ... with 1 <= LINE <= %d, on one line", err, lines)
			}
			return
		}
		for _, n := range allNames(m) {
			if n.Ref == 0 || n.Ref == RefSymbol && n.Sym == nil {
				t.Fatalf("line %d: %s not resolved", n.Pos.Line, n.Name)
			}
		}
	})
}
