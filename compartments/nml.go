package compartments

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"neurite/compartments/channel"
	"neurite/compartments/neuroml"
	"neurite/compartments/swc"
	"neurite/sim/spec"
)

// FromNeuroML makes sections of a NeuroML cell's segments, as NEURON's
// NeuroML import does: the segments of a segment group NeuroLex calls an
// unbranched cable (sao864921383) form one section, in the order of the
// group's members; every other segment is a section of its own. A
// section attaches where its first segment's parent segment attaches on
// the parent's section (fractionAlong). Regions come from the standard
// groups: soma_group soma, axon_group axon, a group whose name says apic
// (apical_dendrite_group) apic, and dend otherwise; sections are named by region (soma[0], dend[3], as
// from an SWC file).
func FromNeuroML(c *neuroml.Cell) (*Morphology, error) {
	m, _, err := fromNeuroML(c)
	return m, err
}

// fromNeuroML is FromNeuroML, with the section of each segment (by id).
func fromNeuroML(c *neuroml.Cell) (*Morphology, map[int]int, error) {
	seg := map[int]*neuroml.Segment{}
	for i := range c.Segments {
		seg[c.Segments[i].ID] = &c.Segments[i]
	}
	region := map[int]string{}
	for _, g := range c.Groups {
		if r := groupRegion(g.ID); r != "" && r != "dend" {
			for id := range c.GroupSegments(g.ID) {
				region[id] = r
			}
		}
	}
	// Sections: the runs of cable groups' members, each following its
	// predecessor end to end, then the other segments alone.
	var runs [][]int
	inRun := map[int]bool{}
	for _, g := range c.Groups {
		if !g.Cable {
			continue
		}
		var run []int
		for _, id := range g.Members {
			if inRun[id] {
				continue
			}
			s := seg[id]
			if len(run) > 0 && (s.Parent != run[len(run)-1] || s.Fraction != 1 || region[id] != region[run[0]]) {
				runs, run = append(runs, run), nil
			}
			run = append(run, id)
			inRun[id] = true
		}
		if len(run) > 0 {
			runs = append(runs, run)
		}
	}
	for _, s := range c.Segments {
		if !inRun[s.ID] {
			runs = append(runs, []int{s.ID})
		}
	}
	// Parents before children: order the runs from the root.
	runOf := map[int]int{}
	for r, run := range runs {
		for _, id := range run {
			runOf[id] = r
		}
	}
	order := parentsFirst(len(runs), func(r int) int {
		if p := seg[runs[r][0]].Parent; p >= 0 {
			return runOf[p]
		}
		return -1
	})
	m := &Morphology{Source: c.File, Soma: SomaCylinders}
	index := make([]int, len(runs))
	rank := map[string]int{}
	span := map[int][2]float64{} // by segment: where it begins and ends on its section (0..1)
	for _, r := range order {
		run := runs[r]
		first := seg[run[0]]
		reg := region[run[0]]
		if reg == "" {
			reg = "dend"
		}
		sec := Section{Name: fmt.Sprintf("%s[%d]", reg, rank[reg]), Region: reg, Parent: -1}
		rank[reg]++
		start := first.Proximal
		if start == nil {
			start = seg[first.Parent].Distal
		}
		sec.Points = append(sec.Points, Pt3D{X: start.X, Y: start.Y, Z: start.Z, Diam: start.Diameter})
		ends := make([][2]int, len(run)) // each segment's first and last point
		for k, id := range run {
			s := seg[id]
			ends[k][0] = len(sec.Points) - 1
			if p := s.Proximal; k > 0 && p != nil && *p != *seg[run[k-1]].Distal {
				ends[k][0] = len(sec.Points)
				sec.Points = append(sec.Points, Pt3D{X: p.X, Y: p.Y, Z: p.Z, Diam: p.Diameter})
			}
			d := s.Distal
			sec.Points = append(sec.Points, Pt3D{X: d.X, Y: d.Y, Z: d.Z, Diam: d.Diameter})
			ends[k][1] = len(sec.Points) - 1
		}
		setArcs(sec.Points)
		if !(sec.L() > 0) && len(run) == 1 && start.Diameter > 0 {
			// A segment of no length is a sphere, in NeuroML as in SWC: a
			// cylinder along x as long as its diameter (the same area).
			p, r := sec.Points[0], start.Diameter/2
			sec.Points = []Pt3D{{X: p.X - r, Y: p.Y, Z: p.Z, Diam: p.Diam}, {X: p.X + r, Y: p.Y, Z: p.Z, Diam: p.Diam}}
			setArcs(sec.Points)
		}
		if !(sec.L() > 0) {
			return nil, nil, fmt.Errorf("%s:%d: segment %d has no length", c.File, first.Line, first.ID)
		}
		for k, id := range run {
			span[id] = [2]float64{sec.Points[ends[k][0]].Arc / sec.L(), sec.Points[ends[k][1]].Arc / sec.L()}
		}
		if first.Parent >= 0 {
			// fractionAlong of the parent segment, on its section
			sp := span[first.Parent]
			sec.Parent = index[runOf[first.Parent]]
			sec.ParentX = sp[0] + first.Fraction*(sp[1]-sp[0])
		}
		index[r] = len(m.Sections)
		m.Sections = append(m.Sections, sec)
	}
	secOf := make(map[int]int, len(c.Segments))
	for id, r := range runOf {
		secOf[id] = index[r]
	}
	return m, secOf, nil
}

