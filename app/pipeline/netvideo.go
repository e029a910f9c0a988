package pipeline

import (
	"context"
	"image"
	"math"

	"neurite/sim"
	"neurite/views"
)

// RenderNetworkVideo runs a network from t = 0 and writes its activity
// from o.From to o.To as a video at path (.mp4 or .gif): point neurons as
// squares at their positions (in a grid where the file places none), each
// coloured by its recent spiking (a trace that jumps to 1 at each spike
// and decays with the larger of 5 ms and a frame's model time); cable
// cells as the voltage heatmap of every cell where it stands.
func RenderNetworkVideo(ctx context.Context, n *Network, path string, o VideoOptions, progress func(float64)) error {
	tstop := n.Spec.Run.Tstop
	if n.Cable != nil {
		morph := views.NewMorphology(n.Cable.Frusta())
		eng := n.Sim.(interface{ SegmentVoltages() []float64 })
		return frames(ctx, path, o, n.Sim, n.Dt(), tstop, nil, progress, func(img *image.RGBA) {
			views.HeatmapFrame(img, morph, o.Camera, o.Style, eng.SegmentVoltages(), nil, n.Sim.Time())
		})
	}
	layout := views.NewActivity(n.positions())
	tau := math.Max(5, o.Speed/o.FPS)
	trace := &activityTrace{x: make([]float64, n.Neurons()), last: make([]float64, n.Neurons())}
	return frames(ctx, path, o, n.Sim, n.Dt(), tstop, trace, progress, func(img *image.RGBA) {
		t := n.Sim.Time()
		layout.Frame(img, trace.at(t, tau), o.Style.Map, t)
	})
}

// positions gives each neuron's place on the plane and whether the file
// placed it.
func (n *Network) positions() ([][2]float64, []bool) {
	pos, placed := make([][2]float64, n.Neurons()), make([]bool, n.Neurons())
	for _, p := range n.Pops {
		for j, q := range p.Pos {
			pos[p.First+j], placed[p.First+j] = [2]float64{q[0], q[1]}, true
		}
	}
	return pos, placed
}

// activityTrace is every neuron's last spike, for a decaying trace.
type activityTrace struct {
	sim.Discard
	x, last []float64
}

// Spikes notes each neuron's latest spike.
func (a *activityTrace) Spikes(spikes []sim.Spike) error {
	for _, s := range spikes {
		a.last[s.Cell] = s.T
		a.x[s.Cell] = 1
	}
	return nil
}

// at returns each neuron's trace at t: exp(−(t − last spike)/τ), 0 for a
// neuron that has not spiked.
func (a *activityTrace) at(t, tau float64) []float64 {
	out := make([]float64, len(a.x))
	for i, x := range a.x {
		if x > 0 {
			out[i] = math.Exp(-(t - a.last[i]) / tau)
		}
	}
	return out
}
