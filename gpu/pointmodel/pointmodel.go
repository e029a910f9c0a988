// Package pointmodel writes the dynamics lab's point models in GLSL, one
// definition for every kernel that runs them: the built-in models
// (shaders/point_builtin.glsl) or a typed model's equations translated
// from its checked tree, in the precision shaders/real.glsl is given —
// float for the sweeps (gpu/sweep), double for networks (gpu/network),
// with fastexp, the GLSL twin of sim/fastexp.
package pointmodel

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"

	"neurite/sim/point"
)

// Model is a point model's model.glsl, which point.comp and
// point_net.comp include, and the numbers of its variables and
// parameters, which the shader is compiled for (the text alone does not
// say: a parameter no expression reads leaves no trace in it).
type Model struct {
	Text   string
	NV, NP int
}

// builtins are the models point_builtin.glsl knows, by name, with its
// number for each and the number of parameters it reads.
var builtins = map[string]struct {
	id, params int
}{"hh": {0, 9}, "izhikevich": {1, 6}, "lif": {2, 7}, "fhn": {3, 4}, "inapk": {4, 13}, "inap": {5, 10},
	"rate": {6, 5}, "rate-relu": {7, 5}, "wilson-cowan": {8, 14}}

// BuiltinNames lists the built-in models the GPU runs.
func BuiltinNames() string {
	var names []string
	for n := range builtins {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// builtinModel returns model.glsl's body for a built-in model: its
// number and shaders/point_builtin.glsl, which holds them all.
func builtinModel(id int) string {
	return fmt.Sprintf("const int MODEL = %d;\n#include \"point_builtin.glsl\"\n", id)
}

// Body returns model.glsl: head (which includes real.glsl, and defines
// stim(t)), then the built-in models' file or m's equations translated
// with literals written by lit (FloatLiteral or DoubleLiteral, as the
// precision real.glsl is given). The error says why the GPU cannot run m.
func Body(m *point.Model, head string, lit func(float64) string) (Model, error) {
	if eqs := m.Equations(); eqs != nil {
		body, err := translateModel(m, eqs, lit)
		return Model{head + body, len(m.Vars), max(1, len(m.Params))}, err // GLSL has no empty arrays
	}
	if spec, ok := builtins[m.Name]; ok && len(m.Params) == spec.params {
		return Model{head + builtinModel(spec.id), 4, builtinParams}, nil
	}
	return Model{}, fmt.Errorf("the GPU runs the built-in models %s and models typed as equations, not %s", BuiltinNames(), m.Name)
}

// Limits of the typed models the GPU runs: each variable and parameter
// is a register of every instance.
const (
	maxVars       = 16
	maxParams     = 64
	builtinParams = 16 // the built-in models' p[]
)

// translateModel writes a typed model's equations as the model
// interface of shaders/point.comp and point_net.comp (see point.comp), in
// real.glsl's precision with literals written by lit: the state a
// real[NV], the parameters p[i], the variables x[i], the quantities
// computed before the right-hand sides, every value PRECISE (in double,
// the CPU's order of operations); every helper written out component by
// component, since the shader may loop only over steps.
func translateModel(m *point.Model, eqs *point.Equations, lit func(float64) string) (string, error) {
	nv := len(m.Vars)
	if nv > maxVars {
		return "", fmt.Errorf("%s: %d variables; the GPU sweeps models of up to %d", eqs.File, nv, maxVars)
	}
	if len(m.Params) > maxParams {
		return "", fmt.Errorf("%s: %d parameters; the GPU sweeps models of up to %d", eqs.File, len(m.Params), maxParams)
	}
	names := map[string]string{"t": "t", "pi": lit(math.Pi)}
	for i, p := range m.Params {
		names[p.Name] = fmt.Sprintf("p[%d]", i)
		if p.Name == m.Input {
			names[p.Name] = fmt.Sprintf("(p[%d] + stim(t))", i) // the whole input, as on the CPU
		}
	}
	vars := map[string]int{}
	for i, v := range m.Vars {
		names[v.Name] = fmt.Sprintf("x[%d]", i)
		vars[v.Name] = i
	}
	var quantities strings.Builder
	for _, q := range eqs.Quantities {
		e, err := glslNode(q.Tree, names, lit)
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", eqs.File, q.Line, err)
		}
		fmt.Fprintf(&quantities, "\tPRECISE real q_%s = %s;\n", q.Name, e)
		names[q.Name] = "q_" + q.Name
	}
	rhs := make([]string, nv)
	for i, d := range eqs.Derivs {
		e, err := glslNode(d.Tree, names, lit)
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", eqs.File, d.Line, err)
		}
		rhs[i] = e
	}
	// each writes f(k) for every component, joined by sep.
	each := func(sep string, f func(k int) string) string {
		parts := make([]string, nv)
		for k := range parts {
			parts[k] = f(k)
		}
		return strings.Join(parts, sep)
	}
	var b strings.Builder
	zero := lit(0)
	fmt.Fprintf(&b, "// %s translated by gpu/pointmodel.\n#include \"typed.glsl\"\n\n#define State real[NV]\n\n", eqs.File)
	fmt.Fprintf(&b, "const int V = %d;\n\nbool resets() { return %t; }\n\nvoid prepare() {}\n\n", m.V, m.Spiking())
	fmt.Fprintf(&b, "State zero() { return State(%s); }\n\n", each(", ", func(int) string { return zero }))
	fmt.Fprintf(&b, "State axpy(State x, real a, State y) {\n%s\treturn State(%s);\n}\n\n",
		each("", func(k int) string { return fmt.Sprintf("\tPRECISE real r%d = x[%d] + a * y[%d];\n", k, k, k) }),
		each(", ", func(k int) string { return fmt.Sprintf("r%d", k) }))
	fmt.Fprintf(&b, "State rk4(State k1, State k2, State k3, State k4, real h) {\n%s\treturn State(%s);\n}\n\n",
		each("", func(k int) string {
			return fmt.Sprintf("\tPRECISE real r%d = h / %s * (k1[%d] + %s * k2[%d] + %s * k3[%d] + k4[%d]);\n", k, lit(6), k, lit(2), k, lit(2), k, k)
		}), each(", ", func(k int) string { return fmt.Sprintf("r%d", k) }))
	fmt.Fprintf(&b, "void kahan(inout State x, inout State c, State d) {\n%s}\n\n", each("", func(k int) string { return fmt.Sprintf("\tkahan(x[%d], c[%d], d[%d]);\n", k, k, k) }))
	fmt.Fprintf(&b, "State load(int r) { return State(%s); }\n\n", each(", ", func(k int) string { return fmt.Sprintf("rec[r + %d]", k) }))
	fmt.Fprintf(&b, "void store(int r, State x) {\n%s}\n\n", each("", func(k int) string { return fmt.Sprintf("\trec[r + %d] = x[%d];\n", k, k) }))
	fmt.Fprintf(&b, "State deriv(State x, real t) {\n%s%s\treturn State(%s);\n}\n\n", quantities.String(),
		each("", func(k int) string { return fmt.Sprintf("\tPRECISE real d%d = %s;\n", k, rhs[k]) }),
		each(", ", func(k int) string { return fmt.Sprintf("d%d", k) }))
	// crossed and fire split the reset at the threshold: a network
	// delivers its inputs between the two (sim/network's modelStep).
	fmt.Fprintf(&b, "bool crossed(State x, real refUntil, real t) { return %s; }\n\n", crossed(m))
	b.WriteString("void fire(inout State x, inout real refUntil, real t) {\n")
	if m.Spiking() {
		fmt.Fprintf(&b, "%s\tState y = x;\n", quantities.String())
		for _, a := range eqs.Reset {
			e, err := glslNode(a.Tree, names, lit)
			if err != nil {
				return "", fmt.Errorf("%s:%d: %w", eqs.File, a.Line, err)
			}
			fmt.Fprintf(&b, "\tPRECISE real y%[1]d = %[2]s;\n\ty[%[1]d] = y%[1]d;\n", vars[a.Name], e)
		}
		b.WriteString("\tx = y;\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("bool reset(inout State x, inout real refUntil, real t) {\n\tif (!crossed(x, refUntil, t)) {\n\t\treturn false;\n\t}\n\tfire(x, refUntil, t);\n\treturn true;\n}\n")
	return b.String(), nil
}

// crossed is the condition of a typed model's reset: v at or above the
// threshold, the last parameter (point.Model.Equations).
func crossed(m *point.Model) string {
	if !m.Spiking() {
		return "false"
	}
	return fmt.Sprintf("x[V] >= p[%d]", len(m.Params)-1)
}

// glslFuncs are the functions of typed models: GLSL's own or those of
// shaders/typed.glsl and shaders/real.glsl (in the precision it sets), with the number of arguments (0: any, from one).
var glslFuncs = map[string]struct {
	name string
	args int
}{
	"exp": {"rexp", 1}, "log": {"rlog", 1}, "sqrt": {"sqrt", 1}, "sin": {"rsin", 1}, "cos": {"rcos", 1},
	"tan": {"rtan", 1}, "tanh": {"rtanh", 1}, "sinh": {"rsinh", 1}, "cosh": {"rcosh", 1}, "atan": {"ratan", 1},
	"log10": {"log10", 1}, "pow": {"powr", 2}, "heav": {"heav", 1}, "abs": {"abs", 1},
	"floor": {"floor", 1}, "ceil": {"ceil", 1}, "round": {"roundAway", 1}, "min": {"min", 0}, "max": {"max", 0},
}

// glslNode writes a node of a typed model's checked tree
// (point.Definition.Tree, which the CPU's closures compile too) fully
// parenthesised; numbers become literals written by lit, comparisons and logic GLSL's
// bools, as expr types them.
func glslNode(n ast.Node, names map[string]string, lit func(float64) string) (string, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return lit(float64(n.Value)), nil
	case *ast.FloatNode:
		return lit(n.Value), nil
	case *ast.BoolNode:
		return strconv.FormatBool(n.Value), nil
	case *ast.IdentifierNode:
		if s, ok := names[n.Value]; ok {
			return s, nil
		}
		return "", fmt.Errorf("unknown name %q", n.Value)
	case *ast.UnaryNode:
		x, err := glslNode(n.Node, names, lit)
		if err != nil {
			return "", err
		}
		switch n.Operator {
		case "-", "+":
			return "(" + n.Operator + x + ")", nil
		case "!", "not":
			return "(!" + x + ")", nil
		}
	case *ast.BinaryNode:
		lr, err := glslNodes(names, lit, n.Left, n.Right)
		if err != nil {
			return "", err
		}
		l, r := lr[0], lr[1]
		switch n.Operator {
		case "+", "-", "*", "/", "<", ">", "<=", ">=", "==", "!=", "&&", "||":
			return "(" + l + " " + n.Operator + " " + r + ")", nil
		case "and":
			return "(" + l + " && " + r + ")", nil
		case "or":
			return "(" + l + " || " + r + ")", nil
		case "^", "**":
			if k, ok := wholeConstant(n.Right); ok && math.Abs(k) <= 15 {
				return fmt.Sprintf("powi(%s, %d)", l, int(k)), nil
			}
			return "powr(" + l + ", " + r + ")", nil
		}
	case *ast.ConditionalNode:
		cab, err := glslNodes(names, lit, n.Cond, n.Exp1, n.Exp2)
		if err != nil {
			return "", err
		}
		return "(" + cab[0] + " ? " + cab[1] + " : " + cab[2] + ")", nil
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			return glslCall(id.Value, n.Arguments, names, lit)
		}
	case *ast.BuiltinNode:
		return glslCall(n.Name, n.Arguments, names, lit)
	}
	return "", fmt.Errorf("the GPU cannot translate %q", n.String())
}

