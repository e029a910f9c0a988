package nmodl

// proc reads a DERIVATIVE, KINETIC, PROCEDURE, FUNCTION or NET_RECEIVE
// block after its keyword kw.
func (p *parser) proc(kw token) error {
	kind := map[string]ProcKind{"PROCEDURE": Procedure, "FUNCTION": Function, "DERIVATIVE": Derivative,
		"KINETIC": Kinetic, "NET_RECEIVE": NetReceive}[kw.text]
	pr := &Proc{Kind: kind, Name: "NET_RECEIVE", Pos: kw.pos}
	if kind != NetReceive {
		n, err := p.ident("the block's name")
		if err != nil {
			return err
		}
		pr.Name, pr.Pos = n.text, n.pos
	}
	if kind == Procedure || kind == Function || kind == NetReceive {
		if _, err := p.expect("(", "before the arguments"); err != nil {
			return err
		}
		for !p.accept(")") {
			if len(pr.Args) > 0 {
				if _, err := p.expect(",", "between arguments"); err != nil {
					return err
				}
			}
			a, err := p.ident("an argument")
			if err != nil {
				return err
			}
			u, err := p.optUnit()
			if err != nil {
				return err
			}
			pr.Args = append(pr.Args, Arg{Name: a.text, Unit: u, Pos: a.pos})
		}
		if kind == Function {
			u, err := p.optUnit()
			if err != nil {
				return err
			}
			pr.Unit = u
		}
	}
	var err error
	pr.Body, err = p.block(ctx{proc: pr})
	if err != nil {
		return err
	}
	if kind == NetReceive {
		p.m.NetReceive = pr
	} else {
		p.m.Procs = append(p.m.Procs, pr)
	}
	return nil
}

// ctx is where a block is: which constructs its statements may use.
type ctx struct {
	top  string // "INITIAL", "BREAKPOINT" or "" inside a Proc
	proc *Proc  // the enclosing block, or nil
	// netInitial is NET_RECEIVE's INITIAL.
	netInitial bool
	// nested is a block inside an if, or NET_RECEIVE's INITIAL.
	nested bool
}

func (c ctx) in() string {
	switch {
	case c.netInitial:
		return "NET_RECEIVE's INITIAL"
	case c.proc != nil:
		return c.proc.Kind.String() + " " + c.proc.Name
	}
	return c.top
}

// block reads "{ statements }".
func (p *parser) block(c ctx) (*Block, error) {
	open, err := p.expect("{", "to open a block")
	if err != nil {
		return nil, err
	}
	if p.depth++; p.depth > maxDepth {
		return nil, errAt(open.pos, "blocks nested too deeply")
	}
	defer func() { p.depth-- }()
	b := &Block{Pos: open.pos}
	for !p.accept("}") {
		s, err := p.stmt(c)
		if err != nil {
			return nil, err
		}
		if s != nil {
			b.Stmts = append(b.Stmts, s)
		}
	}
	return b, nil
}

