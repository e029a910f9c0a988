package neuronexport

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"neurite/compartments"
	"neurite/compartments/mech"
)

// model is model.json: what run.py builds.
type model struct {
	Name        string             `json:"name"`
	Network     bool               `json:"network"`
	Dt          float64            `json:"dt"`
	Tstop       float64            `json:"tstop"`
	Celsius     float64            `json:"celsius"`
	VInit       float64            `json:"v_init"`
	SecondOrder int                `json:"secondorder"`      // 0 backward Euler, 2 Crank–Nicolson
	RecordEvery int                `json:"record_every"`     // probe sampling, in steps
	SpikeHeader string             `json:"spike_header"`     // spikes.csv's first column: cell or neuron_id
	SpikeGIDs   []int              `json:"spike_gids"`       // the cells whose spikes spikes.csv lists
	Populations []population       `json:"populations"`      // a network's
	RateBin     float64            `json:"rate_bin"`         // a network's rates.csv bins (ms); 0: none
	Globals     map[string]float64 `json:"globals"`          // GLOBAL parameters, NEURON's names (zTau_SK_E2)
	Mods        []string           `json:"mods"`             // mod/'s files
	Mechanisms  []string           `json:"mechanisms"`       // the NMODL mechanisms the cells use
	Types       [][]section        `json:"types"`            // cell types: their sections
	Cells       []cell             `json:"cells"`            // gid = index
	Snapshots   *snapshots         `json:"snapshots"`        // a cell's, or null
	Probes      []probe            `json:"probes"`           // traces.csv's columns, in order
	Events      string             `json:"events_file"`      // input events
	Connections string             `json:"connections_file"` // connections between cells
}

// population is a network's population: cells First to First+Size-1.
type population struct {
	Name  string `json:"name"`
	First int    `json:"first"`
	Size  int    `json:"size"`
}

// section is one section of a cell type, with its mechanisms.
type section struct {
	Name    string       `json:"name"`
	Parent  int          `json:"parent"` // -1 for the root
	ParentX float64      `json:"parent_x"`
	L       float64      `json:"L,omitempty"`    // cylinders: length and diameter
	Diam    float64      `json:"diam,omitempty"` // (µm)
	Pt3D    [][4]float64 `json:"pt3d,omitempty"`
	Nseg    int          `json:"nseg"`
	Ra      float64      `json:"Ra"`
	Cm      float64      `json:"cm"`
	// Ranges are the density mechanisms inserted, each with the RANGE
	// parameters set: hh and pas as NMODL mechanisms of those names.
	Ranges map[string]map[string]float64 `json:"mechanisms"`
	// Ions are the ions the section sets, by name.
	Ions map[string]ion `json:"ions,omitempty"`
}

// ion sets an ion in a section: the e<ion>, <ion>i and <ion>o of its
// segments, and whether e follows the concentrations by Nernst (NEURON's
// ion_style einit and eadvance); what is absent keeps NEURON's default.
type ion struct {
	E      *float64 `json:"e,omitempty"`
	Ci     *float64 `json:"ci,omitempty"`
	Co     *float64 `json:"co,omitempty"`
	Nernst *bool    `json:"nernst,omitempty"`
}

// site is a place on a cell: a section and x.
type site struct {
	Sec int     `json:"sec"`
	X   float64 `json:"x"`
}

// cell is one cell: its type and what is placed on it.
type cell struct {
	Type     int       `json:"type"`
	Syns     []synapse `json:"syns,omitempty"`
	IClamps  []iclamp  `json:"iclamps,omitempty"`
	Points   []point   `json:"points,omitempty"`
	NetCons  []netcon  `json:"netcons,omitempty"`
	Detector *detector `json:"detector,omitempty"`
}

type synapse struct {
	site
	Kind string             `json:"kind"` // ExpSyn or Exp2Syn
	Set  map[string]float64 `json:"set"`
}

