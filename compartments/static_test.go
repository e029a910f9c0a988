package compartments

import (
	"context"
	"slices"
	"testing"

	"neurite/sim"
)

// TestStaticNodesSameBits runs the ring network (passive dendrites whose
// tips, beyond the synapse, are static) with the static nodes' constants
// and again solving every node in full: the results must be identical to
// the bit, with either method.
func TestStaticNodesSameBits(t *testing.T) {
	for _, method := range []Method{BackwardEuler, CrankNicolson} {
		run := func(full bool) (*sim.Memory, []float64) {
			p, err := RingNetwork(Ring{Cells: 12, Size: 6}, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.5, Method: method})
			if err != nil {
				t.Fatal(err)
			}
			e := NewEngine(p)
			static := 0
			for _, g := range e.groups {
				for i := range g.static {
					if g.static[i] {
						static++
					}
					if full {
						g.static[i] = false
					}
				}
			}
			if static == 0 {
				t.Fatal("no static node in the ring's cells")
			}
			e.Init()
			rec := &sim.Memory{}
			if err := e.Run(context.Background(), 60, rec, nil); err != nil {
				t.Fatal(err)
			}
			return rec, e.SegmentVoltages()
		}
		fast, fastV := run(false)
		full, fullV := run(true)
		if len(fast.SpikeList) < 6 {
			t.Fatalf("%s: only %d spikes", method, len(fast.SpikeList))
		}
		if !slices.Equal(fast.SpikeList, full.SpikeList) || !slices.Equal(fastV, fullV) {
			t.Errorf("%s: static constants change the results: %d spikes against %d", method, len(fast.SpikeList), len(full.SpikeList))
		}
		for k := range fast.Values {
			if !slices.Equal(fast.Values[k], full.Values[k]) {
				t.Fatalf("%s: probes differ at t = %g", method, fast.T[k])
			}
		}
	}
}
