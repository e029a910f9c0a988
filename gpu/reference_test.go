package gpu

import (
	"context"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/compartments/reftest"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestReference runs every NEURON reference case on the GPU engine, in
// both layouts, at the cases' own tolerances: the voltages and the tree
// solve are in double precision, and the single-precision channel kinetics
// move spike times by about 2e-5 ms and traces by at most 0.01 mV against
// the CPU engine (see TestAgainstCPU), well inside every tolerance.
func TestReference(t *testing.T) {
	dev := device(t)
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) { referenceCases(t, dev, layout) })
	}
}

func referenceCases(t *testing.T, dev *Device, layout Layout) {
	reftest.Run(t, func(t *testing.T, name string, cn bool, edits ...func(*spec.Model)) reftest.Result {
		t.Helper()
		p, tstop := examplePlan(t, name, cn, edits...)
		e, err := NewCableLayout(dev, p, layout)
		if err != nil {
			t.Fatal(err)
		}
		if e.Layout() != layout {
			t.Fatalf("asked for %s, got %s", layout, e.Layout())
		}
		defer e.Close()
		e.Init()
		rec := &sim.Memory{}
		if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
			t.Fatal(err)
		}
		return reftest.NewResult(p.ProbeNames(), rec, p.SegmentPositions())
	})
}

// examplePlan builds an embedded example model's plan.
func examplePlan(t testing.TB, name string, cn bool, edits ...func(*spec.Model)) (*compartments.Plan, float64) {
	t.Helper()
	m, err := spec.LoadFS(assets.FS, "models/"+name+".toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range edits {
		edit(m)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	if cn {
		s.Method = compartments.CrankNicolson
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		t.Fatal(err)
	}
	return p, *m.Run.Tstop
}
