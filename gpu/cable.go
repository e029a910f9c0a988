package gpu

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/compartments"
	"neurite/shaders"
	"neurite/sim"
	"neurite/sim/hh"
)

// Cable runs a compartments.Plan on the GPU with the CPU engine's scheme,
// many steps per dispatch, voltages and the tree solve in double
// precision, channel kinetics in single. A population of cells runs one
// invocation per cell, cells interleaved in memory (shaders/cable.comp); a
// few large cells run a work group per cell, the tree solved a branch per
// invocation (shaders/cable_team.comp). It answers like
// compartments.Engine.
type Cable struct {
	dev  *Device
	plan *compartments.Plan
	prog *Program
	snap *Program // gathers v at the segments
	team int      // invocations per cell; 0 for one cell per invocation

	step                       int64
	recordEvery, snapshotEvery int64
	recordedInit               bool
	spikeCap                   int
	group                      int     // cells per work group
	perCell                    int     // node slots per cell: the largest cell's nodes
	slots                      int     // the per-node arrays' length
	local                      []int32 // node → its number in its cell's layout
	slot                       []int   // node → its slot in the per-node arrays
	trees                      []branchTree
	treeWords                  []int32 // the tree buffer (team layout)
	order                      []int   // probe buffer index → plan probe index

	node                                                                                [nArrays]*Buffer
	nodeTex                                                                             [nArrays]uint32 // the per-node arrays as buffer textures
	hhSets, syns, clamps, events, cells, algs, algNbrs, probes, rec, spikes, segs, tree *Buffer
	hhTex                                                                               uint32
	snapBufs                                                                            [2]*Buffer

	cellWords []uint32 // the cells buffer as uploaded at Init
	err       error    // a failure of Init, returned by Run

	// Mesa's llvmpipe ends a shader invocation's loops after 65535
	// iterations in all (its guard against endless loops), so a dispatch
	// must ask fewer of every invocation: perStep estimates the most loop
	// iterations an invocation makes in a step (within a few per cent; the
	// budget leaves a quarter spare, and a chunk cut short is reported),
	// evSteps each cell's event steps (one iteration per delivery).
	loopBudget int
	perStep    []int
	evSteps    [][]int
}

// Sizes of the shader's structs in 4-byte words, and its bindings.
const (
	synWords   = 8
	clampWords = 8
	cellWords  = 17
	algWords   = 8
	nbrWords   = 4
	spikeWords = 2
	gatherSize = 64 // the gather shader's local_size_x
	bindings   = 10 // cable_team.comp's storage buffers; cable.comp uses one less
	images     = 5
)

// The per-node arrays (shaders/cable.glsl), each a buffer texture with
// a texel a slot (aFixed two) in its format: doubles as pairs of words.
const (
	aV     = iota // v: a double
	aSolve        // 1/d and rhs of the tree solve: two doubles
	aAcc          // d and rhs added by synapses, clamps and children
	aGates        // hh m, h, n and the area factor: four floats
	aCond         // hh conductance and current term: two floats
	aFixed        // d and rhs of the fixed terms; C·cj and the axial conductance
	aLinks        // the parent's node number in the cell, the hh set, the children's numbers [lo, hi): four ints
	nArrays
)

// arrayFormats are the arrays' texel formats; arrayWords their words a
// slot.
var (
	arrayFormats = [nArrays]uint32{gl.RG32UI, gl.RGBA32UI, gl.RGBA32UI, gl.RGBA32F, gl.RG32F, gl.RGBA32UI, gl.RGBA32I}
	arrayWords   = [nArrays]int{2, 4, 4, 4, 2, 8, 4}
)

// Fields of the shader's Cell, as word offsets.
const (
	cSynLo = iota
	cSynHi
	cClampLo
	cClampHi
	cEvLo
	cEvHi
	cAlgLo
	cAlgHi
	cProbeLo
	cProbeHi
	cDetSlot
	cCursor
	cDetAbove
	cNSpikes
	cBlowStep
	cThreshold
	cReached
)

// words packs the fields of a shader's structs.
type words []uint32

func (w *words) f(x float64) { *w = append(*w, math.Float32bits(float32(x))) }
func (w *words) i(x int)     { *w = append(*w, uint32(int32(x))) }

// d appends a double, low word first (little-endian, as std430 stores it).
func (w *words) d(x float64) {
	b := math.Float64bits(x)
	*w = append(*w, uint32(b), uint32(b>>32))
}

// double reads a double stored at words[k], words[k+1].
func double(words []uint32, k int) float64 {
	return math.Float64frombits(uint64(words[k]) | uint64(words[k+1])<<32)
}

