package reftest

import (
	"math"
	"testing"
)

// nmodlKineticsPoint is case N2: a KINETIC Markov Na channel and
// Destexhe's AMPA_S point process (NET_RECEIVE at the exact event time,
// net_send self-events, two NetCons with their own state) at the "same
// scheme" tolerances of its case.md: every spike within 0.005 ms, v RMS
// below 0.2 mV, the kinetic occupancies within 1e-3, Ron, Roff and g of
// the synapse within 1e-9 µS; the K gates and the currents alongside.
func nmodlKineticsPoint(t *testing.T, run Runner) {
	r := run(t, "nmodl_kinetics_point", false)
	ref := Read(t, "nmodl_kinetics_point", "traces.csv")
	CompareSpikes(t, r.Spikes, Read(t, "nmodl_kinetics_point", "spikes.csv").Floats(t, "t_ms"), 0.005)
	CheckTrace(t, "v", r.probe(t, "v"), ref.Floats(t, "v_mV"), 0.2, math.Inf(1))
	for _, s := range []string{"c1", "c2", "c3", "o", "i1", "i2", "i3", "i4"} {
		CheckTrace(t, s, r.probe(t, s), ref.Floats(t, s+"_na8st"), math.Inf(1), 1e-3)
	}
	for _, g := range []string{"n", "h"} {
		CheckTrace(t, g, r.probe(t, g), ref.Floats(t, g+"_KIn"), math.Inf(1), 1e-3)
	}
	for _, s := range []struct{ probe, col string }{{"Ron", "Ron_ampa"}, {"Roff", "Roff_ampa"}, {"g_ampa", "g_ampa_uS"}} {
		CheckTrace(t, s.probe+" (µS)", r.probe(t, s.probe), ref.Floats(t, s.col), math.Inf(1), 1e-9)
	}
	CheckTrace(t, "i_ampa (nA)", r.probe(t, "i_ampa"), ref.Floats(t, "i_ampa_nA"), 1e-4, math.Inf(1))
	CheckTrace(t, "ina (mA/cm²)", r.probe(t, "ina"), ref.Floats(t, "ina_mA_cm2"), 0.01, math.Inf(1))
	CheckTrace(t, "ik (mA/cm²)", r.probe(t, "ik"), ref.Floats(t, "ik_mA_cm2"), 0.01, math.Inf(1))
	CheckTrace(t, "i_stim (nA)", r.probe(t, "i_stim"), ref.Floats(t, "i_stim_nA"), 0, 0)
}
