// Package mechglsl writes an NMODL mechanism, density or point process,
// as GLSL for the GPU cable engine, from the same checked tree (package
// nmodl) that package mech compiles to Go closures, with mech's
// semantics.
//
// Each mechanism becomes a struct of its variables (one instance) and
// functions over it; the engine keeps the instances' variables in a
// storage buffer and the ions by node, and calls three entry points per
// instance (prefix P, the mechanism's name):
//
//	void P_init(int base, int n, int i, int node, double v, double t)
//	double P_current(int base, int n, int i, int node, double v, double t, out double di)
//	void P_advance(int base, int n, int i, int node, double v, double t)
//
// Instance i of n keeps its variable j at MECH_DATA[base + j*n + i]: the
// PARAMETERs, STATEs and RANGE ASSIGNEDs in mech.Mechanism's order, then
// its other ASSIGNEDs (Layout). The including shader defines MECH_DATA
// (an array of doubles), MECH_ION(k, f, node) (ion k of the ions given to
// Emit, field f as mech.IonField, an lvalue double), MECH_CELSIUS,
// MECH_DT and, for a mechanism that uses area, MECH_AREA(node) (µm²),
// and includes Prelude before the mechanisms.
//
// A point process's currents are nA, as mech's: the engine adds them
// unscaled, and its written ion currents go into the ion's mA/cm² total
// by 100/MECH_POINT_AREA(node). With NET_RECEIVE it has two more entry
// points,
//
//	void P_receive(int base, int n, int i, int node, double v, double t, int args, double flag)
//	void P_netinit(int base, int n, int i, int node, double v, double t, int args, double flag)
//
// (P_netinit only with NET_RECEIVE's INITIAL), which run the block for
// one event at its time t: the NetCon's arguments, weight first, are
// MECH_NETARGS[args + j], loaded and stored back (args < 0: a self-event
// of INITIAL, whose arguments are zeros); net_send(d, f) is
// MECH_SEND(t + d, f), which the shader defines to queue the self-event,
// and state_discontinuity(x, y) the assignment x = y.
//
// The evaluation is mech's (see its package doc): INITIAL with the states
// cleared and the ion states loaded; Current evaluates BREAKPOINT without
// its SOLVE at v+0.001 and at v, di/dv the difference quotient, and adds
// the written ion currents of the v evaluation into the ions; Advance runs
// the SOLVE'd block, cnexp by mech.CnexpUpdate's tree, derivimplicit by
// mech's Newton iteration (its constants, its elimination), KINETIC by
// mech's backward Euler on the reactions (and its STEADYSTATE); v is the
// mechanism's own copy; PROCEDUREs and FUNCTIONs become GLSL functions
// over the instance; constant subexpressions are folded by mech.Fold.
// Doubles throughout: every literal that single precision cannot hold is
// written as its bits (NVIDIA reads decimal lf literals in single
// precision), exp is fastexp (sim/fastexp's twin, within 2 ulp of
// math.Exp), log is a float logarithm refined to double by a step of
// log1p's series, x^y is math.Pow's own algorithm (the whole part of y by
// repeated squaring, the fraction by exp and log; x = 0 and y = ±1/2 as
// its special cases), and the functions
// GLSL has in single precision only (sin, cos, tan, their inverses and
// hyperbolics) are evaluated in single precision.
package mechglsl

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
	"neurite/gpu/pointmodel"
)

