package mech

import (
	"fmt"
	"math"

	"neurite/compartments/nmodl"
	"neurite/sim/fastlog"
)

// Physical constants of NEURON 8.2's modern units (CODATA 2018).
const (
	GasConstant = 8.31446261815       // R, J/(mol K)
	Faraday     = 96485.3321233100141 // C/mol
)

// Nernst is the reversal potential (mV) of an ion of valence z with inner
// and outer concentrations ci and co at celsius degrees, as NEURON 8.2
// computes it: (1000*R*(celsius+273.15)/(z*FARADAY)) * ln(co/ci).
func Nernst(z int, celsius, ci, co float64) float64 {
	return NernstFactor(z, celsius) * math.Log(co/ci)
}

// NernstFactor is RT/zF in mV, Nernst's factor of ln(co/ci).
func NernstFactor(z int, celsius float64) float64 {
	return 1000 * GasConstant * (celsius + 273.15) / (float64(z) * Faraday)
}

// NernstNodes sets the reversal potential at each of nodes by Nernst,
// the logarithms four at a time (fastlog: math.Log's bits, so Nernst's
// values); ratio is scratch of len(nodes).
func NernstNodes(z int, celsius float64, in *IonNodes, nodes []int32, ratio []float64) {
	ratio = ratio[:len(nodes)]
	for k, nd := range nodes {
		ratio[k] = in.Co[nd] / in.Ci[nd]
	}
	fastlog.LogSlice(ratio, ratio)
	f := NernstFactor(z, celsius)
	for k, nd := range nodes {
		in.E[nd] = f * ratio[k]
	}
}

// Mechanism is a compiled .mod file.
type Mechanism struct {
	// Mod is the checked tree the mechanism was compiled from; other
	// back ends (gpu/mechglsl) translate the same tree.
	Mod   *nmodl.Mod
	Name  string // SUFFIX or POINT_PROCESS name
	Point bool   // POINT_PROCESS (currents in nA, conductances in uS) vs density (mA/cm2, S/cm2)
	// Params are the PARAMETERs (RANGE and GLOBAL) with their defaults:
	// the literal values of the .mod text (not rounded to 6 digits).
	Params []Var
	States []Var
	// Assigned are the ASSIGNED variables that are RANGE (recordable),
	// e.g. gNaTa_t, and the NONSPECIFIC_CURRENTs, e.g. ihcn.
	Assigned []Var
	Ions     []Ion
	// IonVars are the ion variables the mechanism uses, in the order of
	// its USEION lines and of nmodl.Ion.Variables.
	IonVars []IonVar
	// WritesConcentration says the mechanism writes an ion concentration
	// (CaDynamics_E2 writes cai): NEURON updates these first.
	WritesConcentration bool
	Method              string // "cnexp", "derivimplicit", "sparse", or "" (no SOLVE)
	// NetArgs are NET_RECEIVE's arguments, weight first: the per-NetCon
	// vector Receive takes (nil without NET_RECEIVE).
	NetArgs []string
	// InitSends says INITIAL calls net_send: initialise with InitEvents.
	InitSends bool

	slots  []slotDef // the per-instance vectors of a group
	nmasks int
	loads  []ionLoad // ion variables read from the cable
	stores []ionLoad // ion variables written to the cable
	// currents are the slots of the written ion currents and
	// NONSPECIFIC_CURRENTs, summed into the membrane current.
	currents []int
	ionCur   []ionLoad // the written ion currents, added into IonNodes.I
	builtins [nBuiltin]int
	initial  stmtFn // INITIAL, or nil
	current  stmtFn // BREAKPOINT without its SOLVE, or nil
	// currentAgain is current without the assignments whose values its
	// second evaluation cannot change (vDependent), or nil.
	currentAgain stmtFn
	// ohmic is set where the current is g*(v - e) (ohmicCurrent), and
	// conductance is then BREAKPOINT's statements before it, or nil.
	ohmic       *ohmic
	conductance stmtFn
	advance     stmtFn // the SOLVE'd block, or nil
	kinetics    []*kinetic
	receive     stmtFn // NET_RECEIVE, or nil
	netInit     stmtFn // NET_RECEIVE's INITIAL, or nil
	netArgs     []int  // the slots of its arguments
	flagSlot    int
}

// Var is a variable of a mechanism. Global marks a PARAMETER that NEURON
// shares by all instances (GLOBAL, or not listed as RANGE); a Group still
// holds it per instance, and the engine sets them all alike.
type Var struct {
	Name, Unit string
	Default    float64
	Global     bool
}

// Ion is a USEION line: {"na", 1, ["ena"], ["ina"]}.
type Ion struct {
	Name        string
	Valence     int
	Read, Write []string
}

// IonField is a value of an ion at a node: IonE, IonI, IonCi or IonCo.
type IonField int

