package main

import (
	"fmt"

	"neurite/app"
	"neurite/compartments"
	"neurite/sim/spec"
)

// loadModel reads a model file, or makes the default model of a bare SWC
// file, and builds its cell.
func loadModel(file string) (*spec.Model, *compartments.Cell, compartments.Settings, error) {
	m, err := app.LoadModel(file)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		return nil, nil, compartments.Settings{}, err
	}
	return m, cell, s, nil
}

// chooseBackend resolves the backend a model or flag asks for. Only the CPU
// backend exists so far; "auto" says so once.
func chooseBackend(want string) (string, string, error) {
	switch want {
	case "", "auto":
		return "cpu", "backend: cpu (auto: no GPU backend in this build)", nil
	case "cpu":
		return "cpu", "", nil
	case "gpu":
		return "", "", fmt.Errorf("backend gpu: the GPU backend is not part of this build; use --backend cpu or auto")
	}
	return "", "", fmt.Errorf("unknown backend %q (auto, cpu or gpu)", want)
}
