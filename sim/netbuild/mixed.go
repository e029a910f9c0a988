package netbuild

import (
	"slices"

	"neurite/compartments"
	"neurite/sim"
	"neurite/sim/homeostasis"
	"neurite/sim/netcon"
	"neurite/sim/network"
	"neurite/sim/spec"
	"neurite/sim/stdp"
)

// mixed lowers a network that runs as a composite: its point neurons as
// a point network, its cable cells as a plan, each from the part of the
// file that concerns it alone, and the projections between the two
// kinds, with those onto cable cells that learn, as links (NEURON's
// NetCons: a spike's time, its delay, the target's synapse).
func (b *builder) mixed() error {
	n := b.spec
	local := func(p *spec.Projection) bool { return !b.linked(p) }
	m := b.m
	m.Links = netcon.New(nil, n.Run.Dt)
	var pb *builder
	if slices.ContainsFunc(n.Populations, func(p spec.Population) bool { return !p.Cable() }) {
		var err error
		if pb, err = newBuilder(n.Part(func(p *spec.Population) bool { return !p.Cable() }, local)); err != nil {
			return err
		}
		pb.ctx = b.ctx // stops between its projections (no progress: its own are numbered apart)
		if err := pb.point(); err != nil {
			return err
		}
		m.Point, m.Probes, m.ProbeNames, m.PointIDs = pb.m.Point, pb.m.Probes, pb.m.ProbeNames, b.ids(pb)
	}
	cb, err := newBuilder(n.Part(func(p *spec.Population) bool { return p.Cable() }, local))
	if err != nil {
		return err
	}
	cb.ctx = b.ctx
	onCells := map[int][]compartments.NetCon{} // by projection: connections onto cable cells, sources numbered in their population
	// Links' synapses are placed with cb's numbering of the cells and the
	// whole file's of its entries, for errors.
	wb := &builder{spec: n, seed: b.seed, m: cb.m, open: b.open, ctx: b.ctx}
	cb.beforePlan = func(cells []*compartments.Cell) error {
		for i := range n.Projections {
			sp := &n.Projections[i]
			if !b.linked(sp) || !b.isCable(sp.To) {
				continue
			}
			if err := b.ctx.Err(); err != nil {
				return err
			}
			g, err := b.generate(i)
			if err != nil {
				return err
			}
			if onCells[i], err = wb.connectCells(cells, sp, []any{"projection", i}, g, 0, cb.pop(sp.To)); err != nil {
				return err
			}
		}
		b.watch(cb, cells)
		return nil
	}
	if err := cb.cable(); err != nil {
		return err
	}
	m.Cable, m.CableIDs = cb.m.Cable, b.ids(cb)
	part := 0
	if m.Point != nil {
		part = 1
	}
	syns := map[synAt]int32{}
	for k, s := range m.Cable.Syns {
		syns[synAt{int(s.Cell), s.Name}] = int32(k)
	}
	dt := n.Run.Dt
	// Ports first: a point population's input targets are numbered
	// after all its ports are known.
	ports := map[int]int{}
	for i := range n.Projections {
		sp := &n.Projections[i]
		if b.linked(sp) && !b.isCable(sp.To) {
			p := pb.m.Point.Pops[pb.pop(sp.To)]
			k, err := pb.port(p, sp.SynapseSettings, "projection", sp.Name)
			if err != nil {
				return n.Errorf([]any{"projection", i, "g_init"}, "projection %s: %v", sp.Name, err)
			}
			ports[i] = k
		}
	}
	for i := range n.Projections {
		sp := &n.Projections[i]
		if !b.linked(sp) {
			continue
		}
		from, to := b.m.Pops[b.pop(sp.From)], b.m.Pops[b.pop(sp.To)]
		pr := &netcon.Projection{Name: sp.Name, From: netcon.Range{First: from.First, N: from.N}, To: netcon.Range{First: to.First, N: to.N}}
		if b.isCable(sp.From) {
			pr.Lag = 1
		}
		key := func(k ...any) []any { return append([]any{"projection", i}, k...) }
		if b.isCable(sp.To) {
			pr.Part = part
			cons := onCells[i]
			pr.Start = make([]int64, from.N+1)
			for _, c := range cons {
				pr.Start[c.Source+1]++
			}
			for j := range from.N {
				pr.Start[j+1] += pr.Start[j]
			}
			first := cb.m.Pops[cb.pop(sp.To)].First
			for _, c := range cons {
				if !(c.Delay >= dt) {
					return n.Errorf(key("delay"), "projection %s: delay %v ms is shorter than the time step; the shortest delay is dt = %v ms", sp.Name, c.Delay, dt)
				}
				pr.Target = append(pr.Target, uint32(c.Target-first))
				pr.Slot = append(pr.Slot, syns[synAt{c.Target, c.Synapse}])
				pr.W = append(pr.W, c.Weight)
				pr.Delay = append(pr.Delay, sim.DeliveryStep(c.Delay, dt))
			}
		} else {
			if err := b.ctx.Err(); err != nil {
				return err
			}
			g, err := b.generate(i)
			if err != nil {
				return err
			}
			p := pb.m.Point.Pops[pb.pop(sp.To)]
			pr.Start, pr.Target = g.csr.Start, g.csr.Target
			for s, t := range g.csr.Target {
				d, err := network.DelaySteps(pick(g.delays, int64(s)), dt)
				if err != nil {
					return n.Errorf(key("delay"), "projection %s: %v", sp.Name, err)
				}
				pr.Slot = append(pr.Slot, pb.m.Point.InputTarget(p, ports[i], int(t)))
				pr.W = append(pr.W, pick(g.weights, int64(s)))
				pr.Delay = append(pr.Delay, int64(d))
			}
		}
		if j := b.learns(sp.Name); j >= 0 {
			if err := b.linkPlasticity(pr, j); err != nil {
				return err
			}
		}
		m.Links.Projections = append(m.Links.Projections, pr)
	}
	return nil
}

