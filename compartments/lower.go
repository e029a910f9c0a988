package compartments

import "math"

// Lowered is a plan as the backends run it, the lowering step of the
// design (plan → lower → driver → backend): the coefficients of the
// cable system that do not change in time, formed once here for the CPU
// engine and the GPU's alike, and the membrane mechanisms as a list of
// groups, one per kind. A backend takes a Lowered and only packs its
// numbers and advances them, so the two cannot drift apart in how they
// form a coefficient.
type Lowered struct {
	*Plan
	// CJ is 1/dt, or 2/dt for Crank–Nicolson: a node's capacitive
	// conductance is C·CJ.
	CJ float64
	// By node: the capacitive conductance C·CJ (µS), and the parts of the
	// tree system that do not change: the diagonal's capacitance, axial
	// and static mechanism conductances (DBase, µS) and the static
	// mechanisms' current at 0 mV (RBase, Σ g·e, nA).
	CapCj, DBase, RBase []float64
	// Groups are the membrane mechanisms, a group per kind: hh, then
	// pas, then the NMODL mechanisms in the plan's order (Plan.Mechs);
	// a kind no cell inserts has no group. The static kinds' (pas) are
	// already folded into DBase and RBase. The GPU packs the hh group;
	// its NMODL kernels take their instances from Plan.Mechs and scale
	// currents by a per-node area row (gpu/cable/mechs.go), the rule of
	// MechGroup.Scale written again in GLSL.
	Groups []MechGroup
	// By synapse: the factors its two states decay by in a step.
	SynDecayA, SynDecayB []float64
}

// MechKind is a kind of membrane mechanism as the backends tell them
// apart: each maps a kind to its implementation, so a new built-in kind
// is one case in Lower and one in each backend.
type MechKind uint8

const (
	// KindHH is NEURON's hh (hh.mod), with a kernel of its own in each
	// backend: it is most of a cable cell's arithmetic.
	KindHH MechKind = iota
	// KindPas is NEURON's pas: a static conductance, which Lower folds
	// into the tree system's constant part.
	KindPas
	// KindNMODL is a mechanism compiled from NMODL (Plan.Mechs), density
	// mechanism or point process, which the backends run generically
	// (compartments/mech, gpu/mechglsl).
	KindNMODL
)

// Static reports whether the kind's conductance is constant in time, so
// that Lower folds it into DBase and RBase and nothing runs it.
func (k MechKind) Static() bool { return k == KindPas }

// MechGroup is the instances of one mechanism kind in the plan: by
// instance its node (ascending within a cell, cell after cell) and its
// area factor, and its parameters in the form the kind keeps them.
type MechGroup struct {
	Kind MechKind
	// Name is the mechanism's: "hh", "pas", or the NMODL mechanism's
	// SUFFIX or POINT_PROCESS name.
	Name string
	Node []int32
	// Scale is area·10⁻² (S/cm² to µS, mA/cm² to nA) for a density
	// mechanism, 1 for a point process (its currents are in nA).
	Scale []float64
	// KindHH: instance k's parameters are HH[Set[k]] (cells share a few
	// parameter sets, not one per compartment).
	Set []int32
	HH  []HH
	// KindPas: by instance.
	Pas []Pas
	// KindNMODL: the mechanism is Plan.Mechs[Mech]; its parameters are
	// Param, by parameter (the mechanism's Params), by instance.
	Mech  int
	Param [][]float64
}

// Lower lowers a plan. Each coefficient is formed in one order, the
// order both backends relied on: the capacitance, then the axial
// conductances node by node (a node after its parent, as Build numbers
// them), then the static mechanisms.
func Lower(p *Plan) *Lowered {
	n := len(p.Nodes)
	l := &Lowered{Plan: p, CJ: 1 / p.Dt, CapCj: make([]float64, n), DBase: make([]float64, n), RBase: make([]float64, n)}
	if p.Method == CrankNicolson {
		l.CJ = 2 / p.Dt
	}
	for i := range n {
		l.CapCj[i] = p.Cap[i] * l.CJ
		l.DBase[i] += l.CapCj[i]
		if par := p.Parent[i]; par >= 0 {
			l.DBase[i] += p.GAxial[i]
			l.DBase[par] += p.GAxial[i]
		}
	}
	if len(p.HHNode) > 0 {
		l.Groups = append(l.Groups, MechGroup{Kind: KindHH, Name: "hh", Node: p.HHNode, Scale: l.areaScale(p.HHNode, false),
			Set: p.HHSet, HH: p.HHParams})
	}
	if len(p.PasNode) > 0 {
		l.Groups = append(l.Groups, MechGroup{Kind: KindPas, Name: "pas", Node: p.PasNode, Scale: l.areaScale(p.PasNode, false), Pas: p.Pas})
	}
	for k, mp := range p.Mechs {
		l.Groups = append(l.Groups, MechGroup{Kind: KindNMODL, Name: mp.Mech.Name, Node: mp.Node,
			Scale: l.areaScale(mp.Node, mp.Mech.Point), Mech: k, Param: mp.Param})
	}
	for _, g := range l.Groups {
		if g.Kind.Static() {
			l.fold(&g)
		}
	}
	l.SynDecayA, l.SynDecayB = make([]float64, len(p.Syns)), make([]float64, len(p.Syns))
	for k, s := range p.Syns {
		l.SynDecayA[k] = math.Exp(-p.Dt / s.TauA)
		l.SynDecayB[k] = math.Exp(-p.Dt / s.TauB)
	}
	return l
}

// areaScale returns the area factors of instances at nodes: area·10⁻²,
// or 1 for a point process.
func (l *Lowered) areaScale(nodes []int32, point bool) []float64 {
	scale := make([]float64, len(nodes))
	for k, node := range nodes {
		scale[k] = 1
		if !point {
			scale[k] = l.Area[node] * 1e-2
		}
	}
	return scale
}

// fold adds a static group's conductances (µS) and currents at 0 mV (nA)
// to the tree system's constant part.
func (l *Lowered) fold(g *MechGroup) {
	switch g.Kind {
	case KindPas:
		for k, node := range g.Node {
			// g·area·10⁻² in that order, not g·Scale: the rounding the
			// backends have always had, which the results keep to the bit.
			gs := g.Pas[k].G * l.Area[node] * 1e-2
			l.DBase[node] += gs
			l.RBase[node] += gs * g.Pas[k].E
		}
	}
}
