package compartments

import (
	"cmp"
	"context"
	"fmt"
	"testing"

	"neurite/sim"
)

// BenchmarkCable runs the peers' NEURON cable benchmark model for 10 ms and
// reports compartment-steps per second (compare: NEURON 8.2, one thread,
// 1.0–1.5e7 on this class of machine; ../shared/peers/RESULTS.md).
func BenchmarkCable(b *testing.B) {
	for _, size := range []struct{ cells, nseg int }{{1, 250}, {10, 250}, {100, 250}, {1, 25000}} {
		b.Run(fmt.Sprintf("cells=%d/nseg=%d", size.cells, size.nseg), func(b *testing.B) {
			cells, err := BenchmarkCells(size.cells, size.nseg, 0.5)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Build(cells, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025})
			if err != nil {
				b.Fatal(err)
			}
			e := NewEngine(p)
			const tstop = 10.0
			steps := tstop / p.Dt
			for b.Loop() {
				e.Init()
				if err := e.Run(context.Background(), tstop, sim.Discard{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			rate := float64(p.Compartments()) * steps * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "comp-steps/s")
		})
	}
}

// spikeCounter counts spikes and keeps nothing else.
type spikeCounter struct {
	sim.Discard
	n int
}

func (c *spikeCounter) Spikes(s []sim.Spike) error { c.n += len(s); return nil }

// BenchmarkRing runs the ring network of the peers' neuron_ring.py for
// 100 ms and reports events delivered per second (each spike reaches one
// synapse) and compartment-steps per second (compare: NEURON 8.2, one
// thread, 1000 ms: 5.5e3 events/s and 5.4e7 c-s/s for 100 rings of 10;
// ../shared/peers/RESULTS.md).
func BenchmarkRing(b *testing.B) {
	for _, r := range []Ring{{Cells: 100}, {Cells: 1000, Size: 10}} {
		b.Run(fmt.Sprintf("cells=%d/ring=%d", r.Cells, cmp.Or(r.Size, r.Cells)), func(b *testing.B) {
			p, err := RingNetwork(r, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 1})
			if err != nil {
				b.Fatal(err)
			}
			e := NewEngine(p)
			const tstop = 100.0
			rec := &spikeCounter{}
			for b.Loop() {
				e.Init()
				if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
					b.Fatal(err)
				}
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(rec.n)/s, "events/s")
			b.ReportMetric(float64(p.Compartments())*tstop/p.Dt*float64(b.N)/s, "comp-steps/s")
		})
	}
}