// software reports whether the device is Mesa's software rasteriser.
func software(info Info) bool {
	return strings.Contains(info.Renderer, "llvmpipe") || strings.Contains(info.Renderer, "softpipe")
}

// Layout is how a Cable lays its cells out on the device.
type Layout int

const (
	// LayoutAuto chooses: a work group per cell where the cells are too
	// few to fill the device's lanes and large enough to share out.
	LayoutAuto Layout = iota
	// LayoutLanes runs one cell per invocation (cable.comp).
	LayoutLanes
	// LayoutTeam runs one cell per work group (cable_team.comp).
	LayoutTeam
)

func (l Layout) String() string {
	return [...]string{"auto", "one cell per invocation", "one cell per work group"}[l]
}

// String says how the engine lays the cells out, e.g. "one cell per work
// group of 64 invocations".
func (e *Cable) String() string {
	if e.team > 0 {
		return fmt.Sprintf("one cell per work group of %d invocations", e.team)
	}
	return fmt.Sprintf("one cell per invocation, %d to a work group", e.group)
}

// Layout reports the layout the engine chose.
func (e *Cable) Layout() Layout {
	if e.team > 0 {
		return LayoutTeam
	}
	return LayoutLanes
}

// NewCable prepares a plan for the device with the layout that suits it;
// a plan that exceeds the device's limits is refused before anything is
// allocated, naming its size and the limit.
func NewCable(dev *Device, p *compartments.Plan) (*Cable, error) {
	return NewCableLayout(dev, p, LayoutAuto)
}

// NewCableLayout is NewCable with the layout chosen by the caller.
func NewCableLayout(dev *Device, p *compartments.Plan, layout Layout) (*Cable, error) {
	return newCable(dev, p, layout, 0)
}

