package compartments

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"neurite/sim"
	"neurite/sim/output"
	"neurite/sim/spec"
)

// Method is the time-stepping scheme of the cable equation.
type Method int

const (
	// BackwardEuler is NEURON's default (secondorder = 0): first order,
	// unconditionally stable, no oscillations.
	BackwardEuler Method = iota
	// CrankNicolson is NEURON's secondorder = 2: a backward-Euler half step
	// followed by linear extrapolation to the full step; second order in
	// the voltage, channel states staggered by half a step.
	CrankNicolson
)

func (m Method) String() string {
	if m == CrankNicolson {
		return "crank-nicolson"
	}
	return "backward-euler"
}

// Settings are the run parameters a plan is made for.
type Settings struct {
	Dt      float64 // time step, ms
	Celsius float64 // temperature, °C (hh rates scale with Q10 = 3)
	VInit   float64 // initial membrane potential, mV
	Method  Method
	// RecordInterval is the probe sampling interval (ms), a multiple of Dt.
	RecordInterval float64
	// Full-cell voltage snapshots are taken every SnapshotInterval (ms, a
	// multiple of Dt; 0 takes none) and at each of SnapshotTimes (ms, on
	// the step grid, increasing): the union of the two.
	SnapshotInterval float64
	SnapshotTimes    []float64
	// SnapshotQuantity is what the snapshots record at every segment: v
	// ("" or "v") or one of Plan.Quantities (cai, NaTa_t.m, ...), NaN
	// where a segment has no such thing.
	SnapshotQuantity string
}

// TakesSnapshots reports whether any snapshot is taken.
func (s *Settings) TakesSnapshots() bool { return s.SnapshotInterval > 0 || len(s.SnapshotTimes) > 0 }

// SnapshotSummary says when snapshots are taken, in a few words: "every
// 0.5 ms", "at 5, 10, 12.5 ms", "every 4 ms and at 12 times from 1 to
// 95 ms"; "" when none are.
func (s *Settings) SnapshotSummary() string {
	var parts []string
	if s.SnapshotInterval > 0 {
		parts = append(parts, fmt.Sprintf("every %g ms", s.SnapshotInterval))
	}
	switch ts := s.SnapshotTimes; {
	case len(ts) > 5:
		parts = append(parts, fmt.Sprintf("at %d times from %g to %g ms", len(ts), ts[0], ts[len(ts)-1]))
	case len(ts) > 0:
		list := make([]string, len(ts))
		for i, t := range ts {
			list[i] = fmt.Sprintf("%g", t)
		}
		parts = append(parts, fmt.Sprintf("at %s ms", strings.Join(list, ", ")))
	}
	return strings.Join(parts, " and ")
}

// SnapshotSchedule is when snapshots are taken, in steps: the snapshot at
// step k holds v at time k·dt.
type SnapshotSchedule struct {
	every int64   // 0: none by interval
	steps []int64 // the listed times' steps, increasing
}

// Snapshots returns the steps of the snapshots of checked settings.
func (s *Settings) Snapshots() SnapshotSchedule {
	var sc SnapshotSchedule
	if s.SnapshotInterval > 0 {
		sc.every, _ = stepsPerInt(s.SnapshotInterval, s.Dt)
	}
	for _, t := range s.SnapshotTimes {
		k, _ := gridStep(t, s.Dt)
		sc.steps = append(sc.steps, k)
	}
	return sc
}

// Any reports whether any snapshot is taken.
func (sc SnapshotSchedule) Any() bool { return sc.every > 0 || len(sc.steps) > 0 }

// At reports whether a snapshot is taken at step k.
func (sc SnapshotSchedule) At(k int64) bool {
	_, listed := slices.BinarySearch(sc.steps, k)
	return listed || sc.every > 0 && k%sc.every == 0
}

// Count returns how many snapshots are taken at steps 0 to last.
func (sc SnapshotSchedule) Count(last int64) int {
	if last < 0 {
		return 0
	}
	n := 0
	if sc.every > 0 {
		n = int(last/sc.every) + 1
	}
	for _, k := range sc.steps {
		if k <= last && (sc.every == 0 || k%sc.every != 0) { // a step on both is taken once
			n++
		}
	}
	return n
}

