package compartments

import (
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