// newCable is NewCableLayout with, for a team layout, the team's width
// chosen (0: the device's lanes, or wider where the loop budget needs).
func newCable(dev *Device, p *compartments.Plan, layout Layout, team int) (*Cable, error) {
	info := dev.Info()
	e := &Cable{dev: dev, plan: p, spikeCap: 1024}
	for _, c := range p.Cells {
		e.perCell = max(e.perCell, c.End-c.First)
	}
	if info.MaxStorageBindings < bindings || info.MaxImageUnits < images {
		return nil, fmt.Errorf("gpu: the cable shaders need %d storage buffers and %d images, the device offers %d and %d",
			bindings, images, info.MaxStorageBindings, info.MaxImageUnits)
	}
	e.recordEvery = int64(math.Round(p.RecordInterval / p.Dt))
	if p.SnapshotInterval > 0 {
		e.snapshotEvery = int64(math.Round(p.SnapshotInterval / p.Dt))
	}
	// llvmpipe runs eight lanes of a group at once on a core, GPUs 32 or
	// 64; a team is as wide.
	lanes, busy := 64, 1024
	e.loopBudget = math.MaxInt32
	if software(info) {
		lanes, busy, e.loopBudget = 8, 8, 50000
	}
	if layout == LayoutAuto {
		layout = LayoutLanes
		if e.perCell >= teamCellNodes && len(p.Cells) < busy {
			layout = LayoutTeam
		}
	}
	e.group = lanes
	if layout == LayoutTeam {
		e.cutBranches()
		// A team as wide as the lanes, wider where a step would
		// otherwise exceed the loop budget.
		for e.team = cmp.Or(team, lanes); ; e.team *= 4 {
			e.countLoops()
			if team > 0 || slices.Max(e.perStep) <= e.loopBudget || 4*e.team > min(info.MaxWorkGroupSize[0], info.MaxWorkGroupInvocations) {
				break
			}
		}
	} else {
		e.numberLanes()
		e.countLoops()
	}
	if n := 2 * e.slots; n > info.MaxTextureBufferSize {
		return nil, fmt.Errorf("gpu: %d cells of up to %d nodes need buffer textures of %d texels, more than the device's %d: %w",
			len(p.Cells), e.perCell, n, info.MaxTextureBufferSize, ErrTooLarge)
	}
	for ci, n := range e.perStep {
		if n > e.loopBudget {
			return nil, fmt.Errorf("gpu: cell %d takes %d loop iterations a step (%s), more than %s allows an invocation (%d): %w",
				ci, n, layout, info.Renderer, e.loopBudget, ErrTooLarge)
		}
	}
	name := "cable.comp"
	if e.team > 0 {
		name = "cable_team.comp"
	}
	src, err := shaders.Load(name)
	if err != nil {
		return nil, err
	}
	gather, err := shaders.Load("gather.comp")
	if err != nil {
		return nil, err
	}
	err = dev.Do(func() error {
		if e.team > 0 {
			src = src.Define("TEAM", e.team)
		} else {
			src = src.Define("GROUP_SIZE", e.group)
		}
		cn := 0
		if p.Method == compartments.CrankNicolson {
			cn = 1
		}
		src = src.Define("CRANK_NICOLSON", cn)
		if e.prog, err = compileProgram(src); err != nil {
			return err
		}
		e.snap, err = compileProgram(gather)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// The automatic layout gives a cell a work group when it has at least
// teamCellNodes nodes, enough to share out, and the cells are too few to
// keep the device busy one to an invocation: fewer than a thousand on a
// GPU, which needs thousands of invocations in flight; on llvmpipe, fewer
// than the eight lanes of a core (BenchmarkCable: with 100 cells one to
// an invocation runs 1.6 times as fast as a work group each, with 10 the
// same).
const teamCellNodes = 1000

// numberLanes interleaves the cells of each work group: node k of the
// cell in lane l of group g at slot (g·perCell + k)·group + l, so that a
// group's lanes read neighbouring words and a group's cells lie together.
func (e *Cable) numberLanes() {
	p := e.plan
	e.local = make([]int32, len(p.Nodes))
	e.slot = make([]int, len(p.Nodes))
	for ci, c := range p.Cells {
		g, l := ci/e.group, ci%e.group
		for i := c.First; i < c.End; i++ {
			e.local[i] = int32(i - c.First)
			e.slot[i] = (g*e.perCell+i-c.First)*e.group + l
		}
	}
	e.slots = (len(p.Cells) + e.group - 1) / e.group * e.group * e.perCell
}

// cutBranches numbers each cell's nodes branch by branch, cell c's at
// slots from c·perCell, and builds the tree buffer.
func (e *Cable) cutBranches() {
	p := e.plan
	e.local = make([]int32, len(p.Nodes))
	e.slot = make([]int, len(p.Nodes))
	e.trees = make([]branchTree, len(p.Cells))
	w := make([]int32, len(p.Cells))
	for ci, c := range p.Cells {
		parent := make([]int32, c.End-c.First)
		for i := c.First; i < c.End; i++ {
			parent[i-c.First] = -1
			if par := p.Parent[i]; par >= 0 {
				parent[i-c.First] = par - int32(c.First)
			}
		}
		t := newBranchTree(parent)
		e.trees[ci] = t
		e.slots = len(p.Cells) * e.perCell
		for i := c.First; i < c.End; i++ {
			e.local[i] = t.local[i-c.First]
			e.slot[i] = ci*e.perCell + int(e.local[i])
		}
		w[ci] = int32(len(w))
		w = t.record(w, len(w))
	}
	e.treeWords = w
}

// countLoops counts, for each cell, the loop iterations its busiest
// invocation makes in a step.
func (e *Cable) countLoops() {
	p := e.plan
	per := make([]int, len(p.Cells))   // the cell's own work: invocation 0 in a team
	solve := make([]int, len(p.Cells)) // the nodes: shared out in a team
	for ci, c := range p.Cells {
		solve[ci] = 4 * e.perCell // the sweeps, and a pass of each node's loop over its children
		if e.team > 0 {
			solve[ci] = 2*((c.End-c.First+e.team-1)/e.team+1) + e.trees[ci].loops(e.team)
		}
		// Every loop's last pass counts too, even a loop of no iterations:
		// a step has about ten besides the solve's.
		per[ci] = 16
		if p.Method != compartments.CrankNicolson {
			continue
		}
		// The algebraic nodes: twice each, and once each neighbour.
		for i := c.First; i < c.End; i++ {
			if p.Cap[i] == 0 {
				per[ci] += 3
			}
			if par := p.Parent[i]; par >= 0 && p.Cap[par] == 0 {
				per[ci]++
			}
		}
	}
	for _, s := range p.Syns {
		per[s.Cell] += 3
	}
	for _, c := range p.IClamps {
		per[c.Cell] += 2
	}
	for _, pr := range p.Probes {
		per[pr.Cell]++
	}
	for ci := range per {
		per[ci] += solve[ci]
	}
	e.perStep = per
	e.evSteps = make([][]int, len(p.Cells))
	for ci := range p.Cells {
		for _, ev := range p.Events[p.EventStart[ci]:p.EventStart[ci+1]] {
			e.evSteps[ci] = append(e.evSteps[ci], midStep(ev.T, p.Dt))
		}
	}
}

// budgetSteps shortens a chunk starting at from so that no invocation
// exceeds the loop budget, events included.
func (e *Cable) budgetSteps(from, steps int64) int64 {
	for ci, per := range e.perStep {
		for steps > 1 {
			lo, _ := slices.BinarySearch(e.evSteps[ci], int(from))
			hi, _ := slices.BinarySearch(e.evSteps[ci], int(from+steps))
			if int64(hi-lo)+steps*int64(per) <= int64(e.loopBudget) {
				break
			}
			steps = max(1, min(steps-1, (int64(e.loopBudget)-int64(hi-lo))/int64(per)))
		}
	}
	return steps
}

// Plan returns the plan the engine runs.
func (e *Cable) Plan() *compartments.Plan { return e.plan }

// Time returns the model time in ms.
func (e *Cable) Time() float64 { return float64(e.step) * e.plan.Dt }

// midStep returns the first step whose middle, t + dt/2 computed as the
// CPU engine computes it, is at or after t.
func midStep(t, dt float64) int {
	s := math.Max(0, math.Ceil(t/dt-0.5)-1)
	for float64(s)*dt+dt/2 < t {
		s++
	}
	return int(s)
}

// Init sets the initial state as NEURON's finitialize(v_init) does and
// uploads the model; a failure is returned by the next Run.
func (e *Cable) Init() {
	p := e.plan
	e.step, e.recordedInit = 0, false
	slots := e.slots
	// Padding slots are inert: d = 1, no current, no hh, no children;
	// their parent is the root, which does not count them.
	v := make([]float64, slots)
	fixed := make([]float64, 4*slots) // d, rhs, C·cj, g axial
	links := make([]int32, 4*slots)   // parent, hh set, children lo, hi
	gates := make([]float32, 4*slots) // m, h, n, area factor
	cond := make([]float32, 2*slots)  // g, g·e
	for s := range slots {
		fixed[4*s] = 1
		links[4*s+1] = -1
	}
	cj := 1 / p.Dt
	if p.Method == compartments.CrankNicolson {
		cj = 2 / p.Dt
	}
	for _, c := range p.Cells {
		for i := c.First; i < c.End; i++ {
			s := e.slot[i]
			v[s] = p.VInit
			fixed[4*s] = p.Cap[i] * cj
			fixed[4*s+2] = p.Cap[i] * cj
			fixed[4*s+3] = p.GAxial[i]
			if par := p.Parent[i]; par >= 0 {
				fixed[4*s] += p.GAxial[i]
				fixed[4*e.slot[par]] += p.GAxial[i]
				links[4*s] = e.local[par]
				if e.team == 0 {
					// The children of a node are numbered consecutively
					// (compartments.Build numbers nodes level by level).
					ps := 4 * e.slot[par]
					switch {
					case links[ps+2] == links[ps+3]:
						links[ps+2], links[ps+3] = e.local[i], e.local[i]+1
					case links[ps+3] == e.local[i]:
						links[ps+3]++
					default:
						e.err = fmt.Errorf("gpu: the children of node %d are not numbered consecutively", par)
						return
					}
				}
			}
		}
	}
	for k, node := range p.PasNode {
		g := p.Pas[k].G * p.Area[node] * 1e-2
		fixed[4*e.slot[node]] += g
		fixed[4*e.slot[node]+1] += g * p.Pas[k].E
	}
	m0, h0, n0 := hh.SteadyState(p.VInit)
	for k, node := range p.HHNode {
		s := e.slot[node]
		hp := p.HHParams[p.HHSet[k]]
		scale := p.Area[node] * 1e-2
		gna, gk := hp.GNaBar*m0*m0*m0*h0, hp.GKBar*n0*n0*n0*n0
		cond[2*s] = float32((gna + gk + hp.GL) * scale)
		cond[2*s+1] = float32((gna*hp.ENa + gk*hp.EK + hp.GL*hp.EL) * scale)
		copy(gates[4*s:], []float32{float32(m0), float32(h0), float32(n0), float32(scale)})
		links[4*s+1] = p.HHSet[k]
	}
	var setw words
	for _, hp := range p.HHParams {
		for _, x := range []float64{hp.GNaBar, hp.GKBar, hp.GL, hp.ENa, hp.EK, hp.EL, 0, 0} {
			setw.f(x)
		}
	}
	var sw words
	for _, s := range p.Syns {
		for _, x := range []float64{s.E, math.Exp(-p.Dt / s.TauA), math.Exp(-p.Dt / s.TauB), 0, 0, 0, 0} {
			sw.f(x)
		}
		sw.i(e.slot[s.Node])
	}
	var cw words
	for _, c := range p.IClamps {
		cw.d(c.Amp)
		cw.d(0)
		cw.i(e.slot[c.Node])
		cw.i(midStep(c.Delay, p.Dt))
		cw.i(midStep(c.Delay+c.Dur, p.Dt))
		cw.i(0)
	}
	var ew words
	for _, ev := range p.Events {
		s := p.Syns[ev.Syn]
		ew.i(midStep(ev.T, p.Dt))
		ew.i(int(ev.Syn))
		ew.f(ev.Weight * s.FactorA)
		ew.f(ev.Weight * s.FactorB)
	}
	aw, bw := e.algebraic()
	e.cellWords = e.cellTable(aw)
	var pw words
	e.order = e.probeTable(&pw)
	segs := make([]int32, len(p.Segments))
	for k, node := range p.Segments {
		segs[k] = int32(e.slot[node])
	}
	e.err = e.dev.Do(func() error {
		e.free()
		e.node = [nArrays]*Buffer{
			aV:     newBuffer(float64Words(v), 0),
			aSolve: newBuffer[uint32](nil, 4*arrayWords[aSolve]*slots),
			aAcc:   newBuffer[uint32](nil, 4*arrayWords[aAcc]*slots),
			aGates: newBuffer(gates, 0),
			aCond:  newBuffer(cond, 0),
			aFixed: newBuffer(float64Words(fixed), 0),
			aLinks: newBuffer(links, 0),
		}
		for k, b := range e.node {
			e.nodeTex[k] = bufferTexture(b, arrayFormats[k])
		}
		e.hhSets = newBuffer([]uint32(setw), 0)
		e.syns = newBuffer([]uint32(sw), 0)
		e.clamps = newBuffer([]uint32(cw), 0)
		e.events = newBuffer([]uint32(ew), 0)
		e.cells = newBuffer(e.cellWords, 0)
		e.algs = newBuffer([]uint32(aw.words), 0)
		e.algNbrs = newBuffer([]uint32(bw), 0)
		e.probes = newBuffer([]uint32(pw), 0)
		e.spikes = newBuffer[uint32](nil, 4*spikeWords*e.spikeCap*len(p.Cells))
		e.segs = newBuffer(segs, 0)
		if e.team > 0 {
			e.tree = newBuffer(e.treeWords, 0)
		}
		e.hhTex = bufferTexture(e.hhSets, gl.RGBA32F)
		for k := range e.snapBufs {
			e.snapBufs[k] = newBuffer[float32](nil, 4*len(segs))
		}
		e.rec = newBuffer[uint32](nil, 8)
		return nil
	})
}

// float64Words lays doubles out as the 32-bit words of a buffer.
func float64Words(x []float64) []uint32 {
	var w words
	for _, v := range x {
		w.d(v)
	}
	return w
}

// algTable is the algebraic nodes of every cell (Crank–Nicolson only) and
// each cell's range in it.
type algTable struct {
	words  words
	lo, hi []int
}

// algebraic lists the nodes without capacitance and their neighbours, as
// the CPU engine does for Crank–Nicolson.
func (e *Cable) algebraic() (algTable, words) {
	p := e.plan
	t := algTable{lo: make([]int, len(p.Cells)), hi: make([]int, len(p.Cells))}
	var nbrs words
	count := 0
	for ci, c := range p.Cells {
		t.lo[ci] = count
		if p.Method != compartments.CrankNicolson {
			t.hi[ci] = count
			continue
		}
		links := map[int32][]int32{}
		for i := c.First; i < c.End; i++ {
			par := p.Parent[i]
			if par < 0 {
				continue
			}
			if p.Cap[par] == 0 {
				links[par] = append(links[par], int32(i))
			}
			if p.Cap[i] == 0 {
				links[int32(i)] = append(links[int32(i)], int32(i))
			}
		}
		for i := c.First; i < c.End; i++ {
			ls, ok := links[int32(i)]
			if !ok {
				continue
			}
			lo := len(nbrs) / nbrWords
			for _, j := range ls {
				other := j
				if int(j) == i {
					other = p.Parent[j]
				}
				nbrs.d(p.GAxial[j])
				nbrs.i(e.slot[other])
				nbrs.i(0)
			}
			t.words.d(0)
			t.words.d(0)
			t.words.i(e.slot[i])
			t.words.i(lo)
			t.words.i(len(nbrs) / nbrWords)
			t.words.i(0)
			count++
		}
		t.hi[ci] = count
	}
	return t, nbrs
}

// cellTable packs each cell's ranges and state.
func (e *Cable) cellTable(alg algTable) []uint32 {
	p := e.plan
	ranges := func(n int, cellOf func(k int) int32) (lo, hi []int) {
		lo, hi = make([]int, len(p.Cells)), make([]int, len(p.Cells))
		for k := range n {
			c := cellOf(k)
			if lo[c] == hi[c] {
				lo[c] = k
			}
			hi[c] = k + 1
		}
		return lo, hi
	}
	synLo, synHi := ranges(len(p.Syns), func(k int) int32 { return p.Syns[k].Cell })
	clLo, clHi := ranges(len(p.IClamps), func(k int) int32 { return p.IClamps[k].Cell })
	var w words
	for ci := range p.Cells {
		det, thr := -1, 0.0
		for _, d := range p.Detectors {
			if int(d.Cell) == ci {
				det, thr = e.slot[d.Node], d.Threshold
			}
		}
		above := 0
		if det >= 0 && p.VInit >= thr {
			above = 1
		}
		for _, x := range []int{synLo[ci], synHi[ci], clLo[ci], clHi[ci], p.EventStart[ci], p.EventStart[ci+1],
			alg.lo[ci], alg.hi[ci], 0, 0, det, p.EventStart[ci], above, 0, -1} {
			w.i(x)
		}
		w.f(thr)
		w.i(0)
	}
	return w
}

// probeTable packs the probes grouped by cell, sets each cell's probe
// range in the cell table and returns the plan index of each packed probe.
func (e *Cable) probeTable(w *words) []int {
	p := e.plan
	order := make([]int, len(p.Probes))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.Probes[a].Cell, p.Probes[b].Cell) })
	for ci := range p.Cells {
		e.cellWords[ci*cellWords+cProbeLo] = 0
		e.cellWords[ci*cellWords+cProbeHi] = 0
	}
	for k, pi := range order {
		pr := p.Probes[pi]
		w.i(int(pr.Var))
		w.i(e.probeSlot(pr))
		w.i(int(pr.Index))
		base := int(pr.Cell) * cellWords
		if e.cellWords[base+cProbeLo] == e.cellWords[base+cProbeHi] {
			e.cellWords[base+cProbeLo] = uint32(k)
		}
		e.cellWords[base+cProbeHi] = uint32(k + 1)
	}
	return order
}

