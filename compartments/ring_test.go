package compartments

import (
	"context"
	"testing"

	"neurite/sim"
)

// TestRingMatchesNEURON runs the ring benchmark's network for 1 s: the
// spikes NEURON 8.2 counts (../shared/peers/RESULTS.md: 48,700 in 100
// rings of 10, 493 in one ring of 100), the activity passing from each
// cell to the next in its ring.
func TestRingMatchesNEURON(t *testing.T) {
	for _, c := range []struct {
		ring   Ring
		spikes int
	}{{Ring{Cells: 10}, 487}, {Ring{Cells: 100}, 493}} {
		p, err := RingNetwork(c.ring, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 1})
		if err != nil {
			t.Fatal(err)
		}
		e := NewEngine(p)
		e.Init()
		rec := &sim.Memory{}
		if err := e.Run(context.Background(), 1000, rec, nil); err != nil {
			t.Fatal(err)
		}
		if len(rec.SpikeList) != c.spikes {
			t.Errorf("ring of %d: %d spikes, NEURON %d", c.ring.Cells, len(rec.SpikeList), c.spikes)
		}
		for k, s := range rec.SpikeList {
			if s.Cell != k%c.ring.Cells {
				t.Fatalf("ring of %d: spike %d is cell %d's, not cell %d's", c.ring.Cells, k, s.Cell, k%c.ring.Cells)
			}
		}
	}
}

func TestRingRefusesBadSizes(t *testing.T) {
	for _, r := range []Ring{{Cells: 0}, {Cells: 10, Size: 3}, {Cells: 10, NsegDend: -1}} {
		if _, err := RingNetwork(r, Settings{Dt: 0.025, RecordInterval: 1}); err == nil {
			t.Errorf("%+v: no error", r)
		} else {
			t.Logf("%+v: %v", r, err)
		}
	}
}
