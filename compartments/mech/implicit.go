package mech

import (
	"math"

	"neurite/compartments/nmodl"
)

// implicit is a DERIVATIVE block SOLVEd by derivimplicit: backward Euler,
// x1 = x0 + dt*f(x1), solved for all its states together by Newton's
// method with a difference-quotient Jacobian, as NEURON does. The block
// runs with x' = e writing e into the state's derivative vector.
type implicit struct {
	states []int // slots, in the order of the block's equations
	deriv  []int // the derivatives, by state
	index  map[*nmodl.Symbol]int
}

// The Newton iteration stops when no state moves by more than
// NewtonTol*(1+|x|), or after NewtonMax iterations; the Jacobian's
// column j is the difference quotient over a step of
// JacobianStep*max(|x_j|, JacobianFloor). Other back ends
// (gpu/mechglsl) iterate alike.
const (
	NewtonTol     = 1e-13
	NewtonMax     = 50
	JacobianStep  = 1e-7
	JacobianFloor = 1e-3
)

func (c *compiler) derivimplicit(x *ctx, p *nmodl.Proc) (stmtFn, error) {
	im := &implicit{index: map[*nmodl.Symbol]int{}}
	x.impl = im
	body, err := c.block(x, p.Body)
	if err != nil {
		return nil, err
	}
	s := len(im.states)
	if s == 0 {
		return nil, c.errf(p.Pos, "DERIVATIVE %s has no equations", p.Name)
	}
	own := func(k int) []int {
		out := make([]int, k)
		for i := range out {
			out[i] = c.newSlot(slotOwn, 0)
		}
		return out
	}
	x0, base, jac := own(s), own(s), own(s*s)
	hs, save := c.newSlot(slotOwn, 0), c.newSlot(slotOwn, 0)
	dt := c.builtin(bDt)
	return func(f *frame) {
		a, b := make([]float64, s*s), make([]float64, s)
		st := im.states
		for j := range s {
			copy(f.vars[x0[j]], f.vars[st[j]])
		}
		for range NewtonMax {
			body(f)
			for j := range s {
				copy(f.vars[base[j]], f.vars[im.deriv[j]])
			}
			// column j of the Jacobian of x - x0 - dt*f(x)
			for j := range s {
				xj, hv, sv := f.vars[st[j]], f.vars[hs], f.vars[save]
				copy(sv, xj)
				for k := range xj {
					hv[k] = JacobianStep * math.Max(math.Abs(xj[k]), JacobianFloor)
					xj[k] += hv[k]
				}
				body(f)
				copy(xj, sv)
				dtv := f.vars[dt]
				for r := range s {
					col, d, fb := f.vars[jac[r*s+j]], f.vars[im.deriv[r]], f.vars[base[r]]
					for k := range col {
						col[k] = -dtv[k] * (d[k] - fb[k]) / hv[k]
						if r == j {
							col[k]++
						}
					}
				}
			}
			worst := 0.0
			for k := 0; k < f.n; k++ {
				for r := range s {
					for j := range s {
						a[r*s+j] = f.vars[jac[r*s+j]][k]
					}
					xr := f.vars[st[r]][k]
					b[r] = -(xr - f.vars[x0[r]][k] - f.vars[dt][k]*f.vars[base[r]][k])
				}
				gauss(a, b, s)
				for r := range s {
					xr := &f.vars[st[r]][k]
					*xr += b[r]
					worst = math.Max(worst, math.Abs(b[r])/(1+math.Abs(*xr)))
				}
			}
			if worst <= NewtonTol {
				break
			}
		}
	}, nil
}

// diffImplicit compiles x' = e in a derivimplicit block: e into the
// state's derivative vector.
func (c *compiler) diffImplicit(x *ctx, st *nmodl.Diff) (stmtFn, error) {
	im := x.impl
	if _, ok := im.index[st.State.Sym]; ok {
		return nil, c.errf(st.Pos, "second equation for %s'", st.State.Name)
	}
	im.index[st.State.Sym] = len(im.states)
	im.states = append(im.states, c.symSlot[st.State.Sym])
	d := c.newSlot(slotOwn, 0)
	im.deriv = append(im.deriv, d)
	return c.assign(x, d, st.Value)
}