// probeSlot is the node slot a probe reads: its node's, or for a gate its
// hh instance's node's.
func (e *Cable) probeSlot(pr compartments.ProbePlan) int {
	switch pr.Var {
	case compartments.ProbeHHm, compartments.ProbeHHh, compartments.ProbeHHn:
		return e.slot[e.plan.HHNode[pr.Index]]
	}
	return e.slot[pr.Node]
}

// SetProbes replaces what the engine records; it takes effect from the
// next chunk.
func (e *Cable) SetProbes(probes []compartments.ProbePlan) {
	e.plan.Probes = probes
	e.countLoops()
	if e.cells == nil {
		return
	}
	err := e.dev.Do(func() error {
		read(e.cells, 0, e.cellWords)
		var pw words
		e.order = e.probeTable(&pw)
		write(e.cells, e.cellWords)
		e.probes.Delete()
		e.probes = newBuffer([]uint32(pw), 0)
		return nil
	})
	if err != nil && e.err == nil {
		e.err = err
	}
}

func (e *Cable) free() {
	for _, t := range append(e.nodeTex[:], e.hhTex) {
		if t != 0 {
			gl.DeleteTextures(1, &t)
		}
	}
	e.nodeTex, e.hhTex = [nArrays]uint32{}, 0
	for _, b := range []*Buffer{e.node[aV], e.node[aSolve], e.node[aAcc], e.node[aGates], e.node[aCond], e.node[aFixed], e.node[aLinks], e.hhSets, e.syns, e.clamps, e.events, e.cells, e.algs, e.algNbrs,
		e.probes, e.rec, e.spikes, e.segs, e.tree, e.snapBufs[0], e.snapBufs[1]} {
		if b != nil {
			b.Delete()
		}
	}
}

