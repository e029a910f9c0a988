package cable

import (
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/gpu/device/devicetest"
)

// TestReference runs every NEURON reference case on the GPU engine, in
// both layouts, at the cases' own tolerances: the voltages and the tree
// solve are in double precision, and the single-precision channel kinetics
// move spike times by about 2e-5 ms and traces by at most 0.01 mV against
// the CPU engine (see TestAgainstCPU), well inside every tolerance. The
// NMODL mechanisms (nmodl_hay_cell, nmodl_kinetics_point with its point
// process's events and self-events) run in double precision.
func TestReference(t *testing.T) {
	dev := devicetest.Shared(t)
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			refrun.Run(t, func(t *testing.T, p *compartments.Plan) compartments.Simulator {
				e, err := NewCableLayout(dev, p, layout)
				if err != nil {
					t.Fatal(err)
				}
				if e.Layout() != layout {
					t.Fatalf("asked for %s, got %s", layout, e.Layout())
				}
				t.Cleanup(e.Close)
				return e
			})
		})
	}
}