// Prelude returns the functions the mechanisms call: fastexp, and mech_log
// and mech_pow in double precision.
func Prelude() string {
	return pointmodel.FastexpGLSL() + fmt.Sprintf(`
// mech_log is log(x) in double precision: the float logarithm of x's
// mantissa m, l0, refined by log(m) = l0 + log1p(u), u = m·exp(−l0) − 1
// (|u| < 1e-6, so three terms of the series leave no error a double
// can hold), plus the exponent times ln 2. The rounding of u is absolute:
// near x = 1 the result is within 4e-16 of log x, not relative to it.
double mech_log(double x) {
	if (!(x > 0.0lf) || isinf(x)) {
		return x == 0.0lf ? -%[1]s : x > 0.0lf ? x : %[2]s;
	}
	int e;
	double m = frexp(x, e);
	double l0 = double(log(float(m)));
	double u = m * fastexp(-l0) - 1.0lf;
	return (l0 + u * (1.0lf - u * (0.5lf - u * %[3]s))) + double(e) * %[4]s;
}

// mech_pow is x^y as Go's math.Pow computes it for finite x > 0 or a
// whole y: y = ±1/2 by sqrt, else the fraction of y (taken in
// (-0.5, 0.5]) by exp and log, the whole part by repeated squaring.
double mech_pow(double x, double y) {
	if (y == 0.0lf) {
		return 1.0lf;
	}
	if (y == 0.5lf) {
		return sqrt(x);
	}
	if (y == -0.5lf) {
		return 1.0lf / sqrt(x);
	}
	if (x == 0.0lf) {
		// frexp of 0 is not to be relied on (llvmpipe's is not 0)
		return y > 0.0lf ? 0.0lf : %[1]s;
	}
	double yi = floor(abs(y)), yf = abs(y) - yi;
	if (yf != 0.0lf && x < 0.0lf) {
		return %[2]s;
	}
	double a = 1.0lf;
	if (yf != 0.0lf) {
		if (yf > 0.5lf) {
			yf -= 1.0lf;
			yi += 1.0lf;
		}
		a = fastexp(yf * mech_log(x));
	}
	// the whole power on the mantissa, the exponent apart, as Go does,
	// so that no product overflows or falls to a subnormal on the way
	int xe, ae = 0;
	double x1 = frexp(x, xe);
	for (int i = int(yi); i != 0; i >>= 1) {
		if ((i & 1) == 1) {
			a *= x1;
			ae += xe;
		}
		x1 *= x1;
		xe <<= 1;
		if (x1 < 0.5lf) {
			x1 += x1;
			xe--;
		}
	}
	if (y < 0.0lf) {
		a = 1.0lf / a;
		ae = -ae;
	}
	// in two steps: ldexp's exponent must stay within a double's
	return ldexp(ldexp(a, ae / 2), ae - ae / 2);
}
`, pointmodel.DoubleLiteral(math.Inf(1)), "packDouble2x32(uvec2(0u, 0x7ff80000u))", pointmodel.DoubleLiteral(1.0/3), pointmodel.DoubleLiteral(math.Ln2))
}

// Layout is where a mechanism's variables live in an instance's words,
// and a bound on the loop iterations of an instance's step (Mesa's
// llvmpipe ends an invocation's loops after 65535 iterations in all).
type Layout struct {
	Params, States, Assigned int // the first word of each of mech.Mechanism's lists
	Words                    int // words an instance holds
	Loops                    int
}

// Emit writes m, from the tree it was compiled from (m.Mod), as GLSL
// functions prefixed with its name; ions are the engine's ions, whose
// indices MECH_ION takes. A feature the GPU does not run yet is an error
// naming file, line and feature.
func Emit(m *mech.Mechanism, ions []string) (string, Layout, error) {
	mod := m.Mod
	e := &emitter{mod: mod, m: m, p: m.Name, ions: ions,
		done: map[*nmodl.Proc]bool{}, active: map[*nmodl.Proc]bool{}, gausses: map[int]bool{}, kinDone: map[string]bool{}}
	if mod.NetReceive != nil && !m.Point {
		return "", Layout{}, e.errf(mod.NetReceive.Pos, "NET_RECEIVE in a density mechanism (SUFFIX %s): only a POINT_PROCESS takes events", m.Name)
	}
	lay := e.layout()
	if err := e.emit(); err != nil {
		return "", Layout{}, err
	}
	// Each of a step's three evaluations (two currents, the states) may
	// call pow, whose loop takes at most eight iterations for exponents
	// below 256; Newton's iterations evaluate the derivatives n+1 times
	// and solve (at most 2n³+2n loop iterations).
	pows := 8 * strings.Count(e.out.String(), "mech_pow(")
	lay.Loops = 3 * pows
	if n := len(e.implicit); n > 0 {
		lay.Loops += mech.NewtonMax * (1 + (n+1)*pows + 2*n*n*n + 2*n)
	}
	for n := range e.gausses {
		lay.Loops += 2*n*n*n + 2*n // a KINETIC block's elimination (or Newton's, counted again)
	}
	return e.out.String(), lay, nil
}

type emitter struct {
	mod    *nmodl.Mod
	m      *mech.Mechanism
	p      string // the prefix of every name
	ions   []string
	stored []string // the instance's words, by name
	out    strings.Builder
	area   bool // a block reads area
	// implicit are the states of a derivimplicit block's equations, in
	// their order: x' = e writes e into d[i].
	implicit []*nmodl.Symbol
	done     map[*nmodl.Proc]bool // procedures written
	active   map[*nmodl.Proc]bool // being written: a call of one is recursion
	// gausses are the sizes of the eliminations written; kin is the
	// KINETIC block being written, kinDone the KINETIC functions written.
	gausses map[int]bool
	kin     *kinetic
	kinDone map[string]bool
	// solveProc is the block BREAKPOINT SOLVEs.
	solveProc *nmodl.Proc
}

