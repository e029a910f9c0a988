package mech

import (
	"math"

	"neurite/sim/fastexp"
	"neurite/sim/fastlog"
)

// instr is one operation of a compiled expression over every instance of
// a frame: dst = a op b, element by element. An operand slot of -1 is
// the constant c.
type instr struct {
	op        opcode
	dst       int
	a, b      int
	c         float64
	state, dt int                           // insCnexp: the state's slot and dt's
	f1        func(float64) float64         // insNeg, insFn1, insExp (the constant's)
	f2        func(a, b float64) float64    // insFn2
	call      func(f *frame, dst []float64) // insCall
	cmp       comparison                    // insCmp
	kern      kernel                        // runs it (ready)
}

type opcode uint8

const (
	insAdd opcode = iota
	insSub
	insMul
	insDiv
	insExp  // e^a, fastexp.Lane's bits
	insNeg  // −a
	insFn1  // f1(a)
	insFn2  // f2(a, b)
	insCall // a FUNCTION or PROCEDURE
	insCmp  // a comparison: 1 where it holds, else 0
	insPow  // a^b by power
	// insCnexp is METHOD cnexp's update of a state s for s' = a + b·s,
	// s + (1 − e^(dt·b))·((−a)/b − s), CnexpUpdate's tree in one pass:
	// the same operations in the same order, so the same bits.
	insCnexp
)

// comparison is the comparison of an insCmp.
type comparison uint8

const (
	cmpLT comparison = iota
	cmpGT
	cmpLE
	cmpGE
	cmpEQ
	cmpNE
)

// kernel runs instruction in over f's instances.
type kernel func(f *frame, in *instr)

// ready returns in with its kernel: for the arithmetic four at a time
// where the processor can (vec_amd64.go), one function for each operator
// and form, chosen once here rather than by a switch at every run; exp
// and cnexp's update likewise; the rest by general.
func (in instr) ready() instr {
	switch in.op {
	case insAdd, insSub, insMul, insDiv:
		in.kern = arithKernel(in.op, in.a >= 0, in.b >= 0)
	case insExp:
		in.kern = func(f *frame, in *instr) { fastexp.ExpSlice(f.vars[in.dst][:f.n4], f.vars[in.a][:f.n4]) }
	case insCnexp:
		in.kern = func(f *frame, in *instr) {
			n := f.n4
			cnexpVec(f.vars[in.dst][:n], f.vars[in.state][:n], f.vars[in.a][:n], f.vars[in.b][:n], f.vars[in.dt][:n])
		}
	}
	if in.kern == nil {
		in.kern = (*frame).general
	}
	return in
}

// exec runs a compiled expression's instructions over f's instances, an
// instruction a pass over them. The instructions run over whole vectors
// of four: every per-instance vector has room for them (vector), and the
// padding's values, which nothing reads, save a scalar tail and its
// register switch.
func (f *frame) exec(prog []instr) {
	if f.n == 1 {
		f.exec1(prog)
		return
	}
	for i := range prog {
		in := &prog[i]
		in.kern(f, in)
	}
}

// general runs an instruction element by element: the arithmetic where
// the processor has no vectors, negation, functions, comparisons, powers
// and calls.
func (f *frame) general(in *instr) {
	n := f.n4
	d := f.vars[in.dst][:n]
	var a, b []float64
	if in.a >= 0 {
		a = f.vars[in.a][:n]
	}
	if in.b >= 0 {
		b = f.vars[in.b][:n]
	}
	switch in.op {
	case insAdd, insSub, insMul, insDiv:
		arithScalar(in.op, d, a, b, in.c)
	case insNeg:
		for k, x := range a {
			d[k] = -x
		}
	case insFn1:
		for k, x := range a {
			d[k] = in.f1(x)
		}
	case insFn2:
		fn2(in.f2, d, a, b, in.c)
	case insPow:
		powVec(d, a, b, in.c)
	case insCmp:
		compare(in.cmp, d, a, b, in.c)
	case insCall:
		in.call(f, d)
	}
}

// exec1 is exec for a frame of one instance (a soma's mechanism, a
// point process, NET_RECEIVE's view), value by value: the same
// operations, exp by fastexp.Lane, so the same bits.
func (f *frame) exec1(prog []instr) {
	for i := range prog {
		in := &prog[i]
		if in.op == insCall {
			in.call(f, f.vars[in.dst])
			continue
		}
		x, y := in.c, in.c
		if in.a >= 0 {
			x = f.vars[in.a][0]
		}
		if in.b >= 0 {
			y = f.vars[in.b][0]
		}
		var r float64
		switch in.op {
		case insAdd:
			r = x + y
		case insSub:
			r = x - y
		case insMul:
			r = x * y
		case insDiv:
			r = x / y
		case insExp:
			r = fastexp.Lane(x)
		case insNeg:
			r = -x
		case insFn1:
			r = in.f1(x)
		case insFn2:
			r = in.f2(x, y)
		case insPow:
			r = power(x, y)
		case insCmp:
			r = b2f(in.cmp.holds(x, y))
		case insCnexp:
			r = cnexp(f.vars[in.state][0], x, y, f.vars[in.dt][0])
		}
		f.vars[in.dst][0] = r
	}
}