// Close frees the engine's buffers and programs.
func (e *Cable) Close() {
	e.dev.Do(func() error {
		e.free()
		e.prog.Delete()
		e.snap.Delete()
		return nil
	})
}

// probeValues reads the probes now, in plan order (on the device thread).
func (e *Cable) probeValues(out []float64) {
	p := e.plan
	f := make([]float32, 1)
	d := make([]uint32, 2)
	for k, pr := range p.Probes {
		s := e.probeSlot(pr)
		switch pr.Var {
		case compartments.ProbeHHm, compartments.ProbeHHh, compartments.ProbeHHn:
			read(e.node[aGates], 4*s+int(pr.Var-compartments.ProbeHHm), f)
			out[k] = float64(f[0])
		case compartments.ProbeSynI, compartments.ProbeSynG:
			read(e.syns, int(pr.Index)*synWords+5+int(pr.Var-compartments.ProbeSynI), f)
			out[k] = float64(f[0])
		case compartments.ProbeIClampI:
			read(e.clamps, int(pr.Index)*clampWords+2, d)
			out[k] = double(d, 0)
		default:
			read(e.node[aV], 2*s, d)
			out[k] = double(d, 0)
		}
	}
}

// gather copies v at the segments into buf (on the device thread).
func (e *Cable) gather(buf *Buffer) {
	e.node[aV].Bind(0)
	e.segs.Bind(1)
	buf.Bind(2)
	e.snap.Use()
	e.snap.SetInt("n", len(e.plan.Segments))
	e.snap.Dispatch((len(e.plan.Segments) + gatherSize - 1) / gatherSize)
}

