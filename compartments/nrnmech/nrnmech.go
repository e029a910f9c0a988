// Package nrnmech holds NEURON's built-in membrane mechanisms hh and pas
// as NMODL (hh.mod, pas.mod), compiled for the generic path
// (compartments/mech).
//
// The engines run the built-in hh and pas as kinds of their own
// (compartments.KindHH, KindPas): hh with a kernel specialised for it,
// four instances at a time on AVX2, and pas folded into the constant part
// of the cable system. These files define what those specialisations
// compute: a cell with hh.mod and pas.mod inserted as NMODL mechanisms
// runs the same as with the built-ins, to rounding (the package's tests
// measure it).
package nrnmech

import (
	_ "embed"
	"sync"

	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
)

var (
	//go:embed hh.mod
	hhMod []byte
	//go:embed pas.mod
	pasMod []byte
)

// HH returns hh.mod compiled (once; a Mechanism is read-only).
var HH = sync.OnceValues(func() (*mech.Mechanism, error) { return compile("hh.mod", hhMod) })

// Pas returns pas.mod compiled.
var Pas = sync.OnceValues(func() (*mech.Mechanism, error) { return compile("pas.mod", pasMod) })

func compile(name string, src []byte) (*mech.Mechanism, error) {
	mod, err := nmodl.Parse("nrnmech/"+name, src)
	if err != nil {
		return nil, err
	}
	return mech.Compile(mod)
}
