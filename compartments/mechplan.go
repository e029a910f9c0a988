package compartments

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"neurite/compartments/mech"
)

// MechPlan is the instances of an NMODL mechanism, in node order within
// each cell, cell after cell: of a density mechanism one at each segment
// centre node of the sections that insert it, of a point process
// (Mech.Point) one per placement, named.
type MechPlan struct {
	Mech  *mech.Mechanism
	Node  []int32
	Cell  []int32     // by instance
	Param [][]float64 // by parameter (Mech.Params), by instance
	Names []string    // by instance, point processes only
}

// IonPlan is an ion the mechanisms use, by node: its initial reversal
// potential (mV) and concentrations (mM), and whether the reversal
// potential follows the concentrations by Nernst every step (NEURON's
// default where a mechanism at the node writes a concentration of the
// ion, unless the model fixes it).
type IonPlan struct {
	Name      string
	Valence   int
	E, Ci, Co []float64
	Nernst    []bool
}

// ionDefaults are NEURON's: the reversal potential and the inner and
// outer concentrations of na, k and ca (nrn/src/nrnoc/eion.c); any other
// ion starts at 0 mV and 1 mM both sides.
var ionDefaults = map[string][3]float64{
	"na": {50, 10, 140},
	"k":  {-77, 54.4, 2.5},
	"ca": {132.5, 5e-5, 2},
}

// addMechanisms adds the NMODL mechanisms and ions of the cell whose
// nodes are [first, end); props gives a node's section's properties (nil
// for nodes that are not segment centres).
func (p *Plan) addMechanisms(c *Cell, first, end int, props func(node int) *SectionProps) error {
	for node := first; node < end; node++ {
		pr := props(node)
		if pr == nil {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(pr.Mechs)) {
			m := c.Mechanism(name)
			if m == nil {
				return fmt.Errorf("no mechanism %s", name)
			}
			if m.Point {
				return fmt.Errorf("%s is a POINT_PROCESS: place it at a site", name)
			}
			k := p.mechIndex(m)
			p.Mechs[k].add(c, node, p.Nodes[node].Cell, pr.Mechs[name])
		}
	}
	return nil
}

// mechIndex returns the index of m's instances in p.Mechs, adding an
// empty entry for a mechanism met for the first time.
func (p *Plan) mechIndex(m *mech.Mechanism) int {
	k := slices.IndexFunc(p.Mechs, func(mp MechPlan) bool { return mp.Mech == m })
	if k < 0 {
		p.Mechs = append(p.Mechs, MechPlan{Mech: m, Param: make([][]float64, len(m.Params))})
		k = len(p.Mechs) - 1
	}
	return k
}

// add appends an instance at node of cell c (plan cell ci) with the RANGE
// parameters set and c's globals; the others keep their defaults.
func (mp *MechPlan) add(c *Cell, node int, ci int32, set map[string]float64) {
	m := mp.Mech
	mp.Node = append(mp.Node, int32(node))
	mp.Cell = append(mp.Cell, ci)
	for j, v := range m.Params {
		x := v.Default
		if g, ok := c.Globals[m.Name][v.Name]; ok && v.Global {
			x = g
		}
		if r, ok := set[v.Name]; ok {
			x = r
		}
		mp.Param[j] = append(mp.Param[j], x)
	}
}

