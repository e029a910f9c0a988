package mech

import "neurite/compartments/nmodl"

// kinetic is a compiled KINETIC block.
type kinetic struct{}

// kinScratch is a group's scratch for one KINETIC block.
type kinScratch struct{}

func (k *kinetic) scratch(n int) kinScratch { return kinScratch{} }

func (k *kinetic) stmt(c *compiler, x *ctx, st nmodl.Stmt) (stmtFn, error) {
	return nil, c.errf(st.At(), "reactions are not supported yet")
}

func (c *compiler) kinetic(x *ctx, p *nmodl.Proc, steady bool) (stmtFn, error) {
	return nil, c.errf(p.Pos, "KINETIC is not supported yet")
}

func (c *compiler) derivimplicit(x *ctx, p *nmodl.Proc) (stmtFn, error) {
	return nil, c.errf(p.Pos, "derivimplicit is not supported yet")
}

func (c *compiler) diffImplicit(x *ctx, st *nmodl.Diff) (stmtFn, error) {
	return nil, c.errf(st.Pos, "derivimplicit is not supported yet")
}
