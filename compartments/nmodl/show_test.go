package nmodl

import (
	"fmt"
	"strings"
)

// show writes a statement, block or expression fully parenthesised, on
// one line, so that tests can state the tree a text must give.
func show(x any) string {
	switch x := x.(type) {
	case *Block:
		if x == nil {
			return "{}"
		}
		parts := make([]string, len(x.Stmts))
		for i, s := range x.Stmts {
			parts[i] = show(s)
		}
		return "{" + strings.Join(parts, "; ") + "}"
	case *Local:
		return "LOCAL " + strings.Join(x.Names, ", ")
	case *Assign:
		return show(x.Target) + " = " + show(x.Value)
	case *Diff:
		return show(x.State) + "' = " + show(x.Value)
	case *CallStmt:
		return show(x.Call)
	case *If:
		s := "if " + show(x.Cond) + " " + show(x.Then)
		if x.Else != nil {
			s += " else " + show(x.Else)
		}
		return s
	case *Solve:
		how := "METHOD"
		if x.How == SolveSteady {
			how = "STEADYSTATE"
		}
		return fmt.Sprintf("SOLVE %s %s %s", x.Block, how, x.Method)
	case *Table:
		return fmt.Sprintf("TABLE %s DEPEND %s FROM %s TO %s WITH %d",
			strings.Join(x.Names, ","), strings.Join(x.Depend, ","), show(x.From), show(x.To), x.With)
	case *Reaction:
		if x.Flux {
			return fmt.Sprintf("~ %s << (%s)", terms(x.Left), show(x.Forward))
		}
		return fmt.Sprintf("~ %s <-> %s (%s, %s)", terms(x.Left), terms(x.Right), show(x.Forward), show(x.Backward))
	case *Conserve:
		return fmt.Sprintf("CONSERVE %s = %s", terms(x.Terms), show(x.Total))
	case *Num:
		if x.Unit != "" {
			return x.Text + "(" + x.Unit + ")"
		}
		return x.Text
	case *Name:
		return x.Name
	case *Unary:
		return "(" + x.Op + show(x.X) + ")"
	case *Binary:
		return "(" + show(x.L) + " " + x.Op + " " + show(x.R) + ")"
	case *Call:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = show(a)
		}
		return x.Func + "(" + strings.Join(args, ", ") + ")"
	}
	return fmt.Sprintf("?%T", x)
}

func terms(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.State.Name
		if t.Coef != 1 {
			parts[i] = fmt.Sprintf("%d%s", t.Coef, t.State.Name)
		}
	}
	return strings.Join(parts, " + ")
}

// allNames lists every Name of m's code blocks, for tests that every one
// was resolved.
func allNames(m *Mod) []*Name {
	var out []*Name
	var expr func(Expr)
	expr = func(e Expr) {
		switch e := e.(type) {
		case *Name:
			out = append(out, e)
		case *Unary:
			expr(e.X)
		case *Binary:
			expr(e.L)
			expr(e.R)
		case *Call:
			for _, a := range e.Args {
				expr(a)
			}
		}
	}
	var block func(*Block)
	block = func(b *Block) {
		if b == nil {
			return
		}
		for _, s := range b.Stmts {
			switch s := s.(type) {
			case *Assign:
				out = append(out, s.Target)
				expr(s.Value)
			case *Diff:
				out = append(out, s.State)
				expr(s.Value)
			case *CallStmt:
				expr(s.Call)
			case *If:
				expr(s.Cond)
				block(s.Then)
				block(s.Else)
			case *Table:
				expr(s.From)
				expr(s.To)
			case *Reaction:
				for _, t := range append(append([]Term(nil), s.Left...), s.Right...) {
					out = append(out, t.State)
				}
				expr(s.Forward)
				if s.Backward != nil {
					expr(s.Backward)
				}
			case *Conserve:
				for _, t := range s.Terms {
					out = append(out, t.State)
				}
				expr(s.Total)
			}
		}
	}
	block(m.Initial)
	block(m.Breakpoint)
	for _, p := range m.Procs {
		block(p.Body)
	}
	if m.NetReceive != nil {
		block(m.NetReceive.Initial)
		block(m.NetReceive.Body)
	}
	return out
}
