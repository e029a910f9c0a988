package nmodl

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReadFile reads and checks the .mod file at path; errors name path.
func ReadFile(path string) (*Mod, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file", path)
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse reads and checks one .mod file's text; file names it in errors,
// which are *Error.
func Parse(file string, src []byte) (*Mod, error) {
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return nil, &Error{File: file, Line: 1, Msg: "not a text file"}
	}
	// a byte-order mark, which Windows editors write, is not text
	p := &parser{lx: lexer{src: strings.TrimPrefix(string(src), "\ufeff"), line: 1, col: 1}, m: &Mod{File: file}}
	err := p.parseFile()
	if err != nil && p.lexErr != nil {
		err = p.lexErr
	}
	if err == nil {
		err = check(p.m, p.decl)
	}
	var e *Error
	if errors.As(err, &e) {
		e.File = file
		return nil, e
	}
	if err != nil {
		return nil, err
	}
	return p.m, nil
}

// unsupported are the NMODL constructs Neurite does not run, with what
// each is, for the error that names it.
var unsupported = map[string]string{
	"VERBATIM":               "VERBATIM (C code)",
	"POINTER":                "POINTER",
	"BBCOREPOINTER":          "BBCOREPOINTER",
	"EXTERNAL":               "EXTERNAL",
	"ARTIFICIAL_CELL":        "ARTIFICIAL_CELL",
	"ELECTRODE_CURRENT":      "ELECTRODE_CURRENT",
	"REPRESENTS":             "REPRESENTS",
	"FUNCTION_TABLE":         "FUNCTION_TABLE",
	"LINEAR":                 "LINEAR block",
	"NONLINEAR":              "NONLINEAR block",
	"DISCRETE":               "DISCRETE block",
	"PARTIAL":                "PARTIAL block",
	"CONSTANT":               "CONSTANT block",
	"CONSTRUCTOR":            "CONSTRUCTOR block",
	"DESTRUCTOR":             "DESTRUCTOR block",
	"BEFORE":                 "BEFORE block",
	"AFTER":                  "AFTER block",
	"TERMINAL":               "TERMINAL block",
	"PLOT":                   "PLOT",
	"INCLUDE":                "INCLUDE",
	"DEFINE":                 "DEFINE",
	"LOCAL":                  "LOCAL outside a block",
	"COMPARTMENT":            "COMPARTMENT",
	"LONGITUDINAL_DIFFUSION": "LONGITUDINAL_DIFFUSION",
	"FROM":                   "FROM ... TO loop",
	"WHILE":                  "WHILE loop",
	"MATCH":                  "MATCH",
	"SWEEP":                  "SWEEP",
	"LAG":                    "LAG",
	"PROTECT":                "PROTECT",
	"MUTEXLOCK":              "MUTEXLOCK",
	"MUTEXUNLOCK":            "MUTEXUNLOCK",
	"WATCH":                  "WATCH",
	"FOR_NETCONS":            "FOR_NETCONS",
	"CONDUCTANCE":            "CONDUCTANCE",
	"STEPPED":                "STEPPED",
	"ENDVERBATIM":            "ENDVERBATIM without VERBATIM",
	"ENDCOMMENT":             "ENDCOMMENT without COMMENT",
}

// maxDepth bounds the nesting of blocks and expressions.
const maxDepth = 200

// declared is what the NEURON block says of names that the check merges
// into the symbols.
type declared struct {
	syms           []*Symbol // PARAMETER, ASSIGNED and STATE, in order, duplicates kept
	ranges, global []*Name
	nonspecific    []*Name
	nameSet        bool
}

type parser struct {
	lx     lexer
	buf    []token
	m      *Mod
	decl   declared
	depth  int
	lexErr error // the lexical error peek met, if any
}

func (p *parser) fill(k int) error {
	for len(p.buf) <= k {
		t, err := p.lx.next()
		if err != nil {
			p.lexErr = err
			return err
		}
		p.buf = append(p.buf, t)
	}
	return nil
}

