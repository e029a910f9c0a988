package compartments_test

import (
	"testing"

	"neurite/compartments"
)

// Cells of different shapes and mechanisms, for plans of one and of
// several cells. Each call makes a new cell.

// cylinders builds a morphology of cylinders.
func cylinders(t testing.TB, cyls ...compartments.Cylinder) *compartments.Morphology {
	t.Helper()
	m, err := compartments.BuildCylinders(cyls)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ballAndStick is an hh soma with a passive dendrite, driven by a clamp
// at the soma and an ExpSyn near the dendrite's tip; it records v, an hh
// gate and the synapse's current.
func ballAndStick(t testing.TB) *compartments.Cell {
	hh := compartments.DefaultHH()
	pas := compartments.Pas{G: 1e-4, E: -65}
	return &compartments.Cell{
		Name: "ball",
		Morph: cylinders(t, compartments.Cylinder{Name: "soma", L: 20, Diam: 20},
			compartments.Cylinder{Name: "dend", Parent: "soma", ParentX: 1, L: 400, Diam: 1}),
		Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &hh}, {Ra: 100, Cm: 1, Nseg: 9, Pas: &pas}},
		IClamps: []compartments.IClamp{
			{Name: "stim", At: compartments.Location{Section: 0, X: 0.5}, Delay: 1, Dur: 20, Amp: 0.3},
		},
		Synapses: []compartments.Synapse{{Name: "exc", Kind: compartments.ExpSyn, At: compartments.Location{Section: 1, X: 0.9},
			Tau: 2, E: 0, Weight: 0.004, Events: []float64{12, 2, 4.5}}},
		Spike: &compartments.Detector{At: compartments.Location{Section: 0, X: 0.5}},
		Probes: []compartments.Probe{
			{Name: "v_soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "v"},
			{Name: "m_soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "hh.m"},
			{Name: "v_tip", At: compartments.Location{Section: 1, X: 1}, Var: "v"},
			{Name: "i_exc", Var: "exc.i"},
		},
	}
}

// forked is a soma with a dendrite at either end, hh everywhere with a
// stronger sodium conductance in the soma and pas on the dendrites too,
// an Exp2Syn on one dendrite and a clamp at the other's tip; it records
// an hh gate on a dendrite, the synapse's conductance and the clamp's
// current. It fires, as the ball and stick does.
func forked(t testing.TB) *compartments.Cell {
	soma, dend := compartments.DefaultHH(), compartments.DefaultHH()
	soma.GNaBar = 0.15
	pas := compartments.DefaultPas()
	return &compartments.Cell{
		Name: "fork",
		Morph: cylinders(t, compartments.Cylinder{Name: "soma", L: 15, Diam: 15},
			compartments.Cylinder{Name: "apic", Parent: "soma", ParentX: 1, L: 150, Diam: 2},
			compartments.Cylinder{Name: "basal", Parent: "soma", ParentX: 0, L: 100, Diam: 1.5}),
		Props: []compartments.SectionProps{
			{Ra: 150, Cm: 1, Nseg: 1, HH: &soma},
			{Ra: 150, Cm: 0.8, Nseg: 5, HH: &dend, Pas: &pas},
			{Ra: 150, Cm: 0.8, Nseg: 3, HH: &dend},
		},
		IClamps: []compartments.IClamp{
			{Name: "tip", At: compartments.Location{Section: 1, X: 1}, Delay: 3, Dur: 15, Amp: 0.4},
		},
		Synapses: []compartments.Synapse{{Name: "ampa", Kind: compartments.Exp2Syn, At: compartments.Location{Section: 2, X: 0.5},
			Tau1: 0.5, Tau2: 4, E: 0, Weight: 0.01, Events: []float64{8, 8.5, 20}}},
		Spike: &compartments.Detector{At: compartments.Location{Section: 0, X: 0.5}, Threshold: -10},
		Probes: []compartments.Probe{
			{Name: "n_basal", At: compartments.Location{Section: 2, X: 0.5}, Var: "hh.n"},
			{Name: "g_ampa", Var: "ampa.g"},
			{Name: "i_tip", Var: "tip.i"},
			{Name: "v_soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "v"},
		},
	}
}

// passive is one passive cylinder hyperpolarised by a clamp, with no spike
// detector.
func passive(t testing.TB) *compartments.Cell {
	pas := compartments.Pas{G: 5e-4, E: -70}
	return &compartments.Cell{
		Name:    "rod",
		Morph:   cylinders(t, compartments.Cylinder{Name: "rod", L: 300, Diam: 3}),
		Props:   []compartments.SectionProps{{Ra: 80, Cm: 1.2, Nseg: 3, Pas: &pas}},
		IClamps: []compartments.IClamp{{Name: "hold", At: compartments.Location{Section: 0, X: 0}, Delay: 2, Dur: 10, Amp: -0.05}},
		Probes:  []compartments.Probe{{Name: "v_end", At: compartments.Location{Section: 0, X: 0}, Var: "v"}},
	}
}

// settings are NEURON's defaults, samples every 0.1 ms and a snapshot
// every ms.
var settings = compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.1, SnapshotInterval: 1}
