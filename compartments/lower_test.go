package compartments_test

import (
	"math"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
)

// TestLowerGroups: Lower turns the plan's mechanisms into one group per
// kind, hh, then pas, then the NMODL mechanisms in the plan's order, each
// with the plan's instances and their area factors (1 at a point
// process), and folds the static kind, pas, into the constant part of
// the tree system: lowered without its pas, a plan's DBase is less by
// each instance's g·area·10⁻² and its RBase by that times e.
func TestLowerGroups(t *testing.T) {
	for _, name := range []string{"ball_and_stick", "hh_single", "passive_cable", "nmodl_hay_cell", "nmodl_kinetics_point"} {
		p, _ := refrun.ExamplePlan(t, name, false)
		l := compartments.Lower(p)
		type want struct {
			kind compartments.MechKind
			name string
			node []int32
		}
		var wants []want
		if len(p.HHNode) > 0 {
			wants = append(wants, want{compartments.KindHH, "hh", p.HHNode})
		}
		if len(p.PasNode) > 0 {
			wants = append(wants, want{compartments.KindPas, "pas", p.PasNode})
		}
		for _, mp := range p.Mechs {
			wants = append(wants, want{compartments.KindNMODL, mp.Mech.Name, mp.Node})
		}
		if len(l.Groups) != len(wants) {
			t.Fatalf("%s: %d groups, want %d", name, len(l.Groups), len(wants))
		}
		for k, w := range wants {
			g := &l.Groups[k]
			if g.Kind != w.kind || g.Name != w.name || len(g.Node) != len(w.node) || len(g.Scale) != len(w.node) {
				t.Fatalf("%s: group %d is %s (kind %d) of %d instances, want %s (kind %d) of %d", name, k, g.Name, g.Kind, len(g.Node), w.name, w.kind, len(w.node))
			}
			point := g.Kind == compartments.KindNMODL && p.Mechs[g.Mech].Mech.Point
			for j, node := range g.Node {
				scale := p.Area[node] * 1e-2
				if point {
					scale = 1
				}
				if node != w.node[j] || g.Scale[j] != scale {
					t.Fatalf("%s: %s instance %d at node %d with scale %v, want node %d, scale %v", name, g.Name, j, node, g.Scale[j], w.node[j], scale)
				}
			}
			if g.Kind == compartments.KindNMODL && (p.Mechs[g.Mech].Mech.Name != g.Name || len(g.Param) != len(p.Mechs[g.Mech].Param)) {
				t.Errorf("%s: group %s refers to mechanism %d, %s", name, g.Name, g.Mech, p.Mechs[g.Mech].Mech.Name)
			}
		}
		if pas := group(l, compartments.KindPas); pas != nil {
			bare := *p
			bare.PasNode, bare.Pas = nil, nil
			lb := compartments.Lower(&bare)
			if group(lb, compartments.KindPas) != nil {
				t.Fatalf("%s: a pas group without pas", name)
			}
			dg, dr := make([]float64, len(p.Nodes)), make([]float64, len(p.Nodes))
			for k, node := range pas.Node {
				g := pas.Pas[k].G * p.Area[node] * 1e-2
				dg[node] += g
				dr[node] += g * pas.Pas[k].E
			}
			for i := range p.Nodes {
				if math.Abs(l.DBase[i]-lb.DBase[i]-dg[i]) > 1e-12*l.DBase[i] || math.Abs(l.RBase[i]-lb.RBase[i]-dr[i]) > 1e-12*math.Abs(dr[i]) {
					t.Fatalf("%s: node %d: pas folded as %v, %v; want %v, %v", name, i, l.DBase[i]-lb.DBase[i], l.RBase[i]-lb.RBase[i], dg[i], dr[i])
				}
			}
		}
	}
}

// group returns the lowered plan's group of a built-in kind (hh, pas),
// nil if no cell inserts it.
func group(l *compartments.Lowered, kind compartments.MechKind) *compartments.MechGroup {
	for k := range l.Groups {
		if l.Groups[k].Kind == kind {
			return &l.Groups[k]
		}
	}
	return nil
}