func (e *emitter) errf(p nmodl.Pos, format string, args ...any) error {
	return &nmodl.Error{File: e.mod.File, Line: p.Line, Msg: fmt.Sprintf(format, args...)}
}

// layout lists the stored variables: mech's lists, then every other
// declared variable that is not an ion's (non-RANGE ASSIGNEDs such as
// mInf, which keep their values between evaluations as in mech).
func (e *emitter) layout() Layout {
	var l Layout
	for _, vs := range [][]mech.Var{e.m.Params, e.m.States, e.m.Assigned} {
		for _, v := range vs {
			e.stored = append(e.stored, v.Name)
		}
	}
	l.States = len(e.m.Params)
	l.Assigned = l.States + len(e.m.States)
	for _, s := range e.mod.Symbols {
		if !s.Builtin && s.Kind != nmodl.Constant && s.Ion == nil && !slices.Contains(e.stored, s.Name) {
			e.stored = append(e.stored, s.Name)
		}
	}
	l.Words = len(e.stored)
	return l
}

func field(name string) string { return "x_" + name }

func (e *emitter) printf(format string, args ...any) { fmt.Fprintf(&e.out, format, args...) }

// emit writes the struct, the procedures the blocks call, the blocks and
// the entry points.
func (e *emitter) emit() error {
	p := e.p
	e.printf("// %s (%s)\nstruct %s_Inst {\n\tdouble b_v, b_t, b_dt, b_celsius, b_area;\n", p, e.mod.File, p)
	for _, s := range e.mod.Symbols {
		if !s.Builtin && s.Kind != nmodl.Constant {
			e.printf("\tdouble %s;\n", field(s.Name))
		}
	}
	e.printf("};\n\n")
	var blocks strings.Builder
	block := func(name string, b *nmodl.Block, solve bool) error {
		if b == nil {
			fmt.Fprintf(&blocks, "void %s_%s(inout %s_Inst s) {}\n\n", p, name, p)
			return nil
		}
		body, err := e.block(b, solve, 1)
		if err != nil {
			return err
		}
		fmt.Fprintf(&blocks, "void %s_%s(inout %s_Inst s) {\n%s}\n\n", p, name, p, body)
		return nil
	}
	if err := block("initial", e.mod.Initial, false); err != nil {
		return err
	}
	var breakpoint, solved *nmodl.Block
	if b := e.mod.Breakpoint; b != nil {
		breakpoint = &nmodl.Block{Pos: b.Pos}
		for _, st := range b.Stmts {
			if s, ok := st.(*nmodl.Solve); ok {
				solved, e.solveProc = s.Proc.Body, s.Proc
				continue
			}
			breakpoint.Stmts = append(breakpoint.Stmts, st)
		}
	}
	if err := block("breakpoint", breakpoint, false); err != nil {
		return err
	}
	switch e.m.Method {
	case nmodl.Sparse:
		name, err := e.kinetic(e.solveProc, false)
		if err != nil {
			return err
		}
		fmt.Fprintf(&blocks, "void %s_solve(inout %s_Inst s) {\n\t%s(s);\n}\n\n", p, p, name)
	case nmodl.Derivimplicit:
		body, err := e.block(solved, true, 1)
		if err != nil {
			return err
		}
		fmt.Fprintf(&blocks, "void %s_deriv(inout %s_Inst s, inout double d[%d]) {\n%s}\n\n", p, p, len(e.implicit), body)
		blocks.WriteString(e.newton())
	case nmodl.Cnexp, "":
		if err := block("solve", solved, true); err != nil {
			return err
		}
	default:
		return e.errf(e.mod.Breakpoint.Pos, "METHOD %s runs on the CPU engine only for now", e.m.Method)
	}
	if nr := e.mod.NetReceive; nr != nil {
		if err := e.netReceive(&blocks, nr); err != nil {
			return err
		}
	}
	e.out.WriteString(blocks.String())
	e.entryPoints(breakpoint != nil && len(breakpoint.Stmts) > 0)
	return nil
}

