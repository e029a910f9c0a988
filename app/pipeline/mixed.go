package pipeline

import (
	"fmt"
	"strconv"

	"neurite/compartments"
	"neurite/sim"
	"neurite/sim/netbuild"
	"neurite/sim/netcon"
	"neurite/sim/network"
)

// compositeSim runs a network's point neurons and cable cells (or cable
// cells whose projections learn) as one: a driver advancing both engines
// over the same epochs, spikes exchanged between them at each epoch's
// end.
type compositeSim struct {
	*sim.Driver
	cable *compartments.Engine
}

// SegmentVoltages returns v at every segment of the cable cells.
func (s *compositeSim) SegmentVoltages() []float64 { return s.cable.SegmentVoltages() }

// newComposite builds the engines of a composite network on the CPU, with
// threads threads each (0: all cores).
func newComposite(m *netbuild.Model, backend string, threads int) (*compositeSim, error) {
	n := m.Spec
	if backend == "gpu" {
		return nil, fmt.Errorf("%s: a network of point neurons and cable cells, or of cable cells that learn, runs on the CPU (use backend cpu or auto)", n.File())
	}
	var parts []sim.Part
	if m.Point != nil {
		e, err := network.NewEngine(m.Point, network.Options{Workers: threads, RecordEvery: n.Record.Every, Probes: m.Probes})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.File(), err)
		}
		b, w := e.Part()
		parts = append(parts, sim.Part{Backend: b, Wiring: w, IDs: m.PointIDs})
	}
	ce := compartments.NewEngine(m.Cable)
	if threads > 0 {
		ce.SetWorkers(threads)
	}
	b, w := ce.Part()
	parts = append(parts, sim.Part{Backend: b, Wiring: w, IDs: m.CableIDs})
	c, w, err := sim.NewComposite(parts, m.Links, m.Neurons())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.File(), err)
	}
	return &compositeSim{Driver: sim.NewDriver(c, w), cable: ce}, nil
}

// weighted is a projection whose weights weights.csv records.
type weighted interface {
	Synapses() int64
	weightText(s int64) string
}

// pointWeights are a point network's weights (float32).
type pointWeights struct{ *network.Projection }

func (p pointWeights) weightText(s int64) string {
	return strconv.FormatFloat(float64(p.Weight(s)), 'g', -1, 32)
}

// linkWeights are a composite network's links' weights (float64).
type linkWeights struct{ *netcon.Projection }

func (p linkWeights) weightText(s int64) string { return strconv.FormatFloat(p.Weight(s), 'g', -1, 64) }

// projection returns the projection named whose weights can be recorded:
// a point network's or a link's; nil for a projection between cable
// cells that does not learn.
func (n *Network) projection(name string) weighted {
	if n.Point != nil {
		for _, p := range n.Point.Projections {
			if p.Name == name {
				return pointWeights{p}
			}
		}
	}
	if n.Links != nil {
		for _, p := range n.Links.Projections {
			if p.Name == name {
				return linkWeights{p}
			}
		}
	}
	return nil
}