// Next returns the first snapshot step after step k, or math.MaxInt64 if
// there is none.
func (sc SnapshotSchedule) Next(k int64) int64 {
	next := int64(math.MaxInt64)
	if sc.every > 0 {
		next = (k/sc.every + 1) * sc.every
	}
	i, found := slices.BinarySearch(sc.steps, k)
	if found {
		i++
	}
	if i < len(sc.steps) {
		next = min(next, sc.steps[i])
	}
	return next
}

// NodeKind tells a segment-centre node from the zero-area end nodes.
type NodeKind uint8

const (
	// Centre nodes carry a segment's membrane.
	Centre NodeKind = iota
	// End is a section's x = 1 node: no membrane, a junction for children.
	End
	// Root is the x = 0 node of a cell's root section.
	Root
)

// Node says where a node of the plan lies.
type Node struct {
	Cell, Section int32
	X             float32 // position along the section
	Kind          NodeKind
}

// CellPlan locates one cell within a plan.
type CellPlan struct {
	Name       string
	Morph      *Morphology
	Props      []SectionProps
	First, End int       // the cell's nodes are [First, End)
	Attach     []int32   // per section: the node at its 0 end
	SegNodes   [][]int32 // per section: the node of each segment
	EndNode    []int32   // per section: the node at its 1 end
}

// Geometry returns the areas and resistances of a section's segments.
func (c *CellPlan) Geometry(sec int) Geometry {
	return c.Morph.Sections[sec].Geometry(c.Props[sec].Nseg, c.Props[sec].Ra)
}

// NodeAt returns the node NEURON uses for sec(x): the 0-end node for x = 0,
// the 1-end node for x = 1, and otherwise the centre of the segment
// containing x.
func (c *CellPlan) NodeAt(l Location) int {
	segs := c.SegNodes[l.Section]
	switch {
	case l.X == 0:
		return int(c.Attach[l.Section])
	case l.X == 1:
		return int(c.EndNode[l.Section])
	}
	return int(segs[min(int(l.X*float64(len(segs))), len(segs)-1)])
}

// SynPlan is one synapse instance. ExpSyn and Exp2Syn share the form
// g = B − A with each state decaying exponentially; an event of weight w
// adds w·FactorA to A and w·FactorB to B (ExpSyn: 0 and 1).
type SynPlan struct {
	Name             string
	Kind             SynapseKind
	Cell, Node       int32
	TauA, TauB       float64 // ms; TauA is unused for ExpSyn
	E                float64
	FactorA, FactorB float64
}

// IClampPlan is one current clamp.
type IClampPlan struct {
	Name            string
	Cell, Node      int32
	Delay, Dur, Amp float64
}

// Event is a synaptic input: at time T, weight Weight onto synapse Syn.
type Event struct {
	T      float64
	Syn    int32
	Weight float64
}

// NetConPlan is an event source onto instance Inst of the point process
// Mechs[Mech]: NEURON's NetCon, with its NET_RECEIVE arguments at
// initialisation (the weight, then zeros).
type NetConPlan struct {
	Cell, Mech, Inst int32
	Args             []float64
}

// PointEvent is an event at time T (ms, exact: NET_RECEIVE sees it) from
// NetCons[NetCon].
type PointEvent struct {
	T      float64
	NetCon int32
}

// DetectorPlan is a spike detector.
type DetectorPlan struct {
	Cell, Node int32
	Threshold  float64
}

// ProbeVar is the quantity a probe records.
type ProbeVar uint8

const (
	ProbeV ProbeVar = iota
	ProbeHHm
	ProbeHHh
	ProbeHHn
	ProbeSynI
	ProbeSynG
	ProbeIClampI
	// ProbeMech: variable Field of an NMODL mechanism's instance Index
	// (of Mechs[Mech]).
	ProbeMech
	// ProbeIon: an ion's (Ions[Index]) reversal potential, inner or
	// outer concentration or current (Field 0, 1, 2, 3) at the node.
	ProbeIon
)

// ProbePlan is one recorded quantity. Index is the hh instance, synapse,
// clamp or mechanism instance it reads, where it reads one.
type ProbePlan struct {
	Name  string
	Cell  int32
	Node  int32
	Var   ProbeVar
	Index int32
	Mech  int32
	Field MechField
}

// MechField is a variable of an NMODL mechanism: a state, an assigned
// variable or a parameter, by its index in the mechanism's list.
type MechField struct {
	Kind  MechVarKind
	Index int
}