// stmt reads one statement; NET_RECEIVE's INITIAL block is stored in its
// Proc and gives no statement.
func (p *parser) stmt(c ctx) (Stmt, error) {
	t := p.peek(0)
	if isPunct(t, "~") {
		p.buf = p.buf[1:]
		if c.proc == nil || c.proc.Kind != Kinetic {
			return nil, errAt(t.pos, "a reaction '~' outside a KINETIC block (in %s)", c.in())
		}
		return p.reaction(t.pos)
	}
	if t.kind != tIdent {
		if _, err := p.next(); err != nil {
			return nil, err
		}
		return nil, errAt(t.pos, "expected a statement, found %s", t)
	}
	switch t.text {
	case "LOCAL":
		p.buf = p.buf[1:]
		ns, err := p.names("a LOCAL name")
		if err != nil {
			return nil, err
		}
		l := &Local{Pos: t.pos}
		for _, n := range ns {
			if isPunct(p.peek(0), "[") {
				return nil, errAt(n.Pos, "LOCAL array %s is not supported", n.Name)
			}
			l.Names = append(l.Names, n.Name)
		}
		return l, nil
	case "if", "IF":
		p.buf = p.buf[1:]
		return p.ifStmt(t.pos, c)
	case "else", "ELSE":
		return nil, errAt(t.pos, "else without if")
	case "SOLVE":
		p.buf = p.buf[1:]
		return p.solve(t.pos, c)
	case "TABLE":
		p.buf = p.buf[1:]
		if c.proc == nil || c.proc.Kind != Procedure && c.proc.Kind != Function {
			return nil, errAt(t.pos, "TABLE outside a PROCEDURE or FUNCTION (in %s)", c.in())
		}
		return p.table(t.pos, c.proc)
	case "CONSERVE":
		p.buf = p.buf[1:]
		if c.proc == nil || c.proc.Kind != Kinetic {
			return nil, errAt(t.pos, "CONSERVE outside a KINETIC block (in %s)", c.in())
		}
		terms, err := p.terms("=")
		if err != nil {
			return nil, err
		}
		total, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &Conserve{Terms: terms, Total: total, Pos: t.pos}, nil
	case "INITIAL":
		p.buf = p.buf[1:]
		if c.proc == nil || c.proc.Kind != NetReceive || c.nested || c.proc.Initial != nil {
			return nil, errAt(t.pos, "INITIAL inside %s (only NET_RECEIVE has one, once, not inside if)", c.in())
		}
		b, err := p.block(ctx{proc: c.proc, netInitial: true, nested: true})
		if err != nil {
			return nil, err
		}
		c.proc.Initial = b
		return nil, nil
	}
	n, err := p.ident("a statement")
	if err != nil {
		return nil, err
	}
	name := &Name{Name: n.text, Pos: n.pos}
	switch op := p.peek(0); {
	case isPunct(op, "'"):
		p.buf = p.buf[1:]
		if c.proc == nil || c.proc.Kind != Derivative {
			return nil, errAt(n.pos, "%s' outside a DERIVATIVE block (in %s)", n.text, c.in())
		}
		if _, err := p.expect("=", "after "+n.text+"'"); err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &Diff{State: name, Value: e, Pos: n.pos}, nil
	case isPunct(op, "="):
		p.buf = p.buf[1:]
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &Assign{Target: name, Value: e, Pos: n.pos}, nil
	case isPunct(op, "("):
		call, err := p.call(n)
		if err != nil {
			return nil, err
		}
		return &CallStmt{Call: call, Pos: n.pos}, nil
	default:
		return nil, errAt(op.pos, "expected '=', ''' or '(' after %s, found %s", n.text, op)
	}
}