// netReceive writes NET_RECEIVE, and its INITIAL if it has one, as
// functions of the instance and of the NetCon's argument vector, which
// they load from MECH_NETARGS at args (weight first) and store back, as
// mech's Receive; args < 0 is a self-event that INITIAL sent, which has
// no NetCon: its arguments are zeros and are not kept.
func (e *emitter) netReceive(blocks *strings.Builder, nr *nmodl.Proc) error {
	p := e.p
	var load, store strings.Builder
	for j, a := range nr.Args {
		fmt.Fprintf(&load, "	double a_%[1]s = args >= 0 ? MECH_NETARGS[args + %[2]d] : 0.0lf;\n", a.Name, j)
		fmt.Fprintf(&store, "		MECH_NETARGS[args + %[2]d] = a_%[1]s;\n", a.Name, j)
	}
	write := func(name string, b *nmodl.Block) error {
		body, err := e.block(b, false, 1)
		if err != nil {
			return err
		}
		fmt.Fprintf(blocks, "void %s_%s(inout %s_Inst s, int args, double r_flag) {\n%s%s\tif (args >= 0) {\n%s\t}\n}\n\n",
			p, name, p, load.String(), body, store.String())
		return nil
	}
	if err := write("receive_block", nr.Body); err != nil {
		return err
	}
	if nr.Initial == nil {
		return nil
	}
	// mech refuses net_send there (a NetCon's INITIAL has no event to
	// follow), so the block sends nothing.
	return write("netinit_block", nr.Initial)
}

// entryPoints writes load, store and the engine's three calls.
func (e *emitter) entryPoints(hasCurrent bool) {
	p := e.p
	e.printf("void %s_load(out %s_Inst s, int base, int n, int i, int node, double v, double t) {\n", p, p)
	for j, name := range e.stored {
		e.printf("\ts.%s = MECH_DATA[base + %d * n + i];\n", field(name), j)
	}
	for _, s := range e.mod.Symbols {
		// the ion variables, which the cable gives or the blocks compute
		if s.Ion != nil && !slices.Contains(e.stored, s.Name) {
			e.printf("\ts.%s = 0.0lf;\n", field(s.Name))
		}
	}
	e.printf("\ts.b_v = v;\n\ts.b_t = t;\n\ts.b_dt = MECH_DT;\n\ts.b_celsius = MECH_CELSIUS;\n")
	if e.area {
		e.printf("\ts.b_area = MECH_AREA(node);\n")
	} else {
		e.printf("\ts.b_area = 0.0lf;\n")
	}
	e.printf("}\n\n")
	// ions loads the ion variables read from the cable (and v), as mech's
	// load before every evaluation.
	e.printf("void %s_ions(inout %s_Inst s, int node, double v) {\n\ts.b_v = v;\n", p, p)
	for _, iv := range e.m.IonVars {
		if iv.Load {
			e.printf("\ts.%s = MECH_ION(%d, %d, node);\n", field(iv.Name), slices.Index(e.ions, iv.Ion), iv.What)
		}
	}
	e.printf("}\n\n")
	e.printf("void %s_store(%s_Inst s, int base, int n, int i, int node) {\n", p, p)
	for j, name := range e.stored[len(e.m.Params):] {
		e.printf("\tMECH_DATA[base + %d * n + i] = s.%s;\n", j+len(e.m.Params), field(name))
	}
	for _, iv := range e.m.IonVars {
		if iv.Write && iv.What != mech.IonI {
			e.printf("\tMECH_ION(%d, %d, node) = s.%s;\n", slices.Index(e.ions, iv.Ion), iv.What, field(iv.Name))
		}
	}
	e.printf("}\n\n")
	e.printf("void %s_init(int base, int n, int i, int node, double v, double t) {\n\t%s_Inst s;\n\t%s_load(s, base, n, i, node, v, t);\n", p, p, p)
	for _, st := range e.m.States {
		e.printf("\ts.%s = 0.0lf;\n", field(st.Name))
	}
	e.printf("\t%s_ions(s, node, v);\n\t%s_initial(s);\n\t%s_store(s, base, n, i, node);\n}\n\n", p, p, p)

	e.printf("double %s_current(int base, int n, int i, int node, double v, double t, out double di) {\n", p)
	if !hasCurrent {
		e.printf("\tdi = 0.0lf;\n\treturn 0.0lf;\n}\n\n")
	} else {
		var sum []string
		var adds strings.Builder
		for _, iv := range e.m.IonVars {
			if iv.Write && iv.What == mech.IonI {
				sum = append(sum, "s."+field(iv.Name))
				cur := "s." + field(iv.Name)
				if e.m.Point {
					// nA at the node into the ion's mA/cm² total
					cur = fmt.Sprintf("%s * %s / MECH_POINT_AREA(node)", cur, lit(100))
				}
				fmt.Fprintf(&adds, "\tMECH_ION(%d, 1, node) += %s;\n", slices.Index(e.ions, iv.Ion), cur)
			}
		}
		for _, name := range e.mod.Nonspecific {
			sum = append(sum, "s."+field(name))
		}
		total := "0.0lf"
		if len(sum) > 0 {
			// summed from 0 in mech's order, as its sumCurrents
			total = "0.0lf + " + strings.Join(sum, " + ")
		}
		e.printf("\t%s_Inst s;\n\t%s_load(s, base, n, i, node, v, t);\n", p, p)
		e.printf("\t%s_ions(s, node, v + %s);\n\t%s_breakpoint(s);\n\tdouble iv = %s;\n", p, lit(0.001), p, total)
		e.printf("\t%s_ions(s, node, v);\n\t%s_breakpoint(s);\n\tdouble i0 = %s;\n", p, p, total)
		e.printf("\tdi = (iv - i0) / %s;\n%s\t%s_store(s, base, n, i, node);\n\treturn i0;\n}\n\n", lit(0.001), adds.String(), p)
	}
	e.printf("void %s_advance(int base, int n, int i, int node, double v, double t) {\n\t%s_Inst s;\n\t%s_load(s, base, n, i, node, v, t);\n", p, p, p)
	e.printf("\t%s_ions(s, node, v);\n\t%s_solve(s);\n\t%s_store(s, base, n, i, node);\n}\n\n", p, p, p)
	if nr := e.mod.NetReceive; nr != nil {
		// NET_RECEIVE may assign any of the instance's words, PARAMETERs
		// included (mech's closures write the group's vectors in place).
		var params strings.Builder
		for j, name := range e.stored[:len(e.m.Params)] {
			fmt.Fprintf(&params, "\tMECH_DATA[base + %d * n + i] = s.%s;\n", j, field(name))
		}
		blocks := []string{"receive"}
		if nr.Initial != nil {
			blocks = append(blocks, "netinit")
		}
		for _, b := range blocks {
			e.printf("void %[1]s_%[2]s(int base, int n, int i, int node, double v, double t, int args, double flag) {\n\t%[1]s_Inst s;\n\t%[1]s_load(s, base, n, i, node, v, t);\n", p, b)
			e.printf("\t%[1]s_ions(s, node, v);\n\t%[1]s_%[2]s_block(s, args, flag);\n%[3]s\t%[1]s_store(s, base, n, i, node);\n}\n\n", p, b, params.String())
		}
	}
}