// cnexp is insCnexp for one instance. The conversions round each
// product, as the tree's instructions do, where a compiler could fuse it
// with the sum.
func cnexp(s, a, b, dt float64) float64 {
	e := fastexp.Lane(float64(dt * b))
	return s + float64((1-e)*(-a/b-s))
}

// cnexpScalar is insCnexp element by element.
func cnexpScalar(d, s, a, b, dt []float64) {
	s, a, b, dt = s[:len(d)], a[:len(d)], b[:len(d)], dt[:len(d)]
	for k := range d {
		d[k] = cnexp(s[k], a[k], b[k], dt[k])
	}
}

// fn2 sets d = fn(a, b) element by element, a nil operand being c.
func fn2(fn func(a, b float64) float64, d, a, b []float64, c float64) {
	switch {
	case a == nil:
		for k, y := range b {
			d[k] = fn(c, y)
		}
	case b == nil:
		for k, x := range a {
			d[k] = fn(x, c)
		}
	default:
		b = b[:len(a)]
		for k, x := range a {
			d[k] = fn(x, b[k])
		}
	}
}

// compare sets d to 1 where a op b holds and 0 elsewhere, a nil b being
// c (the compiler puts a constant on the right).
func compare(op comparison, d, a, b []float64, c float64) {
	if i := compareLanes(op, d, a, b, c); i > 0 {
		d, a = d[i:], a[i:]
		if b != nil {
			b = b[i:]
		}
	}
	a = a[:len(d)]
	if b == nil {
		for k := range d {
			d[k] = b2f(op.holds(a[k], c))
		}
		return
	}
	b = b[:len(d)]
	for k := range d {
		d[k] = b2f(op.holds(a[k], b[k]))
	}
}

func (op comparison) holds(x, y float64) bool {
	switch op {
	case cmpLT:
		return x < y
	case cmpGT:
		return x > y
	case cmpLE:
		return x <= y
	case cmpGE:
		return x >= y
	case cmpEQ:
		return x == y
	}
	return x != y
}

// flip is the comparison of the operands swapped: a < b is b > a.
func (op comparison) flip() comparison {
	return [...]comparison{cmpLT: cmpGT, cmpGT: cmpLT, cmpLE: cmpGE, cmpGE: cmpLE, cmpEQ: cmpEQ, cmpNE: cmpNE}[op]
}

// arithScalar is arith one element at a time: the same IEEE operations,
// so the same bits.
func arithScalar(op opcode, d, a, b []float64, c float64) {
	for k := range d {
		x, y := operands(a, b, c, k)
		switch op {
		case insAdd:
			d[k] = x + y
		case insSub:
			d[k] = x - y
		case insMul:
			d[k] = x * y
		default:
			d[k] = x / y
		}
	}
}

// power is x^y as e^(y·ln x) for x > 0 and finite, x^y by math.Pow
// otherwise (negative x, zero, infinities, NaN): within about |y·ln x|
// ulp, 1e-14 relative for a channel's (cai/K)^4.8, at a third of
// math.Pow's cost, which took a tenth of the Hay cell's run.
func power(x, y float64) float64 {
	if byLog(x, y) {
		return fastexp.Lane(y * math.Log(x))
	}
	return math.Pow(x, y)
}

// byLog reports whether power takes x^y as e^(y·ln x).
func byLog(x, y float64) bool {
	return x > 0 && x <= math.MaxFloat64 && !math.IsInf(y, 0) && !math.IsNaN(y)
}

// operands are element k's operands of an instruction, a nil one being c.
func operands(a, b []float64, c float64, k int) (x, y float64) {
	x, y = c, c
	if a != nil {
		x = a[k]
	}
	if b != nil {
		y = b[k]
	}
	return x, y
}

// powVec sets d = a^b by power, a nil operand being c: four elements at a
// time, their logarithms by fastlog (math.Log's bits) and exponentials by
// fastexp.ExpSlice, each element as power gives it. d may be a or b (an
// operation in place): a vector's operands are read before it is written.
func powVec(d, a, b []float64, c float64) {
	for i := 0; i < len(d); i += 4 {
		dd := d[i:min(i+4, len(d))]
		var x, y [4]float64
		for k := range dd {
			x[k], y[k] = operands(a, b, c, i+k)
		}
		var lx [4]float64
		fastlog.LogSlice(lx[:len(dd)], x[:])
		for k := range dd {
			dd[k] = y[k] * lx[k]
		}
		fastexp.ExpSlice(dd, dd)
		for k := range dd {
			if !byLog(x[k], y[k]) {
				dd[k] = math.Pow(x[k], y[k])
			}
		}
	}
}
