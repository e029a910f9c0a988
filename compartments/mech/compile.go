package mech

import (
	"fmt"
	"slices"

	"neurite/compartments/nmodl"
)

// frame is a group's run-time state: every per-instance vector the
// compiled closures read and write.
type frame struct {
	n     int
	n4    int         // n rounded up to whole vectors of four: the instructions' length
	vars  [][]float64 // by slot: variables and scratch vectors
	masks [][]bool    // by IF: the instances of its then and else branches
	mask  []bool      // the instances the running statements apply to; nil: all
	kin   []kinScratch
	send  func(k int, delay, flag float64) // net_send for instance base+k
	base  int                              // the group's index of the frame's first instance
}

// stmtFn runs a statement for the instances of f.mask.
type stmtFn func(f *frame)

// compiler compiles one Mod.
type compiler struct {
	m       *nmodl.Mod
	mech    *Mechanism
	symSlot map[*nmodl.Symbol]int
	procs   map[*nmodl.Proc]*cproc
	active  map[*nmodl.Proc]bool  // being compiled: a call of one is recursion
	flag    int                   // slot of NET_RECEIVE's flag
	pools   int                   // pools made
	temps   map[[2]int]int        // by pool and index: the slot of a scratch vector
	shared  map[nmodl.Expr]*share // exprShared's: the repeated subexpressions of the expression
}

// newCompiler returns a compiler of m into mech.
func newCompiler(m *nmodl.Mod, mech *Mechanism) *compiler {
	return &compiler{m: m, mech: mech, flag: -1, temps: map[[2]int]int{}, symSlot: map[*nmodl.Symbol]int{}, procs: map[*nmodl.Proc]*cproc{}, active: map[*nmodl.Proc]bool{}}
}

// cproc is a compiled PROCEDURE or FUNCTION.
type cproc struct {
	args   []int // slots
	result int   // a FUNCTION's value
	body   stmtFn
}

// ctx is the compilation context of a block.
type ctx struct {
	pool    int
	proc    *nmodl.Proc
	cp      *cproc
	scopes  []map[string]int // LOCALs, innermost last
	solve   string           // the METHOD when compiling a SOLVE'd block
	kin     *kinetic         // the KINETIC block being compiled
	impl    *implicit        // the derivimplicit block being compiled
	netInit bool             // compiling NET_RECEIVE's INITIAL
}

