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

type (
	numFn  func(*frame) float64
	intFn  func(*frame) int
	boolFn func(*frame) bool
)

// compiled is a typed model's quantities, right-hand sides and reset
// values as closures.
type compiled struct {
	quantities, derivs, resets []numFn
	frames                     sync.Pool // *frame: clones of a model run in parallel
}

// compileModel compiles a model's expressions, all or none: the input
// parameter stands for the whole input, each quantity may use those
// before it, the right-hand sides and resets all of them.
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
	all := make([]string, 0, len(names)+len(eqs.Quantities))
	for n := range names {
		all = append(all, n)
	}
	for _, q := range eqs.Quantities {
		all = append(all, q.Name)
	}
	cfg := machineConfig(all)
	c := &compiled{}
	compileAll := func(defs []Definition) ([]numFn, error) {
		var fns []numFn
		for _, d := range defs {
			fn, err := compileExpr(d.Expr, names, cfg)
			if err != nil {
				return nil, err
			}
			fns = append(fns, fn)
		}
		return fns, nil
	}
	for j, q := range eqs.Quantities {
		fn, err := compileExpr(q.Expr, names, cfg)
		if err != nil {
			return nil, err
		}
		c.quantities = append(c.quantities, fn)
		names[q.Name] = func(f *frame) float64 { return f.q[j] }
	}
	var err error
	if c.derivs, err = compileAll(eqs.Derivs); err != nil {
		return nil, err
	}
	if c.resets, err = compileAll(eqs.Reset); err != nil {
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

// compileExpr compiles one numeric expression, as expr compiles it for
// cfg: parsed, type-checked, its constants folded.
func compileExpr(src string, names map[string]numFn, cfg *conf.Config) (numFn, error) {
	tree, err := checker.ParseCheck(src, cfg)
	if err != nil {
		return nil, err
	}
	if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
		return nil, err
	}
	return compileNum(tree.Node, names)
}

