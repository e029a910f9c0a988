package compartments_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
	"neurite/compartments/refrun"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestSegmentQuantity: the Hay cell's segments show cai, eca and a gate
// of an NMODL mechanism as the probes at the soma read them, NaN where
// the mechanism or the ion is absent (the basal dendrites), and an
// unknown quantity is an error naming what there is.
func TestSegmentQuantity(t *testing.T) {
	p, _ := refrun.ExamplePlan(t, "nmodl_hay_cell", false)
	e := compartments.NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), 20, rec, nil); err != nil {
		t.Fatal(err)
	}
	q := p.Quantities()
	for _, want := range []string{"v", "cai", "eca", "ica", "NaTa_t.m", "Ih.m", "CaDynamics_E2.cai"} {
		if !slices.Contains(q, want) {
			t.Errorf("quantities %v lack %s", q, want)
		}
	}
	soma, dend := -1, -1
	for k, node := range p.Segments {
		n := p.Nodes[node]
		switch p.Cells[0].Morph.Sections[n.Section].Name {
		case "soma":
			soma = k
		case "dend[0]":
			dend = k
		}
	}
	names := p.ProbeNames()
	last := rec.Values[len(rec.Values)-1] // the probes at 20 ms
	probe := func(name string) float64 { return last[slices.Index(names, name)] }
	for _, c := range []struct{ quantity, probe string }{{"cai", "cai_soma"}, {"eca", "eca_soma"}, {"NaTa_t.m", "m_NaTa_t_soma"}} {
		got, err := e.SegmentQuantity(c.quantity, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := probe(c.probe); got[soma] != want {
			t.Errorf("%s at the soma: %v, the probe reads %v", c.quantity, got[soma], want)
		}
		if !math.IsNaN(got[dend]) {
			t.Errorf("%s in dend[0], where nothing uses it: %v, want NaN", c.quantity, got[dend])
		}
	}
	if _, err := e.SegmentQuantity("NaTa_t.x", nil); err == nil {
		t.Error("an unknown quantity gave no error")
	}
}

// TestSnapshotQuantity: snapshots record the chosen quantity at every
// segment, as the heatmap reads it (NaN where it is absent), and a
// quantity the model does not have is refused by Build, naming the key
// and what there is.
func TestSnapshotQuantity(t *testing.T) {
	p, _ := refrun.ExamplePlan(t, "nmodl_hay_cell", false, func(m *spec.Model) {
		m.Snapshots = spec.Snapshots{Times: []float64{0, 10}, Quantity: "cai"}
	})
	e := compartments.NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), 10, rec, nil); err != nil {
		t.Fatal(err)
	}
	want, err := e.SegmentQuantity("cai", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Snaps) != 2 || len(rec.Snaps[1]) != len(want) {
		t.Fatalf("%d snapshots of %v segments, want 2 of %d", len(rec.Snaps), len(rec.Snaps[len(rec.Snaps)-1]), len(want))
	}
	absent := 0
	for j, w := range want {
		got := float64(rec.Snaps[1][j])
		switch {
		case math.IsNaN(w):
			absent++
			if !math.IsNaN(got) {
				t.Errorf("segment %d has no cai, its snapshot reads %v", j, got)
			}
		case got != float64(float32(w)) || w < 1e-5 || w > 1e-2:
			t.Errorf("segment %d: snapshot cai %v, the cell's %v", j, got, w)
		}
	}
	if absent == 0 || absent == len(want) {
		t.Errorf("%d of %d segments without cai: the dendrites have none, the soma and apical tree have it", absent, len(want))
	}

	s := p.Settings
	s.SnapshotQuantity = "NaTa_t.x"
	m, err := spec.LoadFS(assets.FS, "models/nmodl_hay_cell.toml")
	if err != nil {
		t.Fatal(err)
	}
	cell, _, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = compartments.Build([]*compartments.Cell{cell}, s)
	if err == nil || !strings.Contains(err.Error(), `snapshots.quantity = "NaTa_t.x"`) || !strings.Contains(err.Error(), "NaTa_t.m") {
		t.Errorf("Build with snapshots of NaTa_t.x: %v, want an error naming the key and the quantities there are", err)
	}
}

// TestMechanismDiam: a mechanism that reads diam gets its segment's mean
// diameter, as NEURON's diam, section by section.
func TestMechanismDiam(t *testing.T) {
	mod, err := nmodl.Parse("dm.mod", []byte("NEURON { SUFFIX dm RANGE d }\nASSIGNED { diam d }\nBREAKPOINT { d = diam }\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mech.Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 20, Diam: 20}, {Name: "dend", Parent: "soma", L: 100, Diam: 1.5}})
	if err != nil {
		t.Fatal(err)
	}
	props := compartments.SectionProps{Ra: 100, Cm: 1, Nseg: 3, Mechs: map[string]map[string]float64{"dm": {}}}
	cell := &compartments.Cell{Name: "cell", Morph: morph, Props: []compartments.SectionProps{props, props}, Mechanisms: []*mech.Mechanism{m},
		Probes: []compartments.Probe{{Name: "soma", At: compartments.Location{Section: 0, X: 0.5}, Var: "dm.d"}, {Name: "dend", At: compartments.Location{Section: 1, X: 0.9}, Var: "dm.d"}}}
	p, err := compartments.Build([]*compartments.Cell{cell}, compartments.Settings{Dt: 0.025, RecordInterval: 0.025, Celsius: 6.3, VInit: -65})
	if err != nil {
		t.Fatal(err)
	}
	e := compartments.NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), 0.05, rec, nil); err != nil {
		t.Fatal(err)
	}
	// The geometry's mean diameter of a cylinder's segment, to rounding.
	if got := rec.Values[len(rec.Values)-1]; math.Abs(got[0]-20) > 1e-12 || math.Abs(got[1]-1.5) > 1e-12 {
		t.Errorf("diam read by the mechanism: soma %v, dend %v; want 20 and 1.5", got[0], got[1])
	}
}
