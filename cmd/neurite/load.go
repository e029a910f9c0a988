package main

import (
	"neurite/app/pipeline"
	"neurite/compartments"
	"neurite/sim/spec"
)

// loadModel reads a model file, or makes the default model of a bare SWC
// file, and builds its cell.
func loadModel(file string) (*spec.Model, *compartments.Cell, compartments.Settings, error) {
	m, err := pipeline.LoadModel(file)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	return m, cell, s, nil
}