// synAt finds a synapse of a plan by its cell and name.
type synAt struct {
	cell int
	name string
}

// linkPlasticity makes a link learn by plasticity entry j: STDP or
// synaptic scaling, as on point neurons.
func (b *builder) linkPlasticity(pr *netcon.Projection, j int) error {
	sp := &b.spec.Plasticity[j]
	var err error
	switch sp.Rule {
	case "stdp":
		err = pr.SetSTDP(&stdp.Rule{TauPlus: sp.TauPlus, TauMinus: sp.TauMinus, APlus: sp.APlus, AMinus: sp.AMinus,
			WMin: sp.WMin, WMax: sp.WMax, Multiplicative: sp.Mode == "multiplicative", Nearest: sp.Pairing == "nearest"})
	case "scaling":
		err = pr.SetScaling(&homeostasis.Rule{Target: sp.TargetRate, Tau: sp.Tau, Rate: scalingRate, WMax: sp.WMax})
	}
	if err != nil {
		return b.spec.Errorf([]any{"plasticity", j}, "%v", err)
	}
	return nil
}

// watch gives a spike detector (at the soma's middle, 0 mV: NEURON's
// default) to every cable cell without one whose spikes a link needs:
// the sources of links and the targets of those that learn.
func (b *builder) watch(cb *builder, cells []*compartments.Cell) {
	for _, sp := range b.spec.Projections {
		if !b.linked(&sp) {
			continue
		}
		var pops []string
		if b.isCable(sp.From) {
			pops = append(pops, sp.From)
		}
		if b.isCable(sp.To) && b.learns(sp.Name) >= 0 {
			pops = append(pops, sp.To)
		}
		for _, name := range pops {
			p := cb.m.Pops[cb.pop(name)]
			for _, c := range cells[p.First : p.First+p.N] {
				if c.Spike == nil {
					c.Spike = &compartments.Detector{At: c.Morph.SomaMiddle(), Threshold: 0}
				}
			}
		}
	}
}

// ids gives the network's id of each neuron of a part's builder.
func (b *builder) ids(part *builder) []int {
	var out []int
	for _, p := range part.m.Pops {
		first := b.m.Pops[b.pop(p.Name)].First
		for j := range p.N {
			out = append(out, first+j)
		}
	}
	return out
}

// linked reports whether a projection runs as a link: between point
// neurons and cable cells, or onto cable cells and learning.
func (b *builder) linked(sp *spec.Projection) bool {
	from, to := b.isCable(sp.From), b.isCable(sp.To)
	return from != to || to && b.learns(sp.Name) >= 0
}

// learnsOnCable reports whether a projection onto cable cells learns.
func (b *builder) learnsOnCable() bool {
	for _, pl := range b.spec.Plasticity {
		for _, sp := range b.spec.Projections {
			if sp.Name == pl.Projection && b.isCable(sp.To) {
				return true
			}
		}
	}
	return false
}

// isCable reports whether the population named is of cable cells.
func (b *builder) isCable(pop string) bool { return b.spec.Populations[b.pop(pop)].Cable() }

// learns returns the plasticity entry of the projection named (the last,
// as for point networks), or -1.
func (b *builder) learns(name string) int {
	j := -1
	for k, pl := range b.spec.Plasticity {
		if pl.Projection == name {
			j = k
		}
	}
	return j
}
