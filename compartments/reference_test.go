package compartments

import (
	"context"
	"math"
	"strings"
	"testing"

	"neurite/assets"
	"neurite/sim"
	"neurite/sim/spec"
)

// runExample runs an embedded example model with the given method and
// returns what it recorded; edits, if any, change the model first.
func runExample(t *testing.T, name string, method Method, edits ...func(*spec.Model)) (*Plan, *sim.Memory) {
	t.Helper()
	m, err := spec.LoadFS(assets.FS, "models/"+name+".toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range edits {
		edit(m)
	}
	cell, s, err := FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	s.Method = method
	p, err := Build([]*Cell{cell}, s)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), *m.Run.Tstop, rec, nil); err != nil {
		t.Fatal(err)
	}
	return p, rec
}

// probe returns the recorded trace of the named probe.
func probe(t *testing.T, p *Plan, rec *sim.Memory, name string) []float64 {
	t.Helper()
	for i, pr := range p.Probes {
		if pr.Name == name {
			return rec.Column(i)
		}
	}
	t.Fatalf("no probe %q", name)
	return nil
}

func rms(a, b []float64) float64 {
	s := 0.0
	for i := range b {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(b)))
}

func maxAbs(a, b []float64) float64 {
	m := 0.0
	for i := range b {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// compareSpikes checks spike count and the largest time difference.
func compareSpikes(t *testing.T, got []sim.Spike, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d spikes, reference %d: %v", len(got), len(want), got)
	}
	worst := 0.0
	for i, s := range got {
		worst = math.Max(worst, math.Abs(s.T-want[i]))
	}
	t.Logf("%d spikes, max |Δt| = %.2g ms (tolerance %g)", len(got), worst, tol)
	if worst > tol {
		t.Errorf("spike times differ by up to %.3g ms, tolerance %g", worst, tol)
	}
}

// checkTrace compares one trace with a reference column by RMS and max.
func checkTrace(t *testing.T, what string, got, want []float64, rmsTol, maxTol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, reference %d", what, len(got), len(want))
	}
	r, m := rms(got, want), maxAbs(got, want)
	t.Logf("%s: RMS %.2g, max %.2g (tolerances %g, %g)", what, r, m, rmsTol, maxTol)
	if r > rmsTol || m > maxTol {
		t.Errorf("%s: RMS %.3g, max %.3g; tolerances %g, %g", what, r, m, rmsTol, maxTol)
	}
}

// The tolerances below are those of each case.md: "same scheme" for
// backward Euler, "any convergent scheme" for Crank–Nicolson.

func TestReferenceHHSingle(t *testing.T) {
	p, rec := runExample(t, "hh_single", BackwardEuler)
	ref := readTable(t, "hh_single", "traces.csv")
	checkTrace(t, "v (mV)", probe(t, p, rec, "v"), ref.floats(t, "v_mV"), 0.1, math.Inf(1))
	for _, g := range []string{"m", "h", "n"} {
		checkTrace(t, g, probe(t, p, rec, g), ref.floats(t, g), 1e-3, math.Inf(1))
	}
	checkTrace(t, "i_stim (nA)", probe(t, p, rec, "i_stim"), ref.floats(t, "i_stim_nA"), 0, 0)
	compareSpikes(t, rec.SpikeList, readTable(t, "hh_single", "spikes.csv").floats(t, "t_ms"), 0.01)
}

func TestReferenceHHSingleCrankNicolson(t *testing.T) {
	_, rec := runExample(t, "hh_single", CrankNicolson)
	compareSpikes(t, rec.SpikeList, readTable(t, "hh_single", "spikes.csv").floats(t, "t_ms"), 0.5)
	// Second order in v, Crank–Nicolson lands closer to NEURON's converged
	// (dt = 0.003125 ms) spike times than backward Euler at the same dt.
	fine := readTable(t, "hh_single", "dt_study.csv").floats(t, "t_dt0.003125_ms")
	compareSpikes(t, rec.SpikeList, fine, 0.15)
}