// newton writes P_solve for derivimplicit as mech runs it: backward
// Euler, x1 = x0 + dt*f(x1), by Newton's method with a difference-quotient
// Jacobian and Gaussian elimination with partial pivoting (mech's gauss),
// each instance iterating until its own states settle (mech stops when
// all of a group's have: an instance may take one more step, which moves
// it by less than the tolerance).
func (e *emitter) newton() string {
	p, n := e.p, len(e.implicit)
	var b strings.Builder
	gauss := e.gauss(n)
	fmt.Fprintf(&b, "void %s_solve(inout %s_Inst s) {\n\tdouble x0[%d], base[%d], d[%d], a[%d], b[%d];\n", p, p, n, n, n, n*n, n)
	for j, x := range e.implicit {
		fmt.Fprintf(&b, "\tx0[%d] = s.%s;\n", j, field(x.Name))
	}
	fmt.Fprintf(&b, "\tfor (int it = 0; it < %d; it++) {\n\t\t%s_deriv(s, base);\n", mech.NewtonMax, p)
	for j, x := range e.implicit {
		f := "s." + field(x.Name)
		fmt.Fprintf(&b, "\t\t{\n\t\t\tdouble xj = %[1]s, h = %[2]s * max(abs(xj), %[3]s);\n\t\t\t%[1]s += h;\n\t\t\t%[4]s_deriv(s, d);\n\t\t\t%[1]s = xj;\n",
			f, lit(mech.JacobianStep), lit(mech.JacobianFloor), p)
		fmt.Fprintf(&b, "\t\t\tfor (int r = 0; r < %d; r++) {\n\t\t\t\ta[r * %d + %d] = -s.b_dt * (d[r] - base[r]) / h + (r == %d ? 1.0lf : 0.0lf);\n\t\t\t}\n\t\t}\n", n, n, j, j)
	}
	for r, x := range e.implicit {
		fmt.Fprintf(&b, "\t\tb[%d] = -(s.%s - x0[%d] - s.b_dt * base[%d]);\n", r, field(x.Name), r, r)
	}
	fmt.Fprintf(&b, "\t\t%s(a, b);\n\t\tdouble worst = 0.0lf;\n", gauss)
	for r, x := range e.implicit {
		fmt.Fprintf(&b, "\t\ts.%[1]s += b[%[2]d];\n\t\tworst = max(worst, abs(b[%[2]d]) / (1.0lf + abs(s.%[1]s)));\n", field(x.Name), r)
	}
	fmt.Fprintf(&b, "\t\tif (worst <= %s) {\n\t\t\tbreak;\n\t\t}\n\t}\n}\n\n", lit(mech.NewtonTol))
	return b.String()
}