type iclamp struct {
	site
	Delay float64 `json:"delay"`
	Dur   float64 `json:"dur"`
	Amp   float64 `json:"amp"`
}

// point is a POINT_PROCESS of a .mod file, with the parameters set.
type point struct {
	site
	Mech string             `json:"mech"`
	Set  map[string]float64 `json:"set"`
}

// netcon is a NetCon onto a point process, with its NET_RECEIVE
// arguments (weight first) and its event times.
type netcon struct {
	Point  int       `json:"point"`
	Args   []float64 `json:"args"`
	Events []float64 `json:"events"`
}

type detector struct {
	site
	Threshold float64 `json:"threshold"`
}

// probe is a recorded quantity: Ref is the NEURON name read, on the
// segment (On "seg") or on the cell's synapse, clamp or point process
// Index.
type probe struct {
	Name  string `json:"name"`
	GID   int    `json:"gid"`
	On    string `json:"on"` // seg, syn, iclamp or point
	Index int    `json:"index"`
	site
	Ref string `json:"ref"`
}

// describe lists what run.py builds from a plan.
func describe(p *compartments.Plan, tstop float64) (*model, error) {
	d := &model{
		Dt: p.Dt, Tstop: tstop, Celsius: p.Celsius, VInit: p.VInit,
		RecordEvery: int(math.Round(p.RecordInterval / p.Dt)),
		Globals:     map[string]float64{},
		Events:      "events.csv", Connections: "connections.csv",
	}
	if p.Method == compartments.CrankNicolson {
		d.SecondOrder = 2
	}
	mechs := map[string]*mech.Mechanism{}
	for _, mp := range p.Mechs {
		mechs[mp.Mech.Name] = mp.Mech
	}
	types := map[string]int{}
	for ci := range p.Cells {
		secs, err := sections(p, ci, mechs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Cells[ci].Name, err)
		}
		key, err := json.Marshal(secs)
		if err != nil {
			return nil, err
		}
		t, ok := types[string(key)]
		if !ok {
			t = len(d.Types)
			types[string(key)] = t
			d.Types = append(d.Types, secs)
		}
		d.Cells = append(d.Cells, cell{Type: t})
	}
	at := func(node int32) site {
		n := p.Nodes[node]
		return site{Sec: int(n.Section), X: float64(n.X)}
	}
	synLocal := synIndex(p)
	for _, s := range p.Syns {
		c := &d.Cells[s.Cell]
		sy := synapse{site: at(s.Node), Kind: s.Kind.String(), Set: map[string]float64{"e": s.E}}
		if s.Kind == compartments.Exp2Syn {
			sy.Set["tau1"], sy.Set["tau2"] = s.TauA, s.TauB
		} else {
			sy.Set["tau"] = s.TauB
		}
		c.Syns = append(c.Syns, sy)
	}
	clampLocal := make([]int, len(p.IClamps))
	for k, ic := range p.IClamps {
		c := &d.Cells[ic.Cell]
		clampLocal[k] = len(c.IClamps)
		dur := ic.Dur
		if math.IsInf(dur, 1) {
			dur = 1e9 // NEURON's "for ever"
		}
		c.IClamps = append(c.IClamps, iclamp{site: at(ic.Node), Delay: ic.Delay, Dur: dur, Amp: ic.Amp})
	}
	// Point processes, numbered on their cell; density mechanisms' GLOBALs.
	pointLocal := make([][]int, len(p.Mechs))
	used := map[string]bool{}
	for k, mp := range p.Mechs {
		m := mp.Mech
		if len(mp.Node) > 0 {
			used[m.Name] = true
		}
		for j, v := range m.Params {
			if v.Global && len(mp.Node) > 0 && (mp.Param[j][0] != v.Default || !sixDigits(v.Default)) {
				d.Globals[v.Name+"_"+m.Name] = mp.Param[j][0]
			}
		}
		if !m.Point {
			continue
		}
		pointLocal[k] = make([]int, len(mp.Node))
		for inst, node := range mp.Node {
			c := &d.Cells[mp.Cell[inst]]
			pt := point{site: at(node), Mech: m.Name, Set: map[string]float64{}}
			for j, v := range m.Params {
				if !v.Global && (mp.Param[j][inst] != v.Default || !sixDigits(v.Default)) {
					pt.Set[v.Name] = mp.Param[j][inst]
				}
			}
			pointLocal[k][inst] = len(c.Points)
			c.Points = append(c.Points, pt)
		}
	}
	d.Mechanisms = append([]string{}, slices.Sorted(maps.Keys(used))...)
	ncLocal := make([]int, len(p.NetCons))
	for k, nc := range p.NetCons {
		c := &d.Cells[nc.Cell]
		ncLocal[k] = len(c.NetCons)
		c.NetCons = append(c.NetCons, netcon{Point: pointLocal[nc.Mech][nc.Inst], Args: nc.Args, Events: []float64{}})
	}
	for ci := range p.Cells {
		for _, e := range p.PointEvents[p.PointEventStart[ci]:p.PointEventStart[ci+1]] {
			nc := &d.Cells[ci].NetCons[ncLocal[e.NetCon]]
			nc.Events = append(nc.Events, e.T)
		}
	}
	for _, det := range p.Detectors {
		d.Cells[det.Cell].Detector = &detector{site: at(det.Node), Threshold: det.Threshold}
	}
	for _, pr := range p.Probes {
		out := probe{Name: pr.Name, GID: int(pr.Cell), On: "seg", site: at(pr.Node)}
		switch pr.Var {
		case compartments.ProbeV:
			out.Ref = "v"
		case compartments.ProbeHHm, compartments.ProbeHHh, compartments.ProbeHHn:
			out.Ref = map[compartments.ProbeVar]string{compartments.ProbeHHm: "m_hh", compartments.ProbeHHh: "h_hh", compartments.ProbeHHn: "n_hh"}[pr.Var]
		case compartments.ProbeSynI, compartments.ProbeSynG:
			out.On, out.Index, out.Ref = "syn", synLocal[pr.Index], "i"
			if pr.Var == compartments.ProbeSynG {
				out.Ref = "g"
			}
		case compartments.ProbeIClampI:
			out.On, out.Index, out.Ref = "iclamp", clampLocal[pr.Index], "i"
		case compartments.ProbeMech:
			mp := p.Mechs[pr.Mech]
			name := mechVar(mp.Mech, pr.Field)
			if mp.Mech.Point {
				out.On, out.Index, out.Ref = "point", pointLocal[pr.Mech][pr.Index], name
			} else {
				out.Ref = name + "_" + mp.Mech.Name
			}
		case compartments.ProbeIon:
			ion := p.Ions[pr.Index].Name
			out.Ref = [...]string{"e" + ion, ion + "i", ion + "o", "i" + ion}[pr.Field.Index]
		default:
			return nil, fmt.Errorf("probe %s: its quantity does not export to NEURON", pr.Name)
		}
		d.Probes = append(d.Probes, out)
	}
	return d, nil
}

