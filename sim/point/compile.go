package point

import (
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/optimizer"
)

// A typed model's expressions compiled to trees of Go closures, with
// expr's meaning to the bit (zeros' signs aside: the machine's constant
// pool does not tell 0.0 from −0.0): its virtual machine takes about a
// microsecond to evaluate FitzHugh–Nagumo's right-hand side (an
// environment map, boxed values), the closures a tenth of that. They are
// built from the tree expr itself would run, type-checked and with its
// constants folded, so that integers are integers where expr keeps them
// (a literal −0 is +0; 9007199254740993 − 9007199254740992 is 1) and
// floats where its checker made them floats (the arguments of exp, sin,
// ...). What the closures do not cover (% of a variable, strings, lists,
// min and max of an integer, whose type expr hands on) stays with the
// machine.

// frame is what an evaluation reads: the parameters (the input parameter
// standing for the whole input, in), the variables, the time and the
// quantities computed so far.
type frame struct {
	p, x, q []float64
	t, in   float64
}

// evalFn is a compiled expression of value T.
type evalFn[T any] func(*frame) T

type (
	numFn  = evalFn[float64]
	intFn  = evalFn[int]
	boolFn = evalFn[bool]
)

// compiled is a typed model's quantities, right-hand sides and reset
// values as closures.
type compiled struct {
	quantities, derivs, resets []numFn
	frames                     sync.Pool // *frame: clones of a model run in parallel
}

// checkTrees sets every definition's Tree: parsed, type-checked as expr
// checks it (every name a float64, mathEnv's functions, a float64 result;
// the input parameter stands for the whole input, each quantity may use
// those before it) and its constants folded.
func checkTrees(params []string, input string, vars []string, eqs *Equations) error {
	all := []string{"t", "pi"}
	all = append(all, params...)
	all = append(all, vars...)
	for _, q := range eqs.Quantities {
		all = append(all, q.Name)
	}
	cfg := machineConfig(all)
	for _, defs := range [][]Definition{eqs.Quantities, eqs.Derivs, eqs.Reset} {
		for i := range defs {
			tree, err := checkTree(defs[i].Expr, cfg)
			if err != nil {
				return &lineError{defs[i].Line, err}
			}
			defs[i].Tree = tree
		}
	}
	return nil
}

// lineError is an error of the expression on a line of a model's file.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// CheckExpr parses an expression of the lab's language in which each of
// names (and pi) is a number, type-checks it and folds its constants,
// as a typed model's expressions are: the checked tree other front-ends
// (channels typed as equations) translate.
func CheckExpr(src string, names []string) (ast.Node, error) {
	return checkTree(src, machineConfig(append([]string{"pi"}, names...)))
}

// checkTree parses an expression, type-checks it for cfg and folds its
// constants, as expr compiles it.
func checkTree(src string, cfg *conf.Config) (ast.Node, error) {
	tree, err := checker.ParseCheck(src, cfg)
	if err != nil {
		return nil, err
	}
	if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
		return nil, err
	}
	z := &zeroDivisor{}
	ast.Walk(&tree.Node, z)
	if z.found != "" {
		return nil, fmt.Errorf("%s divides by zero", z.found)
	}
	return tree.Node, nil
}

// zeroDivisor finds a division by a constant zero (after folding): a
// modelling slip the CPU meets as infinity and the GPU's compiler may
// fold to anything.
type zeroDivisor struct{ found string }

func (z *zeroDivisor) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || (b.Operator != "/" && b.Operator != "%") || z.found != "" {
		return
	}
	switch r := b.Right.(type) {
	case *ast.IntegerNode:
		if r.Value == 0 {
			z.found = b.String()
		}
	case *ast.FloatNode:
		if r.Value == 0 {
			z.found = b.String()
		}
	}
}

// compileModel compiles a model's checked trees (checkTrees), all or
// none, to closures.
func compileModel(params []string, input string, vars []string, eqs *Equations) (*compiled, error) {
	names := map[string]numFn{
		"t":  func(f *frame) float64 { return f.t },
		"pi": func(*frame) float64 { return math.Pi },
	}
	for i, n := range params {
		names[n] = func(f *frame) float64 { return f.p[i] }
		if n == input {
			names[n] = func(f *frame) float64 { return f.in }
		}
	}
	for i, n := range vars {
		names[n] = func(f *frame) float64 { return f.x[i] }
	}
	c := &compiled{}
	compileDefs := func(defs []Definition) ([]numFn, error) {
		var fns []numFn
		for _, d := range defs {
			fn, err := compileNum(d.Tree, names)
			if err != nil {
				return nil, err
			}
			fns = append(fns, fn)
		}
		return fns, nil
	}
	for j, q := range eqs.Quantities {
		fn, err := compileNum(q.Tree, names)
		if err != nil {
			return nil, err
		}
		c.quantities = append(c.quantities, fn)
		names[q.Name] = func(f *frame) float64 { return f.q[j] }
	}
	var err error
	if c.derivs, err = compileDefs(eqs.Derivs); err != nil {
		return nil, err
	}
	if c.resets, err = compileDefs(eqs.Reset); err != nil {
		return nil, err
	}
	nq := len(eqs.Quantities)
	c.frames.New = func() any { return &frame{q: make([]float64, nq)} }
	return c, nil
}

