package nmodl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// builtinNames are NEURON's own variables, which a .mod file may use
// without declaring (or declare, as PARAMETER or ASSIGNED).
var builtinNames = map[string]bool{"v": true, "celsius": true, "t": true, "dt": true, "diam": true, "area": true}

// mathFuncs are the built-in functions of expressions, with their number
// of arguments.
var mathFuncs = map[string]int{
	"exp": 1, "log": 1, "log10": 1, "sqrt": 1, "fabs": 1, "floor": 1, "ceil": 1,
	"sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1, "sinh": 1, "cosh": 1, "tanh": 1,
	"pow": 2, "atan2": 2, "fmod": 2,
}

// eventFuncs are the built-in procedures of NET_RECEIVE (net_send also
// of INITIAL), with their number of arguments.
var eventFuncs = map[string]int{"net_send": 2, "state_discontinuity": 2}

// check merges the declarations into m's symbols and resolves and checks
// every block.
func check(m *Mod, d declared) error {
	m.symbols = map[string]*Symbol{}
	m.procs = map[string]*Proc{}
	for _, s := range d.syms {
		if first, ok := m.symbols[s.Name]; ok {
			return errAt(s.Pos, "duplicate declaration of %s (first at line %d)", s.Name, first.Pos.Line)
		}
		s.Builtin = builtinNames[s.Name]
		m.symbols[s.Name] = s
		m.Symbols = append(m.Symbols, s)
	}
	if err := declareIons(m); err != nil {
		return err
	}
	if err := visibility(m, d); err != nil {
		return err
	}
	for _, n := range d.nonspecific {
		s := m.symbols[n.Name]
		if s == nil || s.Kind != Assigned || s.Ion != nil {
			return errAt(n.Pos, "NONSPECIFIC_CURRENT %s must be declared in ASSIGNED (and be no ion's variable)", n.Name)
		}
		if slices.Contains(m.Nonspecific, n.Name) {
			return errAt(n.Pos, "NONSPECIFIC_CURRENT %s listed twice", n.Name)
		}
		m.Nonspecific = append(m.Nonspecific, n.Name)
	}
	for _, p := range m.Procs {
		if first, ok := m.procs[p.Name]; ok {
			return errAt(p.Pos, "duplicate block %s (first at line %d)", p.Name, first.Pos.Line)
		}
		if s, ok := m.symbols[p.Name]; ok {
			return errAt(p.Pos, "%s %s has the name of the %s declared at line %d", p.Kind, p.Name, s.Kind, s.Pos.Line)
		}
		if _, ok := mathFuncs[p.Name]; ok {
			return errAt(p.Pos, "%s %s has the name of a built-in function", p.Kind, p.Name)
		}
		m.procs[p.Name] = p
	}
	for _, p := range append(append([]*Proc(nil), m.Procs...), m.NetReceive) {
		if p == nil {
			continue
		}
		seen := map[string]bool{}
		for _, a := range p.Args {
			if seen[a.Name] {
				return errAt(a.Pos, "argument %s of %s listed twice", a.Name, p.Name)
			}
			seen[a.Name] = true
		}
	}
	// each block is checked; the error reported is the first in the file
	c := &checker{m: m}
	var first *Error
	note := func(b *Block, sc *scope) {
		if b == nil {
			return
		}
		var e *Error
		if errors.As(c.block(b, sc), &e) && (first == nil || e.Line < first.Line) {
			first = e
		}
	}
	note(m.Initial, &scope{where: "INITIAL"})
	note(m.Breakpoint, &scope{where: "BREAKPOINT"})
	for _, p := range m.Procs {
		note(p.Body, &scope{proc: p, where: p.Kind.String() + " " + p.Name})
	}
	if p := m.NetReceive; p != nil {
		note(p.Initial, &scope{proc: p, where: "NET_RECEIVE's INITIAL"})
		note(p.Body, &scope{proc: p, where: "NET_RECEIVE"})
	}
	if first != nil {
		return first
	}
	return nil
}

