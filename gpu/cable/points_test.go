package cable

import (
	"math"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
)

// TestPointsAgainstCPU runs nmodl_kinetics_point (a KINETIC Markov Na
// channel and the AMPA_S point process, whose NET_RECEIVE takes two
// NetCons' events and its own net_send self-events) on the device in
// both layouts against the CPU engine: every record, the synapse's
// states among them, within 1e-6 of its range, and the spikes.
func TestPointsAgainstCPU(t *testing.T) {
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			var tstop float64
			build := func() *compartments.Plan {
				p, ts := refrun.ExamplePlan(t, "nmodl_kinetics_point", false)
				tstop = ts
				return p
			}
			build()
			cpu, gpu, g, err := runBoth(t, build, tstop, layout, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range g.Plan().ProbeNames() {
				worst, scale, at := 0.0, 0.0, 0.0
				for k := range cpu.T {
					if d := math.Abs(cpu.Values[k][i] - gpu.Values[k][i]); d > worst {
						worst, at = d, cpu.T[k]
					}
					scale = math.Max(scale, math.Abs(cpu.Values[k][i]))
				}
				t.Logf("%s: max |Δ| %.3g of a range %.3g (t = %g)", name, worst, scale, at)
			}
			compare(t, cpu, gpu, 1e-5, 1e-7)
		})
	}
}