// gauss writes, once, the Gaussian elimination of n equations that mech
// runs (partial pivoting; the solution left in b), and returns its name.
func (e *emitter) gauss(n int) string {
	name := fmt.Sprintf("%s_gauss%d", e.p, n)
	if e.gausses[n] {
		return name
	}
	e.gausses[n] = true
	fmt.Fprintf(&e.out, `void %[1]s(inout double a[%[2]d], inout double b[%[3]d]) {
	for (int col = 0; col < %[3]d; col++) {
		int p = col;
		for (int r = col + 1; r < %[3]d; r++) {
			if (abs(a[r * %[3]d + col]) > abs(a[p * %[3]d + col])) {
				p = r;
			}
		}
		if (p != col) {
			for (int j = 0; j < %[3]d; j++) {
				double t = a[col * %[3]d + j];
				a[col * %[3]d + j] = a[p * %[3]d + j];
				a[p * %[3]d + j] = t;
			}
			double t = b[col];
			b[col] = b[p];
			b[p] = t;
		}
		for (int r = col + 1; r < %[3]d; r++) {
			double m = a[r * %[3]d + col] / a[col * %[3]d + col];
			if (m == 0.0lf) {
				continue;
			}
			for (int j = col; j < %[3]d; j++) {
				a[r * %[3]d + j] -= m * a[col * %[3]d + j];
			}
			b[r] -= m * b[col];
		}
	}
	for (int r = %[3]d - 1; r >= 0; r--) {
		double t = b[r];
		for (int j = r + 1; j < %[3]d; j++) {
			t -= a[r * %[3]d + j] * b[j];
		}
		b[r] = t / a[r * %[3]d + r];
	}
}

`, name, n*n, n)
	return name
}

// indent is tabs for a block depth.
func indent(depth int) string { return strings.Repeat("\t", depth) }

// block writes a block's statements; solve says it is the SOLVE'd
// DERIVATIVE block (cnexp).
func (e *emitter) block(b *nmodl.Block, solve bool, depth int) (string, error) {
	var out strings.Builder
	in := indent(depth)
	for _, st := range b.Stmts {
		switch st := st.(type) {
		case *nmodl.Local:
			for _, n := range st.Names {
				// mech's LOCALs start at 0 too (group vectors)
				fmt.Fprintf(&out, "%sdouble l_%s = 0.0lf;\n", in, n)
			}
		case *nmodl.Table:
			// evaluated exactly, as mech does (usetable = 0)
		case *nmodl.Assign:
			t, err := e.target(st.Target)
			if err != nil {
				return "", err
			}
			x, err := e.expr(st.Value)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%s%s = %s;\n", in, t, x)
		case *nmodl.Diff:
			if !solve {
				return "", e.errf(st.Pos, "%s' outside the SOLVEd DERIVATIVE block", st.State.Name)
			}
			if e.m.Method == nmodl.Derivimplicit {
				if slices.Contains(e.implicit, st.State.Sym) {
					return "", e.errf(st.Pos, "second equation for %s'", st.State.Name)
				}
				x, err := e.expr(st.Value)
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&out, "%sd[%d] = %s;\n", in, len(e.implicit), x)
				e.implicit = append(e.implicit, st.State.Sym)
				continue
			}
			upd, err := mech.CnexpUpdate(e.mod.File, st)
			if err != nil {
				return "", err
			}
			t, err := e.target(st.State)
			if err != nil {
				return "", err
			}
			x, err := e.expr(upd)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%s%s = %s;\n", in, t, x)
		case *nmodl.CallStmt:
			if st.Call.Proc == nil && (st.Call.Func == "net_send" || st.Call.Func == "state_discontinuity") {
				x, err := e.eventCall(st)
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&out, "%s%s;\n", in, x)
				continue
			}
			if st.Call.Proc == nil {
				if _, ok := mech.Fold(st.Call); ok {
					continue // a built-in function of constants, called for nothing
				}
				return "", e.errf(st.Pos, "%s runs on the CPU engine only for now", st.Call.Func)
			}
			x, err := e.call(st.Call)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%s%s;\n", in, x)
		case *nmodl.If:
			c, err := e.expr(st.Cond)
			if err != nil {
				return "", err
			}
			then, err := e.block(st.Then, solve, depth+1)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%sif (%s != 0.0lf) {\n%s%s}", in, c, then, in)
			if st.Else != nil {
				els, err := e.block(st.Else, solve, depth+1)
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&out, " else {\n%s%s}", els, in)
			}
			out.WriteString("\n")
		case *nmodl.Solve:
			if st.How != nmodl.SolveSteady || st.Method != nmodl.Sparse {
				return "", e.errf(st.Pos, "SOLVE %s %s outside BREAKPOINT runs on the CPU engine only for now", st.Block, st.Method)
			}
			name, err := e.kinetic(st.Proc, true)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%s%s(s);\n", in, name)
		case *nmodl.Reaction, *nmodl.Conserve:
			if e.kin == nil {
				return "", e.errf(st.At(), "reaction outside a KINETIC block SOLVEd by sparse")
			}
			x, err := e.kin.stmt(e, st)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "%s%s", in, x)
		default:
			return "", e.errf(st.At(), "%T statements run on the CPU engine only for now", st)
		}
	}
	return out.String(), nil
}

