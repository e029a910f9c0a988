package compartments

import "math"

// Lowered is a plan as the backends run it, the lowering step of the
// design (plan → lower → driver → backend): the coefficients of the
// cable system that do not change in time, formed once here for the CPU
// engine and the GPU's alike, and the membrane mechanisms grouped by
// kind, each group's instances with their nodes and parameters. A
// backend takes a Lowered and only packs its numbers and advances them,
// so the two cannot drift apart in how they form a coefficient.
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
	// HH is the hh mechanism's group (pas is folded into DBase and
	// RBase).
	HH HHGroup
	// By synapse: the factors its two states decay by in a step.
	SynDecayA, SynDecayB []float64
}

// HHGroup is the instances of hh: by instance, its node (ascending), its
// parameter set in Params, and its node's area factor (area·10⁻²: S/cm²
// to µS).
type HHGroup struct {
	Node, Set []int32
	Params    []HH
	Scale     []float64
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
	for k, node := range p.PasNode {
		g := p.Pas[k].G * p.Area[node] * 1e-2
		l.DBase[node] += g
		l.RBase[node] += g * p.Pas[k].E
	}
	l.HH = HHGroup{Node: p.HHNode, Set: p.HHSet, Params: p.HHParams, Scale: make([]float64, len(p.HHNode))}
	for k, node := range p.HHNode {
		l.HH.Scale[k] = p.Area[node] * 1e-2
	}
	l.SynDecayA, l.SynDecayB = make([]float64, len(p.Syns)), make([]float64, len(p.Syns))
	for k, s := range p.Syns {
		l.SynDecayA[k] = math.Exp(-p.Dt / s.TauA)
		l.SynDecayB[k] = math.Exp(-p.Dt / s.TauB)
	}
	return l
}