// MechVarKind says which of a mechanism's lists a MechField indexes.
type MechVarKind uint8

// The lists of a mechanism's variables.
const (
	MechState MechVarKind = iota
	MechAssigned
	MechParam
)

// Plan is a set of cells flattened into arrays, ready for a backend: nodes
// numbered cell by cell with every parent before its children (the Hines
// order), the coefficients of the cable equation per node, and mechanism
// and point-process instances as lists. It has no behaviour of its own.
type Plan struct {
	Settings
	// Mechs are the NMODL mechanisms' instances, density mechanisms and
	// point processes, a group per mechanism; Ions the ions they use, by
	// node.
	Mechs  []MechPlan
	Ions   []IonPlan
	Cells  []CellPlan
	Nodes  []Node
	Parent []int32   // parent node, -1 for a cell's root
	Area   []float64 // membrane area, µm² (0 for end nodes)
	Diam   []float64 // mean diameter of the segment, µm (0 for end nodes)
	Cap    []float64 // capacitance, nF
	GAxial []float64 // conductance to the parent node, µS
	// The built-in mechanisms' instances, which Lower makes groups of
	// as it does Mechs' (Lowered.Groups): hh's nodes, ascending, …
	HHNode []int32
	// HHSet[k] indexes the parameters of hh instance k in HHParams; cells
	// share a few parameter sets, not one per compartment.
	HHSet    []int32
	HHParams []HH
	// … and pas's, by instance.
	PasNode []int32
	Pas     []Pas
	Syns    []SynPlan
	IClamps []IClampPlan
	// Events of each cell, sorted by time: cell c's are
	// Events[EventStart[c]:EventStart[c+1]].
	Events     []Event
	EventStart []int
	// NetCons are the event sources onto the NMODL point processes (of
	// Mechs), cell by cell, and PointEvents their events: cell c's,
	// sorted by time, are PointEvents[PointEventStart[c]:PointEventStart[c+1]].
	NetCons         []NetConPlan
	PointEvents     []PointEvent
	PointEventStart []int
	Detectors       []DetectorPlan
	// Connections carry spikes from cell to cell (BuildNetwork).
	Connections []Connection
	Probes      []ProbePlan
	// Segments lists the centre nodes in cell, section, x order: the
	// compartments of voltage snapshots.
	Segments []int32
}

// Layout describes the plan's output columns (sim/output): its probes,
// its snapshots' segments and the quantity they hold.
func (p *Plan) Layout() output.Layout {
	l := output.Layout{Segments: p.SegmentTable(), Dt: p.Dt, SnapshotsListed: len(p.SnapshotTimes) > 0}
	if q := p.SnapshotQuantity; q != "" && q != "v" {
		l.Quantity, l.Unit = q, p.QuantityUnit(q)
	}
	l.Probes = p.ProbeNames()
	for _, c := range p.Cells {
		n := 0
		for _, nodes := range c.SegNodes {
			n += len(nodes)
		}
		l.CellSegments = append(l.CellSegments, n)
	}
	return l
}

// ProbeNames lists the probes' names in recording order.
func (p *Plan) ProbeNames() []string {
	names := make([]string, len(p.Probes))
	for i, pr := range p.Probes {
		names[i] = pr.Name
	}
	return names
}

// SegmentPositions lists each segment's position x (0–1) along its
// section, in Segments order.
func (p *Plan) SegmentPositions() []float64 {
	xs := make([]float64, len(p.Segments))
	for i, node := range p.Segments {
		xs[i] = float64(p.Nodes[node].X)
	}
	return xs
}

// Compartments is the number of segments (membrane compartments).
func (p *Plan) Compartments() int { return len(p.Segments) }

// SegmentName names a centre node the NEURON way, e.g. "dend[3](0.25)",
// prefixed with its cell's name when the plan has several cells.
func (p *Plan) SegmentName(node int) string {
	n := p.Nodes[node]
	c := &p.Cells[n.Cell]
	name := c.Morph.Sections[n.Section].Name + "(" + formatX(float64(n.X)) + ")"
	if len(p.Cells) > 1 {
		name = fmt.Sprintf("%s %s", c.Name, name)
	}
	return name
}

