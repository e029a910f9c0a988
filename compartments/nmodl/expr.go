package nmodl

import (
	"slices"
	"strconv"
)

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
		if t.kind != tPunct || !slices.Contains(binaryLevels[level], t.text) {
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