// funcs1 are the functions of one argument, as mathEnv and expr's
// builtins define them on a float.
var funcs1 = map[string]func(float64) float64{
	"exp": math.Exp, "log": math.Log, "sqrt": math.Sqrt, "sin": math.Sin, "cos": math.Cos,
	"tan": math.Tan, "tanh": math.Tanh, "sinh": math.Sinh, "cosh": math.Cosh, "atan": math.Atan,
	"log10": math.Log10, "floor": math.Floor, "ceil": math.Ceil, "round": math.Round,
	"heav": func(x float64) float64 {
		if x >= 0 {
			return 1
		}
		return 0
	},
	"abs": func(x float64) float64 {
		if x < 0 {
			return -x
		}
		return x
	},
}

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
		x, err := compileNum(n.Node, names)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "-":
			return func(f *frame) float64 { return -x(f) }, nil
		case "+":
			return x, nil
		}
	case *ast.BinaryNode:
		return compileArith(n, names)
	case *ast.ConditionalNode:
		c, err := compileBool(n.Cond, names)
		if err != nil {
			return nil, err
		}
		a, err := compileNum(n.Exp1, names)
		if err != nil {
			return nil, err
		}
		b, err := compileNum(n.Exp2, names)
		if err != nil {
			return nil, err
		}
		return func(f *frame) float64 {
			if c(f) {
				return a(f)
			}
			return b(f)
		}, nil
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
		x, err := compileInt(n.Node, names)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "-":
			return func(f *frame) int { return -x(f) }, nil
		case "+":
			return x, nil
		}
	case *ast.BinaryNode:
		if !isInt(n.Left) || !isInt(n.Right) {
			break
		}
		l, err := compileInt(n.Left, names)
		if err != nil {
			return nil, err
		}
		r, err := compileInt(n.Right, names)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "+":
			return func(f *frame) int { return l(f) + r(f) }, nil
		case "-":
			return func(f *frame) int { return l(f) - r(f) }, nil
		case "*":
			return func(f *frame) int { return l(f) * r(f) }, nil
		}
	case *ast.ConditionalNode:
		c, err := compileBool(n.Cond, names)
		if err != nil {
			return nil, err
		}
		a, err := compileInt(n.Exp1, names)
		if err != nil {
			return nil, err
		}
		b, err := compileInt(n.Exp2, names)
		if err != nil {
			return nil, err
		}
		return func(f *frame) int {
			if c(f) {
				return a(f)
			}
			return b(f)
		}, nil
	case *ast.BuiltinNode:
		if n.Name == "abs" && len(n.Arguments) == 1 && isInt(n.Arguments[0]) {
			x, err := compileInt(n.Arguments[0], names)
			if err != nil {
				return nil, err
			}
			return func(f *frame) int {
				v := x(f)
				if v < 0 {
					return -v
				}
				return v
			}, nil
		}
		if (n.Name == "min" || n.Name == "max") && len(n.Arguments) > 0 {
			fns := make([]intFn, len(n.Arguments))
			for k, a := range n.Arguments {
				if !isInt(a) {
					return nil, fmt.Errorf("not compiled: %s", n)
				}
				fn, err := compileInt(a, names)
				if err != nil {
					return nil, err
				}
				fns[k] = fn
			}
			less := n.Name == "max"
			return func(f *frame) int {
				v := fns[0](f)
				for _, fn := range fns[1:] {
					if w := fn(f); (less && v < w) || (!less && v > w) {
						v = w
					}
				}
				return v
			}, nil
		}
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// compileArith compiles + − × / and powers of floats (an integer operand
// converted).
func compileArith(n *ast.BinaryNode, names map[string]numFn) (numFn, error) {
	l, err := compileNum(n.Left, names)
	if err != nil {
		return nil, err
	}
	r, err := compileNum(n.Right, names)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "+":
		return func(f *frame) float64 { return l(f) + r(f) }, nil
	case "-":
		return func(f *frame) float64 { return l(f) - r(f) }, nil
	case "*":
		return func(f *frame) float64 { return l(f) * r(f) }, nil
	case "/":
		return func(f *frame) float64 { return l(f) / r(f) }, nil
	case "^", "**":
		return func(f *frame) float64 { return math.Pow(l(f), r(f)) }, nil
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// compileCall compiles a call of a function of one float, pow, or min or
// max of floats (expr's: the first of the smallest, or largest, as it
// compares).
func compileCall(name string, args []ast.Node, names map[string]numFn) (numFn, error) {
	fns := make([]numFn, len(args))
	for i, a := range args {
		if isInt(a) && (name == "min" || name == "max") {
			// expr hands on the integer itself when it wins, and what
			// follows computes in integers (−1·0 is +0, not −0): write
			// max(0.0, x) for the closures
			return nil, fmt.Errorf("not compiled: %s of an integer", name)
		}
		fn, err := compileNum(a, names)
		if err != nil {
			return nil, err
		}
		fns[i] = fn
	}
	if f1, ok := funcs1[name]; ok && len(fns) == 1 {
		x := fns[0]
		return func(f *frame) float64 { return f1(x(f)) }, nil
	}
	switch {
	case name == "pow" && len(fns) == 2:
		return func(f *frame) float64 { return math.Pow(fns[0](f), fns[1](f)) }, nil
	case (name == "min" || name == "max") && len(fns) > 0:
		less := name == "max"
		return func(f *frame) float64 {
			v := fns[0](f)
			for _, fn := range fns[1:] {
				if w := fn(f); (less && v < w) || (!less && v > w) {
					v = w
				}
			}
			return v
		}, nil
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
			l, err := compileBool(n.Left, names)
			if err != nil {
				return nil, err
			}
			r, err := compileBool(n.Right, names)
			if err != nil {
				return nil, err
			}
			if n.Operator == "&&" || n.Operator == "and" {
				return func(f *frame) bool { return l(f) && r(f) }, nil
			}
			return func(f *frame) bool { return l(f) || r(f) }, nil
		}
		if isInt(n.Left) && isInt(n.Right) {
			return compileIntCompare(n, names)
		}
		l, err := compileNum(n.Left, names)
		if err != nil {
			return nil, err
		}
		r, err := compileNum(n.Right, names)
		if err != nil {
			return nil, err
		}
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
	case *ast.ConditionalNode:
		c, err := compileBool(n.Cond, names)
		if err != nil {
			return nil, err
		}
		a, err := compileBool(n.Exp1, names)
		if err != nil {
			return nil, err
		}
		b, err := compileBool(n.Exp2, names)
		if err != nil {
			return nil, err
		}
		return func(f *frame) bool {
			if c(f) {
				return a(f)
			}
			return b(f)
		}, nil
	}
	return nil, fmt.Errorf("not compiled: %s", n)
}

// compileIntCompare compiles a comparison of two integers.
func compileIntCompare(n *ast.BinaryNode, names map[string]numFn) (boolFn, error) {
	l, err := compileInt(n.Left, names)
	if err != nil {
		return nil, err
	}
	r, err := compileInt(n.Right, names)
	if err != nil {
		return nil, err
	}
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