// peek returns the token k ahead; at a lexical error, an end-of-file
// token, the error waiting for next (and reported by Parse in place of
// whatever the parser makes of that end).
func (p *parser) peek(k int) token {
	if p.fill(k) != nil {
		return token{kind: tEOF, pos: Pos{p.lx.line, p.lx.col}}
	}
	return p.buf[k]
}

func (p *parser) next() (token, error) {
	if err := p.fill(0); err != nil {
		return token{}, err
	}
	t := p.buf[0]
	p.buf = p.buf[1:]
	return t, nil
}

func errAt(pos Pos, format string, args ...any) error {
	return &Error{Line: pos.Line, Msg: fmt.Sprintf(format, args...)}
}

// isPunct reports whether t is the operator or bracket s.
func isPunct(t token, s string) bool { return t.kind == tPunct && t.text == s }

// expect reads the operator or bracket s.
func (p *parser) expect(s, where string) (token, error) {
	t, err := p.next()
	if err != nil {
		return t, err
	}
	if !isPunct(t, s) {
		return t, errAt(t.pos, "expected '%s' %s, found %s", s, where, t)
	}
	return t, nil
}

// accept reads the operator or bracket s if it comes next.
func (p *parser) accept(s string) bool {
	if isPunct(p.peek(0), s) {
		p.buf = p.buf[1:]
		return true
	}
	return false
}

// ident reads a name that is not a construct Neurite refuses.
func (p *parser) ident(what string) (token, error) {
	t, err := p.next()
	if err != nil {
		return t, err
	}
	if t.kind != tIdent {
		return t, errAt(t.pos, "expected %s, found %s", what, t)
	}
	if c, ok := unsupported[t.text]; ok {
		return t, errAt(t.pos, "%s is not supported", c)
	}
	return t, nil
}

// names reads "a, b, c".
func (p *parser) names(what string) ([]*Name, error) {
	var out []*Name
	for {
		t, err := p.ident(what)
		if err != nil {
			return nil, err
		}
		out = append(out, &Name{Name: t.text, Pos: t.pos})
		if !p.accept(",") {
			return out, nil
		}
	}
}

// number reads a literal, signed if signed.
func (p *parser) number(signed bool) (float64, token, error) {
	neg := signed && p.accept("-")
	if signed && !neg {
		p.accept("+")
	}
	t, err := p.next()
	if err != nil {
		return 0, t, err
	}
	if t.kind != tNum {
		return 0, t, errAt(t.pos, "expected a number, found %s", t)
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		return 0, t, errAt(t.pos, "number %s is out of range", t.text)
	}
	if neg {
		v = -v
	}
	return v, t, nil
}

// unit reads "(unit)" and returns the unit as written, blanks collapsed.
func (p *parser) unit() (string, error) {
	open, err := p.expect("(", "before a unit")
	if err != nil {
		return "", err
	}
	for {
		t, err := p.next()
		if err != nil {
			return "", err
		}
		switch {
		case isPunct(t, ")"):
			return strings.Join(strings.Fields(p.lx.src[open.end:t.off]), " "), nil
		case t.kind == tEOF || t.kind == tTitle || t.kind == tPunct && strings.ContainsAny(t.text, "(){}"):
			return "", errAt(open.pos, "unit not closed by ')'")
		}
	}
}

// optUnit reads a unit if one comes next.
func (p *parser) optUnit() (string, error) {
	if isPunct(p.peek(0), "(") {
		return p.unit()
	}
	return "", nil
}

