package cable

import (
	"strings"
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
// NMODL mechanisms (nmodl_hay_cell) run in double precision.
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
			}, "nmodl_kinetics_point")
		})
	}
	// Point processes are the CPU engine's for now: the GPU refuses them,
	// naming them, and auto keeps such a cell on the CPU.
	p, _ := refrun.ExamplePlan(t, "nmodl_kinetics_point", false)
	if _, err := NewCable(dev, p); err == nil || !strings.Contains(err.Error(), "point processes") || !strings.Contains(err.Error(), "AMPA_S") {
		t.Errorf("nmodl_kinetics_point on the GPU: %v, want a refusal naming its point process", err)
	}
}
