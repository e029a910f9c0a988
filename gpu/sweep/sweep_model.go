package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"

	"neurite/gpu/device"
	"neurite/sim/point"
)

// sweepModel is the model.glsl shaders/point.comp is compiled with, and
// the model's number of variables and parameters, which the shader is
// compiled for (the text alone does not say: a parameter no expression
// reads leaves no trace in it).
type sweepModel struct {
	text   string
	nv, np int
}

// builtinModel returns model.glsl's body for a built-in model: its
// number and shaders/point_builtin.glsl, which holds them all.
func builtinModel(id int) string {
	return fmt.Sprintf("const int MODEL = %d;\n#include \"point_builtin.glsl\"\n", id)
}

// modelSource returns the model.glsl that sweeps m, in single precision:
// its stimulus, then the built-in models' file or m's equations
// translated to GLSL. The error says why the device cannot run m.
func modelSource(m *point.Model) (sweepModel, error) {
	stim, head := "0.0", "#include \"real.glsl\"\n\n"
	if m.Stim != nil {
		var err error
		if stim, err = stimulusGLSL(m.Stim); err != nil {
			return sweepModel{}, err
		}
		if trains := poissonTrains(m.Stim); len(trains) > 0 {
			if n := len(trains[0].Times()); len(trains) > 1 || n > maxTrainEvents {
				return sweepModel{}, fmt.Errorf("the GPU runs one Poisson train of up to %d events (this stimulus: %d trains, %d events in the first)", maxTrainEvents, len(trains), n)
			}
			head += trainGLSL
		}
	}
	head += fmt.Sprintf("// The stimulus added to the input.\nfloat stim(float t) { return %s; }\n\n", stim)
	return modelBody(m, head, glslFloat)
}

// modelBody returns model.glsl: head, then the built-in models' file or
// m's equations translated with literals written by lit.
func modelBody(m *point.Model, head string, lit func(float64) string) (sweepModel, error) {
	if eqs := m.Equations(); eqs != nil {
		body, err := translateModel(m, eqs, lit)
		return sweepModel{head + body, len(m.Vars), max(1, len(m.Params))}, err // GLSL has no empty arrays
	}
	if spec, ok := sweepModels[m.Name]; ok && len(m.Params) == spec.params {
		return sweepModel{head + builtinModel(spec.id), 4, builtinParams}, nil
	}
	return sweepModel{}, fmt.Errorf("the GPU runs the built-in models %s and models typed as equations, not %s", sweepNames(), m.Name)
}

// stimulusGLSL writes a stimulus as a GLSL expression in t, as
// sim/point's stimuli define it; a Poisson train's events, drawn on the
// CPU, are read from the Train buffer (trainGLSL).
func stimulusGLSL(st point.Stimulus) (string, error) {
	// on is the condition from ≤ t < to, an infinite end left out.
	on := func(from, to float64) string {
		var c []string
		if !math.IsInf(from, -1) {
			c = append(c, "t >= "+glslFloat(from))
		}
		if !math.IsInf(to, 1) {
			c = append(c, "t < "+glslFloat(to))
		}
		if len(c) == 0 {
			return "true"
		}
		return strings.Join(c, " && ")
	}
	f := glslFloat
	switch st := st.(type) {
	case point.Step:
		return fmt.Sprintf("(%s ? %s : 0.0)", on(st.From, st.To), f(st.Amp)), nil
	case point.Ramp:
		if !(st.To > st.From) {
			return "0.0", nil // never on
		}
		return fmt.Sprintf("(%s ? %s + %s * (t - %s) : 0.0)", on(st.From, st.To), f(st.Start), f((st.End-st.Start)/(st.To-st.From)), f(st.From)), nil
	case point.Pulses:
		if st.Period <= 0 {
			return "0.0", nil
		}
		return fmt.Sprintf("(%s && mod(t - %s, %s) < %s ? %s : 0.0)", on(st.From, st.To), f(st.From), f(st.Period), f(st.Width), f(st.Amp)), nil
	case point.Sine:
		return fmt.Sprintf("(%s ? %s + %s * sin(%s * (t - %s)) : 0.0)", on(st.From, st.To), f(st.Offset), f(st.Amp), f(2*math.Pi*st.Freq/1000), f(st.From)), nil
	case point.Sum:
		terms := make([]string, len(st))
		for i, x := range st {
			var err error
			if terms[i], err = stimulusGLSL(x); err != nil {
				return "", err
			}
		}
		return "(" + strings.Join(terms, " + ") + ")", nil
	case *point.Poisson:
		return fmt.Sprintf("poisson(t, %s, %s)", f(st.Weight), f(st.Tau)), nil
	}
	return "", fmt.Errorf("the GPU cannot run a stimulus of type %T", st)
}

