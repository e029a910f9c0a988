package compartments

import (
	"fmt"
	"math"
	"regexp"
	"strconv"

	"neurite/compartments/mech"
)

// Location is a point on a cell: a section and a position 0 ≤ X ≤ 1 along
// it, as NEURON's sec(x).
type Location struct {
	Section int
	X       float64
}

var locationPattern = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)\s*\(\s*([^()]*?)\s*\)\s*$`)

// ParseLocation reads NEURON's "section(x)" notation, e.g. "soma[0](0.5)" or
// "dend(1)", against the sections of m. A bare "soma" means soma[0] (as in
// hoc) when no section is named plain "soma".
func (m *Morphology) ParseLocation(s string) (Location, error) {
	g := locationPattern.FindStringSubmatch(s)
	if g == nil {
		return Location{}, fmt.Errorf("location %q is not of the form section(x), e.g. soma[0](0.5)", s)
	}
	x, err := strconv.ParseFloat(g[2], 64)
	if err != nil || math.IsNaN(x) || x < 0 || x > 1 {
		return Location{}, fmt.Errorf("location %q: x must be a number in [0, 1]", s)
	}
	sec, ok := m.Section(g[1])
	if !ok {
		sec, ok = m.Section(g[1] + "[0]")
	}
	if !ok {
		return Location{}, fmt.Errorf("location %q: no section named %s", s, g[1])
	}
	return Location{Section: sec, X: x}, nil
}

// String writes the location in NEURON's notation.
func (m *Morphology) LocationString(l Location) string {
	return fmt.Sprintf("%s(%g)", m.Sections[l.Section].Name, l.X)
}

// SectionProps are a section's cable properties, discretisation and
// density mechanisms.
type SectionProps struct {
	Ra   float64 // axial resistivity, Ω·cm
	Cm   float64 // specific capacitance, µF/cm²
	Nseg int
	HH   *HH  // nil when the section has no hh
	Pas  *Pas // nil when the section has no pas
	// Mechs are the NMODL density mechanisms inserted, by name, each
	// with the RANGE parameters set (the others keep their defaults).
	Mechs map[string]map[string]float64
	// Ions are the ions set here, by name.
	Ions map[string]IonProps
}

// IonProps sets an ion in a section, as NEURON's ion variables and
// ion_style do; a nil field keeps NEURON's default.
type IonProps struct {
	E, Ci, Co *float64 // reversal potential (mV), initial inner and outer concentrations (mM)
	// Nernst: the reversal potential follows the concentrations every
	// step (true) or stays E (false); nil: Nernst where a mechanism
	// writes a concentration of the ion, as NEURON.
	Nernst *bool
}

// IClamp is NEURON's current clamp: Amp nA from Delay for Dur ms; a Dur of
// +Inf keeps it on to the end of the run.
type IClamp struct {
	Name            string
	At              Location
	Delay, Dur, Amp float64
}

// SynapseKind selects the conductance time course of a synapse.
type SynapseKind int

const (
	// ExpSyn: g jumps by the weight and decays with time constant Tau.
	ExpSyn SynapseKind = iota
	// Exp2Syn: g = B − A rises with Tau1 and decays with Tau2, normalised
	// so that one event of weight w peaks at w.
	Exp2Syn
)

func (k SynapseKind) String() string {
	if k == Exp2Syn {
		return "Exp2Syn"
	}
	return "ExpSyn"
}

// Synapse is a conductance-based synapse driven by a list of event times.
type Synapse struct {
	Name   string
	Kind   SynapseKind
	At     Location
	Tau    float64 // ExpSyn decay, ms
	Tau1   float64 // Exp2Syn rise, ms
	Tau2   float64 // Exp2Syn decay, ms
	E      float64 // reversal potential, mV
	Weight float64 // µS per event
	Events []float64
}

// PointProcess is an NMODL POINT_PROCESS at a site (NEURON's
// h.Name(sec(x))), driven by NetCons from explicit event times.
type PointProcess struct {
	Name   string
	Mech   string // the POINT_PROCESS's name: one of the cell's Mechanisms
	At     Location
	Params map[string]float64 // the RANGE parameters set; the others keep their defaults
	// NetCons are the event sources, each with its own NET_RECEIVE
	// arguments.
	NetCons []PointNetCon
}

// PointNetCon is NEURON's NetCon onto a point process, its events given
// by time (no delay added): weight[0] = Weight, the further NET_RECEIVE
// arguments (the NetCon's own state) zeroed at initialisation.
type PointNetCon struct {
	Weight float64
	Events []float64
}

// Detector registers spikes where v crosses Threshold (mV) upwards.
type Detector struct {
	At        Location
	Threshold float64
}

// Probe records a variable at a location: "v", "hh.m", "hh.h", "hh.n"
// (where the section has hh), or a point process's "NAME.i" (nA, NEURON's
// sign: positive outward for synapses, positive injected for IClamp) and
// "NAME.g" (µS, synapses), or a point process's NAME.var (any STATE,
// RANGE ASSIGNED or PARAMETER of its .mod file).
type Probe struct {
	Name string
	At   Location
	Var  string
}

// Cell is one compartmental cell ready to be planned: morphology, the
// properties of each section, and what acts on it and is recorded from it.
type Cell struct {
	Name     string
	Morph    *Morphology
	Props    []SectionProps // one per section
	IClamps  []IClamp
	Synapses []Synapse
	Points   []PointProcess // NMODL point processes (synapses of .mod files)
	Spike    *Detector      // nil: no spike detection
	Probes   []Probe
	// Mechanisms are the NMODL mechanisms the sections may insert (by
	// their names in Props), and Globals the GLOBAL parameters set for
	// them, by mechanism.
	Mechanisms []*mech.Mechanism
	Globals    map[string]map[string]float64
}

// Mechanism returns the cell's NMODL mechanism of that name, or nil.
func (c *Cell) Mechanism(name string) *mech.Mechanism {
	for _, m := range c.Mechanisms {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// formatX writes a position along a section compactly, as NEURON prints it.
func formatX(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
