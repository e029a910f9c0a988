package pipeline

import (
	"context"
	"image"
	"math"
	"slices"

	"neurite/sim"
	"neurite/views"
)

// RenderNetworkVideo runs a network from t = 0 and writes its activity
// from o.From to o.To as a video at path (.mp4 or .gif): point neurons as
// squares at their positions (in a grid where the file places none), each
// coloured by its recent spiking (a trace that jumps to 1 at each spike
// and decays with the larger of 5 ms and a frame's model time); a
// network with cable cells as the voltage heatmap of every cell where it
// stands (CellLayout), its point neurons, if any, not shown.
func RenderNetworkVideo(ctx context.Context, n *Network, path string, o VideoOptions, progress func(float64)) error {
	tstop := n.Spec.Run.Tstop
	if n.Cable != nil {
		frusta, _ := n.CellLayout()
		morph := views.NewMorphology(frusta)
		eng := n.Sim.(interface{ SegmentVoltages() []float64 })
		return frames(ctx, path, o, n.Sim, n.Dt(), tstop, nil, progress, func(img *image.RGBA) {
			views.HeatmapFrame(img, morph, o.Camera, o.Style, eng.SegmentVoltages(), nil, n.Sim.Time())
		})
	}
	pos, placed := n.Positions()
	var pops []views.Population
	for i, p := range n.Pops {
		pops = append(pops, views.Population{Name: p.Name, Start: p.First, End: p.First + p.N, Color: views.ProbeColor(i)})
	}
	layout := views.NewActivity(pos, placed, pops)
	tau := math.Max(views.RecencyTau, o.Speed/o.FPS)
	layout.Tau = tau
	trace := &activityTrace{last: make([]float64, n.Neurons())}
	for i := range trace.last {
		trace.last[i] = math.Inf(-1)
	}
	return frames(ctx, path, o, n.Sim, n.Dt(), tstop, trace, progress, func(img *image.RGBA) {
		t := n.Sim.Time()
		layout.Frame(img, views.Recency(trace.last, t, tau), o.Style.Map, t)
	})
}

// Positions gives each neuron's place on the plane and whether the file
// placed it, for views.NewActivity.
func (n *Network) Positions() ([][2]float64, []bool) {
	pos, placed := make([][2]float64, n.Neurons()), make([]bool, n.Neurons())
	for _, p := range n.Pops {
		for j, q := range p.Pos {
			pos[p.First+j], placed[p.First+j] = [2]float64{q[0], q[1]}, true
		}
	}
	return pos, placed
}

// activityTrace is every neuron's last spike (−∞ before its first).
type activityTrace struct {
	sim.Discard
	last []float64
}

// Spikes notes each neuron's latest spike.
func (a *activityTrace) Spikes(spikes []sim.Spike) error {
	for _, s := range spikes {
		a.last[s.Cell] = s.T
	}
	return nil
}

// CellLayout returns the frusta of every cable cell where the views draw
// it, and where each cell's segments start (firstSeg[c] to firstSeg[c+1]
// are cell c's, in the order of SegmentVoltages). A cell the file places
// stands at its position; the others, which would all stand at one spot,
// are set out on a grid in the x–y plane beside the placed ones, in a
// block about as tall as it is wide.
func (n *Network) CellLayout() (frusta []sim.Frustum, firstSeg []int) {
	plan := n.Cable
	firstSeg = make([]int, len(plan.Cells)+1)
	for c := range plan.Cells {
		segs := 0
		for _, nodes := range plan.Cells[c].SegNodes {
			segs += len(nodes)
		}
		firstSeg[c+1] = firstSeg[c] + segs
	}
	frusta = plan.Frusta()
	placed := make([]bool, len(plan.Cells))
	for _, p := range n.Pops {
		for j := range p.Pos {
			if c, ok := n.CableCell(p.First + j); ok {
				placed[c] = true
			}
		}
	}
	// Each cell's frusta and bounding box in the x–y plane (its cables'
	// radii included).
	start := make([]int, len(plan.Cells)+1) // frusta[start[c]:start[c+1]] are cell c's
	lo, hi := make([][2]float64, len(plan.Cells)), make([][2]float64, len(plan.Cells))
	for c := range lo {
		lo[c], hi[c] = [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	}
	c := 0
	for i, f := range frusta {
		for f.Segment >= firstSeg[c+1] {
			c++
			start[c] = i
		}
		for _, e := range []struct {
			p [3]float64
			r float64
		}{{f.A, f.DA / 2}, {f.B, f.DB / 2}} {
			lo[c] = [2]float64{min(lo[c][0], e.p[0]-e.r), min(lo[c][1], e.p[1]-e.r)}
			hi[c] = [2]float64{max(hi[c][0], e.p[0]+e.r), max(hi[c][1], e.p[1]+e.r)}
		}
	}
	for c++; c <= len(plan.Cells); c++ {
		start[c] = len(frusta)
	}
	var free []int
	sx, sy, right := 0.0, 0.0, math.Inf(-1)
	for c := range plan.Cells {
		if placed[c] {
			right = max(right, hi[c][0])
			continue
		}
		free = append(free, c)
		sx, sy = max(sx, hi[c][0]-lo[c][0]), max(sy, hi[c][1]-lo[c][1])
	}
	if len(free) == 0 {
		return frusta, firstSeg
	}
	// A gap of a fifth of a cell, at least 10 µm, between neighbours.
	sx, sy = sx+max(sx/5, 10), sy+max(sy/5, 10)
	cols := max(1, int(math.Ceil(math.Sqrt(float64(len(free))*sy/sx))))
	x0 := 0.0
	if !math.IsInf(right, -1) {
		x0 = right + sx/2
	}
	for k, c := range free {
		dx, dy := x0+float64(k%cols)*sx-lo[c][0], -float64(k/cols)*sy-lo[c][1]
		for i := start[c]; i < start[c+1]; i++ {
			f := &frusta[i]
			f.A[0], f.A[1], f.B[0], f.B[1] = f.A[0]+dx, f.A[1]+dy, f.B[0]+dx, f.B[1]+dy
		}
	}
	return frusta, firstSeg
}

// CableCell returns the cable cell (its index in Cable's cells) that is
// neuron id of the network, and whether id is a cable cell: in a network
// of both kinds the two numberings differ.
func (n *Network) CableCell(id int) (int, bool) {
	if n.Cable == nil {
		return 0, false
	}
	if n.CableIDs == nil { // cable cells alone: the same numbering
		return id, id >= 0 && id < len(n.Cable.Cells)
	}
	return slices.BinarySearch(n.CableIDs, id)
}

// CellNeuron returns the network's id of cable cell c.
func (n *Network) CellNeuron(c int) int {
	if n.CableIDs == nil {
		return c
	}
	return n.CableIDs[c]
}
