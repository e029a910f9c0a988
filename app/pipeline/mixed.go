package pipeline

import (
	"errors"
	"fmt"
	"strconv"

	"neurite/compartments"
	"neurite/gpu"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	gnet "neurite/gpu/network"
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
	cable interface{ SegmentVoltages() []float64 }
	point any // the point neurons' engine, if any
}

// SegmentVoltages returns v at every segment of the cable cells.
func (s *compositeSim) SegmentVoltages() []float64 { return s.cable.SegmentVoltages() }

// Close frees the engines' device buffers, where they have any.
func (s *compositeSim) Close() { gpu.Free(s.cable, s.point) }

// restartSim is a composite network on the GPU, rebuilt on the CPU
// should the device fail.
type restartSim struct{ *gpu.Restart }

// SegmentVoltages returns v at every segment of the cable cells, on the
// backend running now.
func (s restartSim) SegmentVoltages() []float64 {
	return s.Active().(*compositeSim).SegmentVoltages()
}

// partEngine is an engine that can run as a part of a composite.
type partEngine interface {
	Part() (sim.Backend, sim.Wiring)
}

// newComposite builds the engines of a composite network, with threads
// threads each (0: all cores): on the CPU engines; or with backend gpu
// the cable cells on the GPU's cable engine and the point neurons on
// gpu/network where it runs them (on the CPU engine otherwise), the
// whole run moving to the CPU from its start, nothing recorded lost or
// repeated, should the device fail. auto keeps it on the CPU. It returns
// the simulator, "cpu" or "gpu", and the note that says so.
func newComposite(m *netbuild.Model, backend string, threads int) (sim.Simulator, string, string, error) {
	if backend == "gpu" {
		dev, err := device.Shared()
		if err != nil {
			return nil, "", "", fmt.Errorf("%s: backend gpu: %w", m.Spec.File(), err)
		}
		g, err := cable.NewCable(dev, m.Cable)
		if err != nil {
			return nil, "", "", fmt.Errorf("%s: backend gpu: %w", m.Spec.File(), err)
		}
		what := "the cable cells on the GPU"
		var pe partEngine
		if m.Point != nil {
			opts := pointOptions(m, threads)
			gp, err := gnet.NewEngine(dev, m.Point, opts)
			switch {
			case err == nil:
				pe, what = gp, "the cable cells and the point neurons on the GPU"
			case errors.Is(err, gnet.ErrUnsupported):
				cpu, cerr := network.NewEngine(m.Point, opts)
				if cerr != nil {
					g.Close()
					return nil, "", "", fmt.Errorf("%s: %w", m.Spec.File(), cerr)
				}
				pe = cpu
				what += fmt.Sprintf(", the point neurons on the CPU (%v)", err)
			default:
				g.Close()
				return nil, "", "", fmt.Errorf("%s: backend gpu: %w", m.Spec.File(), err)
			}
		}
		cs, err := composite(m, pe, g)
		if err != nil {
			gpu.Free(g, pe)
			return nil, "", "", err
		}
		backup := func() (sim.Simulator, error) { return cpuComposite(m, threads) }
		r := gpu.NewRestart(cs, backup)
		// A restart begins again from the weights the run began with.
		var links [][]float64
		for _, pr := range m.Links.Projections {
			if pr.Plastic() {
				links = append(links, pr.W)
			}
		}
		r.Keep(gpu.KeepSlices(links...))
		if m.Point != nil {
			r.Keep(gpu.KeepSlices(gpu.PlasticWeights(m.Point)...))
		}
		return restartSim{r}, "gpu", fmt.Sprintf("backend: gpu (%s; %s)", dev.Info().Renderer, what), nil
	}
	cs, err := cpuComposite(m, threads)
	if err != nil {
		return nil, "", "", err
	}
	note := "CPU: point neurons and cable cells run together on the CPU engines"
	if backend != "cpu" {
		note += " (auto; --backend gpu puts them on the GPU)"
	}
	return cs, "cpu", note, nil
}

// pointOptions are the point neurons' engine options in a composite.
func pointOptions(m *netbuild.Model, threads int) network.Options {
	return network.Options{Workers: threads, RecordEvery: m.Spec.Record.Every, Probes: m.Probes}
}

// cpuComposite builds a composite network on the CPU engines.
func cpuComposite(m *netbuild.Model, threads int) (*compositeSim, error) {
	ce := compartments.NewEngine(m.Cable)
	if threads > 0 {
		ce.SetWorkers(threads)
	}
	var pe partEngine
	if m.Point != nil {
		e, err := network.NewEngine(m.Point, pointOptions(m, threads))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Spec.File(), err)
		}
		pe = e
	}
	return composite(m, pe, ce)
}

// cableEngine is a cable engine that can run as a part of a composite.
type cableEngine interface {
	partEngine
	SegmentVoltages() []float64
}

// composite joins the point neurons' engine, if any, and a cable engine
// under one driver.
func composite(m *netbuild.Model, pe partEngine, ce cableEngine) (*compositeSim, error) {
	var parts []sim.Part
	if pe != nil {
		b, w := pe.Part()
		parts = append(parts, sim.Part{Backend: b, Wiring: w, IDs: m.PointIDs})
	}
	b, w := ce.Part()
	parts = append(parts, sim.Part{Backend: b, Wiring: w, IDs: m.CableIDs})
	c, w, err := sim.NewComposite(parts, m.Links, m.Neurons())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Spec.File(), err)
	}
	return &compositeSim{Driver: sim.NewDriver(c, w), cable: ce, point: pe}, nil
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