// ToNeuroML writes a morphology as a NeuroML cell: a segment per pair of
// consecutive 3-D points, each section an unbranched cable group named
// after it (section names with their brackets as NeuroML ids allow:
// dend[3] becomes dend_3) with its nseg as numberInternalDivisions, as
// NEURON writes it, each region a group of its sections (soma_group,
// axon_group, dendrite_group for dend, apic), and the group all of them.
// Of props (by section, or nil) it writes what NeuroML carries: the
// capacitance, resistivity and pas of each section, each on the
// widest group over which it is one value (all, a region, else the
// section), as other tools write them and read them. It returns the
// rest, not written, for the caller to tell: "hh in 2 sections".
func ToNeuroML(m *Morphology, id string, props []SectionProps) (*neuroml.Cell, []string) {
	c := &neuroml.Cell{ID: id}
	lastOf := make([]int, len(m.Sections))      // each section's last segment
	secGroup := make([]string, len(m.Sections)) // each section's cable group
	regionOf := make([]string, len(m.Sections)) // each section's region group
	regions := map[string]*neuroml.Group{}
	var regionOrder []string
	ids := map[string]bool{"all": true}
	for _, s := range m.Sections {
		ids[ncName(s.Name)] = true
	}
	for _, si := range m.rootFirst() {
		s := &m.Sections[si]
		g := neuroml.Group{ID: ncName(s.Name), Cable: true}
		if si < len(props) {
			g.Divisions = props[si].Nseg
		}
		for k := 1; k < len(s.Points); k++ {
			a, b := s.Points[k-1], s.Points[k]
			seg := neuroml.Segment{ID: len(c.Segments), Parent: -1, Fraction: 1, Name: fmt.Sprintf("%s_%d", ncName(s.Name), k-1),
				Proximal: &neuroml.Point{X: a.X, Y: a.Y, Z: a.Z, Diameter: a.Diam}, Distal: &neuroml.Point{X: b.X, Y: b.Y, Z: b.Z, Diameter: b.Diam}}
			switch {
			case k > 1:
				seg.Parent = seg.ID - 1
			case s.Parent >= 0:
				seg.Parent, seg.Fraction = parentSegment(m, s.Parent, s.ParentX, lastOf)
			}
			c.Segments = append(c.Segments, seg)
			g.Members = append(g.Members, seg.ID)
		}
		lastOf[si] = len(c.Segments) - 1
		c.Groups = append(c.Groups, g)
		secGroup[si] = g.ID
		rid := regionGroup(s.Region)
		if regions[rid] == nil {
			// A region named as a section (a cylinder "cable" of region
			// cable) would give two groups one id: the region's gets a
			// suffix.
			for ids[rid] && regions[rid] == nil {
				rid += "_group"
			}
			if regions[rid] == nil {
				regions[rid] = &neuroml.Group{ID: rid}
				regionOrder = append(regionOrder, rid)
				ids[rid] = true
			}
		}
		regionOf[si] = rid
		regions[rid].Includes = append(regions[rid].Includes, g.ID)
	}
	for _, rid := range regionOrder {
		c.Groups = append(c.Groups, *regions[rid])
	}
	c.Groups = append(c.Groups, neuroml.Group{ID: "all", Includes: regionOrder})
	if len(props) < len(m.Sections) {
		return c, nil
	}
	// widest groups the sections for which value is one value, in
	// section order: all, each region, else each section; ok false
	// leaves a section out (no pas there).
	widest := func(value func(si int) (any, bool)) (groups []string, at []int) {
		same := func(secs []int) bool {
			v0, ok := value(secs[0])
			for _, si := range secs {
				if v, ok1 := value(si); ok1 != ok || !ok || v != v0 {
					return false
				}
			}
			return true
		}
		all := m.rootFirst()
		if same(all) {
			return []string{"all"}, []int{all[0]}
		}
		for _, rid := range regionOrder {
			var secs []int
			for _, si := range all {
				if regionOf[si] == rid {
					secs = append(secs, si)
				}
			}
			if same(secs) {
				groups, at = append(groups, rid), append(at, secs[0])
				continue
			}
			for _, si := range secs {
				if _, ok := value(si); ok {
					groups, at = append(groups, secGroup[si]), append(at, si)
				}
			}
		}
		return groups, at
	}
	groups, at := widest(func(si int) (any, bool) { return props[si].Cm, true })
	for k, g := range groups {
		c.Capacitance = append(c.Capacitance, neuroml.Value{Group: g, Value: props[at[k]].Cm})
	}
	groups, at = widest(func(si int) (any, bool) { return props[si].Ra, true })
	for k, g := range groups {
		c.Resistivity = append(c.Resistivity, neuroml.Value{Group: g, Value: props[at[k]].Ra})
	}
	groups, at = widest(func(si int) (any, bool) {
		if p := props[si].Pas; p != nil {
			return *p, true
		}
		return nil, false
	})
	for k, g := range groups {
		p := props[at[k]].Pas
		c.Channels = append(c.Channels, neuroml.Channel{ID: "pas_" + g, IonChannel: "pas", Group: g, Ion: "non_specific",
			CondDensity: p.G, Erev: p.E, Passive: true})
	}
	// What NeuroML could carry only as channel definitions Neurite does
	// not write: hh, the .mod and typed channels, ions.
	count := map[string]int{}
	var order []string
	left := func(what string) {
		if count[what] == 0 {
			order = append(order, what)
		}
		count[what]++
	}
	for _, si := range m.rootFirst() {
		if props[si].HH != nil {
			left("hh")
		}
		for _, name := range slices.Sorted(maps.Keys(props[si].Mechs)) {
			left(name)
		}
		for _, ion := range slices.Sorted(maps.Keys(props[si].Ions)) {
			left("ion " + ion)
		}
	}
	var out []string
	for _, what := range order {
		if count[what] == 1 {
			out = append(out, what+" in 1 section")
		} else {
			out = append(out, fmt.Sprintf("%s in %d sections", what, count[what]))
		}
	}
	return c, out
}