func (s *Settings) check() error {
	var errs []error
	if !(s.Dt > 0) || math.IsInf(s.Dt, 0) {
		errs = append(errs, fmt.Errorf("dt = %v ms must be positive", s.Dt))
	} else {
		if _, err := stepsPer(s.RecordInterval, s.Dt, "record interval"); err != nil {
			errs = append(errs, err)
		}
		if s.SnapshotInterval != 0 {
			if _, err := stepsPer(s.SnapshotInterval, s.Dt, "snapshot interval"); err != nil {
				errs = append(errs, err)
			}
		}
		for j, t := range s.SnapshotTimes {
			if _, err := gridStep(t, s.Dt); err != nil {
				errs = append(errs, fmt.Errorf("snapshot time %w", err))
			} else if j > 0 && !(t > s.SnapshotTimes[j-1]) {
				errs = append(errs, fmt.Errorf("snapshot times must increase: %v ms after %v ms", t, s.SnapshotTimes[j-1]))
			}
		}
	}
	if math.IsNaN(s.Celsius) || math.IsInf(s.Celsius, 0) || math.IsNaN(s.VInit) || math.IsInf(s.VInit, 0) {
		errs = append(errs, fmt.Errorf("celsius and v_init must be finite"))
	}
	return errors.Join(errs...)
}

// gridStep returns the step at which time t (ms) falls, which must lie on
// the step grid: a multiple of dt, not negative.
func gridStep(t, dt float64) (int64, error) {
	k := math.Round(t / dt)
	if !(k >= 0 && k < 1<<62) || math.Abs(k*dt-t) > 1e-9*math.Max(t, dt) {
		if !(t >= 0) || math.IsInf(t, 0) {
			return 0, fmt.Errorf("%v ms must be finite and not negative", t)
		}
		lo := math.Floor(t/dt) * dt
		return 0, fmt.Errorf("%v ms is not on the step grid: give a multiple of dt = %v ms, such as %.12g or %.12g", t, dt, lo, lo+dt)
	}
	return int64(k), nil
}

// stepsPer returns interval/dt, which must be a whole number ≥ 1.
func stepsPer(interval, dt float64, what string) (int, error) {
	k := math.Round(interval / dt)
	if !(k >= 1) || math.Abs(k*dt-interval) > 1e-9*interval {
		return 0, fmt.Errorf("%s %v ms must be a positive multiple of dt = %v ms", what, interval, dt)
	}
	return int(k), nil
}

