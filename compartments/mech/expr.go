package mech

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"neurite/compartments/nmodl"
	"neurite/sim/fastexp"
)

// operand is a compiled expression: a constant, a variable's vector, or
// a program that computes it into the vector of slot.
type operand struct {
	kind int
	c    float64
	slot int     // opVar: the variable; opProg: where prog leaves the value
	prog []instr // opProg
}

const (
	opConst = iota
	opVar
	opProg
)

// arg returns op as an instruction's operand: its slot, or -1 for a
// constant (the instruction's c).
func (op operand) arg() int {
	if op.kind == opConst {
		return -1
	}
	return op.slot
}

// at is op's value for instance k of f, after its program ran.
func (op operand) at(f *frame, k int) float64 {
	if op.kind == opConst {
		return op.c
	}
	return f.vars[op.slot][k]
}

// then returns op's program followed by more.
func (op operand) then(more ...instr) []instr {
	return append(slices.Clip(op.prog), more...)
}

// share is a subexpression that occurs more than once in an expression.
type share struct {
	slot int // its vector, once computed; -1 before
}

// exprShared compiles e as expr does, but computes a subexpression that
// occurs more than once in it once, into a vector of its own, as Hay's
// rates' (v - -38) and (-v - 38) in an α: the same operations on the same
// values, so the same bits, and a pass over the instances fewer each
// time. An expression that calls a FUNCTION, which may assign variables,
// is compiled as it stands.
func (c *compiler) exprShared(x *ctx, e nmodl.Expr, sp int) (operand, error) {
	if callsProc(e) {
		return c.expr(x, e, sp)
	}
	byKey := map[string][]nmodl.Expr{}
	subtrees(e, byKey)
	c.shared = map[nmodl.Expr]*share{}
	defer func() { c.shared = nil }()
	for _, es := range byKey {
		if len(es) > 1 {
			sh := &share{slot: -1}
			for _, e := range es {
				c.shared[e] = sh
			}
		}
	}
	return c.expr(x, e, sp)
}

// subtrees lists e's operations by their text. It leaves out variables
// and numbers, which cost nothing to read, and the negation of a
// variable, which binaryWith folds into the operation that takes it.
func subtrees(e nmodl.Expr, byKey map[string][]nmodl.Expr) string {
	var k string
	switch e := e.(type) {
	case *nmodl.Num:
		return strconv.FormatUint(math.Float64bits(e.Value), 16)
	case *nmodl.Name:
		return e.Name
	case *nmodl.Unary:
		k = "(" + e.Op + subtrees(e.X, byKey) + ")"
		if _, ok := e.X.(*nmodl.Name); ok {
			return k
		}
	case *nmodl.Binary:
		k = "(" + subtrees(e.L, byKey) + e.Op + subtrees(e.R, byKey) + ")"
	case *nmodl.Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = subtrees(a, byKey)
		}
		k = e.Func + "(" + strings.Join(args, ",") + ")"
	default:
		return fmt.Sprintf("%p", e)
	}
	byKey[k] = append(byKey[k], e)
	return k
}

// expr compiles e; a computation leaves its value in scratch vector sp
// of x's pool and uses those above it as it goes.
func (c *compiler) expr(x *ctx, e nmodl.Expr, sp int) (operand, error) {
	sh := c.shared[e]
	if sh == nil {
		return c.exprAt(x, e, sp)
	}
	if sh.slot >= 0 {
		return operand{kind: opVar, slot: sh.slot}, nil
	}
	op, err := c.exprAt(x, e, sp)
	if err != nil || op.kind != opProg {
		return op, err
	}
	// The last instruction writes the value where later occurrences
	// read it; the scratch vectors are overwritten as the expression
	// goes on.
	sh.slot = c.newSlot(slotOwn, 0)
	op.prog[len(op.prog)-1].dst = sh.slot
	op.slot = sh.slot
	return op, nil
}

