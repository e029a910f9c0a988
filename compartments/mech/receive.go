package mech

import (
	"neurite/compartments/nmodl"
)

// netReceive compiles NET_RECEIVE: its arguments are vectors like the
// arguments of a PROCEDURE, loaded from and stored back to the NetCon's
// weight vector by Receive.
func (c *compiler) netReceive(p *nmodl.Proc) error {
	cp := &cproc{result: -1}
	for _, a := range p.Args {
		cp.args = append(cp.args, c.newSlot(slotOwn, 0))
		c.mech.NetArgs = append(c.mech.NetArgs, a.Name)
	}
	c.flag = c.newSlot(slotOwn, 0)
	c.builtin(bT)
	x := &ctx{pool: c.newPool(), proc: p, cp: cp}
	body, err := c.block(x, p.Body)
	if err != nil {
		return err
	}
	c.mech.receive, c.mech.netArgs, c.mech.flagSlot = body, cp.args, c.flag
	if p.Initial != nil {
		x := &ctx{pool: c.newPool(), proc: p, cp: cp, netInit: true}
		if c.mech.netInit, err = c.block(x, p.Initial); err != nil {
			return err
		}
	}
	return nil
}

// eventCall compiles net_send(delay, flag), which calls the frame's send
// for every instance of the mask, and state_discontinuity(x, value), which
// NEURON runs as the plain assignment x = value (nrn_netrec_state_adjust
// = 0).
func (c *compiler) eventCall(x *ctx, st *nmodl.CallStmt) (stmtFn, error) {
	k := st.Call
	if k.Func == "state_discontinuity" {
		dst, err := c.target(x, k.Args[0].(*nmodl.Name))
		if err != nil {
			return nil, err
		}
		return c.assign(x, dst, k.Args[1])
	}
	if x.netInit {
		return nil, c.errf(k.Pos, "net_send in NET_RECEIVE's INITIAL is not supported")
	}
	if x.proc == nil {
		c.mech.InitSends = true
	}
	d, err := c.expr(x, k.Args[0], 0)
	if err != nil {
		return nil, err
	}
	fl, err := c.expr(x, k.Args[1], 1)
	if err != nil {
		return nil, err
	}
	prog := d.then(fl.prog...)
	return func(f *frame) {
		f.exec(prog)
		for i := range f.n {
			if f.mask == nil || f.mask[i] {
				f.send(f.base+i, d.at(f, i), fl.at(f, i))
			}
		}
	}, nil
}

// Receive delivers one event to instance k: NET_RECEIVE runs with t = c.T
// (the exact event time), the instance's v from its node, and flag (0 for
// an input event, the flag of net_send for a self-event). weight is the
// NetCon's vector of NET_RECEIVE arguments (M.NetArgs: the weight, then
// the per-NetCon state, which the engine zeroes at initialisation, see
// InitNetCon, and the block may change in place). Every net_send(delay,
// flag) of the block calls send, which queues a self-event for instance k
// at c.T + delay. It panics for a mechanism without NET_RECEIVE.
func (g *Group) Receive(c *Cable, k int, weight []float64, flag float64, send func(delay, flag float64)) {
	if g.M.receive == nil {
		panic("mech: " + g.M.Name + " has no NET_RECEIVE")
	}
	g.deliver(g.M.receive, c, k, weight, flag, func(_ int, d, f float64) { send(d, f) })
}

// InitNetCon runs NET_RECEIVE's INITIAL block for one NetCon onto
// instance k, after Init, as NEURON's finitialize does: it sets the
// NetCon's state in weight (zeroed by the engine before). It does nothing
// for a mechanism without that block.
func (g *Group) InitNetCon(c *Cable, k int, weight []float64) {
	if g.M.netInit != nil {
		g.deliver(g.M.netInit, c, k, weight, 0, nil)
	}
}

// deliver runs fn for instance k through a one-instance view of the
// group, with the NetCon's arguments loaded from weight and stored back.
func (g *Group) deliver(fn stmtFn, c *Cable, k int, weight []float64, flag float64, send func(k int, delay, flag float64)) {
	m := g.M
	o := &g.one
	if o.vars == nil {
		*o = frame{n: 1, n4: 1, vars: make([][]float64, len(m.slots)), masks: make([][]bool, m.nmasks)}
		for i := range o.masks {
			o.masks[i] = make([]bool, 1)
		}
		o.kin = g.f.kin
	}
	for s, v := range g.f.vars {
		o.vars[s] = v[k : k+1]
	}
	o.mask, o.send, o.base = nil, send, k
	nd := c.Node[k]
	m.load(o, c, g.ions(c), c.Node[k:k+1], nil)
	o.vars[m.flagSlot][0] = flag
	args := m.netArgs
	for i, s := range args {
		o.vars[s][0] = weight[i]
	}
	fn(o)
	for i, s := range args {
		weight[i] = o.vars[s][0]
	}
	for i, l := range m.stores {
		g.ions(c).stores[i][nd] = o.vars[l.slot][0]
	}
}