func (p *parser) parseFile() error {
	seen := map[string]Pos{}
	once := func(t token) error {
		if at, ok := seen[t.text]; ok {
			return errAt(t.pos, "second %s block (the first is at line %d)", t.text, at.Line)
		}
		seen[t.text] = t.pos
		return nil
	}
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tEOF:
			if _, ok := seen["NEURON"]; !ok {
				return errAt(t.pos, "no NEURON block")
			}
			return nil
		case tTitle:
			p.m.Title = t.text
			continue
		case tIdent:
		default:
			return errAt(t.pos, "expected a block, found %s", t)
		}
		switch t.text {
		case "NEURON", "UNITS", "PARAMETER", "ASSIGNED", "STATE", "INDEPENDENT", "INITIAL", "BREAKPOINT", "NET_RECEIVE":
			if err := once(t); err != nil {
				return err
			}
		}
		switch t.text {
		case "NEURON":
			err = p.neuronBlock()
		case "UNITS":
			err = p.unitsBlock()
		case "PARAMETER":
			err = p.declBlock(Parameter)
		case "ASSIGNED":
			err = p.declBlock(Assigned)
		case "STATE":
			err = p.declBlock(State)
		case "INDEPENDENT":
			err = p.independent()
		case "INITIAL":
			p.m.Initial, err = p.block(ctx{top: "INITIAL"})
		case "BREAKPOINT":
			p.m.Breakpoint, err = p.block(ctx{top: "BREAKPOINT"})
		case "DERIVATIVE", "KINETIC", "PROCEDURE", "FUNCTION", "NET_RECEIVE":
			err = p.proc(t)
		default:
			if c, ok := unsupported[t.text]; ok {
				return errAt(t.pos, "%s is not supported", c)
			}
			return errAt(t.pos, "unknown block %s", t.text)
		}
		if err != nil {
			return err
		}
	}
}

// neuronBlock reads the NEURON block.
func (p *parser) neuronBlock() error {
	if _, err := p.expect("{", "after NEURON"); err != nil {
		return err
	}
	for {
		if p.accept("}") {
			if !p.decl.nameSet {
				return errAt(p.peek(0).pos, "the NEURON block names no SUFFIX or POINT_PROCESS")
			}
			return nil
		}
		t, err := p.ident("a NEURON block statement")
		if err != nil {
			return err
		}
		switch t.text {
		case "SUFFIX", "POINT_PROCESS":
			n, err := p.ident("a mechanism name")
			if err != nil {
				return err
			}
			if p.decl.nameSet {
				return errAt(t.pos, "second SUFFIX or POINT_PROCESS")
			}
			p.decl.nameSet = true
			p.m.Name, p.m.NamePos = n.text, n.pos
			if t.text == "POINT_PROCESS" {
				p.m.Kind = PointProcess
			}
		case "USEION":
			if err := p.useion(t.pos); err != nil {
				return err
			}
		case "NONSPECIFIC_CURRENT", "RANGE", "GLOBAL":
			ns, err := p.names("a name")
			if err != nil {
				return err
			}
			switch t.text {
			case "NONSPECIFIC_CURRENT":
				p.decl.nonspecific = append(p.decl.nonspecific, ns...)
			case "RANGE":
				p.decl.ranges = append(p.decl.ranges, ns...)
			default:
				p.decl.global = append(p.decl.global, ns...)
			}
		case "THREADSAFE":
			p.m.ThreadSafe = true
		default:
			return errAt(t.pos, "unknown NEURON block statement %s", t.text)
		}
	}
}

// useion reads the rest of "USEION name READ a, b WRITE c VALENCE z".
func (p *parser) useion(at Pos) error {
	n, err := p.ident("an ion name")
	if err != nil {
		return err
	}
	ion := &Ion{Name: n.text, Pos: at}
	valence := false
	for {
		t := p.peek(0)
		if t.kind != tIdent || (t.text != "READ" && t.text != "WRITE" && t.text != "VALENCE") {
			break
		}
		p.buf = p.buf[1:]
		switch t.text {
		case "VALENCE":
			if ion.Valence, _, err = p.number(true); err != nil {
				return err
			}
			valence = true
			continue
		}
		ns, err := p.names("an ion variable")
		if err != nil {
			return err
		}
		for _, v := range ns {
			if t.text == "READ" {
				ion.Read = append(ion.Read, v.Name)
			} else {
				ion.Write = append(ion.Write, v.Name)
			}
		}
	}
	if !valence {
		z, ok := map[string]float64{"na": 1, "k": 1, "ca": 2}[ion.Name]
		if !ok {
			return errAt(at, "USEION %s needs a VALENCE (Neurite knows na, k and ca)", ion.Name)
		}
		ion.Valence = z
	}
	p.m.Ions = append(p.m.Ions, ion)
	return nil
}

