package compartments

import (
	"context"
	"testing"

	"neurite/assets"
	"neurite/compartments/reftest"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestReference runs every NEURON reference case on the CPU engine.
func TestReference(t *testing.T) {
	reftest.Run(t, func(t *testing.T, name string, cn bool, edits ...func(*spec.Model)) reftest.Result {
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
		if cn {
			s.Method = CrankNicolson
		}
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
		return reftest.NewResult(p.ProbeNames(), rec, p.SegmentPositions())
	})
}
