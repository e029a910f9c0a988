package compartments_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/sim"
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
