package compartments

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"neurite/compartments/mech"
	"neurite/compartments/neuroml"
	"neurite/compartments/nmodl"
	"neurite/compartments/swc"
	"neurite/sim"
	"neurite/sim/spec"
)

// NEURON's defaults for what a model file leaves out.
const (
	DefaultRa        = 35.4
	DefaultCm        = 1.0
	DefaultDLambda   = 0.1
	DefaultFrequency = 100.0
)

// FromModel builds the cell and the run settings a model file describes.
// Problems are reported with the model file's line (or the SWC file's).
func FromModel(m *spec.Model) (*Cell, Settings, error) {
	s, errs := modelSettings(m)
	morph, err := modelMorphology(m)
	if err != nil {
		// The run settings' problems too, after the morphology's (which
		// may be in the SWC file).
		var list sim.FileErrors
		if len(errs) > 0 && errors.As(err, &list) {
			err = append(slices.Clip(list), errs...)
		}
		return nil, Settings{}, err
	}
	c := &Cell{Name: m.Name, Morph: morph, Props: make([]SectionProps, len(morph.Sections)), Globals: m.Globals}
	if c.Name == "" {
		c.Name = "cell"
	}
	for _, mod := range m.Mods {
		mc, err := mech.Compile(mod)
		if err != nil {
			var ne *nmodl.Error
			if errors.As(err, &ne) {
				errs = append(errs, &sim.FileError{File: ne.File, Line: ne.Line, Msg: ne.Msg})
				continue
			}
			errs = append(errs, &sim.FileError{File: mod.File, Msg: err.Error()})
			continue
		}
		c.Mechanisms = append(c.Mechanisms, mc)
	}
	fixed := make([]bool, len(morph.Sections))
	for i := range c.Props {
		c.Props[i] = SectionProps{Ra: DefaultRa, Cm: DefaultCm}
	}
	for bi := range m.Biophysics {
		b := &m.Biophysics[bi]
		sels, _ := b.Selectors()
		secs, err := selectSections(morph, sels)
		if err != nil {
			errs = append(errs, m.Errorf([]any{"biophysics", bi, "where"}, "%v", err))
			continue
		}
		for _, si := range secs {
			applyBiophysics(&c.Props[si], b)
			if b.Nseg != nil {
				fixed[si] = true
			}
		}
	}
	dz := m.Discretization
	for i := range c.Props {
		pr := &c.Props[i]
		switch {
		case fixed[i]:
		case dz.Nseg != nil:
			pr.Nseg = *dz.Nseg
		default:
			dl, f := DefaultDLambda, DefaultFrequency
			if dz.DLambda != nil {
				dl = *dz.DLambda
			}
			if dz.Frequency != nil {
				f = *dz.Frequency
			}
			pr.Nseg = morph.Sections[i].NsegDLambda(dl, f, pr.Ra, pr.Cm)
		}
	}
	loc := func(key []any, s string) Location {
		l, err := morph.ParseLocation(s)
		if err != nil {
			errs = append(errs, m.Errorf(key, "%v", err))
		}
		return l
	}
	for i, ic := range m.IClamps {
		at := loc([]any{"iclamp", i, "at"}, ic.At)
		c.IClamps = append(c.IClamps, IClamp{Name: ic.Name, At: at, Delay: ic.Delay, Dur: orDefault(ic.Dur, math.Inf(1)), Amp: *ic.Amp})
	}
	for i, s := range m.Synapses {
		if !s.CableSynapse() {
			pt := PointProcess{Name: s.Name, Mech: s.Type, At: loc([]any{"synapse", i, "at"}, s.At), Params: s.Params}
			if s.Weight != nil {
				pt.NetCons = append(pt.NetCons, PointNetCon{Weight: *s.Weight, Events: s.Events})
			}
			for _, nc := range s.NetCons {
				pt.NetCons = append(pt.NetCons, PointNetCon{Weight: *nc.Weight, Events: nc.Events})
			}
			c.Points = append(c.Points, pt)
			continue
		}
		syn := Synapse{Name: s.Name, At: loc([]any{"synapse", i, "at"}, s.At), E: s.E, Weight: *s.Weight, Events: s.Events}
		if s.Type == "Exp2Syn" {
			syn.Kind, syn.Tau1, syn.Tau2 = Exp2Syn, orDefault(s.Tau1, 0.1), orDefault(s.Tau2, 10)
		} else {
			syn.Kind, syn.Tau = ExpSyn, orDefault(s.Tau, 0.1)
		}
		c.Synapses = append(c.Synapses, syn)
	}
	det := &Detector{At: Location{Section: rootSection(morph), X: 0.5}}
	if sp := m.Spikes; sp != nil {
		if sp.At != "" {
			det.At = loc([]any{"spikes", "at"}, sp.At)
		}
		det.Threshold = orDefault(sp.Threshold, 0)
	}
	c.Spike = det
	for i, r := range m.Records {
		p := Probe{Name: r.Name, Var: r.Var}
		if r.At != "" {
			p.At = loc([]any{"record", i, "at"}, r.At)
		}
		c.Probes = append(c.Probes, p)
	}
	if len(c.Probes) == 0 {
		c.Probes = []Probe{{Name: "v@" + morph.LocationString(det.At), At: det.At, Var: "v"}}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, Settings{}, errs
	}
	return c, s, nil
}

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func modelSettings(m *spec.Model) (Settings, sim.FileErrors) {
	r := m.Run
	s := Settings{
		Dt: r.DT(), Celsius: orDefault(r.Celsius, spec.DefaultCelsius), VInit: orDefault(r.VInit, spec.DefaultVInit),
		SnapshotInterval: m.Snapshots.Interval, SnapshotTimes: slices.Clone(m.Snapshots.Times),
		SnapshotQuantity: m.Snapshots.Quantity,
	}
	s.RecordInterval = orDefault(r.RecordInterval, s.Dt)
	if r.Method == "crank-nicolson" {
		s.Method = CrankNicolson
	}
	var errs sim.FileErrors
	if _, err := stepsPer(s.RecordInterval, s.Dt, "record_interval"); err != nil {
		errs = append(errs, m.Errorf([]any{"run", "record_interval"}, "%v", err))
	}
	if s.SnapshotInterval > 0 {
		if _, err := stepsPer(s.SnapshotInterval, s.Dt, "snapshots.interval"); err != nil {
			errs = append(errs, m.Errorf([]any{"snapshots", "interval"}, "%v", err))
		}
	}
	for j, t := range s.SnapshotTimes {
		if _, err := gridStep(t, s.Dt); err != nil {
			errs = append(errs, m.Errorf([]any{"snapshots", "times", j}, "snapshots.times: %v", err))
		}
	}
	return s, errs
}

