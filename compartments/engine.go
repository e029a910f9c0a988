package compartments

import (
	"math"
	"runtime"
	"slices"

	"neurite/sim"
	"neurite/sim/fastexp"
	"neurite/sim/hh"
)

// Simulator advances a plan in time: the CPU Engine here, or the GPU
// engine of package gpu; both run the same plan the same way, driven by
// sim.Driver.
type Simulator interface {
	sim.Simulator
	// SegmentVoltages returns v at every segment centre.
	SegmentVoltages() []float64
	// SetProbes replaces what is recorded.
	SetProbes(probes []ProbePlan)
	// Plan returns the plan run.
	Plan() *Plan
}

// Engine advances a plan in time on the CPU in float64 with NEURON's
// fixed-step scheme (see NEURON_SCHEME.md in the references):
//
//  1. deliver the events due by t + dt/2;
//  2. linearise every membrane current about the present state (exact for
//     the conductance-based currents here) and evaluate clamps at t + dt/2;
//  3. solve the tree system for the new voltages (backward Euler, or a
//     half step extrapolated for Crank–Nicolson) in O(N) (Hines);
//  4. advance the gates exactly over dt with the new voltage held fixed;
//  5. decay the synapses, detect spikes, record.
//
// Cells are independent between events, so each cell advances a whole chunk
// of steps on its own while its arrays sit in cache, and cells are spread
// over all cores.
type Engine struct {
	*sim.Driver
	plan    *Plan
	workers int

	recordEvery int64
	snapshots   SnapshotSchedule

	// Per node: the voltage, the tree system (d, rhs), its parts that do
	// not change (dBase: capacitance, axial and passive conductance;
	// rBase: passive current) and the hh conductance and current of the
	// present step (gm, ge); capCj is capacitance times cj. parent and the synapse and clamp node
	// indices below are local to the cell (relative to its first node).
	v, d, rhs, dBase, rBase, gm, ge []float64
	capCj                           []float64
	parent                          []int32
	cj                              float64 // 1/dt, or 2/dt for Crank–Nicolson

	// The hh group (Lowered.Groups), run by hhKernel: by instance its
	// node, its parameter set in hhParams, its gates and its area factor
	// (S/cm² to µS).
	hhNode, hhSet []int32
	hhParams      []HH
	hhM, hhH, hhN []float64
	hhScale       []float64
	dtq           float64 // dt·Q10: rates (1/ms) to gate exponents

	synNode                          []int32
	synA, synB, synDecayA, synDecayB []float64
	synI, synG                       []float64
	clampNode                        []int32
	clampI                           []float64
	detAbove                         []bool

	// A node is static if neither it nor any node below it (away from
	// the root) has a conductance that changes in time (hh, a synapse):
	// its eliminated diagonal and factors are then the same every step,
	// and inv0, f0, fg0 hold them (1/d, gax/d, gax²/d as the elimination
	// rounds them), so that its solve needs no division.
	inv0, f0, fg0 []float64

	cells  []cellState
	groups []cellGroup

	// The NMODL mechanisms' ions, and where each instance of the plan's
	// mechanisms lies (for probes).
	ions   []ionState
	mechAt [][]mechRef
	// netArgs are the point processes' NetCons' NET_RECEIVE arguments
	// (p.NetCons): the weight, then the NetCon's own state.
	netArgs [][]float64
	// shown is the quantity SegmentQuantity last read (other than v),
	// resolved at each segment (ProbeV where the segment lacks it).
	shown struct {
		q  string
		at []ProbePlan
	}
}

// cellGroup is a run of cells [lo, hi) of one shape advanced together;
// static[i] tells whether node i is static in every one of them.
type cellGroup struct {
	lo, hi int
	static []bool
	mechs  []*mechGroup // the NMODL mechanisms' instances in these cells
	nernst [][]int32    // by ion: the nodes whose reversal potential follows the concentrations
	ratio  []float64    // scratch of mech.NernstNodes
}