func (c *compiler) errf(p nmodl.Pos, format string, args ...any) error {
	return &nmodl.Error{File: c.m.File, Line: p.Line, Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) newSlot(kind, index int) int {
	c.mech.slots = append(c.mech.slots, slotDef{kind: kind, index: index})
	return len(c.mech.slots) - 1
}

// newPool makes a pool of scratch vectors: a block's expressions use
// their own, so that a procedure they call cannot overwrite theirs.
func (c *compiler) newPool() int {
	c.pools++
	return c.pools - 1
}

// tmp is the slot of scratch vector i of x's pool.
func (c *compiler) tmp(x *ctx, i int) int {
	k := [2]int{x.pool, i}
	s, ok := c.temps[k]
	if !ok {
		s = c.newSlot(slotOwn, 0)
		c.temps[k] = s
	}
	return s
}

// builtin is the slot of NEURON's variable b.
func (c *compiler) builtin(b int) int {
	if c.mech.builtins[b] < 0 {
		c.mech.builtins[b] = c.newSlot(slotOwn, 0)
	}
	return c.mech.builtins[b]
}

// declare gives every declared name its vector and lists the mechanism's
// variables and ions.
func (c *compiler) declare() error {
	mech, m := c.mech, c.m
	for b := range mech.builtins {
		mech.builtins[b] = -1
	}
	c.builtin(bV) // Current perturbs v even when no statement reads it
	for _, s := range m.Symbols {
		def := 0.0
		if s.Default != nil {
			def = *s.Default
		}
		v := Var{Name: s.Name, Unit: s.Unit, Default: def, Global: s.Visibility != nmodl.Range}
		switch {
		case s.Builtin || s.Kind == nmodl.Constant:
			continue
		case s.Kind == nmodl.Parameter && s.Ion == nil:
			mech.Params = append(mech.Params, v)
			c.symSlot[s] = c.newSlot(slotParam, len(mech.Params)-1)
		case s.Kind == nmodl.State:
			v.Global = false
			mech.States = append(mech.States, v)
			c.symSlot[s] = c.newSlot(slotState, len(mech.States)-1)
		case s.Kind == nmodl.Assigned && (s.Visibility == nmodl.Range || slices.Contains(m.Nonspecific, s.Name)):
			v.Global = false
			mech.Assigned = append(mech.Assigned, v)
			c.symSlot[s] = c.newSlot(slotAssigned, len(mech.Assigned)-1)
		default:
			c.symSlot[s] = c.newSlot(slotOwn, 0)
		}
	}
	for _, ion := range m.Ions {
		z := int(ion.Valence)
		if float64(z) != ion.Valence {
			return c.errf(ion.Pos, "USEION %s VALENCE %g: the valence must be an integer", ion.Name, ion.Valence)
		}
		mech.Ions = append(mech.Ions, Ion{Name: ion.Name, Valence: z, Read: ion.Read, Write: ion.Write})
		for what, name := range ion.Variables() {
			s := m.Symbol(name)
			if s == nil || s.Ion != ion {
				continue
			}
			l := ionLoad{ion: ion.Name, what: what, slot: c.symSlot[s]}
			mech.IonVars = append(mech.IonVars, IonVar{Ion: ion.Name, Name: name, What: IonField(what),
				Load: s.IonRole&nmodl.IonRead != 0 || s.Kind == nmodl.State, Write: s.IonRole&nmodl.IonWrite != 0})
			if s.IonRole&nmodl.IonRead != 0 || s.Kind == nmodl.State {
				mech.loads = append(mech.loads, l)
			}
			if s.IonRole&nmodl.IonWrite == 0 {
				continue
			}
			if what == 1 {
				mech.ionCur = append(mech.ionCur, l)
				mech.currents = append(mech.currents, l.slot)
				continue
			}
			mech.stores = append(mech.stores, l)
			if what >= 2 {
				mech.WritesConcentration = true
			}
		}
	}
	for _, n := range m.Nonspecific {
		mech.currents = append(mech.currents, c.symSlot[m.Symbol(n)])
	}
	return nil
}

// compile compiles INITIAL, BREAKPOINT and the SOLVE'd block.
func (c *compiler) compile() error {
	var err error
	if b := c.m.Initial; b != nil {
		x := &ctx{pool: c.newPool()}
		if c.mech.initial, err = c.block(x, b); err != nil {
			return err
		}
	}
	if p := c.m.NetReceive; p != nil {
		if err := c.netReceive(p); err != nil {
			return err
		}
	}
	b := c.m.Breakpoint
	if b == nil {
		return nil
	}
	var rest []nmodl.Stmt
	for _, st := range b.Stmts {
		s, ok := st.(*nmodl.Solve)
		if !ok {
			rest = append(rest, st)
			continue
		}
		if s.How != nmodl.SolveMethod {
			return c.errf(s.Pos, "SOLVE %s STEADYSTATE in BREAKPOINT", s.Block)
		}
		if c.mech.advance != nil {
			return c.errf(s.Pos, "second SOLVE in BREAKPOINT")
		}
		c.mech.Method = s.Method
		if c.mech.advance, err = c.solved(s); err != nil {
			return err
		}
	}
	if len(rest) == 0 {
		// no current (CaDynamics_E2): Current gives 0 without running anything
		return nil
	}
	x := &ctx{pool: c.newPool()}
	if c.mech.current, err = c.block(x, &nmodl.Block{Stmts: rest, Pos: b.Pos}); err != nil {
		return err
	}
	again := vDependent(rest)
	if len(again) < len(rest) {
		if c.mech.currentAgain, err = c.block(&ctx{pool: c.newPool()}, &nmodl.Block{Stmts: again, Pos: b.Pos}); err != nil {
			return err
		}
	}
	return c.ohmicCurrent(rest, again, b.Pos)
}

// ohmic is a BREAKPOINT whose one current is i = g*(v - e), with g and e
// the same in both of Current's evaluations and every statement before
// it (the conductance, g = gbar*m*m*m*h) the same too (vDependent): the
// form of nearly every channel. Current then runs the conductance once
// and both evaluations, the sums and the quotient in one pass.
type ohmic struct {
	i      int // the current's slot
	g, e   int // slots, or -1 for the constants gc, ec
	gc, ec float64
}

// ohmicCurrent sets the mechanism's ohmic form and conductance block
// where its BREAKPOINT (without SOLVE) rest has that form.
func (c *compiler) ohmicCurrent(rest, again []nmodl.Stmt, at nmodl.Pos) error {
	last := rest[len(rest)-1]
	a, ok := last.(*nmodl.Assign)
	if len(c.mech.currents) != 1 || len(again) != 1 || again[0] != last || !ok ||
		a.Target.Ref != nmodl.RefSymbol || c.symSlot[a.Target.Sym] != c.mech.currents[0] {
		return nil
	}
	prod, ok := a.Value.(*nmodl.Binary)
	if !ok || prod.Op != "*" {
		return nil
	}
	gx, dx := prod.L, prod.R
	if isDrive(gx) {
		gx, dx = dx, gx
	}
	if !isDrive(dx) {
		return nil
	}
	o := &ohmic{i: c.mech.currents[0]}
	var okG, okE bool
	if o.g, o.gc, okG = c.ohmicOperand(gx); !okG {
		return nil
	}
	if o.e, o.ec, okE = c.ohmicOperand(dx.(*nmodl.Binary).R); !okE {
		return nil
	}
	if o.g == o.i || o.e == o.i {
		return nil // i = i*(v - e): the second evaluation reads the first's i
	}
	c.mech.ohmic = o
	if len(rest) > 1 {
		var err error
		c.mech.conductance, err = c.block(&ctx{pool: c.newPool()}, &nmodl.Block{Stmts: rest[:len(rest)-1], Pos: at})
		return err
	}
	return nil
}

// isDrive reports whether e is v - x, the driving force.
func isDrive(e nmodl.Expr) bool {
	d, ok := e.(*nmodl.Binary)
	if !ok || d.Op != "-" {
		return false
	}
	v, ok := d.L.(*nmodl.Name)
	return ok && v.Name == "v"
}

// ohmicOperand is g or e of an ohmic current: a constant Compile folds,
// or a declared variable other than v (a LOCAL's slot belongs to its
// block's scope).
func (c *compiler) ohmicOperand(e nmodl.Expr) (slot int, k float64, ok bool) {
	if k, ok := Fold(e); ok {
		return -1, k, true
	}
	switch e := e.(type) {
	case *nmodl.Name:
		if e.Name == "v" || e.Ref != nmodl.RefSymbol || e.Sym.Kind == nmodl.Constant {
			return 0, 0, false
		}
		op, err := c.name(nil, e)
		return op.slot, 0, err == nil && op.kind == opVar
	}
	return 0, 0, false
}

// vDependent returns the statements of BREAKPOINT (without its SOLVE)
// that Current's second evaluation, at v after v+0.001, must run again:
// all but the assignments whose value cannot differ between the two, a
// conductance such as gNaTa_t = gNaTa_tbar*m*m*m*h. Such an assignment
// reads neither v nor a call (a FUNCTION may read v), only variables the
// block does not assign or that an earlier such assignment gave, and
// sets a declared variable nothing else in the block sets: the same
// inputs give it the same value, so skipping it changes no bit.
func vDependent(stmts []nmodl.Stmt) []nmodl.Stmt {
	sets := map[*nmodl.Symbol]int{}
	if !countSets(stmts, sets) {
		return stmts // a PROCEDURE may set anything: run it all again
	}
	same := map[*nmodl.Symbol]bool{} // set by a skipped assignment
	var again []nmodl.Stmt
	for _, st := range stmts {
		a, ok := st.(*nmodl.Assign)
		if ok && a.Target.Ref == nmodl.RefSymbol && sets[a.Target.Sym] == 1 && unchanged(a.Value, a.Target.Sym, sets, same) {
			same[a.Target.Sym] = true
			continue
		}
		again = append(again, st)
	}
	return again
}

// countSets counts the assignments to each declared variable in stmts,
// those under IF included; it reports false where a statement (a call)
// may set variables it cannot see.
func countSets(stmts []nmodl.Stmt, sets map[*nmodl.Symbol]int) bool {
	for _, st := range stmts {
		switch st := st.(type) {
		case *nmodl.Assign:
			if st.Target.Ref == nmodl.RefSymbol {
				sets[st.Target.Sym]++
			}
		case *nmodl.If:
			if !countSets(st.Then.Stmts, sets) || st.Else != nil && !countSets(st.Else.Stmts, sets) {
				return false
			}
		case *nmodl.Local, *nmodl.Table:
		default:
			return false
		}
	}
	return true
}

// unchanged reports whether e reads neither v, nor a call, nor target,
// nor a variable the block sets other than by a skipped assignment.
func unchanged(e nmodl.Expr, target *nmodl.Symbol, sets map[*nmodl.Symbol]int, same map[*nmodl.Symbol]bool) bool {
	switch e := e.(type) {
	case *nmodl.Num:
		return true
	case *nmodl.Name:
		switch {
		case e.Name == "v" || e.Ref != nmodl.RefSymbol && e.Ref != nmodl.RefBuiltin:
			return false
		case e.Ref == nmodl.RefBuiltin:
			return true // celsius, t, dt, diam, area: the same in both
		}
		return e.Sym != target && (sets[e.Sym] == 0 || same[e.Sym])
	case *nmodl.Unary:
		return unchanged(e.X, target, sets, same)
	case *nmodl.Binary:
		return unchanged(e.L, target, sets, same) && unchanged(e.R, target, sets, same)
	}
	return false // calls
}

// solved compiles the block a SOLVE statement names, for its method.
func (c *compiler) solved(s *nmodl.Solve) (stmtFn, error) {
	x := &ctx{pool: c.newPool(), proc: s.Proc, solve: s.Method}
	switch s.Method {
	case nmodl.Cnexp:
		return c.block(x, s.Proc.Body)
	case nmodl.Sparse:
		return c.kinetic(x, s.Proc, s.How == nmodl.SolveSteady)
	case nmodl.Derivimplicit:
		return c.derivimplicit(x, s.Proc)
	}
	return nil, c.errf(s.Pos, "SOLVE METHOD %s is not supported", s.Method)
}

// block compiles a block's statements in their own LOCAL scope.
func (c *compiler) block(x *ctx, b *nmodl.Block) (stmtFn, error) {
	x.scopes = append(x.scopes, map[string]int{})
	defer func() { x.scopes = x.scopes[:len(x.scopes)-1] }()
	var fns []stmtFn
	for _, st := range b.Stmts {
		fn, err := c.stmt(x, st)
		if err != nil {
			return nil, err
		}
		if fn != nil {
			fns = append(fns, fn)
		}
	}
	switch len(fns) {
	case 0:
		return func(*frame) {}, nil
	case 1:
		return fns[0], nil
	}
	return func(f *frame) {
		for _, fn := range fns {
			fn(f)
		}
	}, nil
}

func (c *compiler) stmt(x *ctx, st nmodl.Stmt) (stmtFn, error) {
	switch st := st.(type) {
	case *nmodl.Local:
		for _, n := range st.Names {
			x.scopes[len(x.scopes)-1][n] = c.newSlot(slotOwn, 0)
		}
		return nil, nil
	case *nmodl.Table:
		// the procedure is evaluated exactly (usetable = 0)
		return nil, nil
	case *nmodl.Assign:
		dst, err := c.target(x, st.Target)
		if err != nil {
			return nil, err
		}
		return c.assign(x, dst, st.Value)
	case *nmodl.Diff:
		return c.diff(x, st)
	case *nmodl.CallStmt:
		switch st.Call.Func {
		case "net_send", "state_discontinuity":
			if st.Call.Proc == nil {
				return c.eventCall(x, st)
			}
		}
		op, err := c.call(x, st.Call, 0)
		if err != nil || op.kind != opProg {
			// a built-in function of constants, called for nothing
			return nil, err
		}
		return func(f *frame) { f.exec(op.prog) }, nil
	case *nmodl.If:
		return c.ifStmt(x, st)
	case *nmodl.Solve:
		if st.How == nmodl.SolveSteady && st.Method == nmodl.Sparse {
			x := &ctx{pool: c.newPool(), proc: st.Proc, solve: st.Method}
			return c.kinetic(x, st.Proc, true)
		}
		return nil, c.errf(st.Pos, "SOLVE %s %s outside BREAKPOINT is not supported", st.Block, st.Method)
	case *nmodl.Reaction, *nmodl.Conserve:
		if x.kin == nil {
			return nil, c.errf(st.At(), "reaction outside a KINETIC block SOLVEd by sparse")
		}
		return x.kin.stmt(c, x, st)
	}
	return nil, c.errf(st.At(), "unsupported statement %T", st)
}

// target is the slot an assignment writes.
func (c *compiler) target(x *ctx, n *nmodl.Name) (int, error) {
	op, err := c.name(x, n)
	if err != nil {
		return 0, err
	}
	if op.kind != opVar {
		return 0, c.errf(n.Pos, "assignment to %s, which is a constant", n.Name)
	}
	return op.slot, nil
}

// assign compiles "slot = e" for the instances of the mask.
func (c *compiler) assign(x *ctx, slot int, e nmodl.Expr) (stmtFn, error) {
	op, err := c.exprShared(x, e, 0)
	if err != nil {
		return nil, err
	}
	return c.assignOp(slot, op), nil
}

// assignOp compiles "slot = op" for the instances of the mask.
func (c *compiler) assignOp(slot int, op operand) stmtFn {
	switch op.kind {
	case opConst:
		v := op.c
		return func(f *frame) {
			dst := f.vars[slot]
			if f.mask == nil {
				fill(dst, v)
				return
			}
			for k, in := range f.mask {
				if in {
					dst[k] = v
				}
			}
		}
	case opVar:
		src := op.slot
		return func(f *frame) { maskedCopy(f, f.vars[slot], f.vars[src]) }
	}
	// Without a mask the last instruction writes the variable itself:
	// every instruction reads and writes an instance's element only, so
	// the value may be computed in place.
	prog, direct := op.prog, slices.Clone(op.prog)
	direct[len(direct)-1].dst = slot
	return func(f *frame) {
		if f.mask == nil {
			f.exec(direct)
			return
		}
		f.exec(prog)
		maskedCopy(f, f.vars[slot], f.vars[op.slot])
	}
}

// maskedCopy copies src to dst for the instances of f's mask.
func maskedCopy(f *frame, dst, src []float64) {
	if f.mask == nil {
		copy(dst, src)
		return
	}
	for k, in := range f.mask {
		if in {
			dst[k] = src[k]
		}
	}
}

// ifStmt runs each branch for the instances that take it, and not at all
// when none does.
func (c *compiler) ifStmt(x *ctx, st *nmodl.If) (stmtFn, error) {
	cond, err := c.expr(x, st.Cond, 0)
	if err != nil {
		return nil, err
	}
	then, err := c.block(x, st.Then)
	if err != nil {
		return nil, err
	}
	var els stmtFn
	if st.Else != nil {
		if els, err = c.block(x, st.Else); err != nil {
			return nil, err
		}
	}
	if cond.kind == opConst {
		// if (1), if (0): one branch, for every instance of the mask
		if cond.c != 0 {
			return then, nil
		}
		return els, nil
	}
	mi := c.mech.nmasks
	c.mech.nmasks += 2
	return func(f *frame) {
		f.exec(cond.prog)
		cv := f.vars[cond.slot]
		old := f.mask
		if old == nil && !slices.ContainsFunc(cv[:f.n], func(x float64) bool { return x != 0 }) {
			// No instance takes the then branch (Hay's v == -38 guards,
			// nearly always): the else branch, if any, for all.
			if els != nil {
				els(f)
			}
			return
		}
		mt, me := f.masks[mi], f.masks[mi+1]
		nt, ne := 0, 0
		for k, x := range cv[:f.n] {
			in := old == nil || old[k]
			t := in && x != 0
			mt[k], me[k] = t, in && x == 0
			if t {
				nt++
			} else if in {
				ne++
			}
		}
		run := func(b stmtFn, m []bool, cnt int) {
			switch {
			case cnt == 0 || b == nil:
			case cnt == f.n:
				f.mask = nil
				b(f)
			default:
				f.mask = m
				b(f)
			}
		}
		run(then, mt, nt)
		run(els, me, ne)
		f.mask = old
	}, nil
}

// diff compiles x' = e in a DERIVATIVE block SOLVEd by cnexp: the exact
// update over dt of x' = a + b*x, written as nocmodl writes it.
func (c *compiler) diff(x *ctx, st *nmodl.Diff) (stmtFn, error) {
	if x.solve == nmodl.Derivimplicit {
		return c.diffImplicit(x, st)
	}
	if x.solve != nmodl.Cnexp {
		return nil, c.errf(st.Pos, "%s' outside a DERIVATIVE block SOLVEd by cnexp or derivimplicit", st.State.Name)
	}
	upd, err := CnexpUpdate(c.m.File, st)
	if err != nil {
		return nil, err
	}
	slot, err := c.target(x, st.State)
	if err != nil {
		return nil, err
	}
	if a, b, _ := linear(st.Value, st.State.Sym); varying(a) && varying(b) {
		// The update's tree in one instruction (insCnexp) after a's and
		// b's: eight passes over the instances fewer, b computed once.
		ao, err := c.exprShared(x, a, 0)
		if err != nil {
			return nil, err
		}
		bo, err := c.exprShared(x, b, 1)
		if err != nil {
			return nil, err
		}
		in := instr{op: insCnexp, dst: c.tmp(x, 0), a: ao.slot, b: bo.slot, state: slot, dt: c.builtin(bDt)}.ready()
		return c.assignOp(slot, operand{kind: opProg, slot: in.dst, prog: ao.then(append(bo.prog, in)...)}), nil
	}
	return c.assign(x, slot, upd)
}

// varying reports whether e is neither absent nor a constant Compile
// folds, and calls no FUNCTION (which the update's tree would call
// twice, as nocmodl's code does): the operands insCnexp takes.
func varying(e nmodl.Expr) bool {
	if e == nil {
		return false
	}
	if _, ok := Fold(e); ok {
		return false
	}
	return !callsProc(e)
}

// callsProc reports whether e calls a FUNCTION of the file.
func callsProc(e nmodl.Expr) bool {
	switch e := e.(type) {
	case *nmodl.Unary:
		return callsProc(e.X)
	case *nmodl.Binary:
		return callsProc(e.L) || callsProc(e.R)
	case *nmodl.Call:
		return e.Proc != nil || slices.ContainsFunc(e.Args, callsProc)
	}
	return false
}

// CnexpUpdate returns the value METHOD cnexp assigns to the state of st
// (x' = e in a DERIVATIVE block of file) over a step of dt, as nocmodl
// writes it: e split symbolically into a + b*x (package doc), then x + (1
// - exp(dt*b))*(-a/b - x), or x + dt*a where e is free of x. The GLSL
// emitter (gpu/mechglsl) writes the same tree. An equation not linear in
// its state is an *nmodl.Error naming the file and line.
func CnexpUpdate(file string, st *nmodl.Diff) (nmodl.Expr, error) {
	a, b, err := linear(st.Value, st.State.Sym)
	if err != nil {
		le := err.(linErr)
		return nil, &nmodl.Error{File: file, Line: le.pos.Line, Msg: fmt.Sprintf("cnexp: %s' = ... is not linear in %s (%s)", st.State.Name, st.State.Name, le.what)}
	}
	s := st.State
	dt := &nmodl.Name{Name: "dt", Ref: nmodl.RefBuiltin, Pos: st.Pos}
	if b == nil {
		// x' = a: x <- x + dt*a
		return bin("+", s, bin("*", dt, orZero(a, st.Pos))), nil
	}
	// x <- x + (1 - exp(dt*b))*(-a/b - x)
	one := &nmodl.Num{Value: 1, Text: "1", Pos: st.Pos}
	e := &nmodl.Call{Func: "exp", Args: []nmodl.Expr{bin("*", dt, b)}, Pos: st.Pos}
	ab := bin("/", &nmodl.Unary{Op: "-", X: orZero(a, st.Pos), Pos: st.Pos}, b)
	return bin("+", s, bin("*", bin("-", one, e), bin("-", ab, s))), nil
}

func bin(op string, l, r nmodl.Expr) nmodl.Expr {
	return &nmodl.Binary{Op: op, L: l, R: r, Pos: l.At()}
}

func orZero(e nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	if e == nil {
		return &nmodl.Num{Value: 0, Text: "0", Pos: p}
	}
	return e
}

// proc compiles a PROCEDURE or FUNCTION once.
func (c *compiler) proc(p *nmodl.Proc, at nmodl.Pos) (*cproc, error) {
	if cp := c.procs[p]; cp != nil {
		return cp, nil
	}
	if c.active[p] {
		return nil, c.errf(at, "%s %s calls itself (recursion is not supported)", p.Kind, p.Name)
	}
	c.active[p] = true
	defer delete(c.active, p)
	cp := &cproc{result: -1}
	for range p.Args {
		cp.args = append(cp.args, c.newSlot(slotOwn, 0))
	}
	if p.Kind == nmodl.Function {
		cp.result = c.newSlot(slotOwn, 0)
	}
	x := &ctx{pool: c.newPool(), proc: p, cp: cp}
	body, err := c.block(x, p.Body)
	if err != nil {
		return nil, err
	}
	cp.body = body
	c.procs[p] = cp
	return cp, nil
}