// Build flattens cells into a plan.
func Build(cells []*Cell, s Settings) (*Plan, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	p := &Plan{Settings: s, EventStart: []int{0}, PointEventStart: []int{0}}
	for ci, c := range cells {
		if err := p.addCell(int32(ci), c); err != nil {
			name := c.Name
			if name == "" {
				name = fmt.Sprintf("cell %d", ci)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if q := s.SnapshotQuantity; q != "" && q != "v" && !slices.Contains(p.Quantities(), q) {
		return nil, fmt.Errorf("snapshots.quantity = %q: this model's segments show %s", q, strings.Join(p.Quantities(), ", "))
	}
	return p, nil
}

// topoOrder lists section indices parents first, depth first from the root
// with children in section order, so that a branch's nodes lie together.
func topoOrder(m *Morphology) ([]int, error) {
	children := make([][]int, len(m.Sections))
	root := -1
	for i, s := range m.Sections {
		if s.Parent < 0 {
			if root >= 0 {
				return nil, fmt.Errorf("sections %s and %s are both roots", m.Sections[root].Name, s.Name)
			}
			root = i
			continue
		}
		children[s.Parent] = append(children[s.Parent], i)
	}
	if root < 0 {
		return nil, fmt.Errorf("no root section")
	}
	order := make([]int, 0, len(m.Sections))
	stack := []int{root}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, k)
		for i := len(children[k]) - 1; i >= 0; i-- {
			stack = append(stack, children[k][i])
		}
	}
	if len(order) != len(m.Sections) {
		return nil, fmt.Errorf("sections do not form one tree")
	}
	return order, nil
}

func (p *Plan) addCell(ci int32, c *Cell) error {
	m := c.Morph
	if len(c.Props) != len(m.Sections) {
		return fmt.Errorf("%d section properties for %d sections", len(c.Props), len(m.Sections))
	}
	for i, pr := range c.Props {
		name := m.Sections[i].Name
		switch {
		case !(pr.Ra > 0) || math.IsInf(pr.Ra, 0):
			return fmt.Errorf("%s: Ra = %v Ω·cm must be positive", name, pr.Ra)
		case !(pr.Cm >= 0) || math.IsInf(pr.Cm, 0):
			return fmt.Errorf("%s: cm = %v µF/cm² must not be negative", name, pr.Cm)
		case pr.Nseg < 1 || pr.Nseg > spec.MaxNseg:
			return fmt.Errorf("%s: nseg = %d must be from 1 to %d, as NEURON's", name, pr.Nseg, spec.MaxNseg)
		}
	}
	order, err := topoOrder(m)
	if err != nil {
		return err
	}
	cp := CellPlan{
		Name: c.Name, Morph: m, Props: c.Props, First: len(p.Nodes),
		Attach: make([]int32, len(m.Sections)), SegNodes: make([][]int32, len(m.Sections)),
		EndNode: make([]int32, len(m.Sections)),
	}
	// Lay the tree out depth first (cell-local numbers), then renumber by
	// depth below.
	type proto struct {
		node        Node
		parent      int
		g, area, cm float64
		diam        float64
		props       *SectionProps
	}
	protos := []proto{{node: Node{Cell: ci, Section: int32(order[0]), X: 0, Kind: Root}, parent: -1}}
	for _, si := range order {
		sec := &m.Sections[si]
		pr := &c.Props[si]
		geo := sec.Geometry(pr.Nseg, pr.Ra)
		if sec.Parent < 0 {
			cp.Attach[si] = 0
		} else {
			cp.Attach[si] = int32(cp.NodeAt(Location{Section: sec.Parent, X: sec.ParentX}))
		}
		parent := int(cp.Attach[si])
		cp.SegNodes[si] = make([]int32, pr.Nseg)
		for k := range pr.Nseg {
			x := (float32(k) + 0.5) / float32(pr.Nseg)
			protos = append(protos, proto{Node{ci, int32(si), x, Centre}, parent, 1 / geo.Ri[k], geo.Area[k], pr.Cm, geo.Diam[k], pr})
			parent = len(protos) - 1
			cp.SegNodes[si][k] = int32(parent)
		}
		protos = append(protos, proto{Node{ci, int32(si), 1, End}, parent, 1 / geo.RiEnd, 0, 0, 0, nil})
		cp.EndNode[si] = int32(len(protos) - 1)
	}
	// Number nodes by depth in the tree (level order). Parents still come
	// before children, and nodes at the same depth on different branches
	// sit side by side, so the elimination and back-substitution of the
	// tree solve work on independent branches in turn: their chains of
	// divisions overlap in the processor instead of waiting on each other.
	depth := make([]int, len(protos))
	for i, pr := range protos {
		if pr.parent >= 0 {
			depth[i] = depth[pr.parent] + 1
		}
	}
	byDepth := make([]int, len(protos))
	for i := range byDepth {
		byDepth[i] = i
	}
	slices.SortStableFunc(byDepth, func(a, b int) int { return depth[a] - depth[b] })
	number := make([]int32, len(protos))
	for k, i := range byDepth {
		number[i] = int32(cp.First + k)
	}
	hhSets := map[HH]int32{}
	for k, h := range p.HHParams {
		hhSets[h] = int32(k)
	}
	for _, i := range byDepth {
		pr := protos[i]
		parent := int32(-1)
		if pr.parent >= 0 {
			parent = number[pr.parent]
		}
		p.Nodes = append(p.Nodes, pr.node)
		p.Parent = append(p.Parent, parent)
		p.GAxial = append(p.GAxial, pr.g)
		p.Area = append(p.Area, pr.area)
		p.Diam = append(p.Diam, pr.diam)
		p.Cap = append(p.Cap, pr.cm*pr.area*1e-5)
		if pr.props != nil && pr.props.HH != nil {
			set, ok := hhSets[*pr.props.HH]
			if !ok {
				set = int32(len(p.HHParams))
				p.HHParams = append(p.HHParams, *pr.props.HH)
				hhSets[*pr.props.HH] = set
			}
			p.HHNode = append(p.HHNode, number[i])
			p.HHSet = append(p.HHSet, set)
		}
		if pr.props != nil && pr.props.Pas != nil {
			p.PasNode = append(p.PasNode, number[i])
			p.Pas = append(p.Pas, *pr.props.Pas)
		}
	}
	cp.End = len(p.Nodes)
	props := func(node int) *SectionProps {
		n := p.Nodes[node]
		if n.Kind != Centre {
			return nil
		}
		return &c.Props[n.Section]
	}
	if err := p.addMechanisms(c, cp.First, cp.End, props); err != nil {
		return err
	}
	for si := range m.Sections {
		cp.Attach[si] = number[cp.Attach[si]]
		cp.EndNode[si] = number[cp.EndNode[si]]
		for k, i := range cp.SegNodes[si] {
			cp.SegNodes[si][k] = number[i]
			p.Segments = append(p.Segments, number[i])
		}
	}
	p.Cells = append(p.Cells, cp)
	cell := &p.Cells[len(p.Cells)-1]
	if err := p.addPointProcesses(ci, cell, c); err != nil {
		return err
	}
	if err := p.addIons(c, cp.First, cp.End, props); err != nil {
		return err
	}
	return p.addProbes(ci, cell, c)
}

func (p *Plan) addPointProcesses(ci int32, cp *CellPlan, c *Cell) error {
	m := c.Morph
	names := map[string]string{}
	claim := func(name, what string) error {
		if name == "" {
			return fmt.Errorf("a %s has no name", what)
		}
		if prev, dup := names[name]; dup {
			return fmt.Errorf("%s %q has the same name as a %s", what, name, prev)
		}
		names[name] = what
		return nil
	}
	for _, ic := range c.IClamps {
		if err := claim(ic.Name, "current clamp"); err != nil {
			return err
		}
		if err := checkLocation(m, ic.At); err != nil {
			return fmt.Errorf("current clamp %s: %w", ic.Name, err)
		}
		if !finite(ic.Delay, ic.Amp) || !(ic.Dur >= 0) {
			return fmt.Errorf("current clamp %s: delay and amp must be finite, dur not negative (+Inf: to the end of the run)", ic.Name)
		}
		p.IClamps = append(p.IClamps, IClampPlan{Name: ic.Name, Cell: ci, Node: int32(cp.NodeAt(ic.At)), Delay: ic.Delay, Dur: ic.Dur, Amp: ic.Amp})
	}
	var events []Event
	for _, sy := range c.Synapses {
		if err := claim(sy.Name, "synapse"); err != nil {
			return err
		}
		if err := checkLocation(m, sy.At); err != nil {
			return fmt.Errorf("synapse %s: %w", sy.Name, err)
		}
		sp := SynPlan{Name: sy.Name, Kind: sy.Kind, Cell: ci, Node: int32(cp.NodeAt(sy.At)), E: sy.E}
		switch sy.Kind {
		case ExpSyn:
			if !(sy.Tau > 0) || math.IsInf(sy.Tau, 0) {
				return fmt.Errorf("synapse %s: tau = %v ms must be positive", sy.Name, sy.Tau)
			}
			sp.TauA, sp.TauB, sp.FactorA, sp.FactorB = sy.Tau, sy.Tau, 0, 1
		case Exp2Syn:
			if !(sy.Tau1 > 0) || !(sy.Tau2 > sy.Tau1) || math.IsInf(sy.Tau2, 0) {
				return fmt.Errorf("synapse %s: need 0 < tau1 < tau2, got tau1 = %v, tau2 = %v ms", sy.Name, sy.Tau1, sy.Tau2)
			}
			tp := sy.Tau1 * sy.Tau2 / (sy.Tau2 - sy.Tau1) * math.Log(sy.Tau2/sy.Tau1)
			f := 1 / (math.Exp(-tp/sy.Tau2) - math.Exp(-tp/sy.Tau1))
			sp.TauA, sp.TauB, sp.FactorA, sp.FactorB = sy.Tau1, sy.Tau2, f, f
		}
		if !finite(sy.E, sy.Weight) {
			return fmt.Errorf("synapse %s: e and weight must be finite", sy.Name)
		}
		idx := int32(len(p.Syns))
		p.Syns = append(p.Syns, sp)
		for _, t := range sy.Events {
			if !finite(t) || t < 0 {
				return fmt.Errorf("synapse %s: event time %v must be finite and not negative", sy.Name, t)
			}
			events = append(events, Event{T: t, Syn: idx, Weight: sy.Weight})
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return cmp.Compare(a.T, b.T) })
	p.Events = append(p.Events, events...)
	p.EventStart = append(p.EventStart, len(p.Events))
	for _, pt := range c.Points {
		if err := claim(pt.Name, "synapse"); err != nil {
			return err
		}
	}
	if err := p.addPoints(ci, cp, c); err != nil {
		return err
	}
	if c.Spike != nil {
		if err := checkLocation(m, c.Spike.At); err != nil {
			return fmt.Errorf("spike detector: %w", err)
		}
		if !finite(c.Spike.Threshold) {
			return fmt.Errorf("spike detector: threshold must be finite")
		}
		p.Detectors = append(p.Detectors, DetectorPlan{Cell: ci, Node: int32(cp.NodeAt(c.Spike.At)), Threshold: c.Spike.Threshold})
	}
	return nil
}

func (p *Plan) addProbes(ci int32, cp *CellPlan, c *Cell) error {
	for _, pr := range c.Probes {
		pp, err := p.ResolveProbe(int(ci), pr)
		if err != nil {
			return err
		}
		p.Probes = append(p.Probes, pp)
	}
	return nil
}

// ResolveProbe finds what a probe of cell ci reads.
func (p *Plan) ResolveProbe(ci int, pr Probe) (ProbePlan, error) {
	cp := &p.Cells[ci]
	m := cp.Morph
	if err := checkLocation(m, pr.At); err != nil {
		return ProbePlan{}, fmt.Errorf("probe %s: %w", pr.Name, err)
	}
	cell := int32(ci)
	node := int32(cp.NodeAt(pr.At))
	pp := ProbePlan{Name: pr.Name, Cell: cell, Node: node}
	switch pr.Var {
	case "v":
		pp.Var = ProbeV
	case "hh.m", "hh.h", "hh.n":
		k, found := slices.BinarySearch(p.HHNode, node)
		if !found {
			// hh.mod inserted as an NMODL mechanism (package nrnmech) has
			// the gates too.
			if ok, err := p.resolveNMODL(&pp, pr); ok {
				return pp, err
			}
			return ProbePlan{}, fmt.Errorf("probe %s: %s has no hh mechanism", pr.Name, m.LocationString(pr.At))
		}
		pp.Var, pp.Index = map[string]ProbeVar{"hh.m": ProbeHHm, "hh.h": ProbeHHh, "hh.n": ProbeHHn}[pr.Var], int32(k)
	default:
		if ok, err := p.resolveNMODL(&pp, pr); ok || err != nil {
			return pp, err
		}
		name, field, ok := strings.Cut(pr.Var, ".")
		if !ok || (field != "i" && field != "g") {
			return ProbePlan{}, fmt.Errorf("probe %s: unknown variable %q (v, hh.m, hh.h, hh.n, NAME.i or NAME.g, an NMODL mechanism's MECH.var, or an ion's eX, Xi, Xo, iX)", pr.Name, pr.Var)
		}
		if k := slices.IndexFunc(p.Syns, func(s SynPlan) bool { return s.Cell == cell && s.Name == name }); k >= 0 {
			pp.Var, pp.Index, pp.Node = ProbeSynI, int32(k), p.Syns[k].Node
			if field == "g" {
				pp.Var = ProbeSynG
			}
		} else if k := slices.IndexFunc(p.IClamps, func(s IClampPlan) bool { return s.Cell == cell && s.Name == name }); k >= 0 && field == "i" {
			pp.Var, pp.Index, pp.Node = ProbeIClampI, int32(k), p.IClamps[k].Node
		} else {
			return ProbePlan{}, fmt.Errorf("probe %s: no synapse or current clamp named %q with a variable %q", pr.Name, name, field)
		}
	}
	return pp, nil
}

// PathDistances returns, for every node of the cell (indexed from its first
// node), the distance along the cable from the node of origin, in µm, as
// NEURON's distance(). Nodes sit at their arc positions: segment centres
// at (k+½)·L/nseg, end nodes at 0 and L.
func (c *CellPlan) PathDistances(p *Plan, origin Location) []float64 {
	n := c.End - c.First
	// The length of each node's link to its parent follows from the arc
	// positions of the two.
	link := make([]float64, n)
	for i := range n {
		node := c.First + i
		if p.Parent[node] < 0 {
			continue
		}
		nd := p.Nodes[node]
		L := c.Morph.Sections[nd.Section].L()
		nseg := float64(len(c.SegNodes[nd.Section]))
		switch {
		case nd.Kind == End, p.Parent[node] == c.Attach[nd.Section]:
			link[i] = L / (2 * nseg) // half a segment: to the 1 end, or from the 0 end
		default:
			link[i] = L / nseg
		}
	}
	adj := make([][]int32, n)
	for i := range n {
		if par := p.Parent[c.First+i]; par >= 0 {
			j := par - int32(c.First)
			adj[i] = append(adj[i], j)
			adj[j] = append(adj[j], int32(i))
		}
	}
	dist := make([]float64, n)
	seen := make([]bool, n)
	start := int32(c.NodeAt(origin) - c.First)
	queue := []int32{start}
	seen[start] = true
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range adj[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			// The link belongs to whichever of the two is the child.
			l := link[j]
			if p.Parent[c.First+int(i)] == int32(c.First)+j {
				l = link[i]
			}
			dist[j] = dist[i] + l
			queue = append(queue, j)
		}
	}
	return dist
}

