package compartments_test

import (
	"context"
	"fmt"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/sim"
	"neurite/sim/spec"
)

// BenchmarkHayCell runs copies of the nmodl_hay_cell example's cell (Hay
// et al.'s eleven NMODL mechanisms, 49 compartments, its IClamp and
// synaptic events) for 100 ms and reports compartment-steps per second
// (`neurite bench hay --compare` times NEURON on the same cells).
func BenchmarkHayCell(b *testing.B) {
	m, err := spec.LoadFS(assets.FS, "models/nmodl_hay_cell.toml")
	if err != nil {
		b.Fatal(err)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		b.Fatal(err)
	}
	s.SnapshotInterval, s.SnapshotTimes = 0, nil
	for _, n := range []int{1, 8} {
		b.Run(fmt.Sprintf("cells=%d", n), func(b *testing.B) {
			cells := make([]*compartments.Cell, n)
			for i := range cells {
				cells[i] = cell
			}
			p, err := compartments.Build(cells, s)
			if err != nil {
				b.Fatal(err)
			}
			e := compartments.NewEngine(p)
			const tstop = 100.0
			for b.Loop() {
				e.Init()
				if err := e.Run(context.Background(), tstop, sim.Discard{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			rate := float64(p.Compartments()) * tstop / p.Dt * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "comp-steps/s")
		})
	}
}
