// Package refrun runs the NEURON reference cases of package reftest on any
// compartments.Simulator, from the plans of the embedded example models, so
// that the CPU and GPU engines are held to the same cases the same way.
package refrun

import (
	"context"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/compartments/reftest"
	"neurite/sim"
	"neurite/sim/spec"
)

// Run runs every reference case on the simulators newSim makes, one for
// each case's plan: the single cells of the example models, and the
// network hh_network_det; but the cases named in except (reftest.Run).
func Run(t *testing.T, newSim func(t *testing.T, p *compartments.Plan) compartments.Simulator, except ...string) {
	reftest.Run(t, func(t *testing.T, name string, cn bool, edits ...func(*spec.Model)) reftest.Result {
		t.Helper()
		p, tstop := ExamplePlan(t, name, cn, edits...)
		e := newSim(t, p)
		e.Init()
		rec := &sim.Memory{}
		if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
			t.Fatal(err)
		}
		return reftest.NewResult(p.ProbeNames(), rec, p.SegmentPositions())
	}, except...)
	t.Run("hh_network_det", func(t *testing.T) { runHHNetwork(t, newSim) })
}

// ExamplePlan builds an embedded example model's plan, edited, with
// Crank–Nicolson if cn, and returns it with the model's tstop.
func ExamplePlan(t testing.TB, name string, cn bool, edits ...func(*spec.Model)) (*compartments.Plan, float64) {
	t.Helper()
	m, err := spec.LoadFS(assets.FS, "models/"+name+".toml")
	if err != nil {
		t.Fatal(err)
	}
	return ModelPlan(t, m, cn, edits...), *m.Run.Tstop
}

// FilePlan builds a model file's plan, edited.
func FilePlan(t testing.TB, path string, edits ...func(*spec.Model)) *compartments.Plan {
	t.Helper()
	m, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return ModelPlan(t, m, false, edits...)
}

// ModelPlan edits a model and builds its plan, with Crank–Nicolson if cn.
func ModelPlan(t testing.TB, m *spec.Model, cn bool, edits ...func(*spec.Model)) *compartments.Plan {
	t.Helper()
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
	return p
}