// addPoints places the cell's NMODL point processes, each cell's in node
// order, with their NetCons and events.
func (p *Plan) addPoints(ci int32, cp *CellPlan, c *Cell) error {
	pts := make([]*PointProcess, len(c.Points))
	for i := range c.Points {
		pt := &c.Points[i]
		pts[i] = pt
		m := c.Mechanism(pt.Mech)
		switch {
		case m == nil:
			return fmt.Errorf("synapse %s: no mechanism %s", pt.Name, pt.Mech)
		case !m.Point:
			return fmt.Errorf("synapse %s: %s is a density mechanism, not a POINT_PROCESS", pt.Name, pt.Mech)
		case len(pt.NetCons) > 0 && m.NetArgs == nil:
			return fmt.Errorf("synapse %s: %s has no NET_RECEIVE block, so it takes no events", pt.Name, pt.Mech)
		}
		if err := checkLocation(cp.Morph, pt.At); err != nil {
			return fmt.Errorf("synapse %s: %w", pt.Name, err)
		}
		for _, name := range slices.Sorted(maps.Keys(pt.Params)) {
			if !slices.ContainsFunc(m.Params, func(v mech.Var) bool { return v.Name == name && !v.Global }) {
				return fmt.Errorf("synapse %s: %s has no RANGE parameter %s", pt.Name, pt.Mech, name)
			}
			if !finite(pt.Params[name]) {
				return fmt.Errorf("synapse %s: %s = %v must be finite", pt.Name, name, pt.Params[name])
			}
		}
	}
	slices.SortStableFunc(pts, func(a, b *PointProcess) int { return cmp.Compare(cp.NodeAt(a.At), cp.NodeAt(b.At)) })
	var events []PointEvent
	for _, pt := range pts {
		m := c.Mechanism(pt.Mech)
		k := p.mechIndex(m)
		mp := &p.Mechs[k]
		mp.add(c, cp.NodeAt(pt.At), ci, pt.Params)
		mp.Names = append(mp.Names, pt.Name)
		for _, nc := range pt.NetCons {
			if !finite(nc.Weight) {
				return fmt.Errorf("synapse %s: weight = %v must be finite", pt.Name, nc.Weight)
			}
			args := make([]float64, len(m.NetArgs))
			args[0] = nc.Weight
			src := int32(len(p.NetCons))
			p.NetCons = append(p.NetCons, NetConPlan{Cell: ci, Mech: int32(k), Inst: int32(len(mp.Node) - 1), Args: args})
			for _, t := range nc.Events {
				if !finite(t) || t < 0 {
					return fmt.Errorf("synapse %s: event time %v must be finite and not negative", pt.Name, t)
				}
				events = append(events, PointEvent{T: t, NetCon: src})
			}
		}
	}
	slices.SortStableFunc(events, func(a, b PointEvent) int { return cmp.Compare(a.T, b.T) })
	p.PointEvents = append(p.PointEvents, events...)
	p.PointEventStart = append(p.PointEventStart, len(p.PointEvents))
	return nil
}

// addIons extends the plan's ions to the cell's nodes, adding any ion a
// mechanism of the plan uses.
func (p *Plan) addIons(c *Cell, first, end int, props func(node int) *SectionProps) error {
	for _, mp := range p.Mechs {
		for _, ion := range mp.Mech.Ions {
			if !slices.ContainsFunc(p.Ions, func(ip IonPlan) bool { return ip.Name == ion.Name }) {
				p.Ions = append(p.Ions, IonPlan{Name: ion.Name, Valence: ion.Valence})
			}
		}
	}
	for k := range p.Ions {
		ip := &p.Ions[k]
		def, ok := ionDefaults[ip.Name]
		if !ok {
			def = [3]float64{0, 1, 1}
		}
		for len(ip.E) < end {
			ip.E, ip.Ci, ip.Co = append(ip.E, def[0]), append(ip.Ci, def[1]), append(ip.Co, def[2])
			ip.Nernst = append(ip.Nernst, false)
		}
		for node := first; node < end; node++ {
			pr := props(node)
			if pr == nil {
				continue
			}
			set, hasSet := pr.Ions[ip.Name]
			for _, f := range []struct {
				dst *float64
				src *float64
			}{{&ip.E[node], set.E}, {&ip.Ci[node], set.Ci}, {&ip.Co[node], set.Co}} {
				if f.src != nil {
					*f.dst = *f.src
				}
			}
			if hasSet && set.Nernst != nil {
				ip.Nernst[node] = *set.Nernst
				continue
			}
			ip.Nernst[node] = p.writesConcentration(node, ip.Name)
			if ip.Nernst[node] && hasSet && set.E != nil {
				return fmt.Errorf("ions.%s: e = %v is fixed where a mechanism writes the ion's concentration: give nernst = false to keep it", ip.Name, *set.E)
			}
			if ip.Ci[node] <= 0 || ip.Co[node] <= 0 || math.IsNaN(ip.Ci[node]+ip.Co[node]) {
				return fmt.Errorf("ions.%s: concentrations must be positive", ip.Name)
			}
		}
	}
	return nil
}

// writesConcentration reports whether a mechanism at node writes the
// inner or outer concentration of ion.
func (p *Plan) writesConcentration(node int, ion string) bool {
	for _, mp := range p.Mechs {
		if _, at := slices.BinarySearch(mp.Node, int32(node)); !at {
			continue
		}
		for _, u := range mp.Mech.Ions {
			if u.Name == ion && slices.ContainsFunc(u.Write, func(w string) bool { return w == ion+"i" || w == ion+"o" }) {
				return true
			}
		}
	}
	return false
}

