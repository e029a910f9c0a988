package cable

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/compartments"
	"neurite/gpu/device"
	"neurite/sim"
	"neurite/sim/hh"
)

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
	aAcc          // d and rhs added by synapses and clamps
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

func (w *words) i(x int) { *w = append(*w, uint32(int32(x))) }

// d appends a double, low word first (little-endian, as std430 stores it).
func (w *words) d(x float64) {
	b := math.Float64bits(x)
	*w = append(*w, uint32(b), uint32(b>>32))
}

// double reads a double stored at words[k], words[k+1].
func double(words []uint32, k int) float64 {
	return math.Float64frombits(uint64(words[k]) | uint64(words[k+1])<<32)
}

// reset sets the initial state as NEURON's finitialize(v_init) does and
// uploads the model; a failure is returned by the next Run.
func (e *Cable) reset() {
	p := e.plan
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
	l := compartments.Lower(p)
	for _, c := range p.Cells {
		for i := c.First; i < c.End; i++ {
			s := e.slot[i]
			v[s] = p.VInit
			fixed[4*s] = l.DBase[i]
			fixed[4*s+1] = l.RBase[i]
			fixed[4*s+2] = l.CapCj[i]
			fixed[4*s+3] = p.GAxial[i]
			if par := p.Parent[i]; par >= 0 {
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
	// Each kind of mechanism to its implementation here: hh to the
	// shader's own kernel (gates, cond, the set in links and the sets'
	// texture), the NMODL mechanisms to mechglsl's (packed by
	// mechTables.buffers below).
	var setw words
	for gi := range l.Groups {
		switch g := &l.Groups[gi]; g.Kind {
		case compartments.KindHH:
			setw = e.packHH(g, gates, cond, links)
		case compartments.KindPas:
			// static: Lower folded it into DBase and RBase
		case compartments.KindNMODL:
			// mechTables.buffers
		}
	}
	var sw words
	for k, s := range p.Syns {
		for _, x := range []float64{s.E, l.SynDecayA[k], l.SynDecayB[k], 0, 0, 0, 0} {
			sw.f(x)
		}
		sw.i(e.slot[s.Node])
	}
	var cw words
	for _, c := range p.IClamps {
		cw.d(c.Amp)
		cw.d(0)
		cw.i(e.slot[c.Node])
		cw.i(int(sim.DeliveryStep(c.Delay, p.Dt)))
		cw.i(int(sim.DeliveryStep(c.Delay+c.Dur, p.Dt)))
		cw.i(0)
	}
	aw, bw := e.algebraic()
	e.cellWords = e.cellTable(aw)
	var pw words
	e.order = e.probeTable(&pw)
	var mechData, nodeIons, pointDbls []float64
	var mechIdx, pointInts []int32
	if e.mechs != nil {
		mechData, mechIdx, nodeIons = e.mechs.buffers(e)
		if e.mechs.points != nil {
			pointInts, pointDbls = e.mechs.points.buffers(p)
		}
	}
	segs := make([]int32, len(p.Segments))
	for k, node := range p.Segments {
		segs[k] = int32(e.slot[node])
	}
	e.err = e.dev.Do(func() error {
		e.free()
		e.node = [nArrays]*device.Buffer{
			aV:     device.NewBuffer(float64Words(v), 0),
			aSolve: device.NewBuffer[uint32](nil, 4*arrayWords[aSolve]*slots),
			aAcc:   device.NewBuffer[uint32](nil, 4*arrayWords[aAcc]*slots),
			aGates: device.NewBuffer(gates, 0),
			aCond:  device.NewBuffer(cond, 0),
			aFixed: device.NewBuffer(float64Words(fixed), 0),
			aLinks: device.NewBuffer(links, 0),
		}
		for k, b := range e.node {
			e.nodeTex[k] = device.BufferTexture(b, arrayFormats[k])
		}
		e.hhSets = device.NewBuffer([]uint32(setw), 0)
		e.syns = device.NewBuffer([]uint32(sw), 0)
		e.clamps = device.NewBuffer([]uint32(cw), 0)
		e.events = device.NewBuffer[uint32](nil, 4)
		e.cells = device.NewBuffer(e.cellWords, 0)
		e.algs = device.NewBuffer([]uint32(aw.words), 0)
		e.algNbrs = device.NewBuffer([]uint32(bw), 0)
		e.probes = device.NewBuffer([]uint32(pw), 0)
		e.spikes = device.NewBuffer[uint32](nil, 4*spikeWords*e.spikeCap*len(p.Cells))
		e.segs = device.NewBuffer(segs, 0)
		if e.team > 0 {
			e.tree = device.NewBuffer(e.treeWords, 0)
		}
		e.hhTex = device.BufferTexture(e.hhSets, gl.RGBA32F)
		for k := range e.snapBufs {
			e.snapBufs[k] = device.NewBuffer[float32](nil, 4*len(segs))
		}
		e.rec = device.NewBuffer[uint32](nil, 8)
		if e.mechs != nil {
			e.mechData = device.NewBuffer(float64Words(mechData), 0)
			e.mechIdx = device.NewBuffer(mechIdx, 0)
			e.nodeIons = device.NewBuffer(float64Words(nodeIons), 0)
			if e.mechs.points != nil {
				e.pointInts = device.NewBuffer(pointInts, 0)
				e.pointDbls = device.NewBuffer(float64Words(pointDbls), 0)
			}
			// NEURON's finitialize of the mechanisms, on the device.
			e.bindAll()
			e.prog.SetInt("initMechs", 1)
			e.prog.SetInt("nCells", len(p.Cells))
			e.prog.SetInt("nodesPerCell", e.perCell)
			if e.team > 0 {
				e.prog.Dispatch(len(p.Cells))
			} else {
				e.prog.Dispatch((len(p.Cells) + e.group - 1) / e.group)
			}
		}
		return nil
	})
}

// packHH writes the hh group's instances at their slots, their gates at
// the steady state of v_init, and returns the parameter sets (hhTex).
func (e *Cable) packHH(g *compartments.MechGroup, gates, cond []float32, links []int32) words {
	m0, h0, n0 := hh.SteadyState(e.plan.VInit)
	for k, node := range g.Node {
		s := e.slot[node]
		hp := g.HH[g.Set[k]]
		scale := g.Scale[k]
		gna, gk := hp.GNaBar*m0*m0*m0*h0, hp.GKBar*n0*n0*n0*n0
		cond[2*s] = float32((gna + gk + hp.GL) * scale)
		cond[2*s+1] = float32((gna*hp.ENa + gk*hp.EK + hp.GL*hp.EL) * scale)
		copy(gates[4*s:], []float32{float32(m0), float32(h0), float32(n0), float32(scale)})
		links[4*s+1] = g.Set[k]
	}
	var setw words
	for _, hp := range g.HH {
		for _, x := range []float64{hp.GNaBar, hp.GKBar, hp.GL, hp.ENa, hp.EK, hp.EL, 0, 0} {
			setw.f(x)
		}
	}
	return setw
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
		for _, a := range p.AlgebraicNodes(c) {
			lo := len(nbrs) / nbrWords
			for _, l := range a.Nbrs {
				nbrs.d(l.G)
				nbrs.i(e.slot[l.Node])
				nbrs.i(0)
			}
			t.words.d(0)
			t.words.d(0)
			t.words.i(e.slot[a.Node])
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
		// The event range and cursor are set for each epoch (Advance).
		for _, x := range []int{synLo[ci], synHi[ci], clLo[ci], clHi[ci], 0, 0,
			alg.lo[ci], alg.hi[ci], 0, 0, det, 0, above, 0, -1} {
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
		if pr.Var == compartments.ProbeMech || pr.Var == compartments.ProbeIon {
			w.i(e.mechs.probeIndex(e, pr))
		} else {
			w.i(int(pr.Index))
		}
		base := int(pr.Cell) * cellWords
		if e.cellWords[base+cProbeLo] == e.cellWords[base+cProbeHi] {
			e.cellWords[base+cProbeLo] = uint32(k)
		}
		e.cellWords[base+cProbeHi] = uint32(k + 1)
	}
	return order
}

// probeSlot is the node slot a probe reads: its node's (for a gate, its
// hh instance's: ResolveProbe places it there).
func (e *Cable) probeSlot(pr compartments.ProbePlan) int { return e.slot[pr.Node] }
