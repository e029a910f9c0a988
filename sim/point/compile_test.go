package point

import (
	"math"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"
)

// compiledExprs are expressions of every kind a typed model may write.
var compiledExprs = []string{
	"a + b*c - a/b", "-a^2", "a^3 - 2*a^-2", "b^0.5 + b**1.5", "pow(a, 3) + pow(b, 0.25)", "(-2)^3 * a", "2^3^2",
	"exp(-a) + log(b) + log10(b) + sqrt(b)", "tanh(a) + cosh(a) - sinh(a) + atan(a)",
	"sin(a) + cos(a) + tan(0.1*a)", "heav(a) + abs(a) + floor(a) + ceil(a) + round(a)",
	"min(a, b, c) + max(a, b)", "min(a) + max(b, a, c, 1.0)", "a > 0 ? a : b", "a > 0 && b > 0 ? 1 : 0",
	"a > 0 and b > 1 ? 1 : 0", "not (a > b) ? 2 : 3", "!(a < b) || a < -1 ? 1 : 0", "a >= b or c == 1.5 ? 1 : 0",
	"a != b ? t : -t", "a <= b ? 1 : 2", "pi*a + 1e-3*t*a", "if a < 0 { b } else { -b }", "1/2 + 7/2*a", "- -a",
	"a/(exp(a/b) - 1)", "1/(1 + exp(-(a - c)/b))", "0*log(a - 10)", "(a > 0 ? true : false) ? 1 : 0",
	// Integers where expr keeps them, floats where its checker made them.
	"-0 * a", "1/(-0) + a", "abs(-0) + a", "tan(-0) + a", "9007199254740993 - 9007199254740992 + a",
	"sin(9007199254740993 - 9007199254740992) + a", "3037000500*3037000500 + a", "(2 < 3 ? 1 : 0) + a",
	"9007199254740993 == 9007199254740992 ? a : b", "abs(-3) * a", "min(a, 2.0) + max(1.5, a)", "min(1, 2) * a",
}

// vmEval evaluates src with expr's machine, as a typed model did before
// its expressions were compiled.
func vmEval(t testing.TB, src string, env map[string]any) (float64, bool) {
	t.Helper()
	prog, err := expr.Compile(src, expr.Env(env), expr.AsFloat64())
	if err != nil {
		return 0, false
	}
	out, err := expr.Run(prog, env)
	v, ok := out.(float64)
	return v, ok && err == nil
}

// same reports whether two results are the same float to the bit, or
// both NaN, or both zero: the machine's constant pool does not tell 0.0
// from −0.0 (false ? -0.0 : 0.0 is −0 there), which the closures do not
// copy.
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b)) || (a == 0 && b == 0)
}

// checkCompiled compares the closures with the machine on src at a grid
// of states; it reports false if either refuses src.
func checkCompiled(t *testing.T, src string) bool {
	t.Helper()
	names := map[string]numFn{
		"a":  func(f *frame) float64 { return f.x[0] },
		"b":  func(f *frame) float64 { return f.x[1] },
		"c":  func(f *frame) float64 { return f.p[0] },
		"t":  func(f *frame) float64 { return f.t },
		"pi": func(*frame) float64 { return math.Pi },
	}
	fn, err := compileSource(src, names, machineConfig([]string{"a", "b", "c", "t"}))
	if err != nil {
		return false
	}
	for _, a := range []float64{-2.5, -0.5, 0, 0.5, 2.5, 1e6} {
		for _, b := range []float64{-1, 0.3, 1.7} {
			env := mathEnv()
			env["a"], env["b"], env["c"], env["t"] = a, b, 1.5, 0.7
			want, ok := vmEval(t, src, env)
			if !ok {
				return false
			}
			got := fn(&frame{x: []float64{a, b}, p: []float64{1.5}, t: 0.7})
			if !same(got, want) {
				t.Errorf("%s at a = %g, b = %g: closures %v, machine %v", src, a, b, got, want)
			}
		}
	}
	return true
}

// TestCompiledMatchesMachine: the compiled closures give exactly the
// machine's value for every kind of expression.
func TestCompiledMatchesMachine(t *testing.T) {
	for _, src := range compiledExprs {
		if !checkCompiled(t, src) {
			t.Errorf("%s: not compiled, or refused by the machine", src)
		}
	}
	// What the closures leave to the machine.
	for _, src := range []string{"a % 3", "min(a, 0, -1)*max(a, 0)"} {
		if _, err := compileSource(src, map[string]numFn{"a": func(*frame) float64 { return 0 }}, machineConfig([]string{"a"})); err == nil {
			t.Errorf("%s compiled", src)
		}
	}
}

// FuzzCompiled: any expression both the machine and the closures accept
// evaluates the same on both.
func FuzzCompiled(f *testing.F) {
	for _, src := range compiledExprs {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 || strings.ContainsAny(src, "#;") {
			return
		}
		checkCompiled(t, src)
	})
}

// TestTypedModelCompiled: the example typed model compiles to closures,
// and gives the machine's right-hand side.
func TestTypedModelCompiled(t *testing.T) {
	m, err := ReadModelFile("../../assets/models/morris_lecar.ode")
	if err != nil {
		t.Fatal(err)
	}
	// The closures, not the machine, run it.
	if _, err := compileModel([]string{"I", "C", "gL", "EL", "gCa", "ECa", "gK", "EK", "V1", "V2", "V3", "V4", "phi"}, "I", []string{"V", "w"}, m.Equations()); err != nil {
		t.Fatalf("not compiled: %v", err)
	}
	x, dx := []float64{-20, 0.2}, make([]float64, 2)
	m.SetParam("I", 90)
	m.Deriv(3, x, dx)
	env := mathEnv()
	for _, p := range m.Params {
		env[p.Name] = p.Value
	}
	env["V"], env["w"], env["t"] = x[0], x[1], 3.0
	for _, q := range m.Equations().Quantities {
		env[q.Name], _ = vmEval(t, q.Expr, env)
	}
	for i, d := range m.Equations().Derivs {
		if want, _ := vmEval(t, d.Expr, env); !same(dx[i], want) {
			t.Errorf("%s' = %v, machine %v", d.Name, dx[i], want)
		}
	}
}

func BenchmarkTypedDeriv(b *testing.B) {
	m, err := Parse(strings.NewReader("par a=0.08, b=0.7, c=0.8, I=0.5\ninit v=-1.2, w=-0.6\nv' = v - v^3/3 - w + I\nw' = a*(v + b - c*w)\n"), "fhn.ode")
	if err != nil {
		b.Fatal(err)
	}
	x, dx := []float64{-1.2, -0.6}, make([]float64, 2)
	for b.Loop() {
		m.Deriv(0, x, dx)
	}
}

// compileSource checks and compiles one expression.
func compileSource(src string, names map[string]numFn, cfg *conf.Config) (numFn, error) {
	tree, err := checkTree(src, cfg)
	if err != nil {
		return nil, err
	}
	return compileNum(tree, names)
}