// The ion's values, in the order of nmodl.Ion.Variables and of IonNodes.
const (
	IonE  IonField = iota // reversal potential, mV
	IonI                  // total current, mA/cm2
	IonCi                 // inner concentration, mM
	IonCo                 // outer concentration, mM
)

// IonVar is a mechanism's use of an ion variable (ena, ina, cai, cao):
// Load, it is read from the cable at every evaluation (a READ variable,
// or a STATE such as CaDynamics_E2's cai); Write, a written current is
// added into the ion's total after Current, any other written variable is
// stored to the cable after Init and Advance.
type IonVar struct {
	Ion, Name   string
	What        IonField
	Load, Write bool
}

// Cable is what a group reads and writes of the cable for one evaluation.
type Cable struct {
	Node           []int32              // by instance: its node
	V              []float64            // by node, mV
	Ions           map[string]*IonNodes // by ion name: "na", "k", "ca", ...
	Celsius, Dt, T float64
	// Area (um2) and Diam (um) by node; needed only by mechanisms that
	// use area or diam, and Area by point processes that write an ion
	// current.
	Area, Diam []float64
}

// IonNodes are an ion's values by node: reversal potential mV, inner and
// outer concentrations mM, and the total current of the step (mA/cm2).
type IonNodes struct{ E, Ci, Co, I []float64 }

// Group is the instances of one mechanism (struct of arrays); the engine
// owns it. The engine may write into the vectors of Param, State and
// Assigned but must not replace them: the compiled program holds them.
type Group struct {
	M                      *Mechanism
	N                      int
	Param, State, Assigned [][]float64 // [variable index in M's lists][instance]
	f                      frame
	one                    frame     // a one-instance view of f, for Receive
	part                   frame     // a view of f on a block of instances, for run
	iv                     []float64 // Current's i(v+0.001)
	ionv                   ionCache
	held                   uniform
}

// slot kinds: where a per-instance vector lives.
const (
	slotOwn = iota // group scratch (non-RANGE ASSIGNED, LOCALs, arguments, builtins, ion variables)
	slotParam
	slotState
	slotAssigned
)

type slotDef struct {
	kind, index int
}

// The NEURON variables a mechanism may use.
const (
	bV = iota
	bCelsius
	bT
	bDt
	bDiam
	bArea
	nBuiltin
)

var builtinIndex = map[string]int{"v": bV, "celsius": bCelsius, "t": bT, "dt": bDt, "diam": bDiam, "area": bArea}

// ionLoad ties a slot to an ion variable of the cable, read into the
// slot or written from it: what is 0 E, 1 I, 2 Ci, 3 Co.
type ionLoad struct {
	ion  string
	what int
	slot int
}

// NewGroup makes n instances with parameters at their defaults and states 0.
func (m *Mechanism) NewGroup(n int) *Group {
	g := &Group{M: m, N: n}
	newVecs := func(vs []Var, def bool) [][]float64 {
		out := make([][]float64, len(vs))
		for i, v := range vs {
			out[i] = vector(n)
			if def && v.Default != 0 {
				for k := range out[i] {
					out[i][k] = v.Default
				}
			}
		}
		return out
	}
	g.Param = newVecs(m.Params, true)
	g.State = newVecs(m.States, false)
	g.Assigned = newVecs(m.Assigned, false)
	f := &g.f
	f.n, f.n4 = n, pad4(n)
	f.vars = make([][]float64, len(m.slots))
	for i, s := range m.slots {
		switch s.kind {
		case slotParam:
			f.vars[i] = g.Param[s.index]
		case slotState:
			f.vars[i] = g.State[s.index]
		case slotAssigned:
			f.vars[i] = g.Assigned[s.index]
		default:
			f.vars[i] = vector(n)
		}
	}
	f.masks = make([][]bool, m.nmasks)
	for i := range f.masks {
		f.masks[i] = make([]bool, n)
	}
	f.kin = make([]kinScratch, len(m.kinetics))
	for i, k := range m.kinetics {
		f.kin[i] = k.scratch(n)
	}
	g.iv = make([]float64, n)
	return g
}

// vector makes a per-instance vector of n values with room for whole
// vectors of four (the padding the instructions compute on and nothing
// reads).
func vector(n int) []float64 { return make([]float64, n, pad4(n)) }

// pad4 is n rounded up to a multiple of 4.
func pad4(n int) int { return (n + 3) &^ 3 }

// load sets the mechanism's copies of v, the NEURON variables and the ion
// variables it reads from the cable, for all instances.
func (g *Group) load(c *Cable) {
	g.f.mask = nil
	g.M.load(&g.f, c, g.ions(c), c.Node[:g.N], &g.held)
}