// declareIons gives each USEION's variables their ion and role, declaring
// those no block declares.
func declareIons(m *Mod) error {
	seen := map[string]*Ion{}
	for _, ion := range m.Ions {
		if first, ok := seen[ion.Name]; ok {
			return errAt(ion.Pos, "second USEION %s (first at line %d)", ion.Name, first.Pos.Line)
		}
		seen[ion.Name] = ion
		vars := ion.Variables()
		for _, l := range []struct {
			names []string
			role  IonRole
			word  string
		}{{ion.Read, IonRead, "READ"}, {ion.Write, IonWrite, "WRITE"}} {
			for _, n := range l.names {
				if !slices.Contains(vars[:], n) {
					return errAt(ion.Pos, "USEION %s %s %s: the variables of ion %s are %s", ion.Name, l.word, n, ion.Name, strings.Join(vars[:], ", "))
				}
				s := m.symbols[n]
				if s == nil {
					s = &Symbol{Name: n, Kind: IonVar, Pos: ion.Pos}
					m.symbols[n] = s
					m.Symbols = append(m.Symbols, s)
				}
				if s.IonRole&l.role != 0 {
					return errAt(ion.Pos, "USEION %s lists %s twice in %s", ion.Name, n, l.word)
				}
				if s.Kind == Constant {
					return errAt(ion.Pos, "USEION %s %s %s: %s is a UNITS constant", ion.Name, l.word, n, n)
				}
				s.Ion = ion
				s.IonRole |= l.role
			}
		}
	}
	return nil
}

// visibility applies RANGE and GLOBAL.
func visibility(m *Mod, d declared) error {
	for _, l := range []struct {
		names []*Name
		vis   Visibility
		word  string
	}{{d.ranges, Range, "RANGE"}, {d.global, Global, "GLOBAL"}} {
		for _, n := range l.names {
			s := m.symbols[n.Name]
			if s == nil && !builtinNames[n.Name] {
				// nocmodl accepts these (ampa.mod's RANGE R); they are
				// nothing, and no statement may use them
				m.Undeclared = append(m.Undeclared, n)
				continue
			}
			if s == nil || s.Builtin {
				return errAt(n.Pos, "%s %s: %s is NEURON's own", l.word, n.Name, n.Name)
			}
			if s.Kind == Constant {
				return errAt(n.Pos, "%s %s: %s is a UNITS constant", l.word, n.Name, n.Name)
			}
			if s.Visibility != None && s.Visibility != l.vis {
				return errAt(n.Pos, "%s is both RANGE and GLOBAL", n.Name)
			}
			s.Visibility = l.vis
		}
	}
	return nil
}

type checker struct{ m *Mod }

// scope is a block's names: its LOCALs, those of the blocks around it,
// and the arguments of the Proc it is in.
type scope struct {
	locals map[string]bool
	up     *scope
	proc   *Proc
	where  string
}

func (s *scope) inner() *scope {
	return &scope{up: s, proc: s.proc, where: s.where}
}

func (s *scope) isLocal(n string) bool {
	for ; s != nil; s = s.up {
		if s.locals[n] {
			return true
		}
	}
	return false
}