// cellState is one cell's share of the engine's arrays.
type cellState struct {
	first, end       int
	hhLo, hhHi       int
	synLo, synHi     int
	clampLo, clampHi int
	det              int   // index of the cell's spike detector, -1 for none
	probes           []int // probe indices of this cell
	spikes           []sim.Spike
	points           pointQueue // the cell's pending point-process events
	// Nodes without capacitance (section ends, the root) carry algebraic
	// equations; Crank–Nicolson re-solves them after its extrapolation
	// from their neighbours (CSR: alg[j]'s are algNbr[algStart[j]:algStart[j+1]]).
	alg          []int32
	algStart     []int32
	algNbr       []int32
	algG         []float64
	algD, algRHS []float64
	err          *sim.BlowUpError
}

// NewEngine prepares a plan for running; call Init before Run.
func NewEngine(p *Plan) *Engine {
	n := len(p.Nodes)
	l := Lower(p)
	e := &Engine{
		plan: p, workers: runtime.GOMAXPROCS(0),
		v: make([]float64, n), d: make([]float64, n), rhs: make([]float64, n),
		dBase: l.DBase, rBase: l.RBase,
		gm: make([]float64, n), ge: make([]float64, n), capCj: l.CapCj, parent: make([]int32, n),
		cj: l.CJ,
	}
	e.recordEvery, _ = stepsPerInt(p.RecordInterval, p.Dt)
	e.snapshots = p.Snapshots()
	e.dtq = p.Dt * hh.Q10(p.Celsius)
	for _, c := range p.Cells {
		e.cells = append(e.cells, cellState{first: c.First, end: c.End})
	}
	cellOf := func(node int32) *cellState { return &e.cells[p.Nodes[node].Cell] }
	for i := range n {
		e.parent[i] = -1
		if par := p.Parent[i]; par >= 0 {
			e.parent[i] = par - int32(cellOf(int32(i)).first)
		}
	}
	if p.Method == CrankNicolson {
		for ci := range e.cells {
			e.cells[ci].algebraic(p, p.Cells[ci])
		}
	}
	// Each kind of mechanism to its implementation here.
	var nmodl []*MechGroup
	for gi := range l.Groups {
		switch g := &l.Groups[gi]; g.Kind {
		case KindHH:
			e.addHH(g)
		case KindPas:
			// static: Lower folded it into dBase and rBase
		case KindNMODL:
			nmodl = append(nmodl, g)
		}
	}
	ns := len(p.Syns)
	e.synNode = make([]int32, ns)
	e.synA, e.synB = make([]float64, ns), make([]float64, ns)
	e.synI, e.synG = make([]float64, ns), make([]float64, ns)
	e.cellRanges(ns, func(k int) int32 { return p.Syns[k].Cell },
		func(c *cellState, lo, hi int) { c.synLo, c.synHi = lo, hi })
	e.synDecayA, e.synDecayB = l.SynDecayA, l.SynDecayB
	for k, s := range p.Syns {
		e.synNode[k] = s.Node - int32(e.cells[s.Cell].first)
	}
	e.clampNode, e.clampI = make([]int32, len(p.IClamps)), make([]float64, len(p.IClamps))
	e.cellRanges(len(p.IClamps), func(k int) int32 { return p.IClamps[k].Cell },
		func(c *cellState, lo, hi int) { c.clampLo, c.clampHi = lo, hi })
	for k, c := range p.IClamps {
		e.clampNode[k] = c.Node - int32(e.cells[c.Cell].first)
	}
	e.detAbove = make([]bool, len(p.Detectors))
	for ci := range e.cells {
		e.cells[ci].det = -1
	}
	for k, dt := range p.Detectors {
		e.cells[dt.Cell].det = k
	}
	e.SetProbes(p.Probes)
	e.groupCells(l)
	e.buildMechs(nmodl)
	e.Driver = sim.NewDriver((*cpuBackend)(e), p.Wiring())
	return e
}

