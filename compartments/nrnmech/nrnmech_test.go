package nrnmech_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/compartments/nrnmech"
	"neurite/sim"
)

// TestBuiltinsMatchMod runs a ball and stick (an hh soma with a stronger
// sodium conductance; a dendrite with hh and pas, a clamp at the soma, an
// ExpSyn near the tip) twice: with the built-in hh and pas, which the
// engine runs as its own kinds (hh's specialised kernel, pas folded into
// the cable system's constant part), and with hh.mod and pas.mod
// inserted as NMODL mechanisms, which it runs by the generic path. The
// two are one model computed two ways: through several spikes, their
// voltages must agree to 1e-8 mV at every sample, the gates to 1e-10 and
// the spike times to 1e-9 ms (measured: 5e-10 mV, 3e-12, 2e-12 ms). Each
// way rounds differently (fastexp against math.Exp, hh's exact
// conductance against NEURON's difference quotient di/dv, vtrap's
// thresholds), so they do not agree to the bit.
func TestBuiltinsMatchMod(t *testing.T) {
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 20, Diam: 20},
		{Name: "dend", Parent: "soma", ParentX: 1, L: 400, Diam: 1}})
	if err != nil {
		t.Fatal(err)
	}
	soma, dend := compartments.DefaultHH(), compartments.DefaultHH()
	soma.GNaBar = 0.15
	pas := compartments.Pas{G: 1e-4, E: -65}
	cell := func() *compartments.Cell {
		return &compartments.Cell{
			Name:  "ball",
			Morph: morph,
			Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &soma}, {Ra: 100, Cm: 1, Nseg: 9, HH: &dend, Pas: &pas}},
			IClamps: []compartments.IClamp{
				{Name: "stim", At: compartments.Location{Section: 0, X: 0.5}, Delay: 1, Dur: 30, Amp: 0.3},
			},
			Synapses: []compartments.Synapse{{Name: "exc", Kind: compartments.ExpSyn, At: compartments.Location{Section: 1, X: 0.9},
				Tau: 2, E: 0, Weight: 0.004, Events: []float64{12, 2, 4.5}}},
			Spike: &compartments.Detector{At: compartments.Location{Section: 0, X: 0.5}},
			Probes: []compartments.Probe{
				{Name: "v_soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "v"},
				{Name: "v_mid", At: compartments.Location{Section: 1, X: 0.5}, Var: "v"},
				{Name: "v_tip", At: compartments.Location{Section: 1, X: 1}, Var: "v"},
				{Name: "m_soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "hh.m"},
				{Name: "n_mid", At: compartments.Location{Section: 1, X: 0.5}, Var: "hh.n"},
			},
		}
	}
	for _, tc := range []struct {
		method  compartments.Method
		celsius float64
	}{{compartments.BackwardEuler, 6.3}, {compartments.BackwardEuler, 18.5}, {compartments.CrankNicolson, 6.3}} {
		t.Run(fmt.Sprintf("%s %g °C", tc.method, tc.celsius), func(t *testing.T) {
			s := compartments.Settings{Dt: 0.025, Celsius: tc.celsius, VInit: -65, Method: tc.method, RecordInterval: 0.1}
			run := func(builtin bool) *sim.Memory {
				c, err := cell(), error(nil)
				if !builtin {
					if c, err = nrnmech.AsNMODL(c); err != nil {
						t.Fatal(err)
					}
				}
				p, err := compartments.Build([]*compartments.Cell{c}, s)
				if err != nil {
					t.Fatal(err)
				}
				if kinds := len(compartments.Lower(p).Groups); kinds != 2 {
					t.Fatalf("%d mechanism groups, want hh and pas", kinds)
				}
				e := compartments.NewEngine(p)
				e.Init()
				rec := &sim.Memory{}
				if err := e.Run(context.Background(), 40, rec, nil); err != nil {
					t.Fatal(err)
				}
				return rec
			}
			kernel, generic := run(true), run(false)
			if len(kernel.SpikeList) < 3 || len(kernel.SpikeList) != len(generic.SpikeList) {
				t.Fatalf("%d spikes with the built-ins, %d with hh.mod and pas.mod", len(kernel.SpikeList), len(generic.SpikeList))
			}
			// The largest difference of the voltages, and of the gates.
			var worst [2]float64
			var at [2]string
			for r := range kernel.Values {
				for k, x := range kernel.Values[r] {
					if d := math.Abs(x - generic.Values[r][k]); d > worst[k/3] {
						worst[k/3], at[k/3] = d, fmt.Sprintf("probe %d at %g ms", k, kernel.T[r])
					}
				}
			}
			dt := 0.0
			for k := range kernel.SpikeList {
				dt = math.Max(dt, math.Abs(kernel.SpikeList[k].T-generic.SpikeList[k].T))
			}
			t.Logf("%d spikes: v within %.2g mV (%s), gates within %.2g (%s), spike times within %.2g ms",
				len(kernel.SpikeList), worst[0], at[0], worst[1], at[1], dt)
			if worst[0] > 1e-8 || worst[1] > 1e-10 || dt > 1e-9 {
				t.Errorf("the built-ins and hh.mod, pas.mod differ: v by %g mV (%s), gates by %g (%s), spike times by %g ms", worst[0], at[0], worst[1], at[1], dt)
			}
		})
	}
}

