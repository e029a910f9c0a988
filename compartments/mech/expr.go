package mech

import (
	"math"

	"neurite/compartments/nmodl"
	"neurite/sim/fastexp"
)

// operand is a compiled expression: a constant, a variable's vector, or a
// computation into a vector.
type operand struct {
	kind int
	c    float64
	slot int
	fn   vecFn
}

const (
	opConst = iota
	opVar
	opFn
)

// vector returns a getter of op's values for every instance, computing
// them into scratch vector t of x's pool when op is a computation.
func (c *compiler) vector(x *ctx, op operand, t int) func(f *frame) []float64 {
	p := x.pool
	t = c.tmp(x, t)
	switch op.kind {
	case opConst:
		v := op.c
		return func(f *frame) []float64 {
			s := f.pools[p][t]
			fill(s, v)
			return s
		}
	case opVar:
		s := op.slot
		return func(f *frame) []float64 { return f.vars[s] }
	}
	fn := op.fn
	return func(f *frame) []float64 {
		s := f.pools[p][t]
		fn(f, s)
		return s
	}
}

// expr compiles e; its computations use scratch vectors sp and up of x's
// pool.
func (c *compiler) expr(x *ctx, e nmodl.Expr, sp int) (operand, error) {
	switch e := e.(type) {
	case *nmodl.Num:
		return operand{kind: opConst, c: e.Value}, nil
	case *nmodl.Name:
		return c.name(x, e)
	case *nmodl.Unary:
		a, err := c.expr(x, e.X, sp+1)
		if err != nil {
			return a, err
		}
		var op func(float64) float64
		switch e.Op {
		case "+":
			return a, nil
		case "-":
			op = func(a float64) float64 { return -a }
		case "!":
			op = func(a float64) float64 { return b2f(a == 0) }
		default:
			return a, c.errf(e.Pos, "unsupported operator %s", e.Op)
		}
		return c.unary(x, a, op, sp), nil
	case *nmodl.Binary:
		return c.binary(x, e, sp)
	case *nmodl.Call:
		return c.call(x, e, sp)
	}
	return operand{}, c.errf(e.At(), "unsupported expression %T", e)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Fold returns the value of e where Compile computes it once, when it
// compiles (literals and UNITS constants under operators and built-in
// functions, evaluated as the closures would); ok is false where e
// depends on anything else. Other back ends (gpu/mechglsl) fold with it,
// so that a constant such as Hay's qt = 2.3^((34-21)/10) is the same
// double everywhere.
func Fold(e nmodl.Expr) (v float64, ok bool) {
	switch e := e.(type) {
	case *nmodl.Num:
		return e.Value, true
	case *nmodl.Name:
		if e.Ref == nmodl.RefSymbol && e.Sym.Kind == nmodl.Constant {
			return *e.Sym.Default, true
		}
	case *nmodl.Unary:
		a, ok := Fold(e.X)
		switch {
		case !ok:
		case e.Op == "+":
			return a, true
		case e.Op == "-":
			return -a, true
		case e.Op == "!":
			return b2f(a == 0), true
		}
	case *nmodl.Binary:
		op := binOps[e.Op]
		a, okA := Fold(e.L)
		b, okB := Fold(e.R)
		if op != nil && okA && okB {
			return op(a, b), true
		}
	case *nmodl.Call:
		if e.Proc != nil {
			return 0, false
		}
		args := make([]float64, len(e.Args))
		for i, x := range e.Args {
			if args[i], ok = Fold(x); !ok {
				return 0, false
			}
		}
		if fn := mathFuncs1[e.Func]; fn != nil && len(args) == 1 {
			return fn(args[0]), true
		}
		if fn := mathFuncs2[e.Func]; fn != nil && len(args) == 2 {
			return fn(args[0], args[1]), true
		}
	}
	return 0, false
}

// name compiles a variable.
func (c *compiler) name(x *ctx, n *nmodl.Name) (operand, error) {
	v := func(s int) (operand, error) { return operand{kind: opVar, slot: s}, nil }
	switch n.Ref {
	case nmodl.RefSymbol:
		s := n.Sym
		if s.Kind == nmodl.Constant {
			return operand{kind: opConst, c: *s.Default}, nil
		}
		if s.Builtin {
			return v(c.builtin(builtinIndex[s.Name]))
		}
		return v(c.symSlot[s])
	case nmodl.RefBuiltin:
		return v(c.builtin(builtinIndex[n.Name]))
	case nmodl.RefLocal:
		for i := len(x.scopes) - 1; i >= 0; i-- {
			if s, ok := x.scopes[i][n.Name]; ok {
				return v(s)
			}
		}
	case nmodl.RefArg:
		if x.cp != nil {
			return v(x.cp.args[n.Arg])
		}
	case nmodl.RefResult:
		if x.cp != nil {
			return v(x.cp.result)
		}
	case nmodl.RefFlag:
		return v(c.flag)
	}
	return operand{}, c.errf(n.Pos, "%s is not supported here", n.Name)
}

func (c *compiler) unary(x *ctx, a operand, op func(float64) float64, sp int) operand {
	if a.kind == opConst {
		return operand{kind: opConst, c: op(a.c)}
	}
	get := c.vector(x, a, sp)
	return operand{kind: opFn, fn: func(f *frame, dst []float64) {
		av := get(f)
		dst = dst[:len(av)]
		for k := range av {
			dst[k] = op(av[k])
		}
	}}
}

// binOps are the binary operators of expressions, as C computes them on
// doubles.
var binOps = map[string]func(a, b float64) float64{
	"+":  func(a, b float64) float64 { return a + b },
	"-":  func(a, b float64) float64 { return a - b },
	"*":  func(a, b float64) float64 { return a * b },
	"/":  func(a, b float64) float64 { return a / b },
	"^":  math.Pow,
	"<":  func(a, b float64) float64 { return b2f(a < b) },
	">":  func(a, b float64) float64 { return b2f(a > b) },
	"<=": func(a, b float64) float64 { return b2f(a <= b) },
	">=": func(a, b float64) float64 { return b2f(a >= b) },
	"==": func(a, b float64) float64 { return b2f(a == b) },
	"!=": func(a, b float64) float64 { return b2f(a != b) },
	"&&": func(a, b float64) float64 { return b2f(a != 0 && b != 0) },
	"||": func(a, b float64) float64 { return b2f(a != 0 || b != 0) },
}

// binary compiles L op R: L into scratch sp, R into sp+1, one loop.
func (c *compiler) binary(x *ctx, e *nmodl.Binary, sp int) (operand, error) {
	op := binOps[e.Op]
	if op == nil {
		return operand{}, c.errf(e.Pos, "unsupported operator %s", e.Op)
	}
	return c.binaryWith(x, e.Op, op, e.L, e.R, sp)
}

// binaryWith compiles op(L, R); name selects the unrolled loops of + - * /.
func (c *compiler) binaryWith(x *ctx, name string, op func(a, b float64) float64, le, re nmodl.Expr, sp int) (operand, error) {
	l, err := c.expr(x, le, sp+1)
	if err != nil {
		return l, err
	}
	r, err := c.expr(x, re, sp+2)
	if err != nil {
		return r, err
	}
	switch {
	case l.kind == opConst && r.kind == opConst:
		return operand{kind: opConst, c: op(l.c, r.c)}, nil
	case r.kind == opConst:
		get, b := c.vector(x, l, sp), r.c
		return operand{kind: opFn, fn: scalarRight(name, op, get, b)}, nil
	case l.kind == opConst:
		get, a := c.vector(x, r, sp+1), l.c
		return operand{kind: opFn, fn: scalarLeft(name, op, a, get)}, nil
	}
	gl, gr := c.vector(x, l, sp), c.vector(x, r, sp+1)
	return operand{kind: opFn, fn: vectorOp(name, op, gl, gr)}, nil
}

func vectorOp(name string, op func(a, b float64) float64, gl, gr func(*frame) []float64) vecFn {
	switch name {
	case "+":
		return func(f *frame, dst []float64) {
			a, b := gl(f), gr(f)
			b, dst = b[:len(a)], dst[:len(a)]
			for k := range a {
				dst[k] = a[k] + b[k]
			}
		}
	case "-":
		return func(f *frame, dst []float64) {
			a, b := gl(f), gr(f)
			b, dst = b[:len(a)], dst[:len(a)]
			for k := range a {
				dst[k] = a[k] - b[k]
			}
		}
	case "*":
		return func(f *frame, dst []float64) {
			a, b := gl(f), gr(f)
			b, dst = b[:len(a)], dst[:len(a)]
			for k := range a {
				dst[k] = a[k] * b[k]
			}
		}
	case "/":
		return func(f *frame, dst []float64) {
			a, b := gl(f), gr(f)
			b, dst = b[:len(a)], dst[:len(a)]
			for k := range a {
				dst[k] = a[k] / b[k]
			}
		}
	}
	return func(f *frame, dst []float64) {
		a, b := gl(f), gr(f)
		b, dst = b[:len(a)], dst[:len(a)]
		for k := range a {
			dst[k] = op(a[k], b[k])
		}
	}
}

func scalarRight(name string, op func(a, b float64) float64, gl func(*frame) []float64, b float64) vecFn {
	switch name {
	case "+":
		return func(f *frame, dst []float64) {
			a := gl(f)
			dst = dst[:len(a)]
			for k := range a {
				dst[k] = a[k] + b
			}
		}
	case "-":
		return func(f *frame, dst []float64) {
			a := gl(f)
			dst = dst[:len(a)]
			for k := range a {
				dst[k] = a[k] - b
			}
		}
	case "*":
		return func(f *frame, dst []float64) {
			a := gl(f)
			dst = dst[:len(a)]
			for k := range a {
				dst[k] = a[k] * b
			}
		}
	case "/":
		return func(f *frame, dst []float64) {
			a := gl(f)
			dst = dst[:len(a)]
			for k := range a {
				dst[k] = a[k] / b
			}
		}
	}
	return func(f *frame, dst []float64) {
		a := gl(f)
		dst = dst[:len(a)]
		for k := range a {
			dst[k] = op(a[k], b)
		}
	}
}

func scalarLeft(name string, op func(a, b float64) float64, a float64, gr func(*frame) []float64) vecFn {
	switch name {
	case "+":
		return func(f *frame, dst []float64) {
			b := gr(f)
			dst = dst[:len(b)]
			for k := range b {
				dst[k] = a + b[k]
			}
		}
	case "-":
		return func(f *frame, dst []float64) {
			b := gr(f)
			dst = dst[:len(b)]
			for k := range b {
				dst[k] = a - b[k]
			}
		}
	case "*":
		return func(f *frame, dst []float64) {
			b := gr(f)
			dst = dst[:len(b)]
			for k := range b {
				dst[k] = a * b[k]
			}
		}
	case "/":
		return func(f *frame, dst []float64) {
			b := gr(f)
			dst = dst[:len(b)]
			for k := range b {
				dst[k] = a / b[k]
			}
		}
	}
	return func(f *frame, dst []float64) {
		b := gr(f)
		dst = dst[:len(b)]
		for k := range b {
			dst[k] = op(a, b[k])
		}
	}
}

// mathFuncs1 and mathFuncs2 are the built-in functions, as C's libm
// computes them; but exp, which the channels' rates and cnexp's updates
// call about a thousand times a cell and step: sim/fastexp's, within 2
// ulp of math.Exp at a third of its cost, and the GPU's own (gpu/mechglsl).
var mathFuncs1 = map[string]func(float64) float64{
	"exp": fastexp.Exp, "log": math.Log, "log10": math.Log10, "sqrt": math.Sqrt, "fabs": math.Abs,
	"floor": math.Floor, "ceil": math.Ceil, "sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
	"asin": math.Asin, "acos": math.Acos, "atan": math.Atan, "sinh": math.Sinh, "cosh": math.Cosh,
	"tanh": math.Tanh,
}

var mathFuncs2 = map[string]func(a, b float64) float64{"pow": math.Pow, "atan2": math.Atan2, "fmod": math.Mod}

// call compiles a call of a built-in function or of the file's FUNCTION
// or PROCEDURE: the arguments are computed into scratch vectors sp, sp+1,
// ..., copied into the callee's argument vectors, the body runs for the
// instances of the mask, and a FUNCTION's value is copied to dst.
func (c *compiler) call(x *ctx, k *nmodl.Call, sp int) (operand, error) {
	if k.Proc == nil {
		if fn := mathFuncs1[k.Func]; fn != nil && len(k.Args) == 1 {
			a, err := c.expr(x, k.Args[0], sp+1)
			if err != nil {
				return a, err
			}
			if k.Func == "exp" {
				return c.expUnary(x, a, sp), nil
			}
			return c.unary(x, a, fn, sp), nil
		}
		if fn := mathFuncs2[k.Func]; fn != nil && len(k.Args) == 2 {
			return c.binaryWith(x, k.Func, fn, k.Args[0], k.Args[1], sp)
		}
		return operand{}, c.errf(k.Pos, "%s is not supported", k.Func)
	}
	if k.Proc.Kind != nmodl.Function && k.Proc.Kind != nmodl.Procedure {
		return operand{}, c.errf(k.Pos, "call of %s %s", k.Proc.Kind, k.Proc.Name)
	}
	cp, err := c.proc(k.Proc, k.Pos)
	if err != nil {
		return operand{}, err
	}
	gets := make([]func(*frame) []float64, len(k.Args))
	for i, a := range k.Args {
		op, err := c.expr(x, a, sp+len(k.Args)+i)
		if err != nil {
			return op, err
		}
		gets[i] = c.vector(x, op, sp+i)
	}
	args, body, res := cp.args, cp.body, cp.result
	return operand{kind: opFn, fn: func(f *frame, dst []float64) {
		for i, g := range gets {
			copy(f.vars[args[i]], g(f))
		}
		body(f)
		if res >= 0 {
			copy(dst, f.vars[res])
		}
	}}, nil
}

// expUnary is exp without a function value call per element.
func (c *compiler) expUnary(x *ctx, a operand, sp int) operand {
	if a.kind == opConst {
		return operand{kind: opConst, c: fastexp.Exp(a.c)}
	}
	get := c.vector(x, a, sp)
	return operand{kind: opFn, fn: func(f *frame, dst []float64) {
		av := get(f)
		dst = dst[:len(av)]
		for k, v := range av {
			dst[k] = fastexp.Exp(v)
		}
	}}
}
