package compartments_test

import (
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
)

// TestReference runs every NEURON reference case on the CPU engine.
func TestReference(t *testing.T) {
	refrun.Run(t, func(t *testing.T, p *compartments.Plan) compartments.Simulator { return compartments.NewEngine(p) })
}