// TestAsNMODLRefuses: a cell whose sections fix na or k at another
// reversal potential than their hh's, or that has an NMODL mechanism
// named hh already, is not converted, and the error says why.
func TestAsNMODLRefuses(t *testing.T) {
	hhMod, err := nrnmech.HH()
	if err != nil {
		t.Fatal(err)
	}
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 20, Diam: 20}})
	if err != nil {
		t.Fatal(err)
	}
	ek := -90.0
	for _, c := range []struct {
		name  string
		edit  func(c *compartments.Cell)
		error string
	}{
		{"k at another e", func(c *compartments.Cell) {
			c.Props[0].Ions = map[string]compartments.IonProps{"k": {E: &ek}}
		}, "soma: hh's ek = -77 mV, but the section's k ions are at -90 mV"},
		{"hh.mod already", func(c *compartments.Cell) {
			c.Mechanisms = []*mech.Mechanism{hhMod}
		}, "the cell has an NMODL mechanism hh already"},
	} {
		t.Run(c.name, func(t *testing.T) {
			hh := compartments.DefaultHH()
			cell := &compartments.Cell{Name: "c", Morph: morph, Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &hh}}}
			c.edit(cell)
			if _, err := nrnmech.AsNMODL(cell); err == nil || err.Error() != c.error {
				t.Errorf("error %v, want %q", err, c.error)
			}
		})
	}
}

// BenchmarkSpecialisation runs the cell of NEURON's cable benchmark
// (compartments.BenchmarkCells, 1,001 compartments of hh) for 10 ms with
// the built-in hh, which the engine runs by its own kernel, and with
// hh.mod by the generic path: what the specialisation is worth.
func BenchmarkSpecialisation(b *testing.B) {
	for _, builtin := range []bool{true, false} {
		b.Run(map[bool]string{true: "builtin", false: "hh.mod"}[builtin], func(b *testing.B) {
			cells, err := compartments.BenchmarkCells(1, 250, 0.5)
			if err != nil {
				b.Fatal(err)
			}
			if !builtin {
				if cells[0], err = nrnmech.AsNMODL(cells[0]); err != nil {
					b.Fatal(err)
				}
			}
			p, err := compartments.Build(cells, compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025})
			if err != nil {
				b.Fatal(err)
			}
			e := compartments.NewEngine(p)
			e.SetWorkers(1)
			const tstop = 10.0
			for b.Loop() {
				e.Init()
				if err := e.Run(context.Background(), tstop, sim.Discard{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.Compartments())*tstop/p.Dt*float64(b.N)/b.Elapsed().Seconds(), "comp-steps/s")
		})
	}
}