func TestReferencePassiveCable(t *testing.T) {
	for _, method := range []Method{BackwardEuler, CrankNicolson} {
		t.Run(method.String(), func(t *testing.T) {
			p, rec := runExample(t, "passive_cable", method)
			ref := readTable(t, "passive_cable", "traces.csv")
			analytic := readTable(t, "passive_cable", "analytic.csv")
			for _, x := range [][2]string{{"0", "0.0"}, {"0.25", "0.25"}, {"0.5", "0.5"}, {"0.75", "0.75"}, {"1", "1.0"}} {
				got := probe(t, p, rec, "v"+x[0])
				col := "v_x" + x[1] + "_mV"
				if method == BackwardEuler {
					checkTrace(t, "same scheme, x = "+x[0], got, ref.floats(t, col), math.Inf(1), 1e-3)
				}
				tol := 0.03
				if x[0] == "0" {
					tol = 0.1
				}
				checkTrace(t, "analytic, x = "+x[0], got, analytic.floats(t, col), math.Inf(1), tol)
			}
			// Steady state at t = 150 ms against the analytic solution at
			// every segment centre (steady_state.csv lists all nodes).
			ss := readTable(t, "passive_cable", "steady_state.csv")
			xs, want := ss.floats(t, "x"), ss.floats(t, "v_analytic_ss_mV")
			last := rec.Snaps[len(rec.Snaps)-1]
			if rec.SnapT[len(rec.SnapT)-1] != 150 {
				t.Fatalf("last snapshot at %v ms", rec.SnapT[len(rec.SnapT)-1])
			}
			worst := 0.0
			for k, node := range p.Segments {
				x := float64(p.Nodes[node].X)
				j := nearest(xs, x)
				u, uRef := float64(last[k])+65, want[j]+65
				worst = math.Max(worst, math.Abs(u-uRef)/uRef)
			}
			t.Logf("steady state: max relative error %.2g (tolerance 1e-4; float32 snapshots)", worst)
			if worst > 1e-4 {
				t.Errorf("steady state relative error %.3g > 1e-4", worst)
			}
		})
	}
}

func nearest(xs []float64, x float64) int {
	best := 0
	for i := range xs {
		if math.Abs(xs[i]-x) < math.Abs(xs[best]-x) {
			best = i
		}
	}
	return best
}

func TestReferenceBallAndStick(t *testing.T) {
	p, rec := runExample(t, "ball_and_stick", BackwardEuler)
	ref := readTable(t, "ball_and_stick", "traces.csv")
	checkTrace(t, "soma v", probe(t, p, rec, "v_soma"), ref.floats(t, "v_soma_mV"), 0.2, math.Inf(1))
	for _, c := range []string{"dend0.5", "dend0.9", "dend1.0"} {
		checkTrace(t, c+" v", probe(t, p, rec, "v_"+c), ref.floats(t, "v_"+c+"_mV"), 0.05, math.Inf(1))
	}
	for _, s := range []string{"exc_d09", "exc2_d07", "inh_d03"} {
		checkTrace(t, s+" i (nA)", probe(t, p, rec, "i_"+s), ref.floats(t, "i_"+s+"_nA"), 1e-4, math.Inf(1))
	}
	compareSpikes(t, rec.SpikeList, readTable(t, "ball_and_stick", "spikes.csv").floats(t, "t_ms"), 0.01)
}

func TestReferenceBallAndStickCrankNicolson(t *testing.T) {
	p, rec := runExample(t, "ball_and_stick", CrankNicolson)
	ref := readTable(t, "ball_and_stick", "traces.csv")
	checkTrace(t, "soma v", probe(t, p, rec, "v_soma"), ref.floats(t, "v_soma_mV"), 1.5, math.Inf(1))
	checkTrace(t, "dend0.9 v", probe(t, p, rec, "v_dend0.9"), ref.floats(t, "v_dend0.9_mV"), 0.3, math.Inf(1))
	compareSpikes(t, rec.SpikeList, readTable(t, "ball_and_stick", "spikes.csv").floats(t, "t_ms"), 0.1)
}

