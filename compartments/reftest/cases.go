package reftest

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/spec"
)

// Result is what an engine recorded running an example model.
type Result struct {
	Probes       map[string][]float64 // each probe's trace, by name
	Spikes       []sim.Spike
	SnapT        []float64
	Snaps        [][]float32
	SegmentX     []float64 // each segment's position x along its section
	Compartments int
}

// Runner runs an embedded example model (assets/models/NAME.toml) to its
// tstop with backward Euler, or Crank–Nicolson, after the edits.
type Runner func(t *testing.T, model string, crankNicolson bool, edits ...func(*spec.Model)) Result

func (r Result) probe(t *testing.T, name string) []float64 {
	t.Helper()
	v, ok := r.Probes[name]
	if !ok {
		t.Fatalf("no probe %q", name)
	}
	return v
}

func formatX(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// Run runs every reference case through run, as subtests, at the
// tolerances of each case.md: "same scheme" for backward Euler, "any
// convergent scheme" for Crank–Nicolson. The cases named in except are
// left to the caller, which tests them its own way (an engine that
// refuses them, saying why).
func Run(t *testing.T, run Runner, except ...string) {
	for _, c := range []struct {
		name string
		test func(t *testing.T)
	}{
		{"hh_single", func(t *testing.T) { hhSingle(t, run) }},
		{"hh_single/crank-nicolson", func(t *testing.T) { hhSingleCN(t, run) }},
		{"passive_cable", func(t *testing.T) { passiveCable(t, run, false) }},
		{"passive_cable/crank-nicolson", func(t *testing.T) { passiveCable(t, run, true) }},
		{"ball_and_stick", func(t *testing.T) { ballAndStick(t, run) }},
		{"ball_and_stick/crank-nicolson", func(t *testing.T) { ballAndStickCN(t, run) }},
		{"swc_cell_A", func(t *testing.T) { swcCellA(t, run) }},
		{"nmodl_hay_cell", func(t *testing.T) { nmodlHayCell(t, run) }},
		{"nmodl_kinetics_point", func(t *testing.T) { nmodlKineticsPoint(t, run) }},
		{"extra/hh_channels", func(t *testing.T) { hhChannels(t, run) }},
		{"extra/celsius", func(t *testing.T) { celsius(t, run) }},
		{"extra/crank-nicolson-same-scheme", func(t *testing.T) { crankNicolsonSameScheme(t, run) }},
	} {
		if !slices.Contains(except, c.name) {
			t.Run(c.name, c.test)
		}
	}
}

func hhSingle(t *testing.T, run Runner) {
	r := run(t, "hh_single", false)
	ref := Read(t, "hh_single", "traces.csv")
	CheckTrace(t, "v (mV)", r.probe(t, "v"), ref.Floats(t, "v_mV"), 0.1, math.Inf(1))
	for _, g := range []string{"m", "h", "n"} {
		CheckTrace(t, g, r.probe(t, g), ref.Floats(t, g), 1e-3, math.Inf(1))
	}
	CheckTrace(t, "i_stim (nA)", r.probe(t, "i_stim"), ref.Floats(t, "i_stim_nA"), 0, 0)
	CompareSpikes(t, r.Spikes, Read(t, "hh_single", "spikes.csv").Floats(t, "t_ms"), 0.01)
}

func hhSingleCN(t *testing.T, run Runner) {
	r := run(t, "hh_single", true)
	CompareSpikes(t, r.Spikes, Read(t, "hh_single", "spikes.csv").Floats(t, "t_ms"), 0.5)
	// Second order in v, Crank–Nicolson lands closer to NEURON's converged
	// (dt = 0.003125 ms) spike times than backward Euler at the same dt.
	fine := Read(t, "hh_single", "dt_study.csv").Floats(t, "t_dt0.003125_ms")
	CompareSpikes(t, r.Spikes, fine, 0.15)
}

func passiveCable(t *testing.T, run Runner, cn bool) {
	r := run(t, "passive_cable", cn)
	ref := Read(t, "passive_cable", "traces.csv")
	analytic := Read(t, "passive_cable", "analytic.csv")
	for _, x := range [][2]string{{"0", "0.0"}, {"0.25", "0.25"}, {"0.5", "0.5"}, {"0.75", "0.75"}, {"1", "1.0"}} {
		got := r.probe(t, "v"+x[0])
		col := "v_x" + x[1] + "_mV"
		if !cn {
			CheckTrace(t, "same scheme, x = "+x[0], got, ref.Floats(t, col), math.Inf(1), 1e-3)
		}
		tol := 0.03
		if x[0] == "0" {
			tol = 0.1
		}
		CheckTrace(t, "analytic, x = "+x[0], got, analytic.Floats(t, col), math.Inf(1), tol)
	}
	// Steady state at t = 150 ms against the analytic solution at every
	// segment centre (steady_state.csv lists all nodes).
	ss := Read(t, "passive_cable", "steady_state.csv")
	xs, want := ss.Floats(t, "x"), ss.Floats(t, "v_analytic_ss_mV")
	last := r.Snaps[len(r.Snaps)-1]
	if r.SnapT[len(r.SnapT)-1] != 150 {
		t.Fatalf("last snapshot at %v ms", r.SnapT[len(r.SnapT)-1])
	}
	worst := 0.0
	for k, x := range r.SegmentX {
		j := Nearest(xs, x)
		u, uRef := float64(last[k])+65, want[j]+65
		worst = math.Max(worst, math.Abs(u-uRef)/uRef)
	}
	t.Logf("steady state: max relative error %.2g (tolerance 1e-4; float32 snapshots)", worst)
	if worst > 1e-4 {
		t.Errorf("steady state relative error %.3g > 1e-4", worst)
	}
}

func ballAndStick(t *testing.T, run Runner) {
	r := run(t, "ball_and_stick", false)
	ref := Read(t, "ball_and_stick", "traces.csv")
	CheckTrace(t, "soma v", r.probe(t, "v_soma"), ref.Floats(t, "v_soma_mV"), 0.2, math.Inf(1))
	for _, c := range []string{"dend0.5", "dend0.9", "dend1.0"} {
		CheckTrace(t, c+" v", r.probe(t, "v_"+c), ref.Floats(t, "v_"+c+"_mV"), 0.05, math.Inf(1))
	}
	for _, s := range []string{"exc_d09", "exc2_d07", "inh_d03"} {
		CheckTrace(t, s+" i (nA)", r.probe(t, "i_"+s), ref.Floats(t, "i_"+s+"_nA"), 1e-4, math.Inf(1))
	}
	CompareSpikes(t, r.Spikes, Read(t, "ball_and_stick", "spikes.csv").Floats(t, "t_ms"), 0.01)
}

func ballAndStickCN(t *testing.T, run Runner) {
	r := run(t, "ball_and_stick", true)
	ref := Read(t, "ball_and_stick", "traces.csv")
	CheckTrace(t, "soma v", r.probe(t, "v_soma"), ref.Floats(t, "v_soma_mV"), 1.5, math.Inf(1))
	CheckTrace(t, "dend0.9 v", r.probe(t, "v_dend0.9"), ref.Floats(t, "v_dend0.9_mV"), 0.3, math.Inf(1))
	CompareSpikes(t, r.Spikes, Read(t, "ball_and_stick", "spikes.csv").Floats(t, "t_ms"), 0.1)
}

func swcCellA(t *testing.T, run Runner) {
	r := run(t, "swc_cell_A", false)
	if r.Compartments != 626 {
		t.Errorf("%d compartments, NEURON 626", r.Compartments)
	}
	ref := Read(t, "swc_cell_A", "traces.csv")
	for _, col := range ref.Header[1:] {
		name := strings.TrimSuffix(col, "_mV")
		tol := 0.05
		if strings.HasPrefix(name, "v_soma") {
			tol = 0.5
		}
		CheckTrace(t, name, r.probe(t, name), ref.Floats(t, col), tol, math.Inf(1))
	}
	CompareSpikes(t, r.Spikes, Read(t, "swc_cell_A", "spikes.csv").Floats(t, "t_ms"), 0.05)
	heat := Read(t, "swc_cell_A", "heatmap.csv")
	for _, c := range []struct {
		t   float64
		tol float64
	}{{9, 0.1}, {11.25, 1}, {13, 1}, {60, 1}, {125, 0.1}} {
		k := Nearest(r.SnapT, c.t)
		if r.SnapT[k] != c.t {
			t.Fatalf("no snapshot at %v ms", c.t)
		}
		want := heat.Floats(t, "v_t"+formatX(c.t)+"_mV")
		got := make([]float64, len(r.Snaps[k]))
		for j, v := range r.Snaps[k] {
			got[j] = float64(v)
		}
		CheckTrace(t, "heatmap at "+formatX(c.t)+" ms", got, want, math.Inf(1), c.tol)
	}
}

// The cases below were made for Neurite with NEURON 8.2.2 by
// testdata/reference/extra/make.py.

// celsius runs hh at 18.5 °C, where hh.mod's Q10 of 3 speeds the rates
// 3.76-fold, at the same-scheme tolerances of hh_single.
func celsius(t *testing.T, run Runner) {
	r := run(t, "hh_single", false, func(m *spec.Model) {
		celsius, amp := 18.5, 0.25
		m.Run.Celsius, m.IClamps[0].Amp = &celsius, &amp
	})
	ref := Read(t, "extra", "celsius_traces.csv")
	CheckTrace(t, "v (mV)", r.probe(t, "v"), ref.Floats(t, "v_mV"), 0.1, math.Inf(1))
	CheckTrace(t, "n", r.probe(t, "n"), ref.Floats(t, "n"), 1e-3, math.Inf(1))
	CompareSpikes(t, r.Spikes, Read(t, "extra", "celsius_spikes.csv").Floats(t, "t_ms"), 0.01)
}

// crankNicolsonSameScheme compares Crank–Nicolson with NEURON's
// secondorder = 2 at the same-scheme tolerances (the two differ only at
// zero-area nodes, which no trace here records).
func crankNicolsonSameScheme(t *testing.T, run Runner) {
	r := run(t, "hh_single", true)
	CheckTrace(t, "hh v (mV)", r.probe(t, "v"), Read(t, "extra", "cn_hh_traces.csv").Floats(t, "v_mV"), 0.1, math.Inf(1))
	CompareSpikes(t, r.Spikes, Read(t, "extra", "cn_hh_spikes.csv").Floats(t, "t_ms"), 0.01)

	r = run(t, "ball_and_stick", true)
	ref := Read(t, "extra", "cn_bs_traces.csv")
	CheckTrace(t, "soma v (mV)", r.probe(t, "v_soma"), ref.Floats(t, "v_soma_mV"), 0.2, math.Inf(1))
	CheckTrace(t, "dend(0.9) v (mV)", r.probe(t, "v_dend0.9"), ref.Floats(t, "v_dend0.9_mV"), 0.05, math.Inf(1))
	CompareSpikes(t, r.Spikes, Read(t, "extra", "cn_bs_spikes.csv").Floats(t, "t_ms"), 0.01)
}

// NewResult gathers a run's records: probe names in recording order, the
// segments' positions along their sections.
func NewResult(probeNames []string, rec *sim.Memory, segmentX []float64) Result {
	r := Result{Probes: map[string][]float64{}, Spikes: rec.SpikeList, SnapT: rec.SnapT, Snaps: rec.Snaps,
		SegmentX: segmentX, Compartments: len(segmentX)}
	for i, name := range probeNames {
		r.Probes[name] = rec.Column(i)
	}
	return r
}

// nmodlHayCell is case N1: Hay et al.'s eleven .mod files, read as they
// are, at the "same scheme" tolerances of its case.md: every spike within
// 0.02 ms, soma v RMS below 0.5 mV, apic[2] v below 0.1 mV, somatic cai
// below 5e-8 mM; the gates, eca and the synaptic current alongside.
func nmodlHayCell(t *testing.T, run Runner) {
	r := run(t, "nmodl_hay_cell", false)
	ref := Read(t, "nmodl_hay_cell", "traces.csv")
	CompareSpikes(t, r.Spikes, Read(t, "nmodl_hay_cell", "spikes.csv").Floats(t, "t_ms"), 0.02)
	CheckTrace(t, "soma v", r.probe(t, "v_soma"), ref.Floats(t, "v_soma_mV"), 0.5, math.Inf(1))
	CheckTrace(t, "apic[2] v", r.probe(t, "v_apic2"), ref.Floats(t, "v_apic2_0.5_mV"), 0.1, math.Inf(1))
	CheckTrace(t, "soma cai (mM)", r.probe(t, "cai_soma"), ref.Floats(t, "cai_soma_mM"), 5e-8, math.Inf(1))
	CheckTrace(t, "apic[2] cai (mM)", r.probe(t, "cai_apic2"), ref.Floats(t, "cai_apic2_0.5_mM"), 5e-8, math.Inf(1))
	CheckTrace(t, "soma eca (mV)", r.probe(t, "eca_soma"), ref.Floats(t, "eca_soma_mV"), 0.01, math.Inf(1))
	for _, g := range []struct{ probe, col string }{
		{"m_NaTa_t_soma", "m_NaTa_t_soma"}, {"h_NaTa_t_soma", "h_NaTa_t_soma"}, {"z_SK_E2_soma", "z_SK_E2_soma"},
		{"m_Ca_HVA_soma", "m_Ca_HVA_soma"}, {"h_K_Pst_soma", "h_K_Pst_soma"}, {"m_Ih_apic2", "m_Ih_apic2_0.5"}, {"m_Im_apic2", "m_Im_apic2_0.5"},
	} {
		CheckTrace(t, g.probe, r.probe(t, g.probe), ref.Floats(t, g.col), 0.01, math.Inf(1))
	}
	CheckTrace(t, "synaptic current (nA)", r.probe(t, "i_syn"), ref.Floats(t, "i_syn_nA"), 1e-4, math.Inf(1))
}

// hhChannels runs hh_single with Hodgkin and Huxley's channels typed as
// equations (the example hh_channels) at hh_single's tolerances: the
// typed channels, written as NMODL and compiled as .mod files are, give
// NEURON's built-in hh.
func hhChannels(t *testing.T, run Runner) {
	r := run(t, "hh_channels", false)
	ref := Read(t, "hh_single", "traces.csv")
	CheckTrace(t, "v (mV)", r.probe(t, "v"), ref.Floats(t, "v_mV"), 0.1, math.Inf(1))
	for _, g := range []string{"m", "h", "n"} {
		CheckTrace(t, g, r.probe(t, g), ref.Floats(t, g), 1e-3, math.Inf(1))
	}
	CompareSpikes(t, r.Spikes, Read(t, "hh_single", "spikes.csv").Floats(t, "t_ms"), 0.01)
}