// sections lists a cell's sections as run.py builds them: cylinders by L
// and diam, other geometry by its 3-D points; hh and pas among the density
// mechanisms; the reversal potentials the model fixes.
func sections(p *compartments.Plan, ci int, mechs map[string]*mech.Mechanism) ([]section, error) {
	c := &p.Cells[ci]
	builtIn := c.Morph.Soma == compartments.SomaBuiltIn
	out := make([]section, len(c.Morph.Sections))
	for i, s := range c.Morph.Sections {
		pr := c.Props[i]
		sec := section{Name: s.Name, Parent: s.Parent, ParentX: s.ParentX, Nseg: pr.Nseg, Ra: pr.Ra, Cm: pr.Cm,
			Ranges: map[string]map[string]float64{}}
		if builtIn {
			sec.L, sec.Diam = s.L(), s.Points[0].Diam
		} else {
			for _, pt := range s.Points {
				sec.Pt3D = append(sec.Pt3D, [4]float64{pt.X, pt.Y, pt.Z, pt.Diam})
			}
		}
		if h := pr.HH; h != nil {
			sec.Ranges["hh"] = map[string]float64{"gnabar": h.GNaBar, "gkbar": h.GKBar, "gl": h.GL, "el": h.EL}
		}
		if ps := pr.Pas; ps != nil {
			sec.Ranges["pas"] = map[string]float64{"g": ps.G, "e": ps.E}
		}
		for name, set := range pr.Mechs {
			m := mechs[name]
			if m == nil {
				return nil, fmt.Errorf("section %s: no mechanism %s", s.Name, name)
			}
			sec.Ranges[name] = maps.Clone(set)
			if sec.Ranges[name] == nil {
				sec.Ranges[name] = map[string]float64{}
			}
			for _, v := range m.Params {
				if _, ok := set[v.Name]; !ok && !v.Global && !sixDigits(v.Default) {
					sec.Ranges[name][v.Name] = v.Default
				}
			}
		}
		ions, err := reversals(p, c.SegNodes[i][0], s.Name, pr)
		if err != nil {
			return nil, err
		}
		if len(ions) > 0 {
			sec.Ions = ions
		}
		out[i] = sec
	}
	return out, nil
}