// eventCall writes net_send(delay, flag) as MECH_SEND(t + delay, flag),
// which the including shader defines to queue a self-event for the
// instance at that time (mech's Receive: the event's time plus the delay;
// INITIAL's t is 0), and state_discontinuity(x, value) as the assignment
// x = value, as NEURON runs it (and mech).
func (e *emitter) eventCall(st *nmodl.CallStmt) (string, error) {
	k := st.Call
	if k.Func == "state_discontinuity" {
		t, err := e.target(k.Args[0].(*nmodl.Name))
		if err != nil {
			return "", err
		}
		x, err := e.expr(k.Args[1])
		return t + " = " + x, err
	}
	d, err := e.expr(k.Args[0])
	if err != nil {
		return "", err
	}
	f, err := e.expr(k.Args[1])
	if err != nil {
		return "", err
	}
	return "MECH_SEND(s.b_t + " + d + ", " + f + ")", nil
}

// target is the lvalue an assignment writes.
func (e *emitter) target(n *nmodl.Name) (string, error) {
	if n.Ref == nmodl.RefSymbol && n.Sym.Kind == nmodl.Constant {
		return "", e.errf(n.Pos, "assignment to %s, which is a constant", n.Name)
	}
	return e.name(n)
}

// name is the GLSL of a variable.
func (e *emitter) name(n *nmodl.Name) (string, error) {
	switch n.Ref {
	case nmodl.RefSymbol:
		s := n.Sym
		if s.Kind == nmodl.Constant {
			return lit(*s.Default), nil
		}
		if s.Builtin {
			return e.builtin(n)
		}
		return "s." + field(s.Name), nil
	case nmodl.RefBuiltin:
		return e.builtin(n)
	case nmodl.RefLocal:
		return "l_" + n.Name, nil
	case nmodl.RefArg:
		return "a_" + n.Name, nil
	case nmodl.RefResult:
		return "result", nil
	case nmodl.RefFlag:
		return "r_flag", nil
	}
	return "", e.errf(n.Pos, "%s runs on the CPU engine only for now", n.Name)
}

func (e *emitter) builtin(n *nmodl.Name) (string, error) {
	switch n.Name {
	case "area":
		e.area = true
		return "s.b_area", nil
	case "v", "t", "dt", "celsius":
		return "s.b_" + n.Name, nil
	}
	return "", e.errf(n.Pos, "%s: the GPU does not give mechanisms %s yet", n.Name, n.Name)
}

// lit writes a double literal: short where single precision holds it
// exactly (NVIDIA reads lf literals in single precision), as its bits
// otherwise.
func lit(x float64) string {
	if float64(float32(x)) == x && !math.IsInf(x, 0) && x == math.Trunc(x*1024)/1024 && math.Abs(x) < 1<<20 {
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return "(" + s + "lf)"
	}
	return "(" + pointmodel.DoubleLiteral(x) + ")"
}

// binops are the GLSL of mech's binary operators on doubles; comparisons
// and logic give 1 or 0, as in C.
var binops = map[string]string{"+": "+", "-": "-", "*": "*", "/": "/", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "==": "==", "!=": "!="}