// eval runs fns on a frame of p, t, the input I and x, the quantities
// computed first, and writes their values to out.
func (c *compiled) eval(fns []numFn, p []float64, t, I float64, x, out []float64) {
	f := c.frames.Get().(*frame)
	f.p, f.x, f.t, f.in = p, x, t, I
	for j, q := range c.quantities {
		f.q[j] = q(f)
	}
	for i, fn := range fns {
		out[i] = fn(f)
	}
	f.p, f.x = nil, nil
	c.frames.Put(f)
}

// machineConfig is the configuration the machine compiles a typed model's
// expressions with: every name a float64, mathEnv's functions, a float64
// result.
func machineConfig(names []string) *conf.Config {
	env := mathEnv()
	for _, n := range names {
		env[n] = 0.0
	}
	cfg := conf.CreateNew()
	expr.Env(env)(cfg)
	expr.AsFloat64()(cfg)
	cfg.Check()
	return cfg
}

// funcs1 are the functions of one float: mathEnv's and expr's builtins
// floor, ceil and round (abs, min and max: builtin).
var funcs1 = func() map[string]func(float64) float64 {
	fs := map[string]func(float64) float64{"floor": math.Floor, "ceil": math.Ceil, "round": math.Round}
	for name, f := range mathEnv() {
		if f, ok := f.(func(float64) float64); ok {
			fs[name] = f
		}
	}
	return fs
}()

// pow is mathEnv's.
var pow = mathEnv()["pow"].(func(float64, float64) float64)

// isInt reports whether the checker typed a node as an integer.
func isInt(n ast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.Int
}