// addHH takes the hh group for hhKernel, which specialises it: its own
// arrays of gates, laid out for the vector kernel (laneArray).
func (e *Engine) addHH(g *MechGroup) {
	n := len(g.Node)
	e.hhNode, e.hhSet, e.hhParams = g.Node, g.Set, g.HH
	e.hhM, e.hhH, e.hhN = laneArray(n), laneArray(n), laneArray(n)
	e.hhScale = laneArray(n)
	copy(e.hhScale, g.Scale)
	e.cellRanges(n, func(k int) int32 { return e.plan.Nodes[g.Node[k]].Cell },
		func(c *cellState, lo, hi int) { c.hhLo, c.hhHi = lo, hi })
}

// cellRanges hands each cell the range [lo, hi) of its instances in a list
// of n instances ordered by cell.
func (e *Engine) cellRanges(n int, cellOf func(k int) int32, set func(c *cellState, lo, hi int)) {
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && cellOf(hi) == cellOf(lo) {
			hi++
		}
		set(&e.cells[cellOf(lo)], lo, hi)
		lo = hi
	}
}

func stepsPerInt(interval, dt float64) (int64, error) {
	k, err := stepsPer(interval, dt, "interval")
	return int64(k), err
}

// algebraic lists the cell's nodes without capacitance and their
// neighbours.
func (c *cellState) algebraic(p *Plan, cp CellPlan) {
	c.algStart = []int32{0}
	for _, a := range p.AlgebraicNodes(cp) {
		c.alg = append(c.alg, a.Node-int32(c.first))
		for _, l := range a.Nbrs {
			c.algNbr = append(c.algNbr, l.Node-int32(c.first))
			c.algG = append(c.algG, l.G)
		}
		c.algStart = append(c.algStart, int32(len(c.algNbr)))
	}
	c.algD = make([]float64, len(c.alg))
	c.algRHS = make([]float64, len(c.alg))
}

// SetProbes replaces what the engine records (the plan's Probes). Probes
// only read the state, so they may change between runs of a simulation.
func (e *Engine) SetProbes(probes []ProbePlan) {
	e.plan.Probes = probes
	for ci := range e.cells {
		e.cells[ci].probes = e.cells[ci].probes[:0]
	}
	for k, pr := range probes {
		cs := &e.cells[pr.Cell]
		cs.probes = append(cs.probes, k)
	}
}

// SetWorkers sets how many cells advance at once (default GOMAXPROCS).
func (e *Engine) SetWorkers(n int) { e.workers = max(1, n) }

// Plan returns the plan the engine runs.
func (e *Engine) Plan() *Plan { return e.plan }

// reset sets the initial state, as NEURON's finitialize(v_init): every
// node at VInit, gates at their steady state, synapses closed.
func (e *Engine) reset() {
	p := e.plan
	for i := range e.v {
		e.v[i] = p.VInit
		e.gm[i], e.ge[i] = 0, 0
	}
	m, h, n := hh.SteadyState(p.VInit)
	for ci := range e.cells {
		c := &e.cells[ci]
		for k := c.hhLo; k < c.hhHi; k++ {
			e.setHH(k, m, h, n)
		}
		c.spikes = c.spikes[:0]
		c.err = nil
	}
	clear(e.synA)
	clear(e.synB)
	clear(e.synI)
	clear(e.synG)
	clear(e.clampI)
	for k, dt := range p.Detectors {
		e.detAbove[k] = p.VInit >= dt.Threshold
	}
	e.resetMechs()
}

// setHH stores gates of hh instance k and the conductance (µS) and driving
// current term (µS·mV) of its node for the next step.
func (e *Engine) setHH(k int, m, h, n float64) {
	node := e.hhNode[k]
	hp := &e.hhParams[e.hhSet[k]]
	scale := e.hhScale[k]
	e.hhM[k], e.hhH[k], e.hhN[k] = m, h, n
	gna := hp.GNaBar * m * m * m * h
	n2 := n * n
	gk := hp.GKBar * n2 * n2
	e.gm[node] = (gna + gk + hp.GL) * scale
	e.ge[node] = (gna*hp.ENa + gk*hp.EK + hp.GL*hp.EL) * scale
}