// expr writes an expression, its constant parts folded as mech folds them.
func (e *emitter) expr(x nmodl.Expr) (string, error) {
	if v, ok := mech.Fold(x); ok {
		return lit(v), nil
	}
	switch x := x.(type) {
	case *nmodl.Name:
		return e.name(x)
	case *nmodl.Unary:
		a, err := e.expr(x.X)
		if err != nil {
			return "", err
		}
		switch x.Op {
		case "+":
			return a, nil
		case "-":
			return "(-" + a + ")", nil
		case "!":
			return "(" + a + " == 0.0lf ? 1.0lf : 0.0lf)", nil
		}
		return "", e.errf(x.Pos, "unsupported operator %s", x.Op)
	case *nmodl.Binary:
		l, err := e.expr(x.L)
		if err != nil {
			return "", err
		}
		r, err := e.expr(x.R)
		if err != nil {
			return "", err
		}
		switch x.Op {
		case "+", "-", "*", "/":
			return "(" + l + " " + x.Op + " " + r + ")", nil
		case "^":
			return "mech_pow(" + l + ", " + r + ")", nil
		case "&&", "||":
			return fmt.Sprintf("((%s != 0.0lf) %s (%s != 0.0lf) ? 1.0lf : 0.0lf)", l, x.Op, r), nil
		}
		if op, ok := binops[x.Op]; ok {
			return fmt.Sprintf("(%s %s %s ? 1.0lf : 0.0lf)", l, op, r), nil
		}
		return "", e.errf(x.Pos, "unsupported operator %s", x.Op)
	case *nmodl.Call:
		return e.call(x)
	}
	return "", e.errf(x.At(), "unsupported expression %T", x)
}

// doubleFuncs are the built-in functions GLSL has in double precision;
// floatFuncs those it has in single only.
var (
	doubleFuncs = map[string]string{"exp": "fastexp", "log": "mech_log", "sqrt": "sqrt", "fabs": "abs", "floor": "floor", "ceil": "ceil"}
	floatFuncs  = map[string]bool{"sin": true, "cos": true, "tan": true, "asin": true, "acos": true, "atan": true, "sinh": true, "cosh": true, "tanh": true}
)

// call writes a call of a built-in function or of one of the file's
// FUNCTIONs and PROCEDUREs, which it writes first if need be.
func (e *emitter) call(k *nmodl.Call) (string, error) {
	args := make([]string, len(k.Args))
	for i, a := range k.Args {
		x, err := e.expr(a)
		if err != nil {
			return "", err
		}
		args[i] = x
	}
	if k.Proc == nil {
		switch {
		case doubleFuncs[k.Func] != "" && len(args) == 1:
			return doubleFuncs[k.Func] + "(" + args[0] + ")", nil
		case floatFuncs[k.Func] && len(args) == 1:
			return "double(" + k.Func + "(float(" + args[0] + ")))", nil
		case k.Func == "log10" && len(args) == 1:
			return "(mech_log(" + args[0] + ") / " + lit(math.Ln10) + ")", nil
		case k.Func == "pow" && len(args) == 2:
			return "mech_pow(" + args[0] + ", " + args[1] + ")", nil
		case k.Func == "atan2" && len(args) == 2:
			return "double(atan(float(" + args[0] + "), float(" + args[1] + ")))", nil
		case k.Func == "fmod" && len(args) == 2:
			return "(" + args[0] + " - " + args[1] + " * trunc(" + args[0] + " / " + args[1] + "))", nil
		}
		return "", e.errf(k.Pos, "%s runs on the CPU engine only for now", k.Func)
	}
	if k.Proc.Kind != nmodl.Function && k.Proc.Kind != nmodl.Procedure {
		return "", e.errf(k.Pos, "call of %s %s", k.Proc.Kind, k.Proc.Name)
	}
	if err := e.proc(k.Proc, k.Pos); err != nil {
		return "", err
	}
	return e.p + "_" + k.Proc.Name + "(" + strings.Join(append([]string{"s"}, args...), ", ") + ")", nil
}

// proc writes a PROCEDURE or FUNCTION once, before its first caller.
func (e *emitter) proc(p *nmodl.Proc, at nmodl.Pos) error {
	if e.done[p] {
		return nil
	}
	if e.active[p] {
		return e.errf(at, "%s %s calls itself (recursion is not supported)", p.Kind, p.Name)
	}
	e.active[p] = true
	defer delete(e.active, p)
	body, err := e.block(p.Body, false, 1)
	if err != nil {
		return err
	}
	params := []string{"inout " + e.p + "_Inst s"}
	for _, a := range p.Args {
		params = append(params, "double a_"+a.Name)
	}
	sig := e.p + "_" + p.Name + "(" + strings.Join(params, ", ") + ")"
	if p.Kind == nmodl.Function {
		e.printf("double %s {\n\tdouble result = 0.0lf;\n%s\treturn result;\n}\n\n", sig, body)
	} else {
		e.printf("void %s {\n%s}\n\n", sig, body)
	}
	e.done[p] = true
	return nil
}