// ifStmt reads the rest of "if (cond) {...} else if (cond) {...} else {...}".
func (p *parser) ifStmt(at Pos, c ctx) (Stmt, error) {
	if _, err := p.expect("(", "after if"); err != nil {
		return nil, err
	}
	cond, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(")", "after if's condition"); err != nil {
		return nil, err
	}
	s := &If{Cond: cond, Pos: at}
	c.nested = true
	if s.Then, err = p.block(c); err != nil {
		return nil, err
	}
	if t := p.peek(0); t.kind == tIdent && (t.text == "else" || t.text == "ELSE") {
		p.buf = p.buf[1:]
		if u := p.peek(0); u.kind == tIdent && (u.text == "if" || u.text == "IF") {
			p.buf = p.buf[1:]
			if p.depth++; p.depth > maxDepth {
				return nil, errAt(u.pos, "else if chain too long")
			}
			defer func() { p.depth-- }()
			elif, err := p.ifStmt(u.pos, c)
			if err != nil {
				return nil, err
			}
			s.Else = &Block{Stmts: []Stmt{elif}, Pos: u.pos}
		} else if s.Else, err = p.block(c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// solve reads the rest of "SOLVE name METHOD m" or "SOLVE name STEADYSTATE m".
func (p *parser) solve(at Pos, c ctx) (Stmt, error) {
	n, err := p.ident("the name of the block to SOLVE")
	if err != nil {
		return nil, err
	}
	s := &Solve{Block: n.text, Pos: at}
	how, err := p.ident("METHOD or STEADYSTATE")
	if err != nil {
		return nil, err
	}
	switch {
	case how.text == "METHOD" && c.top == "BREAKPOINT" && !c.netInitial:
		s.How = SolveMethod
	case how.text == "STEADYSTATE" && c.top == "INITIAL":
		s.How = SolveSteady
	case how.text == "METHOD" || how.text == "STEADYSTATE":
		return nil, errAt(at, "SOLVE ... %s inside %s (METHOD belongs in BREAKPOINT, STEADYSTATE in INITIAL)", how.text, c.in())
	default:
		return nil, errAt(how.pos, "expected METHOD or STEADYSTATE after SOLVE %s, found %s", n.text, how)
	}
	m, err := p.ident("a method")
	if err != nil {
		return nil, err
	}
	s.Method = m.text
	return s, nil
}

// table reads the rest of "TABLE a, b DEPEND x, y FROM lo TO hi WITH n".
func (p *parser) table(at Pos, pr *Proc) (Stmt, error) {
	tb := &Table{Pos: at}
	kw := func(s string) bool {
		t := p.peek(0)
		if t.kind == tIdent && t.text == s {
			p.buf = p.buf[1:]
			return true
		}
		return false
	}
	if t := p.peek(0); t.kind == tIdent && t.text != "DEPEND" && t.text != "FROM" {
		ns, err := p.names("a tabulated name")
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			tb.Names = append(tb.Names, n.Name)
		}
	}
	if kw("DEPEND") {
		ns, err := p.names("a DEPEND name")
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			tb.Depend = append(tb.Depend, n.Name)
		}
	}
	if !kw("FROM") {
		return nil, errAt(p.peek(0).pos, "expected FROM in TABLE, found %s", p.peek(0))
	}
	var err error
	if tb.From, err = p.expr(); err != nil {
		return nil, err
	}
	if !kw("TO") {
		return nil, errAt(p.peek(0).pos, "expected TO in TABLE, found %s", p.peek(0))
	}
	if tb.To, err = p.expr(); err != nil {
		return nil, err
	}
	if !kw("WITH") {
		return nil, errAt(p.peek(0).pos, "expected WITH in TABLE, found %s", p.peek(0))
	}
	v, t, err := p.number(false)
	if err != nil {
		return nil, err
	}
	if v < 1 || v > 1e7 || v != float64(int(v)) {
		return nil, errAt(t.pos, "TABLE WITH %s: the number of intervals must be a whole number from 1 to 1e7", t.text)
	}
	tb.With = int(v)
	if len(pr.Args) != 1 {
		return nil, errAt(at, "TABLE in %s %s, which has %d arguments: a table is of one argument", pr.Kind, pr.Name, len(pr.Args))
	}
	return tb, nil
}

// terms reads "2 a + b + c" up to the operator end, which it consumes.
func (p *parser) terms(end string) ([]Term, error) {
	var out []Term
	for {
		tm, err := p.term()
		if err != nil {
			return nil, err
		}
		out = append(out, tm)
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch {
		case isPunct(t, "+"):
		case isPunct(t, end):
			return out, nil
		default:
			return nil, errAt(t.pos, "expected '+' or '%s', found %s", end, t)
		}
	}
}

// reaction reads the rest of "~ a + b <-> c (kf, kb)" or "~ a << (flux)".
func (p *parser) reaction(at Pos) (Stmt, error) {
	r := &Reaction{Pos: at}
	// the left side ends at <-> or <<
	var left []Term
	for {
		tm, err := p.term()
		if err != nil {
			return nil, err
		}
		left = append(left, tm)
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if isPunct(t, "+") {
			continue
		}
		switch {
		case isPunct(t, "<->"):
		case isPunct(t, "<<"):
			r.Flux = true
		default:
			return nil, errAt(t.pos, "expected '+', '<->' or '<<' in a reaction, found %s", t)
		}
		break
	}
	r.Left = left
	if r.Flux {
		if len(left) != 1 || left[0].Coef != 1 {
			return nil, errAt(at, "a flux '<<' goes into one state")
		}
		if _, err := p.expect("(", "before the flux"); err != nil {
			return nil, err
		}
		f, err := p.expr()
		if err != nil {
			return nil, err
		}
		r.Forward = f
		if _, err := p.expect(")", "after the flux"); err != nil {
			return nil, err
		}
		return r, nil
	}
	right, err := p.terms("(")
	if err != nil {
		return nil, err
	}
	r.Right = right
	if r.Forward, err = p.expr(); err != nil {
		return nil, err
	}
	if _, err := p.expect(",", "between a reaction's rates"); err != nil {
		return nil, err
	}
	if r.Backward, err = p.expr(); err != nil {
		return nil, err
	}
	if _, err := p.expect(")", "after a reaction's rates"); err != nil {
		return nil, err
	}
	return r, nil
}

// term reads one term "2 a" or "a".
func (p *parser) term() (Term, error) {
	tm := Term{Coef: 1}
	if t := p.peek(0); t.kind == tNum {
		v, _, err := p.number(false)
		if err != nil {
			return tm, err
		}
		if v < 1 || v > 1000 || v != float64(int(v)) {
			return tm, errAt(t.pos, "stoichiometric coefficient %s is not a whole number from 1 to 1000", t.text)
		}
		tm.Coef = int(v)
	}
	n, err := p.ident("a state")
	if err != nil {
		return tm, err
	}
	if isPunct(p.peek(0), "[") {
		return tm, errAt(n.pos, "array %s is not supported", n.text)
	}
	tm.State = &Name{Name: n.text, Pos: n.pos}
	return tm, nil
}

// call reads the arguments of a call of the function n.
func (p *parser) call(n token) (*Call, error) {
	if _, err := p.expect("(", "before arguments"); err != nil {
		return nil, err
	}
	c := &Call{Func: n.text, Pos: n.pos}
	for !p.accept(")") {
		if len(c.Args) > 0 {
			if _, err := p.expect(",", "between arguments"); err != nil {
				return nil, err
			}
		}
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
	}
	return c, nil
}
