package reftest

import (
	"math"
	"strconv"
	"testing"

	"neurite/sim"
)

// CompareNetworkSpikes holds a network's spikes to the reference case
// hh_network_det (case.md): every cell fires exactly the reference's
// number of spikes, and each spike's NetCon time (the end of its step)
// lies within its tol_ms of t_netcon_ms. It logs the largest deviation.
func CompareNetworkSpikes(t *testing.T, got []sim.Spike) {
	t.Helper()
	ref := Read(t, "hh_network_det", "spikes.csv")
	ids := ref.Floats(t, "neuron_id")
	tNet, tol := ref.Floats(t, "t_netcon_ms"), ref.Floats(t, "tol_ms")
	// The reference's spikes of each cell, in time order.
	want := map[int][]int{}
	for k, id := range ids {
		want[int(id)] = append(want[int(id)], k)
	}
	have := map[int][]sim.Spike{}
	for _, s := range got {
		have[s.Cell] = append(have[s.Cell], s)
	}
	for cell := range max(len(want), len(have)) {
		if len(have[cell]) != len(want[cell]) {
			t.Errorf("cell %d fires %d spikes, NEURON %d", cell, len(have[cell]), len(want[cell]))
		}
	}
	if t.Failed() {
		t.Fatalf("%d spikes in all, NEURON %d", len(got), len(ids))
	}
	worst, worstRatio, exact := 0.0, 0.0, 0
	for cell, ks := range want {
		for j, k := range ks {
			s := have[cell][j]
			d := math.Abs(s.Step - tNet[k])
			if d < 1e-9 {
				exact++
			}
			worst, worstRatio = math.Max(worst, d), math.Max(worstRatio, d/tol[k])
			if d > tol[k] {
				t.Errorf("cell %d spike %d at %s ms, NEURON %s ms: %.3g ms apart, tolerance %g ms",
					cell, j+1, strconv.FormatFloat(s.Step, 'f', 4, 64), strconv.FormatFloat(tNet[k], 'f', 4, 64), d, tol[k])
			}
		}
	}
	t.Logf("%d spikes, each cell's count as NEURON's; %d at NEURON's step exactly; max |Δt_netcon| = %.3g ms (%.0f%% of that spike's tolerance at worst)",
		len(got), exact, worst, 100*worstRatio)
}