// maxGroup is the most cells advanced in lockstep: the tree solve of one
// small cell is a chain of dependent divisions and multiplications, so a
// core waits on each; the solves of several cells of one shape,
// interleaved, keep it busy.
const maxGroup = 8

// groupNodes bounds a group's nodes: larger cells keep a core busy alone,
// and grouping them would only cost cache and balance between workers.
const groupNodes = 256

// groupCells splits the cells into runs of at most maxGroup neighbours of
// one shape (the same parent array), whose nodes follow one another, and
// groupNodes nodes in all: the groups advance together. A run holds at
// most its share of the cells over the processor's cores, so that a few
// cells still keep every core busy (four of Hay's cells made one group,
// which one core advanced while the other waited).
func (e *Engine) groupCells(l *Lowered) {
	e.groups = e.groups[:0]
	same := func(a, b *cellState) bool {
		return a.end == b.first && a.end-a.first == b.end-b.first && slices.Equal(e.parent[a.first:a.end], e.parent[b.first:b.end])
	}
	static := e.staticNodes(l)
	most := min(maxGroup, (len(e.cells)+e.workers-1)/e.workers)
	for lo := 0; lo < len(e.cells); {
		hi := lo + 1
		size := e.cells[lo].end - e.cells[lo].first
		for hi < len(e.cells) && hi-lo < most && (hi-lo+1)*size <= groupNodes && same(&e.cells[hi-1], &e.cells[hi]) {
			hi++
		}
		g := cellGroup{lo: lo, hi: hi, static: make([]bool, size)}
		for i := range g.static {
			g.static[i] = true
			for c := lo; c < hi; c++ {
				g.static[i] = g.static[i] && static[e.cells[c].first+i]
			}
		}
		e.groups = append(e.groups, g)
		lo = hi
	}
}

// staticNodes finds the static nodes and sets their constants by the
// elimination's own arithmetic (see Engine.inv0).
func (e *Engine) staticNodes(l *Lowered) []bool {
	p := e.plan
	n := len(e.v)
	static := make([]bool, n)
	for i := range static {
		static[i] = true
	}
	for _, g := range l.Groups {
		if !g.Kind.Static() {
			for _, node := range g.Node {
				static[node] = false
			}
		}
	}
	for _, s := range p.Syns {
		static[s.Node] = false
	}
	e.inv0, e.f0, e.fg0 = make([]float64, n), make([]float64, n), make([]float64, n)
	d := slices.Clone(e.dBase)
	for _, c := range e.cells {
		for i := c.end - 1; i > c.first; i-- {
			par := c.first + int(e.parent[i])
			if !static[i] {
				static[par] = false
				continue
			}
			e.inv0[i] = 1 / d[i]
			e.f0[i] = p.GAxial[i] * e.inv0[i]
			e.fg0[i] = e.f0[i] * p.GAxial[i]
			d[par] -= e.fg0[i]
		}
		static[c.first] = false
	}
	return static
}

// cellArrays are a cell's share of the engine's per-node arrays.
type cellArrays struct {
	c              *cellState
	v, d, rhs, gax []float64
	vPrevDet       float64
	done           bool // blew up: takes no more steps
}

func (e *Engine) arrays(c *cellState) cellArrays {
	p := e.plan
	lo, hi := c.first, c.end
	return cellArrays{c: c, v: e.v[lo:hi], d: e.d[lo:hi], rhs: e.rhs[lo:hi], gax: p.GAxial[lo:hi]}
}