// parentSegment finds the segment of section si at x: the one whose arc
// span holds it, and the fraction along it.
func parentSegment(m *Morphology, si int, x float64, lastOf []int) (int, float64) {
	s := &m.Sections[si]
	target := x * s.L()
	n := len(s.Points) - 1 // the section's segments
	first := lastOf[si] - n + 1
	for k := 1; k <= n; k++ {
		a, b := s.Points[k-1].Arc, s.Points[k].Arc
		if target <= b || k == n {
			f := 1.0
			if b > a {
				f = min(1, max(0, (target-a)/(b-a)))
			}
			return first + k - 1, f
		}
	}
	return lastOf[si], 1
}

// regionGroup is the NeuroML group of a region.
func regionGroup(region string) string {
	switch region {
	case "soma":
		return "soma_group"
	case "axon":
		return "axon_group"
	case "dend":
		return "dendrite_group"
	case "apic":
		return "apical_dendrite_group"
	}
	return ncName(region)
}

// ncName makes a NeuroML id (an XML NCName) of a section or region name:
// dend[3] is dend_3.
func ncName(name string) string {
	r := strings.NewReplacer("[", "_", "]", "", ".", "_", "(", "_", ")", "")
	return r.Replace(name)
}

// SWC returns the morphology as SWC points, NEURON's way of writing a
// cell's 3-D points (each section's points after its first, which is the
// parent's point at its attachment; all of a section joined by wire,
// the first joining that point), of the types its regions have (soma 1,
// axon 2, dend 3, apic 4, any other 3). A child attached between two of
// its parent's points gets a point of its own there, on the parent's
// cable, so that it attaches where it did.
func (m *Morphology) SWC() *swc.File {
	f := &swc.File{Name: m.Source}
	// By section: its points with those its children attach at, and the
	// SWC id each got.
	pts := make([][]Pt3D, len(m.Sections))
	for si, s := range m.Sections {
		pts[si] = s.Points
	}
	for _, s := range m.Sections {
		if s.Parent < 0 {
			continue
		}
		ps := &m.Sections[s.Parent]
		at := ps.At(s.ParentX)
		k, found := slices.BinarySearchFunc(pts[s.Parent], at.Arc, func(p Pt3D, arc float64) int { return cmp.Compare(p.Arc, arc) })
		if !found && (k == len(pts[s.Parent]) || math.Abs(pts[s.Parent][k].Arc-at.Arc) > 1e-9*ps.L()) {
			pts[s.Parent] = slices.Insert(slices.Clone(pts[s.Parent]), k, at)
		}
	}
	ids := make([][]int, len(m.Sections))
	for _, si := range m.rootFirst() {
		s := &m.Sections[si]
		typ := swc.TypeOf(s.Region)
		parent := -1
		if s.Parent >= 0 {
			target := s.ParentX * m.Sections[s.Parent].L()
			pp := pts[s.Parent]
			k := slices.IndexFunc(pp, func(p Pt3D) bool { return p.Arc >= target-1e-9*m.Sections[s.Parent].L() })
			if k < 0 {
				k = len(pp) - 1
			}
			parent = ids[s.Parent][k]
		}
		for k, p := range pts[si] {
			if k == 0 && s.Parent >= 0 && !s.Logical {
				// the parent's point, where the section starts (a
				// section joined by wire starts at its own point)
				ids[si] = append(ids[si], parent)
				continue
			}
			id := len(f.Points) + 1
			f.Points = append(f.Points, swc.Point{ID: id, Type: typ, X: p.X, Y: p.Y, Z: p.Z, Radius: p.Diam / 2, Parent: parent})
			ids[si] = append(ids[si], id)
			parent = id
		}
	}
	return f
}