// reversals lists the ions a section sets: each ion a mechanism there
// uses, with the model's settings and whether its reversal potential
// follows Nernst, as Neurite decides at node, a segment of the section
// (NEURON's own default differs: it computes e from the concentrations
// wherever a mechanism reads them); and hh's ena and ek. NEURON has one
// ena per segment, which hh and the .mod mechanisms share; Neurite's hh
// keeps its own, so where hh and a mechanism using the same ion disagree,
// or the ion's follows Nernst, the section cannot be written.
func reversals(p *compartments.Plan, node int32, sec string, pr compartments.SectionProps) (map[string]ion, error) {
	ions := map[string]ion{}
	for k := range p.Ions {
		ip := &p.Ions[k]
		if !p.UsesIon(node, ip.Name) {
			continue
		}
		set := pr.Ions[ip.Name]
		nernst := ip.Nernst[node]
		ions[ip.Name] = ion{E: set.E, Ci: set.Ci, Co: set.Co, Nernst: &nernst}
	}
	h := pr.HH
	if h == nil {
		return ions, nil
	}
	for _, name := range []string{"na", "k"} {
		e := map[string]float64{"na": h.ENa, "k": h.EK}[name]
		set, shared := ions[name]
		switch {
		case shared && (*set.Nernst || set.Ci != nil || set.Co != nil):
			return nil, fmt.Errorf("section %s: ions.%s: hh's e%s is fixed, so the %s ion's concentrations and Nernst do not export to NEURON, where they share one e%s", sec, name, name, name, name)
		case shared:
			k := slices.IndexFunc(p.Ions, func(ip compartments.IonPlan) bool { return ip.Name == name })
			if own := p.Ions[k].E[node]; own != e {
				return nil, fmt.Errorf("section %s: hh's e%s = %g and the %s ion's e%s = %g differ; NEURON has one e%s", sec, name, e, name, name, own, name)
			}
		}
		set.E = &e
		ions[name] = set
	}
	return ions, nil
}

// mechVar names a mechanism's variable.
func mechVar(m *mech.Mechanism, f compartments.MechField) string {
	switch f.Kind {
	case compartments.MechState:
		return m.States[f.Index].Name
	case compartments.MechAssigned:
		return m.Assigned[f.Index].Name
	}
	return m.Params[f.Index].Name
}

// sixDigits reports whether x has at most six significant digits. NEURON
// compiles a .mod file's PARAMETER defaults rounded to six digits (nocmodl
// writes them with %g); Neurite keeps their literal values, which the
// script therefore sets where they differ.
func sixDigits(x float64) bool {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	return err == nil && r == x
}