// modelMorphology reads the SWC or NeuroML file or builds the cylinders.
func modelMorphology(m *spec.Model) (*Morphology, error) {
	if name := m.Morphology.NeuroML; name != "" {
		f, err := m.Open(name)
		if err != nil {
			return nil, sim.FileErrors{m.Errorf([]any{"morphology", "neuroml"}, "cannot open the morphology: %v", err)}
		}
		defer f.Close()
		c, err := neuroml.Read(f, m.PathOf(name))
		if err != nil {
			return nil, err
		}
		return FromNeuroML(c)
	}
	if name := m.Morphology.SWC; name != "" {
		f, err := m.Open(name)
		if err != nil {
			return nil, sim.FileErrors{m.Errorf([]any{"morphology", "swc"}, "cannot open the morphology: %v", err)}
		}
		defer f.Close()
		points, err := swc.Read(f, m.PathOf(name))
		if err != nil {
			return nil, err
		}
		return FromSWC(points)
	}
	// Every section that does not fit is reported, except those attached
	// to one that did not.
	var cyls []Cylinder
	var errs sim.FileErrors
	failed := map[string]bool{}
	for i, s := range m.Morphology.Sections {
		c := Cylinder{Name: s.Name, Region: s.Region, Parent: s.Parent, ParentX: orDefault(s.ParentX, 1), L: s.Length, Diam: s.Diam}
		if _, err := BuildCylinders(append(cyls, c)); err != nil {
			if !failed[c.Parent] {
				errs = append(errs, m.Errorf([]any{"morphology", "section", i}, "%v", err))
			}
			failed[c.Name] = true
			continue
		}
		cyls = append(cyls, c)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return BuildCylinders(cyls)
}

// rootSection is where spikes are detected by default: the first soma
// section, or else the root.
func rootSection(m *Morphology) int {
	for i, s := range m.Sections {
		if s.Region == "soma" {
			return i
		}
	}
	for i, s := range m.Sections {
		if s.Parent < 0 {
			return i
		}
	}
	return 0
}

// selectSections resolves "all", region names and section names.
func selectSections(m *Morphology, sels []string) ([]int, error) {
	var out []int
	for _, sel := range sels {
		var found []int
		for i, s := range m.Sections {
			if sel == "all" || s.Region == sel || s.Name == sel {
				found = append(found, i)
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("where = %q matches no section: use \"all\", a region (%s) or a section name such as %s",
				sel, strings.Join(m.Regions(), ", "), m.Sections[len(m.Sections)-1].Name)
		}
		out = append(out, found...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func applyBiophysics(p *SectionProps, b *spec.Biophysics) {
	if b.Ra != nil {
		p.Ra = *b.Ra
	}
	if b.Cm != nil {
		p.Cm = *b.Cm
	}
	if b.Nseg != nil {
		p.Nseg = *b.Nseg
	}
	if h := b.HH; h != nil {
		hh := DefaultHH()
		if p.HH != nil {
			hh = *p.HH
		}
		set := func(dst *float64, src *float64) {
			if src != nil {
				*dst = *src
			}
		}
		set(&hh.GNaBar, h.GNaBar)
		set(&hh.GKBar, h.GKBar)
		set(&hh.GL, h.GL)
		set(&hh.EL, h.EL)
		set(&hh.ENa, h.ENa)
		set(&hh.EK, h.EK)
		p.HH = &hh
	}
	if ps := b.Pas; ps != nil {
		pas := DefaultPas()
		if p.Pas != nil {
			pas = *p.Pas
		}
		if ps.G != nil {
			pas.G = *ps.G
		}
		if ps.E != nil {
			pas.E = *ps.E
		}
		p.Pas = &pas
	}
	for name, set := range b.Mechanisms {
		params := maps.Clone(p.Mechs[name])
		if params == nil {
			params = map[string]float64{}
		}
		maps.Copy(params, set)
		p.Mechs = maps.Clone(p.Mechs)
		if p.Mechs == nil {
			p.Mechs = map[string]map[string]float64{}
		}
		p.Mechs[name] = params
	}
	for name, set := range b.Ions {
		ion := p.Ions[name]
		for _, f := range []struct{ dst, src **float64 }{{&ion.E, &set.E}, {&ion.Ci, &set.Ci}, {&ion.Co, &set.Co}} {
			if *f.src != nil {
				*f.dst = *f.src
			}
		}
		if set.Nernst != nil {
			ion.Nernst = set.Nernst
		}
		p.Ions = maps.Clone(p.Ions)
		if p.Ions == nil {
			p.Ions = map[string]IonProps{}
		}
		p.Ions[name] = ion
	}
	for _, r := range b.Remove {
		switch r {
		case "hh":
			p.HH = nil
		case "pas":
			p.Pas = nil
		default:
			p.Mechs = maps.Clone(p.Mechs)
			delete(p.Mechs, r)
		}
	}
}

// SomaMiddle is the middle of the soma (or of the root section where no
// section is of the soma region): where a network watches a cell's spikes
// and places inputs that name no site.
func (m *Morphology) SomaMiddle() Location { return Location{Section: rootSection(m), X: 0.5} }