func TestReferenceSWCCellA(t *testing.T) {
	p, rec := runExample(t, "swc_cell_A", BackwardEuler)
	if p.Compartments() != 626 {
		t.Errorf("%d compartments, NEURON 626", p.Compartments())
	}
	ref := readTable(t, "swc_cell_A", "traces.csv")
	for _, col := range ref.header[1:] {
		name := strings.TrimSuffix(col, "_mV")
		tol := 0.05
		if strings.HasPrefix(name, "v_soma") {
			tol = 0.5
		}
		checkTrace(t, name, probe(t, p, rec, name), ref.floats(t, col), tol, math.Inf(1))
	}
	compareSpikes(t, rec.SpikeList, readTable(t, "swc_cell_A", "spikes.csv").floats(t, "t_ms"), 0.05)
	heat := readTable(t, "swc_cell_A", "heatmap.csv")
	for _, c := range []struct {
		t   float64
		tol float64
	}{{9, 0.1}, {11.25, 1}, {13, 1}, {60, 1}, {125, 0.1}} {
		k := nearest(rec.SnapT, c.t)
		if rec.SnapT[k] != c.t {
			t.Fatalf("no snapshot at %v ms", c.t)
		}
		want := heat.floats(t, "v_t"+formatX(c.t)+"_mV")
		got := make([]float64, len(rec.Snaps[k]))
		for j, v := range rec.Snaps[k] {
			got[j] = float64(v)
		}
		checkTrace(t, "heatmap at "+formatX(c.t)+" ms", got, want, math.Inf(1), c.tol)
	}
}

// The cases below were made for Neurite with NEURON 8.2.2 by
// testdata/reference/extra/make.py.

// TestReferenceCelsius runs hh at 18.5 °C, where hh.mod's Q10 of 3 speeds
// the rates 3.76-fold, at the same-scheme tolerances of hh_single.
func TestReferenceCelsius(t *testing.T) {
	p, rec := runExample(t, "hh_single", BackwardEuler, func(m *spec.Model) {
		celsius, amp := 18.5, 0.25
		m.Run.Celsius, m.IClamps[0].Amp = &celsius, &amp
	})
	ref := readTable(t, "extra", "celsius_traces.csv")
	checkTrace(t, "v (mV)", probe(t, p, rec, "v"), ref.floats(t, "v_mV"), 0.1, math.Inf(1))
	checkTrace(t, "n", probe(t, p, rec, "n"), ref.floats(t, "n"), 1e-3, math.Inf(1))
	compareSpikes(t, rec.SpikeList, readTable(t, "extra", "celsius_spikes.csv").floats(t, "t_ms"), 0.01)
}

// TestReferenceCrankNicolsonSameScheme compares Crank–Nicolson with
// NEURON's secondorder = 2 at the same-scheme tolerances (the two differ
// only at zero-area nodes, which no trace here records).
func TestReferenceCrankNicolsonSameScheme(t *testing.T) {
	p, rec := runExample(t, "hh_single", CrankNicolson)
	checkTrace(t, "hh v (mV)", probe(t, p, rec, "v"), readTable(t, "extra", "cn_hh_traces.csv").floats(t, "v_mV"), 0.1, math.Inf(1))
	compareSpikes(t, rec.SpikeList, readTable(t, "extra", "cn_hh_spikes.csv").floats(t, "t_ms"), 0.01)

	p, rec = runExample(t, "ball_and_stick", CrankNicolson)
	ref := readTable(t, "extra", "cn_bs_traces.csv")
	checkTrace(t, "soma v (mV)", probe(t, p, rec, "v_soma"), ref.floats(t, "v_soma_mV"), 0.2, math.Inf(1))
	checkTrace(t, "dend(0.9) v (mV)", probe(t, p, rec, "v_dend0.9"), ref.floats(t, "v_dend0.9_mV"), 0.05, math.Inf(1))
	compareSpikes(t, rec.SpikeList, readTable(t, "extra", "cn_bs_spikes.csv").floats(t, "t_ms"), 0.01)
}