// rootFirst lists the sections with every parent before its children.
func (m *Morphology) rootFirst() []int {
	return parentsFirst(len(m.Sections), func(i int) int { return m.Sections[i].Parent })
}

// parentsFirst orders items 0..n-1 of a tree (parent: -1 for a root) so
// that each comes after its parent, otherwise in their order.
func parentsFirst(n int, parent func(int) int) []int {
	order := make([]int, 0, n)
	done := make([]bool, n)
	var visit func(i int)
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		if p := parent(i); p >= 0 {
			visit(p)
		}
		order = append(order, i)
	}
	for i := range n {
		visit(i)
	}
	return order
}

// NeuroMLModel returns the model a bare NeuroML cell file stands for: a
// bare SWC file's (spec.ForSWC: its stimulus, recording and run) with the
// file's own passive biophysics (axial resistivity, specific
// capacitance, passive channel densities as pas, initMembPotential as
// v_init) on the sections of their segment groups, the
// numberInternalDivisions of cable groups as their sections' nseg, and,
// in the model's Notes, every property of the file it does not run, with
// its line.
func NeuroMLModel(file string) (*spec.Model, error) {
	c, err := neuroml.ReadFile(file)
	if err != nil {
		return nil, err
	}
	morph, secOf, err := fromNeuroML(c)
	if err != nil {
		return nil, err
	}
	m := spec.ForNeuroML(file)
	note := func(line int, format string, args ...any) {
		m.Notes = append(m.Notes, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	sel := groupSelector(c, morph, secOf)
	where := func(group string, line int, what string) (any, bool) {
		w, err := sel(group)
		if err != nil {
			note(line, "%s: %v: not applied", what, err)
			return nil, false
		}
		return w, true
	}
	for _, g := range c.Groups {
		if g.Divisions == 0 {
			continue
		}
		if w, ok := where(g.ID, g.Line, "numberInternalDivisions"); ok {
			n := g.Divisions
			m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: w, Nseg: &n})
		}
	}
	f := func(x float64) *float64 { return &x }
	for _, v := range c.Resistivity {
		if r, ok := where(v.Group, v.Line, "resistivity"); ok {
			m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: r, Ra: f(v.Value)})
		}
	}
	for _, v := range c.Capacitance {
		if r, ok := where(v.Group, v.Line, "specificCapacitance"); ok {
			m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: r, Cm: f(v.Value)})
		}
	}
	leak := false
	typed := map[string]bool{}
	for _, ch := range c.Channels {
		r, ok := where(ch.Group, ch.Line, "channelDensity "+ch.ID)
		switch {
		case !ok:
		case ch.Passive:
			m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: r, Pas: &spec.Pas{G: f(ch.CondDensity), E: f(ch.Erev)}})
			leak = true
		default:
			name := nmodlID(ch.Def.ID)
			if !typed[name] {
				typed[name] = true
				sc := hhChannel(name, ch.Def)
				mod, err := sc.Mod(file)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: channel %s: %v", file, ch.Line, ch.Def.ID, err)
				}
				m.Channels, m.Mods = append(m.Channels, sc), append(m.Mods, mod)
			}
			m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: r,
				Mechanisms: map[string]map[string]float64{name: {"gbar": ch.CondDensity, "erev": ch.Erev}}})
		}
	}
	if !leak {
		// no leak of its own: a bare SWC file's everywhere
		m.Biophysics = append(m.Biophysics, spec.Biophysics{Where: "all", Pas: spec.SWCPas()})
		m.Notes = append(m.Notes, fmt.Sprintf("%s: no passive channel density: pas %g S/cm², %g mV everywhere, as for a bare SWC", file, spec.SWCPasG, spec.SWCPasE))
	}
	if root := morph.Sections[0].Name; !slices.ContainsFunc(morph.Sections, func(s Section) bool { return s.Name == "soma[0]" }) {
		// A bare cell's stimulus, detector and recording are at the soma;
		// a cell without one has them at its root section.
		at := root + "(0.5)"
		m.IClamps[0].At, m.Spikes.At = at, at
		m.Records[0] = spec.Record{Name: "v_" + root, At: at, Var: "v"}
		m.Notes = append(m.Notes, fmt.Sprintf("%s: no soma: the stimulus, spike detector and recording are at %s, the root section's middle", file, at))
	}
	if c.InitV != nil {
		m.Run.VInit = c.InitV
	}
	for _, is := range c.Unsupported {
		note(is.Line, "%s", is.What)
	}
	return m, nil
}