// SegmentVoltages returns v at every segment centre (plan.Segments order).
func (e *Cable) SegmentVoltages() []float64 {
	out := make([]float32, len(e.plan.Segments))
	e.dev.Do(func() error {
		e.gather(e.snapBufs[0])
		read(e.snapBufs[0], 0, out)
		return nil
	})
	return widen(out, nil)
}

func widen(in []float32, buf []float64) []float64 {
	buf = buf[:0]
	for _, x := range in {
		buf = append(buf, float64(x))
	}
	return buf
}

// chunkResult is what one dispatch leaves for the host.
type chunkResult struct {
	rows   [][]float64
	spikes []sim.Spike
	blow   *sim.BlowUpError
	err    error // the device did not finish the chunk
}

// runChunk advances every cell over steps [from, to) in one dispatch and
// reads back the records, spikes and any blow-up (on the device thread).
func (e *Cable) runChunk(from, to int64) chunkResult {
	p := e.plan
	base := from / e.recordEvery
	nRows := int(to/e.recordEvery - base)
	np := len(p.Probes)
	if need := 8 * max(1, nRows*np); e.rec.size < need {
		e.rec.Delete()
		e.rec = newBuffer[uint32](nil, need)
	}
	for k, b := range []*Buffer{e.syns, e.clamps, e.events, e.cells, e.algs, e.algNbrs, e.probes, e.rec, e.spikes} {
		b.Bind(uint32(k))
	}
	// The images in the order of their units; then the fetched textures.
	for unit, a := range []int{aV, aSolve, aAcc, aGates, aCond} {
		gl.BindImageTexture(uint32(unit), e.nodeTex[a], 0, false, 0, gl.READ_WRITE, arrayFormats[a])
	}
	for unit, tex := range []uint32{e.nodeTex[aFixed], e.nodeTex[aLinks], e.hhTex} {
		gl.ActiveTexture(gl.TEXTURE0 + uint32(unit))
		gl.BindTexture(gl.TEXTURE_BUFFER, tex)
	}
	e.prog.Use()
	for unit, name := range []string{"fixedTex", "linksTex", "hhTex"} {
		e.prog.SetInt(name, unit)
	}
	e.prog.SetInt("nCells", len(p.Cells))
	e.prog.SetInt("nodesPerCell", e.perCell)
	e.prog.SetInt("stepFrom", int(from))
	e.prog.SetInt("stepTo", int(to))
	e.prog.SetInt("recordEvery", int(e.recordEvery))
	e.prog.SetInt("recBase", int(base))
	e.prog.SetInt("nProbes", np)
	e.prog.SetInt("spikeCap", e.spikeCap)
	e.prog.SetFloat("dtq", float32(p.Dt*hh.Q10(p.Celsius)))
	e.prog.SetFloat("maxAbsV", float32(sim.MaxAbsV))
	if e.team > 0 {
		e.tree.Bind(9)
		e.prog.Dispatch(len(p.Cells))
	} else {
		e.prog.Dispatch((len(p.Cells) + e.group - 1) / e.group)
	}

	var res chunkResult
	flat := make([]uint32, 2*nRows*np)
	read(e.rec, 0, flat)
	for r := range nRows {
		row := make([]float64, np)
		for k, pi := range e.order {
			row[pi] = double(flat, 2*(r*np+k))
		}
		res.rows = append(res.rows, row)
	}
	state := make([]uint32, len(p.Cells)*cellWords)
	read(e.cells, 0, state)
	for ci, c := range p.Cells {
		cs := state[ci*cellWords : (ci+1)*cellWords]
		if n := min(int(cs[cNSpikes]), e.spikeCap); n > 0 {
			raw := make([]uint32, n*spikeWords)
			read(e.spikes, ci*e.spikeCap*spikeWords, raw)
			for j := range n {
				step := float64(int32(raw[2*j]))
				frac := float64(math.Float32frombits(raw[2*j+1]))
				res.spikes = append(res.spikes, sim.Spike{Cell: ci, T: step*p.Dt + p.Dt*frac, Step: (step + 1) * p.Dt})
			}
		}
		if reached := int64(int32(cs[cReached])); reached != to && int32(cs[cBlowStep]) < 0 && res.err == nil {
			// llvmpipe ends loops that run too long without a word; the
			// loop budget should prevent it, and this catches it if not.
			res.err = fmt.Errorf("gpu: the device stopped cell %d at step %d of the chunk [%d, %d)", ci, reached, from, to)
		}
		if bs := int32(cs[cBlowStep]); bs >= 0 {
			t := float64(bs+1) * p.Dt
			if res.blow == nil || t < res.blow.T {
				v := e.cellVoltages(c)
				i := p.WorstSegment(c.First, v)
				res.blow = &sim.BlowUpError{T: t, Where: p.SegmentName(c.First + i), V: v[i]}
			}
		}
	}
	return res
}