// glslNodes writes nodes, stopping at the first that cannot be.
func glslNodes(names map[string]string, lit func(float64) string, nodes ...ast.Node) ([]string, error) {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		s, err := glslNode(n, names, lit)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// glslCall writes a call of a typed model's function; min and max of
// more than two arguments nest.
func glslCall(name string, args []ast.Node, names map[string]string, lit func(float64) string) (string, error) {
	f, ok := glslFuncs[name]
	if !ok {
		return "", fmt.Errorf("the GPU cannot translate the function %s", name)
	}
	if (f.args > 0 && len(args) != f.args) || len(args) == 0 {
		return "", fmt.Errorf("%s: %d arguments (it takes %d)", name, len(args), max(f.args, 1))
	}
	out, err := glslNodes(names, lit, args...)
	if err != nil {
		return "", err
	}
	if f.args == 0 {
		acc := out[0]
		for _, s := range out[1:] {
			acc = f.name + "(" + acc + ", " + s + ")"
		}
		return acc, nil
	}
	return f.name + "(" + strings.Join(out, ", ") + ")", nil
}

// wholeConstant reports the value of a literal whole number, signed.
func wholeConstant(n ast.Node) (float64, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return float64(n.Value), true
	case *ast.FloatNode:
		return n.Value, n.Value == math.Trunc(n.Value)
	case *ast.UnaryNode:
		if k, ok := wholeConstant(n.Node); ok && (n.Operator == "-" || n.Operator == "+") {
			if n.Operator == "-" {
				k = -k
			}
			return k, true
		}
	}
	return 0, false
}

// FloatLiteral writes a float literal GLSL reads (an exponent makes it a
// float, not an int); GLSL has no literals for infinities and NaN, so
// those are written as their bits.
func FloatLiteral(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "uintBitsToFloat(0x7f800000u)"
	case math.IsInf(v, -1):
		return "uintBitsToFloat(0xff800000u)"
	case math.IsNaN(v):
		return "uintBitsToFloat(0x7fc00000u)"
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}