// trainGLSL reads a Poisson train's events, uploaded by trainData:
// I(t) = w·Σ exp(−(t − t_i)/τ) over the events at or before t is
// w·exp(−(t − t_k)/τ)·A_k, with t_k the last of them and A_k = Σ
// exp(−(t_k − t_i)/τ) over i ≤ k. The times asked only grow (RK4's stages
// included), half a step at most, so point.comp's cursor trainAt (the
// last event at or before the latest time asked, kept in the record
// between dispatches) finds t_k in a few ifs: a loop in the step loop
// would run into Mesa's loop limit, which counts every entry. Traces
// checks that no half step holds more than trainAdvance events.
const trainGLSL = `layout(std430, binding = 3) readonly buffer Train { vec2 train[]; }; // (t_k, A_k)
uniform int nTrain;

void advanceTrain(float t) {
	if (trainAt + 1 < nTrain && train[trainAt + 1].x <= t) {
		trainAt++;
	}
}

float poisson(float t, float w, float tau) {
	advanceTrain(t);
	advanceTrain(t);
	advanceTrain(t);
	advanceTrain(t);
	return trainAt < 0 ? 0.0 : w * exp(-(t - train[trainAt].x) / tau) * train[trainAt].y;
}

`

// trainAdvance is how many events poisson passes in one call.
const trainAdvance = 4

// maxTrainEvents bounds a Poisson train on the device.
const maxTrainEvents = 1 << 20

// trainFits reports whether no window of half a step holds more than
// trainAdvance of a train's events.
func trainFits(p *point.Poisson, dt float64) bool {
	ts := p.Times()
	for i := trainAdvance; i < len(ts); i++ {
		if ts[i]-ts[i-trainAdvance] <= dt/2 {
			return false
		}
	}
	return true
}

// poissonTrains returns the Poisson trains of a stimulus.
func poissonTrains(st point.Stimulus) []*point.Poisson {
	switch st := st.(type) {
	case *point.Poisson:
		return []*point.Poisson{st}
	case point.Sum:
		var out []*point.Poisson
		for _, x := range st {
			out = append(out, poissonTrains(x)...)
		}
		return out
	}
	return nil
}

// poissonTrain returns a stimulus's Poisson train, nil if it has none.
func poissonTrain(st point.Stimulus) *point.Poisson {
	if ps := poissonTrains(st); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// bindTrain uploads a stimulus's Poisson train, if it has one, for prog
// (trainGLSL), on the device's thread; free deletes the buffer.
func bindTrain(prog *device.Program, st point.Stimulus) (free func()) {
	train := poissonTrain(st)
	if train == nil {
		return func() {}
	}
	data := trainData(train)
	b := device.NewBuffer(data, 0)
	b.Bind(3)
	prog.SetInt("nTrain", len(data)/2)
	return b.Delete
}

// trainData lays out a Poisson train for trainGLSL: each event's time and
// A_k.
func trainData(p *point.Poisson) []float32 {
	var out []float32
	a, prev := 0.0, math.Inf(-1)
	for _, t := range p.Times() {
		a = 1 + a*math.Exp(-(t-prev)/p.Tau)
		out = append(out, float32(t), float32(a))
		prev = t
	}
	return out
}

// Limits of the typed models the GPU sweeps: each variable and parameter
// is a register of every instance.
const (
	sweepMaxVars   = 16
	sweepMaxParams = 64
	builtinParams  = 16 // the built-in models' p[]
)

// translateModel writes a typed model's equations as point.comp's model
// interface (see the shader), in real.glsl's precision with literals
// written by lit: the state a real[NV],
// the parameters p[i], the variables x[i], the quantities computed before
// the right-hand sides; every helper written out component by component,
// since the shader may loop only over steps.
func translateModel(m *point.Model, eqs *point.Equations, lit func(float64) string) (string, error) {
	nv := len(m.Vars)
	if nv > sweepMaxVars {
		return "", fmt.Errorf("%s: %d variables; the GPU sweeps models of up to %d", eqs.File, nv, sweepMaxVars)
	}
	if len(m.Params) > sweepMaxParams {
		return "", fmt.Errorf("%s: %d parameters; the GPU sweeps models of up to %d", eqs.File, len(m.Params), sweepMaxParams)
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
	fmt.Fprintf(&b, "// %s translated by gpu/sweep/sweep_model.go.\n#include \"typed.glsl\"\n\n#define State real[NV]\n\n", eqs.File)
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

// glslFloat writes a float literal GLSL reads (an exponent makes it a
// float, not an int); GLSL has no literals for infinities and NaN, so
// those are written as their bits.
func glslFloat(v float64) string {
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
