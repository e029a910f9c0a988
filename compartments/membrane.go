package compartments

import "neurite/sim/hh"

// HH holds the parameters of NEURON's hh mechanism (hh.mod): maximal
// conductances in S/cm², reversal potentials in mV.
type HH = hh.Params

// DefaultHH returns hh.mod's defaults.
func DefaultHH() HH { return hh.Defaults() }

// Pas is NEURON's passive leak: g in S/cm², e in mV.
type Pas struct {
	G, E float64
}

// DefaultPas returns NEURON's defaults for pas.
func DefaultPas() Pas { return Pas{G: 0.001, E: -70} }