// exprAt is expr without looking for shared subexpressions.
func (c *compiler) exprAt(x *ctx, e nmodl.Expr, sp int) (operand, error) {
	switch e := e.(type) {
	case *nmodl.Num:
		return operand{kind: opConst, c: e.Value}, nil
	case *nmodl.Name:
		return c.name(x, e)
	case *nmodl.Unary:
		a, err := c.expr(x, e.X, sp)
		if err != nil {
			return a, err
		}
		switch e.Op {
		case "+":
			return a, nil
		case "-":
			return c.unary(x, a, insNeg, func(a float64) float64 { return -a }, sp), nil
		case "!":
			return c.unary(x, a, insFn1, func(a float64) float64 { return b2f(a == 0) }, sp), nil
		}
		return a, c.errf(e.Pos, "unsupported operator %s", e.Op)
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

// unary compiles op(a) into scratch sp (fn computes it, once, for a
// constant a).
func (c *compiler) unary(x *ctx, a operand, op opcode, fn func(float64) float64, sp int) operand {
	if a.kind == opConst {
		return operand{kind: opConst, c: fn(a.c)}
	}
	dst := c.tmp(x, sp)
	return operand{kind: opProg, slot: dst, prog: a.then(instr{op: op, dst: dst, a: a.slot, b: -1, f1: fn}.ready())}
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

// arithOps are the operators with an instruction of their own, run a
// vector at a time (vec.go); the others call their function per element.
var arithOps = map[string]opcode{"+": insAdd, "-": insSub, "*": insMul, "/": insDiv}

// compareOps are the comparisons, one loop each (vec.go's compare).
var compareOps = map[string]comparison{"<": cmpLT, ">": cmpGT, "<=": cmpLE, ">=": cmpGE, "==": cmpEQ, "!=": cmpNE}

// binary compiles L op R.
func (c *compiler) binary(x *ctx, e *nmodl.Binary, sp int) (operand, error) {
	op := binOps[e.Op]
	if op == nil {
		return operand{}, c.errf(e.Pos, "unsupported operator %s", e.Op)
	}
	return c.binaryWith(x, e.Op, op, e.L, e.R, sp)
}

// binaryWith compiles op(L, R) into scratch sp: L is computed into sp, R
// into sp+1, then one instruction combines them (in place into sp: each
// instruction reads and writes an instance's element only).
func (c *compiler) binaryWith(x *ctx, name string, op func(a, b float64) float64, le, re nmodl.Expr, sp int) (operand, error) {
	l, err := c.expr(x, le, sp)
	if err != nil {
		return l, err
	}
	r, err := c.expr(x, re, sp+1)
	if err != nil {
		return r, err
	}
	if l.kind == opConst && r.kind == opConst {
		return operand{kind: opConst, c: op(l.c, r.c)}, nil
	}
	if neg, ok := negated(l); ok && r.kind == opConst {
		// (-a)*c = a*(-c), (-a)/c = a/(-c), (-a)-c = (-c)-a, exactly
		// (rounding to nearest is symmetric in sign, zeros included): one
		// instruction instead of two, as in the rates' (-v - 38)/6.
		dst := c.tmp(x, sp)
		switch name {
		case "*", "/":
			return operand{kind: opProg, slot: dst, prog: []instr{instr{op: arithOps[name], dst: dst, a: neg, b: -1, c: -r.c}.ready()}}, nil
		case "-":
			return operand{kind: opProg, slot: dst, prog: []instr{instr{op: insSub, dst: dst, a: -1, b: neg, c: -r.c}.ready()}}, nil
		}
	}
	in := instr{op: insFn2, dst: c.tmp(x, sp), a: l.arg(), b: r.arg(), f2: op}
	if code, ok := arithOps[name]; ok {
		in.op = code
	}
	if code, ok := compareOps[name]; ok {
		in.op, in.cmp = insCmp, code
		if l.kind == opConst {
			in.a, in.b, in.cmp = in.b, -1, code.flip()
		}
	}
	switch {
	case (name == "^" || name == "pow") && r.kind == opConst && r.c == 2 && l.kind != opConst:
		// x^2 is x*x to the bit (pow is correctly rounded where the
		// result is a product of two doubles), at a tenth of math.Pow's cost
		in.op, in.b = insMul, in.a
	case name == "^" || name == "pow":
		in.op = insPow
	}
	if l.kind == opConst {
		in.c = l.c
	} else {
		in.c = r.c
	}
	return operand{kind: opProg, slot: in.dst, prog: append(l.then(r.prog...), in.ready())}, nil
}

// negated reports whether op is -a for a variable a, and a's slot.
func negated(op operand) (int, bool) {
	if op.kind != opProg || len(op.prog) != 1 || op.prog[0].op != insNeg || op.prog[0].a < 0 {
		return 0, false
	}
	return op.prog[0].a, true
}

// mathFuncs1 and mathFuncs2 are the built-in functions, as C's libm
// computes them; but exp, which the channels' rates and cnexp's updates
// call about a thousand times a cell and step: sim/fastexp's Lane, within
// 3 ulp of math.Exp and computed four instances at a time (fastexp.Exp
// where the compiler folds a constant, as gpu/mechglsl does), and the
// GPU's own (gpu/mechglsl); and pow and ^ of a variable, e^(y·ln x) for
// positive x (vec.go's power), x^2 as x*x.
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
// instances of the mask, and a FUNCTION's value is copied into sp.
func (c *compiler) call(x *ctx, k *nmodl.Call, sp int) (operand, error) {
	if k.Proc == nil {
		if fn := mathFuncs1[k.Func]; fn != nil && len(k.Args) == 1 {
			a, err := c.expr(x, k.Args[0], sp)
			if err != nil {
				return a, err
			}
			op := insFn1
			if k.Func == "exp" {
				op = insExp
			}
			return c.unary(x, a, op, fn, sp), nil
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
	var prog []instr
	args := make([]operand, len(k.Args))
	for i, a := range k.Args {
		if args[i], err = c.expr(x, a, sp+i); err != nil {
			return args[i], err
		}
		prog = append(prog, args[i].prog...)
	}
	params, body, res := cp.args, cp.body, cp.result
	call := func(f *frame, dst []float64) {
		for i, a := range args {
			if a.kind == opConst {
				fill(f.vars[params[i]], a.c)
			} else {
				copy(f.vars[params[i]], f.vars[a.slot])
			}
		}
		body(f)
		if res >= 0 {
			copy(dst, f.vars[res])
		}
	}
	dst := c.tmp(x, sp)
	return operand{kind: opProg, slot: dst, prog: append(prog, instr{op: insCall, dst: dst, a: -1, b: -1, call: call}.ready())}, nil
}
