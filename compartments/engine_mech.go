package compartments

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"neurite/compartments/mech"
)

// mechGroup is an NMODL mechanism's instances in one group of cells
// (cellGroup): the group's worker evaluates them over its cells alone,
// all instances at once (compartments/mech).
type mechGroup struct {
	g     *mech.Group
	low   *MechGroup // the mechanism's instances in the lowered plan (low.Mech: its Plan.Mechs)
	first int        // its first instance in the plan's
	cable mech.Cable
	scale []float64 // by instance: the lowered group's area factors (MechGroup.Scale)
	i, di []float64 // Current's scratch
	// noCon is the NET_RECEIVE arguments of a self-event that INITIAL
	// sent (it has no NetCon's): zeros at each such event.
	noCon []float64
}

// ionState is the ions' values by node, which the mechanisms read and
// write.
type ionState struct {
	plan  *IonPlan
	nodes *mech.IonNodes
}

// buildMechs splits the lowered plan's NMODL mechanisms (its groups of
// KindNMODL, one per Plan.Mechs) by cell group, the mechanisms that
// write a concentration first in each group (NEURON updates them
// first), and makes the ions' arrays.
func (e *Engine) buildMechs(nmodl []*MechGroup) {
	p := e.plan
	if len(nmodl) == 0 {
		return
	}
	byMech := make([]*MechGroup, len(p.Mechs))
	for _, g := range nmodl {
		byMech[g.Mech] = g
	}
	ions := map[string]*mech.IonNodes{}
	for k := range p.Ions {
		n := len(p.Nodes)
		in := &mech.IonNodes{E: make([]float64, n), Ci: make([]float64, n), Co: make([]float64, n), I: make([]float64, n)}
		ions[p.Ions[k].Name] = in
		e.ions = append(e.ions, ionState{plan: &p.Ions[k], nodes: in})
	}
	e.netArgs = make([][]float64, len(p.NetCons))
	for k, nc := range p.NetCons {
		e.netArgs[k] = make([]float64, len(nc.Args))
	}
	order := p.MechOrder()
	e.mechAt = make([][]mechRef, len(p.Mechs))
	for k := range p.Mechs {
		e.mechAt[k] = make([]mechRef, len(p.Mechs[k].Node))
	}
	for gi := range e.groups {
		gr := &e.groups[gi]
		lo, hi := int32(e.cells[gr.lo].first), int32(e.cells[gr.hi-1].end)
		gr.nernst = make([][]int32, len(e.ions))
		most := 0
		for k, is := range e.ions {
			for node := lo; node < hi; node++ {
				if is.plan.Nernst[node] {
					gr.nernst[k] = append(gr.nernst[k], node)
				}
			}
			most = max(most, len(gr.nernst[k]))
		}
		gr.ratio = make([]float64, most)
		for _, k := range order {
			low, mp := byMech[k], &p.Mechs[k]
			a, _ := slices.BinarySearch(low.Node, lo)
			b, _ := slices.BinarySearch(low.Node, hi)
			if a == b {
				continue
			}
			mg := &mechGroup{g: mp.Mech.NewGroup(b - a), low: low, first: a,
				cable: mech.Cable{Node: low.Node[a:b], V: e.v, Ions: ions, Celsius: p.Celsius, Dt: p.Dt, Area: p.Area, Diam: p.Diam},
				scale: low.Scale[a:b], i: make([]float64, b-a), di: make([]float64, b-a)}
			for j := range mg.cable.Node {
				e.mechAt[k][a+j] = mechRef{mg, j}
			}
			if mp.Mech.Point {
				mg.noCon = make([]float64, len(mp.Mech.NetArgs))
			}
			gr.mechs = append(gr.mechs, mg)
		}
	}
}

// mechRef places a plan's mechanism instance: its group and its index
// there.
type mechRef struct {
	mg *mechGroup
	j  int
}

