package cable

import (
	"slices"
	"testing"

	"neurite/compartments"
	"neurite/sim"
)

// ringEpoch is an engine's event bookkeeping for the ring network of
// cells cells in rings of 10 (no device), and an epoch of a NetCon delay
// (1 ms, 40 steps) whose queue holds an input to every tenth synapse.
func ringEpoch(tb testing.TB, cells int) (*Cable, *sim.Epoch, func(from int64)) {
	p, err := compartments.RingNetwork(compartments.Ring{Cells: cells, Size: 10}, compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 1})
	if err != nil {
		tb.Fatal(err)
	}
	e := &Cable{plan: p, evSteps: make([][]int, len(p.Cells))}
	for _, sy := range p.Syns {
		e.synCell = append(e.synCell, sy.Cell)
	}
	q := sim.NewQueue(len(p.Syns), 41)
	// fill queues the inputs of the epoch from step from on.
	fill := func(from int64) {
		for k := 0; k < len(p.Syns); k += 10 {
			q.Add(k, from+int64(k%40), 0.01)
		}
	}
	return e, &sim.Epoch{From: 0, To: 40, Inputs: q}, fill
}

// TestEpochEventsTakesQueued: the epoch's event list holds every queued
// input once, grouped by cell, by step then synapse within a cell, with
// the synapse's factors, and leaves the queue empty.
func TestEpochEventsTakesQueued(t *testing.T) {
	e, ep, fill := ringEpoch(t, 100)
	fill(0)
	ep.Inputs.Add(30, 30, 0.5) // a second input to a synapse at its step: one event
	ep.Inputs.Add(31, 5, 0.5)
	ep.Inputs.Add(31, 5, -0.5) // inputs that cancel: no event
	ew, starts := e.epochEvents(ep)
	p := e.plan
	var got [][2]int
	for ci := range p.Cells {
		var steps []int
		for j := starts[ci]; j < starts[ci+1]; j++ {
			step, k := int(int32(ew[4*j])), int(int32(ew[4*j+1]))
			if e.synCell[k] != int32(ci) {
				t.Errorf("event %d of cell %d is synapse %d's, of cell %d", j, ci, k, e.synCell[k])
			}
			steps = append(steps, step)
			got = append(got, [2]int{k, step})
		}
		if !slices.IsSorted(steps) || !slices.Equal(steps, e.evSteps[ci]) {
			t.Errorf("cell %d: steps %v, noted %v", ci, steps, e.evSteps[ci])
		}
	}
	var want [][2]int
	for k := 0; k < len(p.Syns); k += 10 {
		want = append(want, [2]int{k, k % 40})
	}
	slices.SortFunc(got, func(a, b [2]int) int { return a[0] - b[0] })
	if !slices.Equal(got, want) {
		t.Errorf("events (synapse, step) %v, want %v", got, want)
	}
	for step := range int64(40) {
		if due := ep.Inputs.Due(step); slices.ContainsFunc(due, func(w float64) bool { return w != 0 }) {
			t.Fatalf("step %d: inputs left in the queue", step)
		}
	}
}

// BenchmarkEpochEvents times the collection of an epoch's events for the
// ring network of 1000 cells (100 rings of 10), 1000 synapses, 100 events.
func BenchmarkEpochEvents(b *testing.B) {
	e, ep, fill := ringEpoch(b, 1000)
	for b.Loop() {
		fill(ep.From)
		e.epochEvents(ep)
		ep.From, ep.To = ep.To, ep.To+40
	}
}