// advance takes a group of cells of one shape over the epoch's steps,
// writing probe values of record steps into the epoch's rows. Each cell's
// arithmetic is that of a cell advanced alone; only the order in which
// the cells' independent operations are issued interleaves. The group's
// nodes are contiguous, cell after cell, so node i of its k-th cell is
// node k·n + i of the group.
func (e *Engine) advance(gr cellGroup, ep *sim.Epoch) {
	p := e.plan
	group := e.cells[gr.lo:gr.hi]
	dt := p.Dt
	var cells [maxGroup]cellArrays
	g := cells[:len(group)]
	for k := range g {
		g[k] = e.arrays(&group[k])
	}
	lo, hi := group[0].first, group[len(group)-1].end
	parent := e.parent[lo:group[0].end]
	n := len(parent)
	v, d, rhs, gax := e.v[lo:hi], e.d[lo:hi], e.rhs[lo:hi], p.GAxial[lo:hi]
	dBase, rBase, capCj, gm, ge := e.dBase[lo:hi], e.rBase[lo:hi], e.capCj[lo:hi], e.gm[lo:hi], e.ge[lo:hi]
	inv0, f0, fg0 := e.inv0[lo:hi], e.f0[lo:hi], e.fg0[lo:hi]
	cn := p.Method == CrankNicolson
	for step := ep.From; step < ep.To; step++ {
		t := float64(step) * dt
		mid := t + dt/2
		due := ep.Inputs.Due(step)
		// Capacitance, membrane conductances and currents; then each
		// cell's synapses and clamps.
		membraneKernel(d, rhs, dBase, gm, capCj, v, rBase, ge)
		if len(gr.mechs) > 0 {
			for k := range g {
				if !g[k].done && g[k].c.points.Len() > 0 {
					e.deliverPoints(g[k].c, t)
				}
			}
			e.mechCurrents(&gr, lo, hi, t)
		}
		for k := range g {
			if !g[k].done {
				e.assemble(&g[k], due, mid)
			}
		}
		// Hines elimination, leaves to root; d[i] keeps 1/d so that the
		// back-substitution multiplies instead of dividing.
		for i := n - 1; i > 0; i-- {
			par := int(parent[i]) - i
			if gr.static[i] {
				for j := i; j < len(d); j += n {
					d[j] = inv0[j]
					d[j+par] -= fg0[j]
					rhs[j+par] += f0[j] * rhs[j]
				}
				continue
			}
			for j := i; j < len(d); j += n {
				inv := 1 / d[j]
				d[j] = inv
				f := gax[j] * inv
				d[j+par] -= f * gax[j]
				rhs[j+par] += f * rhs[j]
			}
		}
		for k := range g {
			a := &g[k]
			a.d[0] = 1 / a.d[0]
			if a.c.det >= 0 {
				a.vPrevDet = a.v[p.Detectors[a.c.det].Node-int32(a.c.first)]
			}
		}
		if cn {
			for k := range g {
				if !g[k].done {
					e.crankNicolson(&g[k], parent)
				}
			}
		} else {
			for j := 0; j < len(v); j += n {
				v[j] = rhs[j] * d[j]
			}
			for i := 1; i < n; i++ {
				par := int(parent[i]) - i
				for j := i; j < len(v); j += n {
					v[j] = (rhs[j] + gax[j]*v[j+par]) * d[j]
				}
			}
		}
		tNew := float64(step+1) * dt
		// One pass over the group finds whether any voltage left the
		// finite range; only then is the cell looked for.
		finite := withinKernel(v)
		all := true
		for k := range g {
			if !finite && !g[k].done {
				e.checkFinite(&g[k], tNew)
			}
			all = all && !g[k].done
		}
		if len(gr.mechs) > 0 {
			e.mechAdvance(&gr, tNew)
		}
		if all {
			// The group's hh instances are consecutive: one kernel call
			// lets it fill its vector lanes across cells.
			hhKernel(e, group[0].hhLo, group[len(group)-1].hhHi)
		}
		for k := range g {
			if !g[k].done {
				if !all {
					hhKernel(e, g[k].c.hhLo, g[k].c.hhHi)
				}
				e.finishStep(&g[k], step, t, ep)
			}
		}
	}
}

