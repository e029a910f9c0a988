package point

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// ReadModelFile reads a model typed as equations (see Parse). A file that
// is not text (NUL bytes or invalid UTF-8, say an image given by mistake)
// is refused in one line rather than parsed into a screenful of errors.
func ReadModelFile(path string) (*Model, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file", path)
	}
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(text, 0) >= 0 || !utf8.Valid(text) {
		return nil, fmt.Errorf("%s: not a text file of equations", path)
	}
	return Parse(bytes.NewReader(text), path)
}

// Parse reads a model written in the spirit of XPPAUT's .ode files:
//
//	# FitzHugh–Nagumo
//	name fhn-mine
//	par a=0.08, b=0.7, c=0.8, I=0.5
//	init v=-1.2, w=-0.6
//	v' = v - v^3/3 - w + I
//	dw/dt = a*(v + b - c*w)
//	spike v >= 30: v = c, u = u + d     (a reset, for spiking models)
//	spike V >= 0                         (or a level counted as a spike, no reset)
//	input I                              (the injected current; default I)
//	minf = 0.5*(1 + tanh((v - v1)/v2))   (a quantity, for what follows)
//	range v=-2.5..2.5, w=-1..2           (the window of the phase plane)
//
// Right-hand sides are expressions (expr-lang/expr) in the parameters,
// the variables, t and the functions exp, log, log10, sqrt, pow, sin, cos,
// tan, atan, sinh, cosh, tanh, abs, heav (Heaviside), min and max; ^ is a
// power. "range v=-80..40, w=0..1" sets the window of phase planes and of
// the search for equilibria (default -1..1). Errors name the file, the
// line and the problem, unknown names included.
func Parse(r io.Reader, file string) (*Model, error) {
	type equation struct {
		line      int
		name, rhs string
	}
	m := &Model{Name: strings.TrimSuffix(file, ".ode")}
	var eqs, aux []equation // aux: quantities defined in terms of what comes before
	// spikeLine is the spike line: a reset, or a level alone.
	type spikeLine struct {
		line        int
		v, level    string
		resets      bool // else a level counted as a spike, with no reset
		assignments []equation
	}
	var spike *spikeLine
	inputName := ""
	init := map[string]float64{}
	given := map[string]int{}         // "par a", "init x": the line each was given on
	ranges := map[string][3]float64{} // low, high, line
	var errs []string
	fail := func(line int, format string, args ...any) {
		at := fmt.Sprintf("%s:%d", file, line)
		if line == 0 { // about the whole file
			at = file
		}
		errs = append(errs, at+": "+fmt.Sprintf(format, args...))
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" || line == "done" {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "name":
			m.Name = strings.TrimSpace(rest)
			continue
		case "par", "param", "init":
			for _, kv := range splitList(rest) {
				k, v, ok := strings.Cut(kv, "=")
				k = strings.TrimSpace(k)
				x, err := expr.Eval(strings.TrimSpace(v), mathEnv())
				f, isNum := x.(float64)
				if i, isInt := x.(int); isInt {
					f, isNum = float64(i), true
				}
				if !ok || !validName(k) || err != nil || !isNum {
					fail(n, "%q: give name=number", strings.TrimSpace(kv))
					continue
				}
				if word != "init" && reserved(k) {
					fail(n, "%s is reserved (the time t, pi and the functions cannot be parameters)", k)
					continue
				}
				key := word + " " + k
				if word == "param" {
					key = "par " + k // one name, either spelling
				}
				if first, twice := given[key]; twice {
					fail(n, "%s is given twice (first on line %d)", k, first)
					continue
				}
				given[key] = n
				if word == "init" {
					init[k] = f
				} else {
					m.Params = append(m.Params, Param{Name: k, Value: f, Min: rangeLo(f), Max: rangeHi(f)})
				}
			}
			continue
		case "input":
			inputName = strings.TrimSpace(rest)
			continue
		case "range":
			for _, kv := range splitList(rest) {
				k, v, _ := strings.Cut(kv, "=")
				lo, hi, ok := strings.Cut(v, "..")
				a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
				b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
				if !ok || err1 != nil || err2 != nil || !(b > a) {
					fail(n, "range %q: give name=low..high, low below high", strings.TrimSpace(kv))
					continue
				}
				ranges[strings.TrimSpace(k)] = [3]float64{a, b, float64(n)}
			}
			continue
		case "spike":
			cond, assigns, resets := strings.Cut(rest, ":")
			g := spikePattern.FindStringSubmatch(strings.TrimSpace(cond))
			if g == nil || (resets && strings.TrimSpace(assigns) == "") {
				fail(n, "write a reset as: spike v >= 30: v = c, u = u + d; or a spike level alone as: spike V >= 0")
				continue
			}
			spike = &spikeLine{line: n, v: g[1], level: g[2], resets: resets}
			for _, a := range splitList(assigns) {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					fail(n, "reset %q: give variable = expression", a)
					continue
				}
				spike.assignments = append(spike.assignments, equation{n, strings.TrimSpace(k), strings.TrimSpace(v)})
			}
			continue
		}
		if g := derivPattern.FindStringSubmatch(line); g != nil {
			name := g[1]
			if name == "" {
				name = g[2]
			}
			eqs = append(eqs, equation{n, name, g[3]})
			continue
		}
		if g := auxPattern.FindStringSubmatch(line); g != nil {
			aux = append(aux, equation{n, g[1], g[2]})
			continue
		}
		fail(n, "cannot read %q: expected par, init, name, input, spike, an equation like v' = ... or dv/dt = ..., or a quantity like minf = ...", line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(eqs) == 0 && len(errs) == 0 {
		fail(0, "no equations (like v' = ...)")
	}
	index := map[string]int{}
	for i, e := range eqs {
		if _, dup := index[e.name]; dup {
			fail(e.line, "%s has two equations", e.name)
		}
		if reserved(e.name) {
			fail(e.line, "%s is reserved (the time t, pi and the functions cannot be variables)", e.name)
		}
		index[e.name] = i
		v := Var{Name: e.name, Min: -1, Max: 1}
		if r, ok := ranges[e.name]; ok {
			v.Min, v.Max = r[0], r[1]
			delete(ranges, e.name)
		}
		m.Vars = append(m.Vars, v)
		m.Init = append(m.Init, init[e.name])
		delete(init, e.name)
	}
	for k := range init {
		fail(0, "init %s: %s is not a variable (no equation for it)", k, k)
	}
	for k, r := range ranges {
		fail(int(r[2]), "range %s: %s is not a variable (no equation for it)", k, k)
	}
	for _, p := range m.Params {
		if _, clash := index[p.Name]; clash {
			fail(0, "%s is both a parameter and a variable", p.Name)
		}
	}
	// Compile against an environment holding every known name, so that an
	// unknown name is an error now rather than a NaN later.
	env := mathEnv()
	env["t"] = 0.0
	for _, p := range m.Params {
		env[p.Name] = p.Value
	}
	for _, v := range m.Vars {
		env[v.Name] = 0.0
	}
	nParams := len(m.Params)
	compile := func(line int, src string) *vm.Program {
		prog, err := expr.Compile(src, expr.Env(env), expr.AsFloat64())
		if err != nil {
			fail(line, "%s", strings.ReplaceAll(err.Error(), "\n", " "))
			return nil
		}
		return prog
	}
	// A quantity may use those defined before it; the equations may use
	// them all.
	auxProgs := make([]*vm.Program, len(aux))
	for i, a := range aux {
		auxProgs[i] = compile(a.line, a.rhs)
		if _, dup := env[a.name]; dup {
			fail(a.line, "%s is defined twice (as a parameter, variable, quantity or function)", a.name)
		}
		env[a.name] = 0.0
	}
	progs := make([]*vm.Program, len(eqs))
	for i, e := range eqs {
		progs[i] = compile(e.line, e.rhs)
	}
	var resetProgs []*vm.Program
	var resetVars []int
	spikeLevel := math.Inf(1)
	if spike != nil {
		vi, ok := index[spike.v]
		if !ok {
			fail(spike.line, "spike: %s is not a variable", spike.v)
		}
		m.V = vi
		level, err := strconv.ParseFloat(spike.level, 64)
		if err != nil {
			fail(spike.line, "spike: threshold %q is not a number", spike.level)
		}
		if spike.resets {
			m.Params = append(m.Params, Param{Name: "spike_threshold", Value: level, Min: rangeLo(level), Max: rangeHi(level)})
		} else {
			spikeLevel = level
		}
		for _, a := range spike.assignments {
			j, ok := index[a.name]
			if !ok {
				fail(a.line, "reset: %s is not a variable", a.name)
				continue
			}
			resetVars = append(resetVars, j)
			resetProgs = append(resetProgs, compile(a.line, a.rhs))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	m.Input = inputName
	if m.Input == "" {
		if _, ok := m.Param("I"); ok {
			m.Input = "I"
		}
	}
	m.SpikeAt = spikeLevel
	inputIdx := -1
	for i, p := range m.Params[:nParams] {
		if p.Name == m.Input {
			inputIdx = i
		}
	}
	params := make([]string, nParams)
	for i, p := range m.Params[:nParams] {
		params[i] = p.Name
	}
	vars := make([]string, len(m.Vars))
	for i, v := range m.Vars {
		vars[i] = v.Name
	}
	// Each evaluation takes its own environment and machine from a pool:
	// clones of the model share these functions and may run in parallel.
	pool := sync.Pool{New: func() any { return &evalState{env: mathEnv()} }}
	// fill loads t, x and p into the environment, the input parameter
	// standing for the whole input (parameter plus stimulus) as the
	// built-in models take it, and evaluates the quantities.
	fill := func(st *evalState, p []float64, t, I float64, x []float64) {
		st.env["t"] = t
		for i, n := range vars {
			st.env[n] = x[i]
		}
		// Parameters rarely change between evaluations: storing one in
		// the environment allocates, so only changed ones are stored.
		if st.p == nil {
			st.p = make([]float64, nParams)
			for i := range st.p {
				st.p[i] = math.NaN()
			}
		}
		for i, n := range params {
			v := p[i]
			if i == inputIdx {
				v = I
			}
			if v != st.p[i] {
				st.env[n], st.p[i] = v, v
			}
		}
		for i, prog := range auxProgs {
			st.env[aux[i].name] = st.run(prog)
		}
	}
	m.f = func(p []float64, t, I float64, x, dx []float64) {
		st := pool.Get().(*evalState)
		fill(st, p, t, I, x)
		for i, prog := range progs {
			dx[i] = st.run(prog)
		}
		pool.Put(st)
	}
	resetValues := func(p []float64, t, I float64, x, vals []float64) {
		st := pool.Get().(*evalState)
		defer pool.Put(st)
		fill(st, p, t, I, x)
		for k, prog := range resetProgs {
			vals[k] = st.run(prog)
		}
	}
	m.eqs = &Equations{File: file}
	for _, a := range aux {
		m.eqs.Quantities = append(m.eqs.Quantities, Definition{Name: a.name, Expr: a.rhs, Line: a.line})
	}
	for _, e := range eqs {
		m.eqs.Derivs = append(m.eqs.Derivs, Definition{Name: e.name, Expr: e.rhs, Line: e.line})
	}
	if spike != nil && spike.resets {
		for _, a := range spike.assignments {
			m.eqs.Reset = append(m.eqs.Reset, Definition{Name: a.name, Expr: a.rhs, Line: a.line})
		}
	}
	if err := checkTrees(params, m.Input, vars, m.eqs); err != nil {
		if le, ok := err.(*lineError); ok {
			return nil, fmt.Errorf("%s:%d: %w", file, le.line, le.err)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// The closures, where they cover every expression, take over from
	// the machine.
	if c, err := compileModel(params, m.Input, vars, m.eqs); err == nil {
		m.f = func(p []float64, t, I float64, x, dx []float64) { c.eval(c.derivs, p, t, I, x, dx) }
		resetValues = func(p []float64, t, I float64, x, vals []float64) { c.eval(c.resets, p, t, I, x, vals) }
	}
	if spike != nil && spike.resets {
		m.SpikeAt = m.Params[len(m.Params)-1].Value
		m.reset = &reset{peak: len(m.Params) - 1, refractory: -1, apply: func(p []float64, t, I float64, x []float64) {
			vals := make([]float64, len(resetVars))
			resetValues(p, t, I, x, vals)
			for k, j := range resetVars {
				x[j] = vals[k]
			}
		}}
	}
	return m.finish(), nil
}

// Equations is a typed model's text, for those that translate it (the
// GPU's sweeps): expressions in the parameters, the variables, t and the
// quantities, as Parse describes them.
type Equations struct {
	File       string
	Quantities []Definition // name = expression, each in terms of those before it
	Derivs     []Definition // variable' = expression, in the order of Vars
	Reset      []Definition // at a spike, variable = expression, all from the state before it
}

// Definition is one line of a typed model: Name = Expr, at Line of the
// file, and Tree, the expression as expr type-checks it and folds its
// constants: the one front-end both the CPU's closures and the GPU's GLSL
// compile, so that the two cannot read a line differently.
type Definition struct {
	Name, Expr string
	Line       int
	Tree       ast.Node
}

// Equations returns the text of a model typed as equations, nil for a
// built-in model. Spiking typed models reset when x[V] reaches their last
// parameter, spike_threshold.
func (m *Model) Equations() *Equations { return m.eqs }

// evalState is what one evaluation of a typed model needs.
type evalState struct {
	env map[string]any
	p   []float64 // the parameter values in env
	vm  vm.VM
}

// run evaluates one expression; a failure (a NaN argument to a function
// that panics on it, say) gives NaN, which the integrators report as a
// blow-up with its time.
func (st *evalState) run(prog *vm.Program) float64 {
	out, err := st.vm.Run(prog, st.env)
	if v, ok := out.(float64); ok && err == nil {
		return v
	}
	return math.NaN()
}

var (
	derivPattern = regexp.MustCompile(`^(?:([A-Za-z_]\w*)'|d([A-Za-z_]\w*)/dt)\s*=\s*(.+)$`)
	spikePattern = regexp.MustCompile(`^([A-Za-z_]\w*)\s*>=?\s*([-+0-9.eE]+)$`)
	namePattern  = regexp.MustCompile(`^[A-Za-z_]\w*$`)
	auxPattern   = regexp.MustCompile(`^([A-Za-z_]\w*)\s*=\s*(.+)$`)
)

func validName(s string) bool { return namePattern.MatchString(s) }

// reserved reports whether a name is the time or one of the expressions'
// constants and functions, which a parameter or variable may not shadow.
func reserved(name string) bool {
	_, ok := mathEnv()[name]
	return ok || name == "t"
}

// splitList splits "a=1, b=2" on commas and spaces around them.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Slider ranges for parameters of typed models: a decade around the value.
func rangeLo(v float64) float64 {
	if v == 0 {
		return -1
	}
	return math.Min(v/10, v*10)
}

func rangeHi(v float64) float64 {
	if v == 0 {
		return 1
	}
	return math.Max(v/10, v*10)
}

// mathEnv holds the functions expressions may call.
func mathEnv() map[string]any {
	return map[string]any{
		"exp": math.Exp, "log": math.Log, "sqrt": math.Sqrt, "sin": math.Sin, "cos": math.Cos,
		"tan": math.Tan, "tanh": math.Tanh, "sinh": math.Sinh, "cosh": math.Cosh, "atan": math.Atan,
		"log10": math.Log10, "pow": math.Pow, "pi": math.Pi,
		"heav": func(x float64) float64 {
			if x >= 0 {
				return 1
			}
			return 0
		},
	}
}