// cellVoltages reads a cell's node voltages (on the device thread).
func (e *Cable) cellVoltages(c compartments.CellPlan) []float64 {
	raw := make([]uint32, 2*e.slots)
	read(e.node[aV], 0, raw)
	v := make([]float64, c.End-c.First)
	for i := range v {
		v[i] = double(raw, 2*e.slot[c.First+i])
	}
	return v
}

// chunkSteps is how many steps a dispatch takes: about 2e6 node-steps, as
// the CPU engine's chunks (a dispatch of tens of milliseconds keeps the
// window live and the overhead of a dispatch small), and no more than the
// spikes a cell can record.
func (e *Cable) chunkSteps() int64 {
	return min(int64(2*e.spikeCap-2), max(1, int64(2e6/float64(len(e.plan.Nodes)+1))))
}

// Run advances the model to tstop (ms) as compartments.Engine.Run does:
// samples, spikes and snapshots handed to rec as they are made, ctx
// cancelling between dispatches, a blow-up named with its time and
// segment. A snapshot is gathered on the device at the end of its chunk
// and read back while the next chunk runs.
func (e *Cable) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress compartments.ProgressFunc) error {
	if e.err != nil {
		return e.err
	}
	p := e.plan
	last := int64(math.Round(tstop / p.Dt))
	if !e.recordedInit {
		e.recordedInit = true
		values := make([]float64, len(p.Probes))
		if err := e.dev.Do(func() error { e.probeValues(values); return nil }); err != nil {
			return err
		}
		if err := rec.Sample(0, values); err != nil {
			return err
		}
		if e.snapshotEvery > 0 {
			if err := rec.Snapshot(0, e.SegmentVoltages()); err != nil {
				return err
			}
		}
	}
	chunk := e.chunkSteps()
	pending := -1 // the snapshot buffer awaiting its read
	var pendingT float64
	snap32 := make([]float32, len(p.Segments))
	var snap []float64
	handSnapshot := func() error {
		if pending < 0 {
			return nil
		}
		err := e.dev.Do(func() error {
			read(e.snapBufs[pending], 0, snap32)
			return nil
		})
		pending = -1
		if err != nil {
			return err
		}
		snap = widen(snap32, snap)
		return rec.Snapshot(pendingT, snap)
	}
	for e.step < last {
		if err := ctx.Err(); err != nil {
			return cmp.Or(handSnapshot(), err)
		}
		from := e.step
		to := min(last, from+e.budgetSteps(from, chunk))
		if e.snapshotEvery > 0 {
			to = min(to, (from/e.snapshotEvery+1)*e.snapshotEvery)
		}
		var res chunkResult
		if err := e.dev.Do(func() error { res = e.runChunk(from, to); return res.err }); err != nil {
			return fmt.Errorf("gpu: chunk at t = %g ms: %w", float64(from)*p.Dt, err)
		}
		// The previous chunk's snapshot was gathered before this chunk
		// ran; it is read now that the device has moved on.
		if err := handSnapshot(); err != nil {
			return err
		}
		base := from / e.recordEvery
		rows := res.rows
		if res.blow != nil {
			goodRows := int64(math.Round(res.blow.T/p.Dt)-1)/e.recordEvery - base
			rows = rows[:max(0, min(int64(len(rows)), goodRows))]
		}
		for r, row := range rows {
			if err := rec.Sample(float64((base+int64(r)+1)*e.recordEvery)*p.Dt, row); err != nil {
				return err
			}
		}
		if len(res.spikes) > 0 {
			slices.SortStableFunc(res.spikes, func(a, b sim.Spike) int {
				return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Cell, b.Cell))
			})
			if err := rec.Spikes(res.spikes); err != nil {
				return err
			}
		}
		if res.blow != nil {
			return res.blow
		}
		e.step = to
		if e.snapshotEvery > 0 && to%e.snapshotEvery == 0 {
			k := int(to/e.snapshotEvery) % 2
			if err := e.dev.Do(func() error { e.gather(e.snapBufs[k]); return nil }); err != nil {
				return err
			}
			pending, pendingT = k, e.Time()
		}
		if progress != nil {
			progress(e.Time())
		}
	}
	return handSnapshot()
}
