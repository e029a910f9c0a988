package main

import (
	"fmt"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
	"neurite/compartments"
	"neurite/sim/spec"
)

// addSetFlag adds --set, the model-key overrides of a model file.
func addSetFlag(fs *flag.FlagSet) *[]string {
	return fs.StringArray("set", nil, "override a model key, KEY.PATH=VALUE, e.g. run.celsius=16 (repeatable)")
}

// loadModel reads a model file, or makes the default model of a bare SWC
// file, applies the overrides given with --set, and builds its cell.
func loadModel(file string, sets ...string) (*spec.Model, *compartments.Cell, compartments.Settings, error) {
	m, err := loadSpec(file, sets...)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	return m, cell, s, nil
}

// loadSpec reads a model file, or makes the default model of a bare SWC
// file, and applies the overrides given with --set.
func loadSpec(file string, sets ...string) (*spec.Model, error) {
	if isEquations(file) {
		return nil, fmt.Errorf("%s: a point model's equations, not a model file of a cell: use it with neurite fi, bifurcation, integrators or lyapunov", file)
	}
	return pipeline.LoadModel(file, sets...)
}