func (c *checker) block(b *Block, sc *scope) error {
	for _, st := range b.Stmts {
		if err := c.stmt(st, sc); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) stmt(st Stmt, sc *scope) error {
	switch st := st.(type) {
	case *Local:
		if sc.locals == nil {
			sc.locals = map[string]bool{}
		}
		for _, n := range st.Names {
			if sc.locals[n] {
				return errAt(st.Pos, "LOCAL %s declared twice", n)
			}
			sc.locals[n] = true
		}
	case *Assign:
		if err := c.expr(st.Value, sc); err != nil {
			return err
		}
		return c.target(st.Target, sc)
	case *Diff:
		if err := c.state(st.State, "'"); err != nil {
			return err
		}
		return c.expr(st.Value, sc)
	case *CallStmt:
		return c.call(st.Call, sc, true)
	case *If:
		if err := c.expr(st.Cond, sc); err != nil {
			return err
		}
		if err := c.block(st.Then, sc.inner()); err != nil {
			return err
		}
		if st.Else != nil {
			return c.block(st.Else, sc.inner())
		}
	case *Solve:
		return c.solve(st)
	case *Table:
		return c.table(st, sc)
	case *Reaction:
		for _, tm := range append(append([]Term(nil), st.Left...), st.Right...) {
			if err := c.state(tm.State, " in a reaction"); err != nil {
				return err
			}
		}
		for _, e := range []Expr{st.Forward, st.Backward} {
			if e != nil {
				if err := c.expr(e, sc); err != nil {
					return err
				}
			}
		}
	case *Conserve:
		for _, tm := range st.Terms {
			if err := c.state(tm.State, " in CONSERVE"); err != nil {
				return err
			}
		}
		return c.expr(st.Total, sc)
	}
	return nil
}

// state resolves a name that must be a STATE.
func (c *checker) state(n *Name, what string) error {
	s := c.m.symbols[n.Name]
	if s == nil || s.Kind != State {
		return errAt(n.Pos, "%s%s: %s is not a STATE", n.Name, what, n.Name)
	}
	n.Ref, n.Sym = RefSymbol, s
	return nil
}

// target resolves the left side of an assignment, which may not be a
// PARAMETER.
func (c *checker) target(n *Name, sc *scope) error {
	if err := c.resolve(n, sc); err != nil {
		return err
	}
	switch {
	case n.Ref == RefSymbol && n.Sym.Kind == Parameter && !n.Sym.Builtin && n.Sym.Ion == nil:
		return errAt(n.Pos, "assignment to PARAMETER %s", n.Name)
	case n.Ref == RefSymbol && n.Sym.Kind == Constant:
		return errAt(n.Pos, "assignment to UNITS constant %s", n.Name)
	case (n.Ref == RefBuiltin || n.Ref == RefSymbol && n.Sym.Builtin) && n.Name != "v":
		return errAt(n.Pos, "assignment to NEURON's %s", n.Name)
	case n.Ref == RefFlag:
		return errAt(n.Pos, "assignment to NET_RECEIVE's flag")
	}
	return nil
}

// resolve says what a name stands for: a LOCAL, an argument, a
// FUNCTION's result, NET_RECEIVE's flag, a declared name or one of
// NEURON's own, in that order.
func (c *checker) resolve(n *Name, sc *scope) error {
	if sc.isLocal(n.Name) {
		n.Ref = RefLocal
		return nil
	}
	if p := sc.proc; p != nil {
		for i, a := range p.Args {
			if a.Name == n.Name {
				n.Ref, n.Arg = RefArg, i
				return nil
			}
		}
		if p.Kind == Function && p.Name == n.Name {
			n.Ref = RefResult
			return nil
		}
		if p.Kind == NetReceive && n.Name == "flag" {
			n.Ref = RefFlag
			return nil
		}
	}
	if s := c.m.symbols[n.Name]; s != nil {
		n.Ref, n.Sym = RefSymbol, s
		return nil
	}
	if builtinNames[n.Name] {
		n.Ref = RefBuiltin
		return nil
	}
	if p := c.m.procs[n.Name]; p != nil {
		return errAt(n.Pos, "%s %s used as a variable (in %s)", p.Kind, n.Name, sc.where)
	}
	return errAt(n.Pos, "undeclared name %s (in %s)", n.Name, sc.where)
}

func (c *checker) expr(e Expr, sc *scope) error {
	switch e := e.(type) {
	case *Name:
		return c.resolve(e, sc)
	case *Unary:
		return c.expr(e.X, sc)
	case *Binary:
		if err := c.expr(e.L, sc); err != nil {
			return err
		}
		return c.expr(e.R, sc)
	case *Call:
		return c.call(e, sc, false)
	}
	return nil
}

// call checks a call: stmt says whether it is a statement (which may
// call a PROCEDURE, net_send or state_discontinuity) or a value.
func (c *checker) call(k *Call, sc *scope, stmt bool) error {
	nargs := -1
	switch p := c.m.procs[k.Func]; {
	case p != nil:
		switch {
		case p.Kind == Derivative || p.Kind == Kinetic:
			return errAt(k.Pos, "%s %s is called; it is SOLVEd", p.Kind, p.Name)
		case p.Kind == Procedure && !stmt:
			return errAt(k.Pos, "PROCEDURE %s used as a value (in %s)", p.Name, sc.where)
		}
		k.Proc, nargs = p, len(p.Args)
	case mathFuncs[k.Func] > 0:
		nargs = mathFuncs[k.Func]
	case eventFuncs[k.Func] > 0:
		nargs = eventFuncs[k.Func]
		inNet := sc.proc != nil && sc.proc.Kind == NetReceive
		switch {
		case !stmt:
			return errAt(k.Pos, "%s used as a value", k.Func)
		case k.Func == "net_send" && !inNet && sc.where != "INITIAL":
			return errAt(k.Pos, "net_send outside NET_RECEIVE and INITIAL (in %s)", sc.where)
		case k.Func == "net_send" && c.m.Kind != PointProcess:
			return errAt(k.Pos, "net_send in a density mechanism (SUFFIX %s)", c.m.Name)
		case k.Func == "state_discontinuity" && !inNet:
			return errAt(k.Pos, "state_discontinuity outside NET_RECEIVE (in %s)", sc.where)
		}
	default:
		return errAt(k.Pos, "unknown function %s (in %s)", k.Func, sc.where)
	}
	if len(k.Args) != nargs {
		return errAt(k.Pos, "%s takes %d arguments, given %d", k.Func, nargs, len(k.Args))
	}
	if k.Func == "state_discontinuity" && k.Proc == nil {
		n, ok := k.Args[0].(*Name)
		if !ok {
			return errAt(k.Pos, "state_discontinuity's first argument must be a STATE")
		}
		if err := c.state(n, " in state_discontinuity"); err != nil {
			return err
		}
		return c.expr(k.Args[1], sc)
	}
	for _, a := range k.Args {
		if err := c.expr(a, sc); err != nil {
			return err
		}
	}
	return nil
}

// solve checks that a SOLVE names a DERIVATIVE block with cnexp or
// derivimplicit (derivimplicit for STEADYSTATE) or a KINETIC block with
// sparse.
func (c *checker) solve(s *Solve) error {
	p := c.m.procs[s.Block]
	if p == nil || p.Kind != Derivative && p.Kind != Kinetic {
		return errAt(s.Pos, "SOLVE %s: no DERIVATIVE or KINETIC block %s", s.Block, s.Block)
	}
	methods := map[ProcKind][]string{Derivative: {Cnexp, Derivimplicit}, Kinetic: {Sparse}}[p.Kind]
	if s.How == SolveSteady {
		methods = map[ProcKind][]string{Derivative: {Derivimplicit}, Kinetic: {Sparse}}[p.Kind]
	}
	if !slices.Contains(methods, s.Method) {
		how := "METHOD"
		if s.How == SolveSteady {
			how = "STEADYSTATE"
		}
		return errAt(s.Pos, "SOLVE %s %s %s is not supported for a %s block (Neurite runs %s)", s.Block, how, s.Method, p.Kind, strings.Join(methods, ", "))
	}
	s.Proc = p
	return nil
}

// table checks a TABLE's names: a PROCEDURE's tabulated names are its
// ASSIGNED variables (a FUNCTION tabulates its value), and what it
// depends on is declared.
func (c *checker) table(t *Table, sc *scope) error {
	p := sc.proc
	if p.Kind == Function && len(t.Names) > 0 {
		return errAt(t.Pos, "TABLE %s in FUNCTION %s: a FUNCTION's TABLE tabulates its value and names none", t.Names[0], p.Name)
	}
	if p.Kind == Procedure && len(t.Names) == 0 {
		return errAt(t.Pos, "TABLE in PROCEDURE %s names nothing to tabulate", p.Name)
	}
	for _, n := range t.Names {
		if s := c.m.symbols[n]; s == nil || s.Kind != Assigned {
			return errAt(t.Pos, "TABLE %s: %s is not an ASSIGNED variable", n, n)
		}
	}
	for _, n := range t.Depend {
		if s := c.m.symbols[n]; s == nil && !builtinNames[n] {
			return errAt(t.Pos, "TABLE DEPEND %s: %s is not declared", n, n)
		}
	}
	for _, e := range []Expr{t.From, t.To} {
		if err := c.expr(e, sc); err != nil {
			return err
		}
	}
	return nil
}

// String gives a symbol's declaration in a line, for listings and tests.
func (s *Symbol) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", s.Kind, s.Name)
	if s.Default != nil {
		fmt.Fprintf(&b, " = %g", *s.Default)
	}
	if s.Unit != "" {
		fmt.Fprintf(&b, " (%s)", s.Unit)
	}
	if s.Lo != nil {
		fmt.Fprintf(&b, " <%g, %g>", *s.Lo, *s.Hi)
	}
	switch s.Visibility {
	case Range:
		b.WriteString(" RANGE")
	case Global:
		b.WriteString(" GLOBAL")
	}
	if s.Ion != nil {
		b.WriteString(" ion " + s.Ion.Name)
		if s.IonRole&IonRead != 0 {
			b.WriteString(" READ")
		}
		if s.IonRole&IonWrite != 0 {
			b.WriteString(" WRITE")
		}
	}
	return b.String()
}