// ionCache is a cable's ion vectors of a mechanism's ion loads, stores
// and written currents (in the order of Mechanism's lists), looked up by
// ion name once for the cable rather than at every evaluation.
type ionCache struct {
	cable              *Cable
	loads, stores, cur [][]float64
}

// ions returns the ion vectors of cable c. A group remembers those of the
// last cable it was given: a caller that changes a Cable's Ions passes a
// new Cable.
func (g *Group) ions(c *Cable) *ionCache {
	ic := &g.ionv
	if ic.cable != c {
		m := g.M
		resolve := func(ls []ionLoad) [][]float64 {
			out := make([][]float64, len(ls))
			for i, l := range ls {
				out[i] = ionVector(c, m, l)
			}
			return out
		}
		*ic = ionCache{cable: c, loads: resolve(m.loads), stores: resolve(m.stores), cur: resolve(m.ionCur)}
	}
	return ic
}

// load fills f's vectors (one entry per node of nodes) from the cable.
// With held (a group's own frame), celsius and dt are filled only when
// they change: the same for every instance and every step of a run, they
// took as long as the arithmetic of a small group's currents.
func (m *Mechanism) load(f *frame, c *Cable, ic *ionCache, nodes []int32, held *uniform) {
	gather(f.vars[m.builtins[bV]], c.V, nodes)
	for b, x := range [...]float64{bCelsius: c.Celsius, bT: c.T, bDt: c.Dt} {
		s := m.builtins[b]
		if b == bV || s < 0 {
			continue
		}
		if held != nil && b != bT { // no statement assigns them (nmodl's checker)
			if held.ok[b] && held.x[b] == x {
				continue
			}
			held.ok[b], held.x[b] = true, x
		}
		fill(f.vars[s], x)
	}
	if s := m.builtins[bDiam]; s >= 0 {
		gather(f.vars[s], m.cableVector(c.Diam, "diam"), nodes)
	}
	if s := m.builtins[bArea]; s >= 0 {
		gather(f.vars[s], m.cableVector(c.Area, "area"), nodes)
	}
	for i, l := range m.loads {
		gather(f.vars[l.slot], ic.loads[i], nodes)
	}
}

// cableVector returns by, the cable's vector of the NEURON variable name,
// and panics where the cable does not give it.
func (m *Mechanism) cableVector(by []float64, name string) []float64 {
	if by == nil {
		panic(fmt.Sprintf("mech: %s uses %s, which the cable does not give", m.Name, name))
	}
	return by
}

// uniform is what a group's frame holds of the NEURON variables that
// have one value for all instances.
type uniform struct {
	ok [nBuiltin]bool
	x  [nBuiltin]float64
}

// block is the number of instances a compiled block runs on at a time:
// its scratch vectors then stay in the first-level caches.
const block = 256

// run runs fn on the group's instances, a block at a time.
func (g *Group) run(fn stmtFn) {
	if g.N <= block {
		fn(&g.f)
		return
	}
	p, f := &g.part, &g.f
	if p.vars == nil {
		*p = frame{vars: make([][]float64, len(f.vars)), masks: make([][]bool, len(f.masks)), kin: f.kin}
	}
	for lo := 0; lo < g.N; lo += block {
		hi := min(lo+block, g.N)
		p.n, p.n4, p.mask, p.base, p.send = hi-lo, pad4(hi-lo), nil, lo, f.send
		for s, v := range f.vars {
			p.vars[s] = v[lo:hi]
		}
		for i, m := range f.masks {
			p.masks[i] = m[:hi-lo]
		}
		fn(p)
	}
}

// storeIons writes the ion concentrations and reversal potentials the
// mechanism WRITEs to the cable.
func (g *Group) storeIons(c *Cable) {
	for i, s := range g.M.stores {
		dst := g.ions(c).stores[i]
		for k, nd := range c.Node[:g.N] {
			dst[nd] = g.f.vars[s.slot][k]
		}
	}
}

func ionVector(c *Cable, m *Mechanism, l ionLoad) []float64 {
	in := c.Ions[l.ion]
	if in == nil {
		panic(fmt.Sprintf("mech: %s uses ion %s, which the cable does not have", m.Name, l.ion))
	}
	return [...][]float64{in.E, in.I, in.Ci, in.Co}[l.what]
}

func gather(dst, by []float64, node []int32) {
	for k, nd := range node {
		dst[k] = by[nd]
	}
}

func fill(dst []float64, x float64) {
	for k := range dst {
		dst[k] = x
	}
}

// Init runs the INITIAL block (with SOLVE ... STEADYSTATE). Every STATE
// starts at 0, an ion-concentration STATE (cai) at the ion's value; a
// STATE the INITIAL block does not assign keeps that start. It panics if
// INITIAL calls net_send (M.InitSends): use InitEvents.
func (g *Group) Init(c *Cable) {
	g.InitEvents(c, func(int, float64, float64) {
		panic("mech: " + g.M.Name + "'s INITIAL calls net_send: initialise it with InitEvents")
	})
}