// groupRegion is the region of a standard segment group, or "".
func groupRegion(id string) string {
	switch id := strings.ToLower(id); {
	case id == "soma_group" || id == "soma":
		return "soma"
	case id == "axon_group" || id == "axon":
		return "axon"
	case strings.Contains(id, "apic"):
		return "apic"
	case id == "dendrite_group" || id == "dend":
		return "dend"
	}
	return ""
}

// groupSelector returns what a segment group selects, as a biophysics
// where: "all" for every section, the regions it covers whole, and the
// other sections by name. NEURON applies a group's properties to the
// sections of its segments, so a group that covers only part of a
// section, which Neurite cannot give a property of its own, is an error,
// as is a group of no segments.
func groupSelector(c *neuroml.Cell, morph *Morphology, secOf map[int]int) func(group string) (any, error) {
	perSec := map[int]int{} // segments by section
	for _, id := range secOf {
		perSec[id]++
	}
	perRegion := map[string]int{} // sections by region
	for _, s := range morph.Sections {
		perRegion[s.Region]++
	}
	return func(group string) (any, error) {
		segs := c.GroupSegments(group)
		if len(segs) == 0 {
			return nil, fmt.Errorf("segment group %s has no segments", group)
		}
		in := map[int]int{}
		for id := range segs {
			in[secOf[id]]++
		}
		if len(in) == len(morph.Sections) && len(segs) == len(secOf) {
			return "all", nil
		}
		secs := slices.Sorted(maps.Keys(in))
		inRegion := map[string]int{}
		for _, si := range secs {
			if in[si] != perSec[si] {
				return nil, fmt.Errorf("segment group %s covers %d of the %d segments of section %s; properties are by section", group, in[si], perSec[si], morph.Sections[si].Name)
			}
			inRegion[morph.Sections[si].Region]++
		}
		var w []any
		done := map[string]bool{}
		for _, si := range secs {
			r := morph.Sections[si].Region
			switch {
			case inRegion[r] == perRegion[r] && !done[r]:
				done[r] = true
				w = append(w, r)
			case inRegion[r] != perRegion[r]:
				w = append(w, morph.Sections[si].Name)
			}
		}
		if len(w) == 1 {
			return w[0], nil
		}
		return w, nil
	}
}

