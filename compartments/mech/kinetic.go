package mech

import (
	"math"

	"neurite/compartments/nmodl"
)

// kinetic is a compiled KINETIC block SOLVEd by sparse: a reaction system
// linear in its states (every reaction "~ a <-> b (kf, kb)" has one state
// of coefficient 1 on each side; "~ a << (f)" is a flux into a), whose
// rates the block's statements compute into vectors. The states advance
// by backward Euler, (X1 - X0)/dt = A X1 + s, with the CONSERVE row (the
// equation of its last state) replaced by the conservation sum; the
// steady state is NEURON's: one such step of dt = 1e9 ms from all-zero
// states.
type kinetic struct {
	states   []int // slots of the states the block moves, in order of first use
	index    map[*nmodl.Symbol]int
	rx       []reaction
	cons     bool  // a CONSERVE statement
	consIdx  []int // its states
	consCoef []float64
	consSlot int // its total
	steady   bool
	dt       int // slot of dt
}

type reaction struct {
	from, to int // states; to < 0 for a flux into from
	kf, kb   int // slots of the rates (kb < 0 for a flux)
}

// kinScratch is a group's scratch for one KINETIC block: the matrix and
// right side of one instance.
type kinScratch struct{ a, b []float64 }

func (k *kinetic) scratch(int) kinScratch {
	s := len(k.states)
	return kinScratch{a: make([]float64, s*s), b: make([]float64, s)}
}

func (k *kinetic) state(c *compiler, n *nmodl.Name) int {
	if i, ok := k.index[n.Sym]; ok {
		return i
	}
	k.index[n.Sym] = len(k.states)
	k.states = append(k.states, c.symSlot[n.Sym])
	return len(k.states) - 1
}

// stmt compiles a reaction (its rates into vectors) or CONSERVE.
func (k *kinetic) stmt(c *compiler, x *ctx, st nmodl.Stmt) (stmtFn, error) {
	rate := func(e nmodl.Expr) (int, stmtFn, error) {
		s := c.newSlot(slotOwn, 0)
		fn, err := c.assign(x, s, e)
		return s, fn, err
	}
	switch st := st.(type) {
	case *nmodl.Reaction:
		one := func(ts []nmodl.Term) bool { return len(ts) == 1 && ts[0].Coef == 1 }
		if st.Flux {
			if !one(st.Left) {
				return nil, c.errf(st.Pos, "a flux reaction into more than one state is not supported")
			}
			s, fn, err := rate(st.Forward)
			k.rx = append(k.rx, reaction{from: k.state(c, st.Left[0].State), to: -1, kf: s, kb: -1})
			return fn, err
		}
		if !one(st.Left) || !one(st.Right) {
			return nil, c.errf(st.Pos, "reaction with more than one state or a coefficient on a side (nonlinear) is not supported")
		}
		kf, f1, err := rate(st.Forward)
		if err != nil {
			return nil, err
		}
		kb, f2, err := rate(st.Backward)
		if err != nil {
			return nil, err
		}
		k.rx = append(k.rx, reaction{from: k.state(c, st.Left[0].State), to: k.state(c, st.Right[0].State), kf: kf, kb: kb})
		return func(f *frame) { f1(f); f2(f) }, nil
	case *nmodl.Conserve:
		if k.cons {
			return nil, c.errf(st.Pos, "second CONSERVE in a KINETIC block")
		}
		k.cons = true
		for _, tm := range st.Terms {
			k.consIdx = append(k.consIdx, k.state(c, tm.State))
			k.consCoef = append(k.consCoef, float64(tm.Coef))
		}
		s, fn, err := rate(st.Total)
		k.consSlot = s
		return fn, err
	}
	return nil, c.errf(st.At(), "unsupported statement in KINETIC")
}

// kinetic compiles a KINETIC block SOLVEd by sparse, for one step or for
// the steady state.
func (c *compiler) kinetic(x *ctx, p *nmodl.Proc, steady bool) (stmtFn, error) {
	k := &kinetic{index: map[*nmodl.Symbol]int{}, steady: steady, dt: c.builtin(bDt)}
	x.kin = k
	body, err := c.block(x, p.Body)
	if err != nil {
		return nil, err
	}
	if len(k.states) == 0 {
		return nil, c.errf(p.Pos, "KINETIC %s has no reactions", p.Name)
	}
	ki := len(c.mech.kinetics)
	c.mech.kinetics = append(c.mech.kinetics, k)
	return func(f *frame) {
		body(f)
		k.solve(f, &f.kin[ki])
	}, nil
}

// solve does the backward-Euler step of every instance.
func (k *kinetic) solve(f *frame, s *kinScratch) {
	n := len(k.states)
	a, b := s.a, s.b
	for i := 0; i < f.n; i++ {
		dt := f.vars[k.dt][i]
		if k.steady {
			dt = 1e9
		}
		clear(a)
		for r := range n {
			a[r*n+r] = 1
			b[r] = 0
			if !k.steady {
				b[r] = f.vars[k.states[r]][i]
			}
		}
		for _, r := range k.rx {
			kf := f.vars[r.kf][i]
			if r.to < 0 {
				b[r.from] += dt * kf
				continue
			}
			kb := f.vars[r.kb][i]
			a[r.from*n+r.from] += dt * kf
			a[r.from*n+r.to] -= dt * kb
			a[r.to*n+r.from] -= dt * kf
			a[r.to*n+r.to] += dt * kb
		}
		if k.cons {
			row := k.consIdx[len(k.consIdx)-1]
			clear(a[row*n : (row+1)*n])
			for j, s := range k.consIdx {
				a[row*n+s] += k.consCoef[j]
			}
			b[row] = f.vars[k.consSlot][i]
		}
		gauss(a, b, n)
		for r, slot := range k.states {
			f.vars[slot][i] = b[r]
		}
	}
}

// gauss solves a x = b (a n by n, row major) in place by Gaussian
// elimination with partial pivoting; x is left in b.
func gauss(a, b []float64, n int) {
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[p*n+col]) {
				p = r
			}
		}
		if p != col {
			for j := range n {
				a[col*n+j], a[p*n+j] = a[p*n+j], a[col*n+j]
			}
			b[col], b[p] = b[p], b[col]
		}
		for r := col + 1; r < n; r++ {
			m := a[r*n+col] / a[col*n+col]
			if m == 0 {
				continue
			}
			for j := col; j < n; j++ {
				a[r*n+j] -= m * a[col*n+j]
			}
			b[r] -= m * b[col]
		}
	}
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < n; j++ {
			s -= a[r*n+j] * b[j]
		}
		b[r] = s / a[r*n+r]
	}
}
