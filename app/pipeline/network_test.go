package pipeline

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"neurite/compartments/reftest"
)

// runExample runs an example network model into a temporary folder and
// returns its spikes.csv: neuron ids and t_step_ms.
func runExample(t *testing.T, name string) (ids, times []float64) {
	t.Helper()
	n, err := LoadNetwork(filepath.Join("..", "..", "assets", "models", name+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(n, "cpu", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := RunNetworkToDirectory(context.Background(), net, n.Run.Tstop, dir, nil); err != nil {
		t.Fatal(err)
	}
	tb := reftest.ReadFile(t, filepath.Join(dir, "spikes.csv"))
	return tb.Floats(t, "neuron_id"), tb.Floats(t, "t_step_ms")
}

// TestExampleNetworksMatchReferences: the shipped models brian_lif_net
// and hh_network_det, run as neurite run runs them, write the reference
// spikes: Brian2's step for step, NEURON's each within its tol_ms (in
// fact at its NetCon time).
func TestExampleNetworksMatchReferences(t *testing.T) {
	for _, c := range []struct {
		name, idCol, tCol string
		tol               func(ref *reftest.Table, k int) float64
	}{
		{"brian_lif_net", "neuron_id", "t_ms", func(*reftest.Table, int) float64 { return 1e-9 }},
		{"hh_network_det", "neuron_id", "t_netcon_ms", func(ref *reftest.Table, k int) float64 { return ref.Floats(t, "tol_ms")[k] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ids, times := runExample(t, c.name)
			ref := reftest.Read(t, c.name, "spikes.csv")
			rid, rt := ref.Floats(t, c.idCol), ref.Floats(t, c.tCol)
			got, want := map[int][]float64{}, map[int][]int{}
			for k := range ids {
				got[int(ids[k])] = append(got[int(ids[k])], times[k])
			}
			for k := range rid {
				want[int(rid[k])] = append(want[int(rid[k])], k)
			}
			if len(ids) != len(rid) {
				t.Errorf("%d spikes, the reference %d", len(ids), len(rid))
			}
			worst := 0.0
			for id, rows := range want {
				if len(got[id]) != len(rows) {
					t.Errorf("neuron %d: %d spikes, the reference %d", id, len(got[id]), len(rows))
					continue
				}
				for j, k := range rows {
					d := math.Abs(got[id][j] - rt[k])
					worst = max(worst, d)
					if d > c.tol(ref, k) {
						t.Errorf("neuron %d spike %d at %g ms, the reference %g ms", id, j, got[id][j], rt[k])
					}
				}
			}
			t.Logf("%s: %d spikes, largest difference %.3g ms", c.name, len(ids), worst)
		})
	}
}
