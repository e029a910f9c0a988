package netcon

import (
	"math"
	"testing"

	"neurite/sim"
	"neurite/sim/stdp"
)

// links is two projections at dt = 0.5 ms: from point neurons 0–1 onto
// slots 3 and 4 of part 0 (delays 2 and 5 steps), and from cable cell
// 2, whose spikes name the end of their step, onto slot 1 of part 1
// (delay 3 steps).
func links() *Links {
	point := &Projection{Name: "P", From: Range{First: 0, N: 2}, To: Range{First: 2, N: 1},
		Start: []int64{0, 1, 2}, Target: []uint32{0, 0}, Part: 0, Slot: []int32{3, 4},
		W: []float64{0.5, 0.25}, Delay: []int64{2, 5}}
	cable := &Projection{Name: "C", From: Range{First: 2, N: 1}, To: Range{First: 0, N: 2},
		Start: []int64{0, 1}, Target: []uint32{1}, Part: 1, Slot: []int32{1},
		W: []float64{2}, Delay: []int64{3}, Lag: 1}
	return New([]*Projection{point, cable}, 0.5)
}

// TestDelays: the driver's bounds count a cable source's lag (its spike
// names the end of the step it occurs in), so an epoch never outruns a
// delivery.
func TestDelays(t *testing.T) {
	l := links()
	if lo, hi := l.MinDelay(), l.MaxDelay(); lo != 2 || hi != 5 {
		t.Errorf("delays %d to %d steps, want 2 to 5", lo, hi)
	}
	l.Projections[0].Delay = []int64{4, 5}
	if lo := l.MinDelay(); lo != 4 {
		t.Errorf("with the point delays 4 and 5, the shortest is %d steps, want 4 (the cable link's 3 + its lag)", lo)
	}
}

// TestRoute: each spike's connections are queued at the step its Step
// names plus their delays, onto their parts' slots, with their weights.
func TestRoute(t *testing.T) {
	l := links()
	parts := []*sim.Queue{sim.NewQueue(5, 16), sim.NewQueue(2, 16)}
	// Neuron 1 at step 4; cable cell 2 crossing in step 5 (its NetCon time
	// the step's end, 3 ms).
	l.Route([]sim.Spike{{Cell: 1, T: 2, Step: 2}, {Cell: 2, T: 3, Step: 3}}, parts)
	for _, c := range []struct {
		part, slot int
		step       int64
		want       float64
	}{
		{0, 4, 4 + 5, 0.25},
		{1, 1, 6 + 3, 2},
	} {
		due := parts[c.part].Due(c.step)
		for slot, w := range due {
			want := 0.0
			if slot == c.slot {
				want = c.want
			}
			if w != want {
				t.Errorf("part %d, step %d, slot %d: %v queued, want %v", c.part, c.step, slot, w, want)
			}
		}
	}
}

// TestRouteLearns: a pre spike then a post spike potentiate the
// connection by the pre trace; the next spike of the source delivers the
// weight learnt, and Reset forgets the traces but not the weight.
func TestRouteLearns(t *testing.T) {
	l := links()
	pr := l.Projections[0]
	rule := &stdp.Rule{TauPlus: 10, TauMinus: 10, APlus: 0.1, AMinus: 0.1, WMax: 1}
	if err := pr.SetSTDP(rule); err != nil {
		t.Fatal(err)
	}
	parts := []*sim.Queue{sim.NewQueue(5, 64), sim.NewQueue(2, 64)}
	// Neuron 0 fires at 1 ms, the target (cable cell 2) at 6 ms.
	l.Route([]sim.Spike{{Cell: 0, T: 1, Step: 1}, {Cell: 2, T: 6, Step: 6}}, parts)
	want := 0.5 + 0.1*math.Exp(-5.0/10)*1
	if got := pr.Weight(0); math.Abs(got-want) > 1e-15 {
		t.Fatalf("after pre at 1 ms and post at 6 ms the weight is %v, want %v", got, want)
	}
	if got := parts[0].Due(2 + 2)[3]; got != 0.5 {
		t.Errorf("the first spike delivered %v, want the weight it had then, 0.5", got)
	}
	l.Route([]sim.Spike{{Cell: 0, T: 10, Step: 10}}, parts)
	depressed := rule.Move(want, -0.1*math.Exp(-4.0/10), false)
	if got := parts[0].Due(20 + 2)[3]; got != want {
		t.Errorf("the second spike delivered %v, want the weight learnt, %v", got, want)
	}
	if got := pr.Weight(0); got != depressed {
		t.Errorf("after the second pre spike the weight is %v, want %v (depressed by the post trace)", got, depressed)
	}
	l.Reset()
	l.Route([]sim.Spike{{Cell: 0, T: 1, Step: 1}}, parts)
	if got := pr.Weight(0); got != depressed {
		t.Errorf("after Reset a lone pre spike moved the weight to %v, want it kept at %v (no post trace)", got, depressed)
	}
}
