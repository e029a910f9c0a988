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
	"fmt"
	"maps"
	"slices"
	"sync"

	"neurite/compartments"
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

// AsNMODL returns a copy of a cell with its built-in hh and pas replaced
// by hh.mod and pas.mod inserted as NMODL mechanisms with the same
// parameters, hh's ena and ek becoming the sections' na and k reversal
// potentials: the same model, for the generic path. A section that
// already sets one of those ions to another value, or a cell that has
// NMODL mechanisms of those names, cannot be converted.
func AsNMODL(c *compartments.Cell) (*compartments.Cell, error) {
	hh, err := HH()
	if err != nil {
		return nil, err
	}
	pas, err := Pas()
	if err != nil {
		return nil, err
	}
	out := *c
	out.Props = slices.Clone(c.Props)
	used := map[*mech.Mechanism]bool{}
	for k := range out.Props {
		pr := &out.Props[k]
		sec := c.Morph.Sections[k].Name
		pr.Mechs = maps.Clone(pr.Mechs)
		pr.Ions = maps.Clone(pr.Ions)
		if pr.Mechs == nil {
			pr.Mechs = map[string]map[string]float64{}
		}
		if pr.Ions == nil {
			pr.Ions = map[string]compartments.IonProps{}
		}
		if h := pr.HH; h != nil {
			for _, ion := range []struct {
				name string
				e    float64
			}{{"na", h.ENa}, {"k", h.EK}} {
				if set := pr.Ions[ion.name].E; set != nil && *set != ion.e {
					return nil, fmt.Errorf("%s: hh's e%s = %v mV, but the section's %s ions are at %v mV", sec, ion.name, ion.e, ion.name, *set)
				}
				ip := pr.Ions[ion.name]
				ip.E = &ion.e
				pr.Ions[ion.name] = ip
			}
			pr.Mechs["hh"] = map[string]float64{"gnabar": h.GNaBar, "gkbar": h.GKBar, "gl": h.GL, "el": h.EL}
			used[hh] = true
		}
		if ps := pr.Pas; ps != nil {
			pr.Mechs["pas"] = map[string]float64{"g": ps.G, "e": ps.E}
			used[pas] = true
		}
		pr.HH, pr.Pas = nil, nil
	}
	out.Mechanisms = slices.Clone(c.Mechanisms)
	for _, m := range []*mech.Mechanism{hh, pas} {
		if c.Mechanism(m.Name) != nil {
			return nil, fmt.Errorf("the cell has an NMODL mechanism %s already", m.Name)
		}
		if used[m] {
			out.Mechanisms = append(out.Mechanisms, m)
		}
	}
	return &out, nil
}