// constants are the physical constants a UNITS block may name, by unit
// and the unit asked for: NEURON 8.2's modern units (CODATA 2018).
var constants = map[[2]string]float64{
	{"faraday", "coulomb"}:      96485.3321233100141,
	{"faraday", "coulombs"}:     96485.3321233100141,
	{"faraday", "coul"}:         96485.3321233100141,
	{"faraday", "kilocoulombs"}: 96.4853321233100141,
	{"k-mole", "joule/degC"}:    8.31446261815324,
	{"k-mole", "joule/degK"}:    8.31446261815324,
	{"e", "coulomb"}:            1.602176634e-19,
	{"pi", "1"}:                 math.Pi,
}

// unitsBlock reads the UNITS block: aliases "(mA) = (milliamp)" and
// constants "FARADAY = (faraday) (coulombs)".
func (p *parser) unitsBlock() error {
	if _, err := p.expect("{", "after UNITS"); err != nil {
		return err
	}
	for {
		t := p.peek(0)
		switch {
		case isPunct(t, "}"):
			p.buf = p.buf[1:]
			return nil
		case isPunct(t, "("):
			name, err := p.unit()
			if err != nil {
				return err
			}
			if _, err := p.expect("=", "in a unit definition"); err != nil {
				return err
			}
			def, err := p.unit()
			if err != nil {
				return err
			}
			p.m.UnitDefs = append(p.m.UnitDefs, UnitDef{Name: name, Def: def, Pos: t.pos})
		default:
			n, err := p.ident("a unit definition")
			if err != nil {
				return err
			}
			if _, err := p.expect("=", "after a constant's name"); err != nil {
				return err
			}
			from, err := p.unit()
			if err != nil {
				return err
			}
			to, err := p.unit()
			if err != nil {
				return err
			}
			v, ok := constants[[2]string{from, to}]
			if !ok {
				return errAt(n.pos, "%s = (%s) (%s): Neurite knows (faraday) in coulombs, (k-mole) in joule/degC, (e) in coulomb and (pi) in (1)", n.text, from, to)
			}
			c := &UnitConst{Name: n.text, From: from, To: to, Value: v, Pos: n.pos}
			p.m.Constants = append(p.m.Constants, c)
			p.decl.syms = append(p.decl.syms, &Symbol{Name: n.text, Kind: Constant, Unit: to, Default: &c.Value, Pos: n.pos})
		}
	}
}

// declBlock reads a PARAMETER, ASSIGNED or STATE block: one name a
// declaration, "name = value (unit) <lo, hi>" for a parameter, "name
// (unit) FROM lo TO hi" for a state.
func (p *parser) declBlock(kind SymKind) error {
	if _, err := p.expect("{", "after "+kind.String()); err != nil {
		return err
	}
	for !p.accept("}") {
		n, err := p.ident("a name")
		if err != nil {
			return err
		}
		s := &Symbol{Name: n.text, Kind: kind, Pos: n.pos}
		if isPunct(p.peek(0), "[") {
			return errAt(n.pos, "array %s is not supported", n.text)
		}
		if kind == Parameter && p.accept("=") {
			v, _, err := p.number(true)
			if err != nil {
				return err
			}
			s.Default = &v
		}
		if s.Unit, err = p.optUnit(); err != nil {
			return err
		}
		switch {
		case kind == Parameter && p.accept("<"):
			lo, _, err := p.number(true)
			if err != nil {
				return err
			}
			if _, err := p.expect(",", "between a parameter's limits"); err != nil {
				return err
			}
			hi, _, err := p.number(true)
			if err != nil {
				return err
			}
			if _, err := p.expect(">", "after a parameter's limits"); err != nil {
				return err
			}
			s.Lo, s.Hi = &lo, &hi
		case kind == State && p.peek(0).kind == tIdent && p.peek(0).text == "FROM":
			p.buf = p.buf[1:]
			lo, _, err := p.number(true)
			if err != nil {
				return err
			}
			if t, err := p.ident("TO"); err != nil || t.text != "TO" {
				return errAt(t.pos, "expected TO after FROM in a STATE's range, found %s", t)
			}
			hi, _, err := p.number(true)
			if err != nil {
				return err
			}
			s.Lo, s.Hi = &lo, &hi
		case kind == State && isPunct(p.peek(0), "<"):
			return errAt(p.peek(0).pos, "a STATE's absolute tolerance <...> is not supported (Neurite has no CVODE)")
		}
		p.decl.syms = append(p.decl.syms, s)
	}
	return nil
}