// resetMechs sets the ions to their initial values and runs every
// mechanism's INITIAL, as NEURON's finitialize: reversal potentials by
// Nernst where they follow the concentrations, then the mechanisms in
// their order (concentration writers first); then the point processes'
// NetCons and events (resetPoints).
func (e *Engine) resetMechs() {
	for ci := range e.cells {
		e.cells[ci].points.reset()
	}
	for _, is := range e.ions {
		ip, in := is.plan, is.nodes
		copy(in.E, ip.E)
		copy(in.Ci, ip.Ci)
		copy(in.Co, ip.Co)
		clear(in.I)
	}
	for gi := range e.groups {
		e.nernst(&e.groups[gi])
	}
	for _, gr := range e.groups {
		for _, mg := range gr.mechs {
			for j := range mg.g.Param {
				copy(mg.g.Param[j], mg.low.Param[j][mg.first:])
			}
			for _, x := range mg.g.State {
				clear(x)
			}
			for _, x := range mg.g.Assigned {
				clear(x)
			}
			mg.cable.T = 0
			if mg.g.M.Point {
				e.initPoint(mg)
			} else {
				mg.g.Init(&mg.cable)
			}
		}
	}
	e.resetPoints()
	// NEURON's finitialize ends by evaluating the currents at v_init,
	// so that the ion currents and the mechanisms' ASSIGNED variables
	// (ina, a synapse's g and i) have their values at t = 0.
	for _, gr := range e.groups {
		if len(gr.mechs) > 0 {
			e.mechCurrents(&gr, e.cells[gr.lo].first, e.cells[gr.hi-1].end, 0)
		}
	}
}

// mechCurrents is NEURON's ion pass and current evaluation for a group of
// cells, nodes [lo, hi), at the start of a step (v = vⁿ): reversal
// potentials by Nernst from the concentrations of the step's start, the
// ion currents zeroed, then each mechanism's current, linearised about
// vⁿ (NEURON's numerical di/dv), into the tree system.
func (e *Engine) mechCurrents(gr *cellGroup, lo, hi int, t float64) {
	for _, is := range e.ions {
		clear(is.nodes.I[lo:hi])
	}
	e.nernst(gr)
	for _, mg := range gr.mechs {
		mg.cable.T = t
		mg.g.Current(&mg.cable, mg.i, mg.di)
		for j, node := range mg.cable.Node {
			s := mg.scale[j]
			e.d[node] += mg.di[j] * s
			e.rhs[node] += (mg.di[j]*e.v[node] - mg.i[j]) * s
		}
	}
}

// nernst sets the reversal potentials that follow the concentrations
// (IonPlan.Nernst) at the group's nodes.
func (e *Engine) nernst(gr *cellGroup) {
	for k, is := range e.ions {
		mech.NernstNodes(is.plan.Valence, e.plan.Celsius, is.nodes, gr.nernst[k], gr.ratio)
	}
}

// mechAdvance advances the mechanisms' states over the step with the new
// voltages, concentration writers first.
func (e *Engine) mechAdvance(gr *cellGroup, t float64) {
	for _, mg := range gr.mechs {
		mg.cable.T = t
		mg.g.Advance(&mg.cable)
	}
}

// mechProbe reads a probe of an NMODL mechanism's variable or of an ion.
func (e *Engine) mechProbe(pr *ProbePlan) float64 {
	if pr.Var == ProbeIon {
		in := e.ions[pr.Index].nodes
		return [][]float64{in.E, in.Ci, in.Co, in.I}[pr.Field.Index][pr.Node]
	}
	r := e.mechAt[pr.Mech][pr.Index]
	return [][][]float64{r.mg.g.State, r.mg.g.Assigned, r.mg.g.Param}[pr.Field.Kind][pr.Field.Index][r.j]
}

