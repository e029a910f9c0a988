package sim_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"neurite/sim"
)

// bridge passes the spikes of neuron from (an id of the whole) on to
// target 0 of part 1, delay steps later.
type bridge struct{ from, delay int64 }

func (b bridge) MinDelay() int64 { return b.delay }
func (b bridge) MaxDelay() int64 { return b.delay }
func (b bridge) Reset()          {}
func (b bridge) Route(spikes []sim.Spike, parts []*sim.Queue) {
	for _, s := range spikes {
		if int64(s.Cell) == b.from {
			parts[1].Add(0, int64(math.Round(s.Step/0.1))+b.delay, 1)
		}
	}
}

// TestCompositeIsOneModel: two chains of three neurons, joined end to
// start by a cross router, run as a composite exactly as one chain of six
// (spike steps and samples), whatever the parts' epochs and however the
// whole numbers their neurons.
func TestCompositeIsOneModel(t *testing.T) {
	const delay = 3
	for _, epochs := range [][2]int64{{1, 1}, {2, 7}, {1000, 5}} {
		for _, ids := range [][2][]int{{{0, 1, 2}, {3, 4, 5}}, {{0, 2, 4}, {1, 3, 5}}, {{5, 3, 1}, {0, 2, 4}}} {
			in := []sim.Input{{Step: 4, Target: 0, W: 1}}
			one := &chain{v: make([]float64, 6), epoch: 1000, every: 1}
			d := sim.NewDriver(one, sim.Wiring{Targets: 6, Inputs: in, Router: next{delay, 6}})
			d.Init()
			var want sim.Memory
			if err := d.Run(context.Background(), 3, &want, nil); err != nil {
				t.Fatal(err)
			}

			a := &chain{v: make([]float64, 3), epoch: epochs[0], every: 1}
			b := &chain{v: make([]float64, 3), epoch: epochs[1], every: 1}
			c, w, err := sim.NewComposite([]sim.Part{
				{Backend: a, Wiring: sim.Wiring{Targets: 3, Inputs: in, Router: next{delay, 3}}, IDs: ids[0]},
				{Backend: b, Wiring: sim.Wiring{Targets: 3, Router: next{delay, 3}}, IDs: ids[1]},
			}, bridge{from: int64(ids[0][2]), delay: delay}, 6)
			if err != nil {
				t.Fatal(err)
			}
			d = sim.NewDriver(c, w)
			d.Init()
			var got sim.Memory
			if err := d.Run(context.Background(), 3, &got, nil); err != nil {
				t.Fatal(err)
			}
			// Chain position k is neuron k of the one chain, ids[k/3][k%3]
			// of the composite.
			if len(got.SpikeList) != 6 || len(want.SpikeList) != 6 {
				t.Fatalf("epochs %v, ids %v: %d spikes, the one chain %d; want 6", epochs, ids, len(got.SpikeList), len(want.SpikeList))
			}
			for k, s := range want.SpikeList {
				g := got.SpikeList[slices.IndexFunc(got.SpikeList, func(x sim.Spike) bool { return x.Cell == ids[k/3][k%3] })]
				if g.Step != s.Step {
					t.Errorf("epochs %v, ids %v: position %d fires at %v ms, the one chain's at %v ms", epochs, ids, k, g.Step, s.Step)
				}
			}
			if !slices.EqualFunc(got.Values, want.Values, slices.Equal) {
				t.Errorf("epochs %v, ids %v: the samples differ from the one chain's", epochs, ids)
			}
		}
	}
}