func checkLocation(m *Morphology, l Location) error {
	if l.Section < 0 || l.Section >= len(m.Sections) {
		return fmt.Errorf("section index %d out of range", l.Section)
	}
	if !(l.X >= 0 && l.X <= 1) {
		return fmt.Errorf("x = %v must lie in [0, 1]", l.X)
	}
	return nil
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Frusta cuts every section of every cell at its 3-D points and at segment
// boundaries, so that each piece lies in one segment; Segment is the
// piece's index in p.Segments (the snapshot column).
func (p *Plan) Frusta() []sim.Frustum {
	column := make(map[int32]int, len(p.Segments))
	for k, node := range p.Segments {
		column[node] = k
	}
	var out []sim.Frustum
	for ci := range p.Cells {
		c := &p.Cells[ci]
		for si := range c.Morph.Sections {
			sec := &c.Morph.Sections[si]
			nseg := c.Props[si].Nseg
			L := sec.L()
			// Cut points: 3-D points and segment boundaries, by arc.
			cuts := make([]float64, 0, len(sec.Points)+nseg)
			for _, pt := range sec.Points {
				cuts = append(cuts, pt.Arc)
			}
			for k := 1; k < nseg; k++ {
				cuts = append(cuts, L*float64(k)/float64(nseg))
			}
			slices.Sort(cuts)
			cuts = slices.Compact(cuts)
			for i := 1; i < len(cuts); i++ {
				if cuts[i] <= cuts[i-1] {
					continue
				}
				a, b := sec.At(cuts[i-1]/L), sec.At(cuts[i]/L)
				mid := (cuts[i-1] + cuts[i]) / 2 / L
				k := min(int(mid*float64(nseg)), nseg-1)
				out = append(out, sim.Frustum{
					A: [3]float64{a.X, a.Y, a.Z}, B: [3]float64{b.X, b.Y, b.Z}, DA: a.Diam, DB: b.Diam,
					Segment: column[c.SegNodes[si][k]],
				})
			}
		}
	}
	return out
}

// SegmentTable describes every compartment, in p.Segments order.
func (p *Plan) SegmentTable() []sim.Segment {
	out := make([]sim.Segment, 0, len(p.Segments))
	for ci := range p.Cells {
		c := &p.Cells[ci]
		for si, nodes := range c.SegNodes {
			geo := c.Geometry(si)
			sec := &c.Morph.Sections[si]
			for k, node := range nodes {
				pt := sec.At(float64(p.Nodes[node].X))
				out = append(out, sim.Segment{Name: p.SegmentName(int(node)), X: pt.X, Y: pt.Y, Z: pt.Z, Diam: geo.Diam[k], Area: geo.Area[k]})
			}
		}
	}
	return out
}

// Wiring lowers the plan's synaptic events to the run driver's inputs:
// each event due at the step NEURON delivers it (sim.DeliveryStep), onto
// its synapse; events of one step keep their order of time. The plan's
// connections become the driver's router.
func (p *Plan) Wiring() sim.Wiring {
	in := make([]sim.Input, 0, len(p.Events))
	for _, ev := range p.Events {
		in = append(in, sim.Input{Step: sim.DeliveryStep(ev.T, p.Dt), Target: ev.Syn, W: ev.Weight})
	}
	slices.SortStableFunc(in, func(a, b sim.Input) int { return cmp.Compare(a.Step, b.Step) })
	w := sim.Wiring{Targets: len(p.Syns), Inputs: in}
	if r := p.router(); r != nil {
		w.Router = r
	}
	return w
}
