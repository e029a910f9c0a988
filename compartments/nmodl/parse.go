package nmodl

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
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