// assemble delivers a cell's inputs due at this step and adds its
// synapses and its clamps at mid, the middle of the step, to its tree
// system, whose membrane part advance has set up.
func (e *Engine) assemble(a *cellArrays, due []float64, mid float64) {
	p, c := e.plan, a.c
	for k := c.synLo; k < c.synHi; k++ {
		if w := due[k]; w != 0 {
			e.synA[k] += w * p.Syns[k].FactorA
			e.synB[k] += w * p.Syns[k].FactorB
			due[k] = 0
		}
	}
	v, d, rhs := a.v, a.d, a.rhs
	for k := c.synLo; k < c.synHi; k++ {
		node := e.synNode[k]
		g := e.synB[k] - e.synA[k]
		es := p.Syns[k].E
		d[node] += g
		rhs[node] += g * es
		e.synI[k] = g * (v[node] - es)
	}
	for k := c.clampLo; k < c.clampHi; k++ {
		ic := &p.IClamps[k]
		amp := 0.0
		if ic.Delay <= mid && mid < ic.Delay+ic.Dur {
			amp = ic.Amp
		}
		rhs[e.clampNode[k]] += amp
		e.clampI[k] = amp
	}
	for j, k := range c.alg {
		c.algD[j], c.algRHS[j] = d[k], rhs[k]
	}
}

// crankNicolson finishes a Crank–Nicolson step: rhs becomes v at the half
// step, extrapolated to the full step.
func (e *Engine) crankNicolson(a *cellArrays, parent []int32) {
	c, v, d, rhs, gax := a.c, a.v, a.d, a.rhs, a.gax
	n := len(v)
	rhs[0] *= d[0]
	for i := 1; i < n; i++ {
		rhs[i] = (rhs[i] + gax[i]*rhs[parent[i]]) * d[i]
	}
	for i := range n {
		v[i] = 2*rhs[i] - v[i]
	}
	// Extrapolating an algebraic node would make it oscillate about its
	// true value step after step; Kirchhoff's law with the neighbours' new
	// voltages gives it directly.
	for j, k := range c.alg {
		num := c.algRHS[j]
		for q := c.algStart[j]; q < c.algStart[j+1]; q++ {
			num += c.algG[q] * v[c.algNbr[q]]
		}
		v[k] = num / c.algD[j]
	}
}

// checkFinite ends a cell whose new voltages are not all finite and
// within sim.MaxAbsV, naming its worst segment.
func (e *Engine) checkFinite(a *cellArrays, tNew float64) {
	for _, x := range a.v {
		if !(math.Abs(x) <= sim.MaxAbsV) {
			i := e.worstSegment(a.c, a.v)
			a.c.err = &sim.BlowUpError{T: tNew, Where: e.plan.SegmentName(a.c.first + i), V: a.v[i]}
			a.done = true
			return
		}
	}
}

// finishStep takes a cell whose new voltages passed checkFinite and whose
// gates have advanced: it decays the synapses, detects the spike and
// records.
func (e *Engine) finishStep(a *cellArrays, step int64, t float64, ep *sim.Epoch) {
	p, c, v := e.plan, a.c, a.v
	dt := p.Dt
	tNew := float64(step+1) * dt
	for k := c.synLo; k < c.synHi; k++ {
		e.synA[k] *= e.synDecayA[k]
		e.synB[k] *= e.synDecayB[k]
		e.synG[k] = e.synB[k] - e.synA[k]
	}
	if k := c.det; k >= 0 {
		det := &p.Detectors[k]
		vNow := v[det.Node-int32(c.first)]
		switch {
		case !e.detAbove[k] && vNow >= det.Threshold:
			e.detAbove[k] = true
			tc := t + dt*(det.Threshold-a.vPrevDet)/(vNow-a.vPrevDet)
			c.spikes = append(c.spikes, sim.Spike{Cell: int(det.Cell), T: tc, Step: tNew})
		case e.detAbove[k] && vNow < det.Threshold:
			e.detAbove[k] = false
		}
	}
	if row := ep.Row(step+1, e.recordEvery); row != nil {
		for _, k := range c.probes {
			row[k] = e.probeValue(k)
		}
	}
}

