package mechglsl

import (
	"fmt"
	"strings"

	"neurite/compartments/nmodl"
)

// kinetic is a KINETIC block being written, as mech compiles it: its
// states numbered in order of first use, each reaction's rates in locals
// of the block's function (k0, k1, ...), the CONSERVE sum.
type kinetic struct {
	states   []*nmodl.Symbol
	rx       []reaction
	rates    int
	cons     bool
	consIdx  []int
	consCoef []int
	consRate int
}

type reaction struct {
	from, to int // states; to < 0 for a flux into from
	kf, kb   int // the rates' locals (kb < 0 for a flux)
}

func (k *kinetic) state(n *nmodl.Name) int {
	for i, s := range k.states {
		if s == n.Sym {
			return i
		}
	}
	k.states = append(k.states, n.Sym)
	return len(k.states) - 1
}

// stmt writes a reaction's rates (or CONSERVE's total) into new locals
// and notes the reaction, in mech's order (rates first, then states).
func (k *kinetic) stmt(e *emitter, st nmodl.Stmt) (string, error) {
	var out strings.Builder
	rate := func(x nmodl.Expr) (int, error) {
		v, err := e.expr(x)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(&out, "k%d = %s;\n", k.rates, v)
		k.rates++
		return k.rates - 1, nil
	}
	one := func(ts []nmodl.Term) bool { return len(ts) == 1 && ts[0].Coef == 1 }
	switch st := st.(type) {
	case *nmodl.Reaction:
		if st.Flux {
			if !one(st.Left) {
				return "", e.errf(st.Pos, "a flux reaction into more than one state is not supported")
			}
			kf, err := rate(st.Forward)
			if err != nil {
				return "", err
			}
			k.rx = append(k.rx, reaction{from: k.state(st.Left[0].State), to: -1, kf: kf, kb: -1})
			return out.String(), nil
		}
		if !one(st.Left) || !one(st.Right) {
			return "", e.errf(st.Pos, "reaction with more than one state or a coefficient on a side (nonlinear) is not supported")
		}
		kf, err := rate(st.Forward)
		if err != nil {
			return "", err
		}
		kb, err := rate(st.Backward)
		if err != nil {
			return "", err
		}
		from := k.state(st.Left[0].State)
		k.rx = append(k.rx, reaction{from: from, to: k.state(st.Right[0].State), kf: kf, kb: kb})
		return out.String(), nil
	case *nmodl.Conserve:
		if k.cons {
			return "", e.errf(st.Pos, "second CONSERVE in a KINETIC block")
		}
		k.cons = true
		for _, tm := range st.Terms {
			k.consIdx = append(k.consIdx, k.state(tm.State))
			k.consCoef = append(k.consCoef, tm.Coef)
		}
		r, err := rate(st.Total)
		k.consRate = r
		return out.String(), err
	}
	return "", e.errf(st.At(), "unsupported statement in KINETIC")
}

// kinetic writes, once, the function that runs KINETIC block p for a step
// (SOLVE ... METHOD sparse) or to the steady state (SOLVE ... STEADYSTATE
// sparse: one step of dt = 1e9 ms from all-zero states), as mech's
// kinetic.solve: backward Euler on the reaction system with the rates of
// the block's statements, the CONSERVE row replacing the equation of its
// last state; it returns the function's name.
func (e *emitter) kinetic(p *nmodl.Proc, steady bool) (string, error) {
	name := e.p + "_" + p.Name
	if steady {
		name += "_steady"
	}
	if e.kinDone[name] {
		return name, nil
	}
	if e.kin != nil {
		return "", e.errf(p.Pos, "KINETIC %s inside a KINETIC block", p.Name)
	}
	k := &kinetic{}
	e.kin = k
	body, err := e.block(p.Body, false, 1)
	e.kin = nil
	if err != nil {
		return "", err
	}
	n := len(k.states)
	if n == 0 {
		return "", e.errf(p.Pos, "KINETIC %s has no reactions", p.Name)
	}
	gauss := e.gauss(n)
	var b strings.Builder
	fmt.Fprintf(&b, "void %s(inout %s_Inst s) {\n", name, e.p)
	if k.rates > 0 {
		locals := make([]string, k.rates)
		for i := range locals {
			locals[i] = fmt.Sprintf("k%d = 0.0lf", i)
		}
		fmt.Fprintf(&b, "\tdouble %s;\n", strings.Join(locals, ", "))
	}
	b.WriteString(body)
	dt := "s.b_dt"
	if steady {
		dt = lit(1e9)
	}
	fmt.Fprintf(&b, "\tdouble dt = %s, a[%d], b[%d];\n\tfor (int j = 0; j < %d; j++) {\n\t\ta[j] = 0.0lf;\n\t}\n", dt, n*n, n, n*n)
	for r, x := range k.states {
		start := "0.0lf"
		if !steady {
			start = "s." + field(x.Name)
		}
		fmt.Fprintf(&b, "\ta[%d] = 1.0lf;\n\tb[%d] = %s;\n", r*n+r, r, start)
	}
	for _, r := range k.rx {
		if r.to < 0 {
			fmt.Fprintf(&b, "\tb[%d] += dt * k%d;\n", r.from, r.kf)
			continue
		}
		fmt.Fprintf(&b, "\ta[%d] += dt * k%d;\n\ta[%d] -= dt * k%d;\n\ta[%d] -= dt * k%d;\n\ta[%d] += dt * k%d;\n",
			r.from*n+r.from, r.kf, r.from*n+r.to, r.kb, r.to*n+r.from, r.kf, r.to*n+r.to, r.kb)
	}
	if k.cons {
		row := k.consIdx[len(k.consIdx)-1]
		for j := range n {
			fmt.Fprintf(&b, "\ta[%d] = 0.0lf;\n", row*n+j)
		}
		for j, s := range k.consIdx {
			fmt.Fprintf(&b, "\ta[%d] += %s;\n", row*n+s, lit(float64(k.consCoef[j])))
		}
		fmt.Fprintf(&b, "\tb[%d] = k%d;\n", row, k.consRate)
	}
	fmt.Fprintf(&b, "\t%s(a, b);\n", gauss)
	for r, x := range k.states {
		fmt.Fprintf(&b, "\ts.%s = b[%d];\n", field(x.Name), r)
	}
	b.WriteString("}\n\n")
	e.out.WriteString(b.String())
	e.kinDone[name] = true
	return name, nil
}