// MechOrder lists the plan's mechanisms (indices in Mechs) in NEURON's
// order of update, which every backend follows: those that write an ion
// concentration first, then the others, each in the plan's order.
func (p *Plan) MechOrder() []int {
	var writers, others []int
	for k, mp := range p.Mechs {
		if mp.Mech.WritesConcentration {
			writers = append(writers, k)
		} else {
			others = append(others, k)
		}
	}
	return append(writers, others...)
}

// Mechanism returns the plan's NMODL mechanism of that name, nil if
// no cell inserts it.
func (p *Plan) Mechanism(name string) *mech.Mechanism {
	for _, mp := range p.Mechs {
		if mp.Mech.Name == name {
			return mp.Mech
		}
	}
	return nil
}

// resolveNMODL resolves a probe of an NMODL mechanism's variable
// (NaTa_t.m, Ih.ihcn, SK_E2.gSK_E2bar) or of an ion (eca, cai, cao, ica)
// at the probe's node; false, and no error, when the name is neither.
func (p *Plan) resolveNMODL(pp *ProbePlan, pr Probe) (bool, error) {
	if name, field, ok := strings.Cut(pr.Var, "."); ok {
		k, inst := p.pointNamed(pp.Cell, name)
		if k >= 0 {
			pp.Node = p.Mechs[k].Node[inst]
		} else {
			k = slices.IndexFunc(p.Mechs, func(mp MechPlan) bool { return mp.Mech.Name == name && !mp.Mech.Point })
			if k < 0 {
				return false, nil
			}
			var at bool
			if inst, at = slices.BinarySearch(p.Mechs[k].Node, pp.Node); !at {
				return true, fmt.Errorf("probe %s: %s has no %s", pr.Name, p.SegmentName(int(pp.Node)), name)
			}
		}
		m := p.Mechs[k].Mech
		for _, l := range []struct {
			kind MechVarKind
			vars []mech.Var
		}{{MechState, m.States}, {MechAssigned, m.Assigned}, {MechParam, m.Params}} {
			if j := slices.IndexFunc(l.vars, func(v mech.Var) bool { return v.Name == field }); j >= 0 {
				pp.Var, pp.Mech, pp.Index, pp.Field = ProbeMech, int32(k), int32(inst), MechField{l.kind, j}
				return true, nil
			}
		}
		var names []string
		for _, vs := range [][]mech.Var{m.States, m.Assigned} {
			for _, v := range vs {
				names = append(names, v.Name)
			}
		}
		return true, fmt.Errorf("probe %s: %s has no variable %s (it records %s)", pr.Name, name, field, strings.Join(names, ", "))
	}
	for k, ip := range p.Ions {
		for f, v := range []string{"e" + ip.Name, ip.Name + "i", ip.Name + "o", "i" + ip.Name} {
			if pr.Var == v {
				pp.Var, pp.Index, pp.Field = ProbeIon, int32(k), MechField{Index: f}
				return true, nil
			}
		}
	}
	return false, nil
}

// pointNamed finds the point process of that name on cell ci: its
// mechanism (p.Mechs) and instance, or -1.
func (p *Plan) pointNamed(ci int32, name string) (k, inst int) {
	for k, mp := range p.Mechs {
		for j, n := range mp.Names {
			if n == name && mp.Cell[j] == ci {
				return k, j
			}
		}
	}
	return -1, -1
}

// ProbeUnit is the unit of probe k's values: mV for a voltage or a
// reversal potential, nA for a current at a point, µS for a synapse's
// conductance, mM for a concentration, mA/cm² for an ion's current, a
// mechanism variable's as its file declares it, "1" for a number
// without one (a gate).
func (p *Plan) ProbeUnit(k int) string {
	pr := &p.Probes[k]
	switch pr.Var {
	case ProbeV:
		return "mV"
	case ProbeHHm, ProbeHHh, ProbeHHn:
		return "1"
	case ProbeSynI, ProbeIClampI:
		return "nA"
	case ProbeSynG:
		return "µS"
	case ProbeIon:
		return [...]string{"mV", "mM", "mM", "mA/cm²"}[pr.Field.Index]
	case ProbeMech:
		m := p.Mechs[pr.Mech].Mech
		vars := [][]mech.Var{m.States, m.Assigned, m.Params}[pr.Field.Kind]
		return cmp.Or(vars[pr.Field.Index].Unit, "1")
	}
	return ""
}