// independent reads "INDEPENDENT { t FROM 0 TO 1 WITH 1 (ms) }": the
// independent variable must be NEURON's time t.
func (p *parser) independent() error {
	if _, err := p.expect("{", "after INDEPENDENT"); err != nil {
		return err
	}
	n, err := p.ident("the independent variable")
	if err != nil {
		return err
	}
	if n.text != "t" {
		return errAt(n.pos, "INDEPENDENT %s: Neurite's independent variable is the time t", n.text)
	}
	for !p.accept("}") {
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind == tEOF || t.kind == tPunct && t.text != "-" && t.text != "(" && t.text != ")" && t.text != "/" {
			return errAt(t.pos, "unexpected %s in INDEPENDENT", t)
		}
	}
	return nil
}

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

// Operator precedence, loosest first, as in C (nocmodl copies
// expressions into C), with ^ (pow) binding tighter than unary minus:
// -x^2 is -(x^2), and right-associative: a^b^c is a^(b^c).
var binaryLevels = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"+", "-"}, {"*", "/"}}

// expr reads an expression.
func (p *parser) expr() (Expr, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, errAt(p.peek(0).pos, "expression nested too deeply")
	}
	defer func() { p.depth-- }()
	return p.binary(0)
}

func (p *parser) binary(level int) (Expr, error) {
	if level == len(binaryLevels) {
		return p.unary()
	}
	l, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek(0)
		if t.kind != tPunct || !contains(binaryLevels[level], t.text) {
			return l, nil
		}
		p.buf = p.buf[1:]
		r, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.text, L: l, R: r, Pos: t.pos}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) unary() (Expr, error) {
	t := p.peek(0)
	if isPunct(t, "-") || isPunct(t, "+") || isPunct(t, "!") {
		p.buf = p.buf[1:]
		if p.depth++; p.depth > maxDepth {
			return nil, errAt(t.pos, "expression nested too deeply")
		}
		defer func() { p.depth-- }()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{Op: t.text, X: x, Pos: t.pos}, nil
	}
	return p.power()
}

// power reads "primary" or "primary ^ unary".
func (p *parser) power() (Expr, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	if t := p.peek(0); isPunct(t, "^") {
		p.buf = p.buf[1:]
		if p.depth++; p.depth > maxDepth {
			return nil, errAt(t.pos, "expression nested too deeply")
		}
		defer func() { p.depth-- }()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Binary{Op: "^", L: x, R: y, Pos: t.pos}, nil
	}
	return x, nil
}

func (p *parser) primary() (Expr, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch {
	case t.kind == tNum:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, errAt(t.pos, "number %s is out of range", t.text)
		}
		n := &Num{Value: v, Text: t.text, Pos: t.pos}
		// a literal's unit: "20.000(ms)", "1e-7 (mM)"
		if n.Unit, err = p.optUnit(); err != nil {
			return nil, err
		}
		return n, nil
	case isPunct(t, "("):
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")", "to close '('"); err != nil {
			return nil, err
		}
		return x, nil
	case t.kind == tIdent:
		if c, ok := unsupported[t.text]; ok {
			return nil, errAt(t.pos, "%s is not supported", c)
		}
		if isPunct(p.peek(0), "(") {
			return p.call(t)
		}
		if isPunct(p.peek(0), "[") {
			return nil, errAt(t.pos, "array %s is not supported", t.text)
		}
		return &Name{Name: t.text, Pos: t.pos}, nil
	}
	return nil, errAt(t.pos, "expected an expression, found %s", t)
}