// membraneKernel sets up the membrane part of the tree system of a run of
// nodes: d = dBase + gm, rhs = capCj·v + rBase + ge; membraneScalar, or a
// vector kernel (the same arithmetic, to the bit) where the build and the
// processor provide one.
var membraneKernel = membraneScalar

func membraneScalar(d, rhs, dBase, gm, capCj, v, rBase, ge []float64) {
	n := len(d)
	rhs, dBase, gm, capCj, v, rBase, ge = rhs[:n], dBase[:n], gm[:n], capCj[:n], v[:n], rBase[:n], ge[:n]
	for i := range d {
		d[i] = dBase[i] + gm[i]
		rhs[i] = capCj[i]*v[i] + rBase[i] + ge[i]
	}
}

// withinKernel tells whether every voltage in v is finite and within
// sim.MaxAbsV: withinScalar, or a vector kernel.
var withinKernel = withinScalar

func withinScalar(v []float64) bool {
	for _, x := range v {
		if !(math.Abs(x) <= sim.MaxAbsV) {
			return false
		}
	}
	return true
}

// hhKernel advances hh instances [lo, hi): gatesScalar everywhere, or a
// vector kernel where the build and the processor provide one.
var (
	hhKernel     = (*Engine).gatesScalar
	hhKernelName = "scalar"
)

// HHKernel names the hh kernel in use: "scalar", or "avx2" when built with
// GOEXPERIMENT=simd (as make does) on a processor with AVX2 and FMA.
func HHKernel() string { return hhKernelName }

// gatesScalar advances hh instances [lo, hi) one by one.
func (e *Engine) gatesScalar(lo, hi int) {
	dtq := e.dtq
	for k := lo; k < hi; k++ {
		gM, gH, gN := hh.Rates(e.v[e.hhNode[k]])
		e.setHH(k,
			gM.Inf+(e.hhM[k]-gM.Inf)*fastexp.Exp(-dtq*gM.Rate),
			gH.Inf+(e.hhH[k]-gH.Inf)*fastexp.Exp(-dtq*gH.Rate),
			gN.Inf+(e.hhN[k]-gN.Inf)*fastexp.Exp(-dtq*gN.Rate))
	}
}

// worstSegment returns the cell-local node of the segment whose voltage is
// furthest from finite.
func (e *Engine) worstSegment(c *cellState, v []float64) int {
	return e.plan.WorstSegment(c.first, v)
}

// WorstSegment returns, of a cell's voltages v (nodes first, first+1, …),
// the index in v of the segment furthest from finite: NaN first, then the
// largest |v|. Zero-area end nodes only echo their neighbours, so a
// blow-up is named by a segment.
func (p *Plan) WorstSegment(first int, v []float64) int {
	worst, worstAbs := 0, -1.0
	for i, x := range v {
		if p.Nodes[first+i].Kind != Centre {
			continue
		}
		if math.IsNaN(x) {
			return i
		}
		if a := math.Abs(x); a > worstAbs {
			worst, worstAbs = i, a
		}
	}
	return worst
}

func (e *Engine) probeValue(k int) float64 {
	pr := &e.plan.Probes[k]
	switch pr.Var {
	case ProbeHHm:
		return e.hhM[pr.Index]
	case ProbeHHh:
		return e.hhH[pr.Index]
	case ProbeHHn:
		return e.hhN[pr.Index]
	case ProbeSynI:
		return e.synI[pr.Index]
	case ProbeSynG:
		return e.synG[pr.Index]
	case ProbeIClampI:
		return e.clampI[pr.Index]
	case ProbeMech, ProbeIon:
		return e.mechProbe(pr)
	}
	return e.v[pr.Node]
}

