package neuronexport

import (
	"bytes"
	"math"
	"slices"
	"strings"

	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/sim/output"
)

// snapshots is what run.py samples at every segment centre, and when.
type snapshots struct {
	Steps []int64 `json:"steps"` // the steps sampled, as Neurite's schedule
	// Segments are the segment centres in Neurite's order, each with the
	// NEURON name it reads (Ref "" where the segment has no such quantity:
	// NaN, as Neurite writes it).
	Segments []snapSegment `json:"segments"`
}

type snapSegment struct {
	site
	Name string `json:"name"`
	Ref  string `json:"ref"`
}

// snapshotPlan lists the snapshots of a cell's plan over a run of tstop
// ms: v, an ion's variable or a density mechanism's, at every segment.
func snapshotPlan(p *compartments.Plan, tstop float64) *snapshots {
	sc := p.Snapshots()
	s := &snapshots{Steps: []int64{}}
	for k := range int64(math.Round(tstop/p.Dt)) + 1 {
		if sc.At(k) {
			s.Steps = append(s.Steps, k)
		}
	}
	q := p.SnapshotQuantity
	if q == "" {
		q = "v"
	}
	name, field, isMech := strings.Cut(q, ".")
	for _, node := range p.Segments {
		n := p.Nodes[node]
		seg := snapSegment{site: site{Sec: int(n.Section), X: float64(n.X)}, Name: p.SegmentName(int(node))}
		switch {
		case q == "v":
			seg.Ref = "v"
		case isMech:
			if p.HasMech(node, func(m *mech.Mechanism) bool { return m.Name == name && !m.Point }) {
				seg.Ref = field + "_" + name
			}
		default: // an ion's e, i, o or current: where a mechanism there uses the ion
			for _, ip := range p.Ions {
				if slices.Contains([]string{"e" + ip.Name, ip.Name + "i", ip.Name + "o", "i" + ip.Name}, q) && p.UsesIon(node, ip.Name) {
					seg.Ref = q
				}
			}
		}
		s.Segments = append(s.Segments, seg)
	}
	return s
}

// segmentsCSV is the segments.csv Neurite writes beside its snapshots
// (sim/output): each column's segment, its centre, diameter, area, and
// the quantity and unit the snapshots hold.
func segmentsCSV(p *compartments.Plan) []byte {
	var b bytes.Buffer
	output.WriteSegments(&b, p.Layout()) // a bytes.Buffer takes every write
	return b.Bytes()
}