// hhChannel writes an ionChannelHH as a channel typed as equations: each
// gate by its rates (or steady state and time constant) in NeuroML's
// standard forms, scaled by its Q10, the current gbar·Π gate^instances·(v
// − erev), nonspecific (the density's erev is the channel's own; ion
// currents are not tracked).
func hhChannel(name string, def *neuroml.IonChannel) spec.Channel {
	ch := spec.Channel{Name: name, Params: map[string]float64{"gbar": 0, "erev": 0}, Gates: map[string]spec.Gate{}}
	current := "gbar"
	for _, g := range def.Gates {
		q := ""
		switch {
		case math.IsNaN(g.Q10Temp):
			q = channel.Num(g.Q10) + " * "
		case g.Q10 != 1:
			q = fmt.Sprintf("%s^((celsius - %s)/10) * ", channel.Num(g.Q10), channel.Num(g.Q10Temp))
		}
		if g.Forward != nil {
			ch.Gates[g.ID] = spec.Gate{Alpha: q + rateExpr(g.Forward), Beta: q + rateExpr(g.Reverse)}
		} else {
			tau := rateExpr(g.TimeCrs)
			if q != "" {
				tau = tau + " / (" + strings.TrimSuffix(q, " * ") + ")"
			}
			ch.Gates[g.ID] = spec.Gate{Inf: rateExpr(g.SteadyState), Tau: tau}
		}
		current += " * " + g.ID
		if g.Instances > 1 {
			current += fmt.Sprintf("^%d", g.Instances)
		}
	}
	ch.Current = current + " * (v - erev)"
	return ch
}

// rateExpr is one of NeuroML's standard rate forms as an expression of v.
func rateExpr(r *neuroml.Rate) string {
	R, M, S := channel.Num(r.Rate), channel.Num(r.Midpoint), channel.Num(r.Scale)
	switch r.Type {
	case "HHExpRate", "HHExpVariable":
		return fmt.Sprintf("%s * exp((v - %s)/%s)", R, M, S)
	case "HHSigmoidRate", "HHSigmoidVariable":
		return fmt.Sprintf("%s / (1 + exp((%s - v)/%s))", R, M, S)
	case "HHExpLinearRate":
		return fmt.Sprintf("%s * ((v - %s)/%s) / (1 - exp(-(v - %s)/%s))", R, M, S, M, S)
	}
	return channel.Num(r.Tau) // fixedTimeCourse
}

// nmodlID makes a mechanism name of a NeuroML id.
func nmodlID(id string) string {
	b := []byte(id)
	for i, r := range b {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}
