package mech

import "neurite/compartments/nmodl"

// linErr says where and why an expression is not linear in a state.
type linErr struct {
	pos  nmodl.Pos
	what string
}

func (e linErr) Error() string { return e.what }

// linear splits e into a + b*x with a and b free of the state x, as
// trees built from e's own nodes (nil stands for 0). This is the
// symbolic derivative b = de/dx and a = e at x = 0 for an e linear in x,
// the way nocmodl writes cnexp, and it fails where e is not linear in x:
// x times x, x in a divisor, x inside a function or a comparison.
//
// Only x itself counts: a variable computed from x earlier in the block
// is taken as free of x, as nocmodl takes it.
func linear(e nmodl.Expr, x *nmodl.Symbol) (a, b nmodl.Expr, err error) {
	switch e := e.(type) {
	case *nmodl.Name:
		if e.Ref == nmodl.RefSymbol && e.Sym == x {
			return nil, &nmodl.Num{Value: 1, Text: "1", Pos: e.Pos}, nil
		}
		return e, nil, nil
	case *nmodl.Num:
		return e, nil, nil
	case *nmodl.Unary:
		a, b, err := linear(e.X, x)
		if err != nil {
			return nil, nil, err
		}
		if e.Op == "+" {
			return a, b, nil
		}
		if e.Op != "-" {
			if b != nil {
				return nil, nil, linErr{e.Pos, "in " + e.Op}
			}
			return e, nil, nil
		}
		return neg(a, e.Pos), neg(b, e.Pos), nil
	case *nmodl.Binary:
		la, lb, err := linear(e.L, x)
		if err != nil {
			return nil, nil, err
		}
		ra, rb, err := linear(e.R, x)
		if err != nil {
			return nil, nil, err
		}
		if lb == nil && rb == nil {
			return e, nil, nil
		}
		switch e.Op {
		case "+":
			return add(la, ra, e.Pos), add(lb, rb, e.Pos), nil
		case "-":
			return sub(la, ra, e.Pos), sub(lb, rb, e.Pos), nil
		case "*":
			if lb != nil && rb != nil {
				return nil, nil, linErr{e.Pos, "a product of two terms in it"}
			}
			if lb == nil {
				// L * (ra + rb*x)
				return mul(e.L, ra, e.Pos), mul(e.L, rb, e.Pos), nil
			}
			return mul(la, e.R, e.Pos), mul(lb, e.R, e.Pos), nil
		case "/":
			if rb != nil {
				return nil, nil, linErr{e.Pos, "it divides"}
			}
			return div(la, e.R, e.Pos), div(lb, e.R, e.Pos), nil
		}
		return nil, nil, linErr{e.Pos, "under " + e.Op}
	case *nmodl.Call:
		for _, arg := range e.Args {
			if _, b, err := linear(arg, x); err != nil || b != nil {
				return nil, nil, linErr{e.Pos, "in a call of " + e.Func}
			}
		}
		return e, nil, nil
	}
	return nil, nil, linErr{e.At(), "unknown expression"}
}

func neg(e nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	if e == nil {
		return nil
	}
	if n, ok := e.(*nmodl.Num); ok {
		return &nmodl.Num{Value: -n.Value, Text: "-" + n.Text, Pos: p}
	}
	return &nmodl.Unary{Op: "-", X: e, Pos: p}
}

func add(l, r nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	switch {
	case l == nil:
		return r
	case r == nil:
		return l
	}
	return &nmodl.Binary{Op: "+", L: l, R: r, Pos: p}
}

func sub(l, r nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	switch {
	case r == nil:
		return l
	case l == nil:
		return neg(r, p)
	}
	return &nmodl.Binary{Op: "-", L: l, R: r, Pos: p}
}

func mul(l, r nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	if l == nil || r == nil {
		return nil
	}
	return &nmodl.Binary{Op: "*", L: l, R: r, Pos: p}
}

func div(l, r nmodl.Expr, p nmodl.Pos) nmodl.Expr {
	if l == nil {
		return nil
	}
	return &nmodl.Binary{Op: "/", L: l, R: r, Pos: p}
}