// compileNum compiles a node of numeric value; an integer one is
// converted, as expr converts it where a float is wanted.
func compileNum(n ast.Node, names map[string]numFn) (numFn, error) {
	if isInt(n) {
		i, err := compileInt(n, names)
		if err != nil {
			return nil, err
		}
		return func(f *frame) float64 { return float64(i(f)) }, nil
	}
	switch n := n.(type) {
	case *ast.FloatNode:
		v := n.Value
		return func(*frame) float64 { return v }, nil
	case *ast.IdentifierNode:
		if fn, ok := names[n.Value]; ok {
			return fn, nil
		}
		return nil, fmt.Errorf("unknown name %q", n.Value)
	case *ast.UnaryNode:
		return unary(n, names, compileNum)
	case *ast.BinaryNode:
		l, r, err := both(n, names, compileNum)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "/":
			return func(f *frame) float64 { return l(f) / r(f) }, nil
		case "^", "**":
			return func(f *frame) float64 { return pow(l(f), r(f)) }, nil
		}
		if fn, ok := arith(n.Operator, l, r); ok {
			return fn, nil
		}
	case *ast.ConditionalNode:
		return conditional(n, names, compileNum)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			return compileCall(id.Value, n.Arguments, names)
		}
	case *ast.BuiltinNode:
		return compileCall(n.Name, n.Arguments, names)
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// compileInt compiles a node the checker typed as an integer: after
// folding, literals and what wraps them (names are all floats), in Go's
// wrapping int arithmetic as expr's.
func compileInt(n ast.Node, names map[string]numFn) (intFn, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		v := n.Value
		return func(*frame) int { return v }, nil
	case *ast.UnaryNode:
		return unary(n, names, compileInt)
	case *ast.BinaryNode:
		if !isInt(n.Left) || !isInt(n.Right) {
			break
		}
		l, r, err := both(n, names, compileInt)
		if err != nil {
			return nil, err
		}
		if fn, ok := arith(n.Operator, l, r); ok {
			return fn, nil
		}
	case *ast.ConditionalNode:
		return conditional(n, names, compileInt)
	case *ast.BuiltinNode:
		for _, a := range n.Arguments {
			if !isInt(a) {
				return nil, fmt.Errorf("not compiled: %s", n)
			}
		}
		fns, err := compileAll(n.Arguments, names, compileInt)
		if err != nil {
			return nil, err
		}
		if fn, ok := builtin(n.Name, fns); ok {
			return fn, nil
		}
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// compileCall compiles a call of a function of one float, pow, or min or
// max of floats (expr's: the first of the smallest, or largest, as it
// compares).
func compileCall(name string, args []ast.Node, names map[string]numFn) (numFn, error) {
	for _, a := range args {
		if isInt(a) && (name == "min" || name == "max") {
			// expr hands on the integer itself when it wins, and what
			// follows computes in integers (−1·0 is +0, not −0): write
			// max(0.0, x) for the closures
			return nil, fmt.Errorf("not compiled: %s of an integer", name)
		}
	}
	fns, err := compileAll(args, names, compileNum)
	if err != nil {
		return nil, err
	}
	if f1, ok := funcs1[name]; ok && len(fns) == 1 {
		x := fns[0]
		return func(f *frame) float64 { return f1(x(f)) }, nil
	}
	if name == "pow" && len(fns) == 2 {
		return func(f *frame) float64 { return pow(fns[0](f), fns[1](f)) }, nil
	}
	if fn, ok := builtin(name, fns); ok {
		return fn, nil
	}
	return nil, fmt.Errorf("not compiled: %s with %d arguments", name, len(args))
}

// compileBool compiles a comparison, a logical operation or a boolean
// literal.
func compileBool(n ast.Node, names map[string]numFn) (boolFn, error) {
	switch n := n.(type) {
	case *ast.BoolNode:
		v := n.Value
		return func(*frame) bool { return v }, nil
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			x, err := compileBool(n.Node, names)
			if err != nil {
				return nil, err
			}
			return func(f *frame) bool { return !x(f) }, nil
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "&&", "and", "||", "or":
			l, r, err := both(n, names, compileBool)
			if err != nil {
				return nil, err
			}
			if n.Operator == "&&" || n.Operator == "and" {
				return func(f *frame) bool { return l(f) && r(f) }, nil
			}
			return func(f *frame) bool { return l(f) || r(f) }, nil
		}
		if isInt(n.Left) && isInt(n.Right) {
			l, r, err := both(n, names, compileInt)
			if err != nil {
				return nil, err
			}
			return comparison(n, l, r)
		}
		l, r, err := both(n, names, compileNum)
		if err != nil {
			return nil, err
		}
		return comparison(n, l, r)
	case *ast.ConditionalNode:
		return conditional(n, names, compileBool)
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// A compiler of nodes of one type.
type compiler[T any] func(ast.Node, map[string]numFn) (evalFn[T], error)

// compileAll compiles nodes with c, stopping at the first it cannot.
func compileAll[T any](nodes []ast.Node, names map[string]numFn, c compiler[T]) ([]evalFn[T], error) {
	fns := make([]evalFn[T], len(nodes))
	for i, n := range nodes {
		fn, err := c(n, names)
		if err != nil {
			return nil, err
		}
		fns[i] = fn
	}
	return fns, nil
}

// both compiles a binary node's operands with c.
func both[T any](n *ast.BinaryNode, names map[string]numFn, c compiler[T]) (l, r evalFn[T], err error) {
	fns, err := compileAll([]ast.Node{n.Left, n.Right}, names, c)
	if err != nil {
		return nil, nil, err
	}
	return fns[0], fns[1], nil
}

// unary compiles − and + of a number.
func unary[T int | float64](n *ast.UnaryNode, names map[string]numFn, c compiler[T]) (evalFn[T], error) {
	x, err := c(n.Node, names)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "-":
		return func(f *frame) T { return -x(f) }, nil
	case "+":
		return x, nil
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// conditional compiles cond ? a : b, the branches with c.
func conditional[T any](n *ast.ConditionalNode, names map[string]numFn, c compiler[T]) (evalFn[T], error) {
	cond, err := compileBool(n.Cond, names)
	if err != nil {
		return nil, err
	}
	ab, err := compileAll([]ast.Node{n.Exp1, n.Exp2}, names, c)
	if err != nil {
		return nil, err
	}
	a, b := ab[0], ab[1]
	return func(f *frame) T {
		if cond(f) {
			return a(f)
		}
		return b(f)
	}, nil
}

// arith is +, − or × (in Go's wrapping arithmetic for ints, as expr's).
func arith[T int | float64](op string, l, r evalFn[T]) (evalFn[T], bool) {
	switch op {
	case "+":
		return func(f *frame) T { return l(f) + r(f) }, true
	case "-":
		return func(f *frame) T { return l(f) - r(f) }, true
	case "*":
		return func(f *frame) T { return l(f) * r(f) }, true
	}
	return nil, false
}

// comparison compiles a comparison of two numbers of one type.
func comparison[T int | float64](n *ast.BinaryNode, l, r evalFn[T]) (boolFn, error) {
	switch n.Operator {
	case "<":
		return func(f *frame) bool { return l(f) < r(f) }, nil
	case ">":
		return func(f *frame) bool { return l(f) > r(f) }, nil
	case "<=":
		return func(f *frame) bool { return l(f) <= r(f) }, nil
	case ">=":
		return func(f *frame) bool { return l(f) >= r(f) }, nil
	case "==":
		return func(f *frame) bool { return l(f) == r(f) }, nil
	case "!=":
		return func(f *frame) bool { return l(f) != r(f) }, nil
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// builtin is expr's abs of one number, or min or max of some: the first
// of the smallest, or largest, as expr compares.
func builtin[T int | float64](name string, fns []evalFn[T]) (evalFn[T], bool) {
	switch {
	case name == "abs" && len(fns) == 1:
		x := fns[0]
		return func(f *frame) T { return absolute(x(f)) }, true
	case (name == "min" || name == "max") && len(fns) > 0:
		larger := name == "max"
		return func(f *frame) T {
			v := fns[0](f)
			for _, fn := range fns[1:] {
				if w := fn(f); (larger && v < w) || (!larger && v > w) {
					v = w
				}
			}
			return v
		}, true
	}
	return nil, false
}

// absolute is expr's abs: −x below zero, else x (−0 stays −0).
func absolute[T int | float64](x T) T {
	if x < 0 {
		return -x
	}
	return x
}