// InitEvents is Init for a point process whose INITIAL calls
// net_send(delay, flag): each call, for instance k, calls send, which
// queues a self-event for k at c.T + delay.
func (g *Group) InitEvents(c *Cable, send func(k int, delay, flag float64)) {
	m := g.M
	for i := range g.State {
		clear(g.State[i])
	}
	g.load(c)
	g.f.send = send
	if m.initial != nil {
		g.run(m.initial)
	}
	g.f.send = nil
	g.storeIons(c)
}

// Current computes by instance the total membrane current i (density
// mA/cm2 or point nA) and di/dv by NEURON's difference quotient: BREAKPOINT
// without its SOLVE is evaluated at v+0.001, then at v, and di =
// (i(v+0.001)-i(v))/0.001. The ASSIGNED variables keep the values of the
// v evaluation, and the written ion currents of that evaluation are added
// into c.Ions[ion].I at the instances' nodes, in mA/cm²: a point
// process's nA by 100/PointArea(c.Area[node]), as NEURON.
func (g *Group) Current(c *Cable, i, di []float64) {
	m, f := g.M, &g.f
	i, di = i[:g.N], di[:g.N]
	if m.current == nil {
		clear(i)
		clear(di)
		return
	}
	// As nocmodl's nrn_cur: the ion variables are read once, and only v
	// is set again for the second evaluation.
	g.load(c)
	v := f.vars[m.builtins[bV]]
	if o := m.ohmic; o != nil {
		if m.conductance != nil {
			g.run(m.conductance)
		}
		o.currents(f, v[:g.N], i, di)
	} else {
		for k := range v {
			v[k] += 0.001
		}
		g.run(m.current)
		g.sumCurrents(g.iv)
		gather(v, c.V, c.Node[:g.N])
		if m.currentAgain != nil {
			g.run(m.currentAgain)
		} else {
			g.run(m.current)
		}
		g.sumCurrents(i)
		for k := range di {
			di[k] = (g.iv[k] - i[k]) / 0.001
		}
	}
	for j, s := range m.ionCur {
		dst, cur := g.ions(c).cur[j], f.vars[s.slot]
		if !m.Point {
			for k, nd := range c.Node[:g.N] {
				dst[nd] += cur[k]
			}
			continue
		}
		area := m.cableVector(c.Area, "area")
		for k, nd := range c.Node[:g.N] {
			dst[nd] += cur[k] * 100 / PointArea(area[nd])
		}
	}
}

// PointArea is the area (µm²) over which a point process's current at a
// node of area a (µm²) spreads into its ion's density: a, or 100 where the
// node has no area, as NEURON, so that the current stays in nA there.
func PointArea(a float64) float64 {
	if a == 0 {
		return 100
	}
	return a
}

// currents is Current's two evaluations of an ohmic current and their
// difference quotient, instance by instance: the operations of the
// general path (v + 0.001 rounded, the sums from 0), so its bits.
func (o *ohmic) currents(f *frame, v, i, di []float64) {
	cur := f.vars[o.i][:len(v)]
	i, di = i[:len(v)], di[:len(v)]
	for k, vk := range v {
		g, e := o.gc, o.ec
		if o.g >= 0 {
			g = f.vars[o.g][k]
		}
		if o.e >= 0 {
			e = f.vars[o.e][k]
		}
		up := 0 + g*(float64(vk+0.001)-e)
		at := g * (vk - e)
		cur[k] = at
		i[k] = 0 + at
		di[k] = (up - i[k]) / 0.001
	}
}

func (g *Group) sumCurrents(dst []float64) {
	clear(dst)
	for _, s := range g.M.currents {
		x := g.f.vars[s]
		for k := range dst {
			dst[k] += x[k]
		}
	}
}

// Advance runs the SOLVE'd block over c.Dt with v the node voltage of the
// end of the step, then writes the ion concentrations the mechanism
// writes to the cable.
func (g *Group) Advance(c *Cable) {
	if g.M.advance == nil {
		return
	}
	g.load(c)
	g.run(g.M.advance)
	g.storeIons(c)
}

// Compile turns a checked NMODL tree into a mechanism; an unsupported
// feature is an error naming file:line and the construct.
func Compile(m *nmodl.Mod) (*Mechanism, error) {
	mech := &Mechanism{Mod: m, Name: m.Name, Point: m.Kind == nmodl.PointProcess}
	c := newCompiler(m, mech)
	if err := c.declare(); err != nil {
		return nil, err
	}
	if err := c.compile(); err != nil {
		return nil, err
	}
	return mech, nil
}