// Quantities lists what the plan's segments can show besides v: each
// ion's reversal potential, concentrations and current (eca, cai, cao,
// ica) and each NMODL mechanism's states and RANGE assigned variables
// (NaTa_t.m, Ih.ihcn), in the plan's order, after "v".
func (p *Plan) Quantities() []string {
	q := []string{"v"}
	for _, ip := range p.Ions {
		q = append(q, "e"+ip.Name, ip.Name+"i", ip.Name+"o", "i"+ip.Name)
	}
	for _, mp := range p.Mechs {
		if mp.Mech.Point {
			continue // at a point, not over the segments
		}
		for _, vs := range [][]mech.Var{mp.Mech.States, mp.Mech.Assigned} {
			for _, v := range vs {
				q = append(q, mp.Mech.Name+"."+v.Name)
			}
		}
	}
	return q
}

// QuantityUnit is the unit of one of Plan.Quantities: mV for v and a
// reversal potential, mM for a concentration, mA/cm² for an ion's
// current, a mechanism variable's as its file declares it ("1" for a
// number without one, such as a gate).
func (p *Plan) QuantityUnit(q string) string {
	if q == "v" {
		return "mV"
	}
	for _, ip := range p.Ions {
		switch q {
		case "e" + ip.Name:
			return "mV"
		case ip.Name + "i", ip.Name + "o":
			return "mM"
		case "i" + ip.Name:
			return "mA/cm²"
		}
	}
	name, field, _ := strings.Cut(q, ".")
	if m := p.Mechanism(name); m != nil {
		for _, vs := range [][]mech.Var{m.States, m.Assigned} {
			if j := slices.IndexFunc(vs, func(v mech.Var) bool { return v.Name == field }); j >= 0 {
				return cmp.Or(vs[j].Unit, "1")
			}
		}
	}
	return ""
}

// SegmentQuantity returns quantity q (one of Plan.Quantities) at every
// segment centre, in plan.Segments order: NaN where the segment has no
// such thing (a mechanism not inserted there, an ion no mechanism there
// uses), so that a view shows it as absent, not as a value.
func (e *Engine) SegmentQuantity(q string, buf []float64) ([]float64, error) {
	p := e.plan
	if q == "v" {
		return e.segmentVoltages(buf), nil
	}
	if q != e.shown.q {
		// Where q lies at each segment is found once, not every frame.
		if !slices.Contains(p.Quantities(), q) {
			return nil, fmt.Errorf("no quantity %q: the plan shows %s", q, strings.Join(p.Quantities(), ", "))
		}
		e.shown.q, e.shown.at = q, make([]ProbePlan, len(p.Segments))
		for k, node := range p.Segments {
			pp := &e.shown.at[k]
			pp.Node = node
			if _, err := p.resolveNMODL(pp, Probe{Name: q, Var: q}); err != nil ||
				pp.Var == ProbeIon && !p.UsesIon(node, p.Ions[pp.Index].Name) {
				pp.Var = ProbeV // absent here
			}
		}
	}
	buf = slices.Grow(buf[:0], len(p.Segments))[:len(p.Segments)]
	for k := range e.shown.at {
		buf[k] = math.NaN()
		if pp := &e.shown.at[k]; pp.Var != ProbeV {
			buf[k] = e.mechProbe(pp)
		}
	}
	return buf, nil
}

// HasMech reports whether a mechanism for which is holds has an instance
// at node.
func (p *Plan) HasMech(node int32, is func(*mech.Mechanism) bool) bool {
	for _, mp := range p.Mechs {
		if _, at := slices.BinarySearch(mp.Node, node); at && is(mp.Mech) {
			return true
		}
	}
	return false
}

// UsesIon reports whether a mechanism at node uses the ion.
func (p *Plan) UsesIon(node int32, ion string) bool {
	return p.HasMech(node, func(m *mech.Mechanism) bool {
		return slices.ContainsFunc(m.Ions, func(u mech.Ion) bool { return u.Name == ion })
	})
}