// Part returns the engine as one part of a composite run (sim.Composite):
// its backend and wiring, for a driver other than its own.
func (e *Engine) Part() (sim.Backend, sim.Wiring) { return (*cpuBackend)(e), e.plan.Wiring() }

// cpuBackend is the Engine as the driver sees it.
type cpuBackend Engine

func (b *cpuBackend) Dt() float64             { return b.plan.Dt }
func (b *cpuBackend) Reset()                  { (*Engine)(b).reset() }
func (b *cpuBackend) Probes() int             { return len(b.plan.Probes) }
func (b *cpuBackend) RecordEvery() int64      { return b.recordEvery }
func (b *cpuBackend) Snapshots() sim.Schedule { return b.snapshots }
func (b *cpuBackend) Snapshot(buf []float64) []float64 {
	e := (*Engine)(b)
	if q := b.plan.SnapshotQuantity; q != "" && q != "v" {
		// Build checked q against the plan's quantities.
		v, _ := e.SegmentQuantity(q, buf)
		return v
	}
	return e.segmentVoltages(buf)
}

// EpochSteps is about 50 ms of work: 2e6 node-steps.
func (b *cpuBackend) EpochSteps() int64 { return max(1, int64(2e6/float64(len(b.plan.Nodes)+1))) }

func (b *cpuBackend) Probe(values []float64) {
	for k := range values {
		values[k] = (*Engine)(b).probeValue(k)
	}
}

// Advance takes every cell over the epoch, spreading cells over the
// workers: cells are independent within an epoch.
func (b *cpuBackend) Advance(ep *sim.Epoch) error {
	e := (*Engine)(b)
	// Workers take runs of neighbouring cells of about batchComps
	// compartments: small cells handed out one by one would put
	// neighbours on different cores, sharing the cache lines of their
	// arrays (the ring benchmark's 12-compartment cells ran twice as slow
	// on two threads as on one).
	// An NMODL mechanism's instance costs about what an hh compartment
	// does, so it counts as one: else ten cells of Hay's mechanisms (57
	// nodes, 289 instances each; groups of 4, 4 and 2) made batches of
	// eight cells and two, and one core did four fifths of the work.
	const batchComps = 512
	work := len(e.v)
	for _, mp := range e.plan.Mechs {
		work += len(mp.Node)
	}
	per := max(1, batchComps*len(e.groups)/max(1, work))
	batches := (len(e.groups) + per - 1) / per
	sim.ForEach(batches, e.workers, func() func(int) {
		return func(k int) {
			for _, gr := range e.groups[k*per : min((k+1)*per, len(e.groups))] {
				e.advance(gr, ep)
			}
		}
	})
	for ci := range e.cells {
		c := &e.cells[ci]
		ep.Spikes = append(ep.Spikes, c.spikes...)
		c.spikes = c.spikes[:0]
		ep.NoteBlowUp(c.err)
		c.err = nil
	}
	return nil
}

// segmentVoltages gathers v at every segment centre, in plan.Segments order.
func (e *Engine) segmentVoltages(buf []float64) []float64 {
	buf = buf[:0]
	for _, node := range e.plan.Segments {
		buf = append(buf, e.v[node])
	}
	return buf
}

// SegmentVoltages returns v at every segment centre (plan.Segments order).
func (e *Engine) SegmentVoltages() []float64 { return e.segmentVoltages(nil) }

// laneArray makes an array of n instances' values whose last one to
// three a vector kernel loads and stores masked (gatesAVX2): its capacity
// runs three past its end, so that the four lanes the masked access
// addresses lie within the one allocation (the masked lanes are never
// touched; the race detector's pointer checks refuse a vector that
// straddles allocations).
func laneArray(n int) []float64 { return make([]float64, n, n+3) }
