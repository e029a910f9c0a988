package cable

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/compartments"
	"neurite/gpu/device"
	"neurite/shaders"
	"neurite/sim"
	"neurite/sim/hh"
)

// Cable runs a compartments.Plan on the GPU with the CPU engine's scheme,
// many steps per dispatch, voltages, the tree solve and the NMODL
// mechanisms (mechs.go; point processes and their events, points.go) in
// double precision, the hh kinetics in single. A population of cells runs one
// invocation per cell, cells interleaved in memory (shaders/cable.comp); a
// few large cells run a work group per cell, the tree solved a branch per
// invocation (shaders/cable_team.comp). It answers like
// compartments.Engine.
type Cable struct {
	*sim.Driver
	dev  *device.Device
	plan *compartments.Plan
	prog *device.Program
	snap *device.Program // gathers v at the segments
	team int             // invocations per cell; 0 for one cell per invocation

	recordEvery int64
	snapshots   compartments.SnapshotSchedule
	spikeCap    int
	group       int     // cells per work group
	perCell     int     // node slots per cell: the largest cell's nodes
	slots       int     // the per-node arrays' length
	local       []int32 // node → its number in its cell's layout
	slot        []int   // node → its slot in the per-node arrays
	trees       []branchTree
	treeWords   []int32 // the tree buffer (team layout)
	order       []int   // probe buffer index → plan probe index
	synCell     []int32 // synapse → its cell

	node                                                                                [nArrays]*device.Buffer
	nodeTex                                                                             [nArrays]uint32 // the per-node arrays as buffer textures
	hhSets, syns, clamps, events, cells, algs, algNbrs, probes, rec, spikes, segs, tree *device.Buffer
	hhTex                                                                               uint32
	snapBufs                                                                            [2]*device.Buffer

	mechs                       *mechTables // nil without NMODL mechanisms
	mechData, mechIdx, nodeIons *device.Buffer
	pointInts, pointDbls        *device.Buffer // the point processes' events (points.go)

	cellWords []uint32 // the cells buffer as uploaded at Init
	err       error    // a failure of Init, returned by Run

	// Mesa's llvmpipe ends a shader invocation's loops after 65535
	// iterations in all (its guard against endless loops), so a dispatch
	// must ask fewer of every invocation: perStep estimates the most loop
	// iterations an invocation makes in a step (within a few per cent; the
	// budget leaves a quarter spare, and a chunk cut short is reported),
	// evSteps each cell's event steps in the present epoch (one iteration
	// per delivery).
	loopBudget   int
	perStep      []int
	evSteps      [][]int
	inputSteps   [][]int      // each cell's point-process input steps, for the whole run
	queued       []int32      // the synapses queued at a step (epochEvents' buffer)
	taken        []takenEvent // the epoch's events in order of step (epochEvents' buffer)
	starts, next []int        // epochEvents' cells' first events and their fill (its buffers)
	ew           words        // epochEvents' event list (its buffer; the device copies it)
}

// NewCable prepares a plan for the device with the layout that suits it;
// a plan that exceeds the device's limits is refused before anything is
// allocated, naming its size and the limit.
func NewCable(dev *device.Device, p *compartments.Plan) (*Cable, error) {
	return NewCableLayout(dev, p, LayoutAuto)
}

// NewCableLayout is NewCable with the layout chosen by the caller.
func NewCableLayout(dev *device.Device, p *compartments.Plan, layout Layout) (*Cable, error) {
	return newCable(dev, p, layout, 0)
}

// newCable is NewCableLayout with, for a team layout, the team's width
// chosen (0: the device's lanes, or wider where the loop budget needs).
func newCable(dev *device.Device, p *compartments.Plan, layout Layout, team int) (*Cable, error) {
	if q := p.SnapshotQuantity; q != "" && q != "v" {
		return nil, fmt.Errorf("gpu: snapshots of %s: the GPU backend snapshots v only", q)
	}
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
	e.snapshots = p.Snapshots()
	// llvmpipe runs eight lanes of a group at once on a core, GPUs 32 or
	// 64; a team is as wide.
	lanes, busy := 64, 1024
	e.loopBudget = math.MaxInt32
	if device.Software(info) {
		lanes, busy, e.loopBudget = 8, 8, 50000
	}
	if layout == LayoutAuto {
		layout = LayoutLanes
		if (e.perCell >= teamCellNodes || (len(p.Mechs) > 0 && e.perCell >= teamMechNodes)) && len(p.Cells) < busy {
			layout = LayoutTeam
		}
	}
	e.group = lanes
	if layout == LayoutTeam {
		e.cutBranches()
		if err := e.addMechs(); err != nil {
			return nil, err
		}
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
		if err := e.addMechs(); err != nil {
			return nil, err
		}
		e.countLoops()
	}
	if n := 2 * e.slots; n > info.MaxTextureBufferSize {
		return nil, fmt.Errorf("gpu: %d cells of up to %d nodes need buffer textures of %d texels, more than the device's %d: %w",
			len(p.Cells), e.perCell, n, info.MaxTextureBufferSize, device.ErrTooLarge)
	}
	for ci, n := range e.perStep {
		if n > e.loopBudget {
			return nil, fmt.Errorf("gpu: cell %d takes %d loop iterations a step (%s), more than %s allows an invocation (%d): %w",
				ci, n, layout, info.Renderer, e.loopBudget, device.ErrTooLarge)
		}
	}
	name := "cable.comp"
	if e.team > 0 {
		name = "cable_team.comp"
	}
	mechSrc := noMechs
	if e.mechs != nil {
		mechSrc = e.mechs.src
	}
	src, err := shaders.Load(name, shaders.Generated{Name: "mechs.glsl", Text: mechSrc})
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
		if e.prog, err = device.Compile(src); err != nil {
			return err
		}
		e.snap, err = device.Compile(gather)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, sy := range p.Syns {
		e.synCell = append(e.synCell, sy.Cell)
	}
	e.Driver = sim.NewDriver((*gpuBackend)(e), p.Wiring())
	return e, nil
}

// addMechs writes the plan's NMODL mechanisms for the device, once the
// layout has numbered the slots.
func (e *Cable) addMechs() error {
	if len(e.plan.Mechs) == 0 {
		return nil
	}
	need := mechBindings
	if slices.ContainsFunc(e.plan.Mechs, func(mp compartments.MechPlan) bool { return mp.Mech.Point }) {
		need = pointBindings
	}
	if n := e.dev.Info().MaxStorageBindings; n < need {
		return fmt.Errorf("gpu: NMODL mechanisms need %d storage buffers, the device offers %d", need, n)
	}
	var err error
	if e.mechs, err = e.newMechTables(); err != nil {
		return err
	}
	if e.mechs.points != nil {
		e.inputSteps = inputSteps(e.plan)
	}
	return nil
}

// Plan returns the plan the engine runs.
func (e *Cable) Plan() *compartments.Plan { return e.plan }

// SetProbes replaces what the engine records; it takes effect from the
// next chunk.
func (e *Cable) SetProbes(probes []compartments.ProbePlan) {
	e.plan.Probes = probes
	e.countLoops()
	if e.cells == nil {
		return
	}
	err := e.dev.Do(func() error {
		device.Read(e.cells, 0, e.cellWords)
		var pw words
		e.order = e.probeTable(&pw)
		device.Write(e.cells, e.cellWords)
		e.probes.Delete()
		e.probes = device.NewBuffer([]uint32(pw), 0)
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
	for _, b := range []*device.Buffer{e.node[aV], e.node[aSolve], e.node[aAcc], e.node[aGates], e.node[aCond], e.node[aFixed], e.node[aLinks], e.hhSets, e.syns, e.clamps, e.events, e.cells, e.algs, e.algNbrs,
		e.probes, e.rec, e.spikes, e.segs, e.tree, e.snapBufs[0], e.snapBufs[1], e.mechData, e.mechIdx, e.nodeIons, e.pointInts, e.pointDbls} {
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
			device.Read(e.node[aGates], 4*s+int(pr.Var-compartments.ProbeHHm), f)
			out[k] = float64(f[0])
		case compartments.ProbeSynI, compartments.ProbeSynG:
			device.Read(e.syns, int(pr.Index)*synWords+5+int(pr.Var-compartments.ProbeSynI), f)
			out[k] = float64(f[0])
		case compartments.ProbeIClampI:
			device.Read(e.clamps, int(pr.Index)*clampWords+2, d)
			out[k] = double(d, 0)
		case compartments.ProbeMech:
			device.Read(e.mechData, 2*e.mechs.probeIndex(e, pr), d)
			out[k] = double(d, 0)
		case compartments.ProbeIon:
			device.Read(e.nodeIons, 2*e.mechs.probeIndex(e, pr), d)
			out[k] = double(d, 0)
		default:
			device.Read(e.node[aV], 2*s, d)
			out[k] = double(d, 0)
		}
	}
}

// gather copies v at the segments into buf (on the device thread).
func (e *Cable) gather(buf *device.Buffer) {
	e.node[aV].Bind(0)
	e.segs.Bind(1)
	buf.Bind(2)
	e.snap.Use()
	e.snap.SetInt("n", len(e.plan.Segments))
	e.snap.Dispatch((len(e.plan.Segments) + gatherSize - 1) / gatherSize)
}

// Part returns the engine as one part of a composite run (sim.Composite):
// its backend and wiring, for a driver other than its own.
func (e *Cable) Part() (sim.Backend, sim.Wiring) { return (*gpuBackend)(e), e.plan.Wiring() }

// SegmentVoltages returns v at every segment centre (plan.Segments order).
func (e *Cable) SegmentVoltages() []float64 { return (*gpuBackend)(e).Snapshot(nil) }

func widen(in []float32, buf []float64) []float64 {
	buf = buf[:0]
	for _, x := range in {
		buf = append(buf, float64(x))
	}
	return buf
}

// chunkResult is what one dispatch leaves for the host.
type chunkResult struct {
	spikes []sim.Spike
	blow   *sim.BlowUpError
	err    error // the device did not finish the chunk
}

// runChunk advances every cell over steps [from, to) in one dispatch and
// reads back the records into the epoch's rows, and the spikes and any
// blow-up (on the device thread).
func (e *Cable) runChunk(from, to int64, ep *sim.Epoch) chunkResult {
	p := e.plan
	base := from / e.recordEvery
	nRows := int(to/e.recordEvery - base)
	np := len(p.Probes)
	if need := 8 * max(1, nRows*np); e.rec.Size() < need {
		e.rec.Delete()
		e.rec = device.NewBuffer[uint32](nil, need)
	}
	e.bindAll()
	e.prog.SetInt("initMechs", 0)
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
	if e.mechs != nil && e.mechs.points != nil {
		res.err = e.mechs.points.overflow(e)
	}
	flat := make([]uint32, 2*nRows*np)
	device.Read(e.rec, 0, flat)
	for r := range nRows {
		row := ep.Row((base+int64(r)+1)*e.recordEvery, e.recordEvery)
		for k, pi := range e.order {
			row[pi] = double(flat, 2*(r*np+k))
		}
	}
	state := make([]uint32, len(p.Cells)*cellWords)
	device.Read(e.cells, 0, state)
	for ci, c := range p.Cells {
		cs := state[ci*cellWords : (ci+1)*cellWords]
		if n := min(int(cs[cNSpikes]), e.spikeCap); n > 0 {
			raw := make([]uint32, n*spikeWords)
			device.Read(e.spikes, ci*e.spikeCap*spikeWords, raw)
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

// bindAll binds the buffers, images and textures of a step and the
// program with its textures' units (on the device thread).
func (e *Cable) bindAll() {
	for k, b := range []*device.Buffer{e.syns, e.clamps, e.events, e.cells, e.algs, e.algNbrs, e.probes, e.rec, e.spikes} {
		b.Bind(uint32(k))
	}
	if e.mechs != nil {
		e.mechData.Bind(bMechData)
		e.mechIdx.Bind(bMechIdx)
		e.nodeIons.Bind(bNodeIons)
		if e.mechs.points != nil {
			e.pointInts.Bind(bPointInts)
			e.pointDbls.Bind(bPointDbls)
		}
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
}

// cellVoltages reads a cell's node voltages (on the device thread).
func (e *Cable) cellVoltages(c compartments.CellPlan) []float64 {
	raw := make([]uint32, 2*e.slots)
	device.Read(e.node[aV], 0, raw)
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

// gpuBackend is the Cable as the run driver sees it.
type gpuBackend Cable

func (b *gpuBackend) Dt() float64             { return b.plan.Dt }
func (b *gpuBackend) Reset()                  { (*Cable)(b).reset() }
func (b *gpuBackend) Probes() int             { return len(b.plan.Probes) }
func (b *gpuBackend) RecordEvery() int64      { return b.recordEvery }
func (b *gpuBackend) Snapshots() sim.Schedule { return b.snapshots }
func (b *gpuBackend) EpochSteps() int64       { return (*Cable)(b).chunkSteps() }

func (b *gpuBackend) Probe(values []float64) {
	e := (*Cable)(b)
	if e.err == nil {
		e.err = e.dev.Do(func() error { e.probeValues(values); return nil })
	}
}

// Snapshot gathers v at the segments on the device and reads it back.
func (b *gpuBackend) Snapshot(buf []float64) []float64 {
	e := (*Cable)(b)
	out := make([]float32, len(e.plan.Segments))
	if err := e.dev.Do(func() error {
		e.gather(e.snapBufs[0])
		device.Read(e.snapBufs[0], 0, out)
		return nil
	}); err != nil && e.err == nil {
		e.err = err
	}
	return widen(out, buf)
}

// Advance uploads the epoch's events and advances every cell over the
// epoch in as many dispatches as the loop budget asks.
func (b *gpuBackend) Advance(ep *sim.Epoch) error {
	e := (*Cable)(b)
	if e.err != nil {
		return e.err
	}
	p := e.plan
	ew, starts := e.epochEvents(ep)
	err := e.dev.Do(func() error {
		if need := 4 * max(1, len(ew)); e.events.Size() < need {
			e.events.Delete()
			e.events = device.NewBuffer[uint32](nil, need)
		}
		device.Write(e.events, []uint32(ew))
		device.Read(e.cells, 0, e.cellWords)
		for ci := range p.Cells {
			cw := e.cellWords[ci*cellWords:]
			cw[cEvLo], cw[cEvHi], cw[cCursor] = uint32(starts[ci]), uint32(starts[ci+1]), uint32(starts[ci])
		}
		device.Write(e.cells, e.cellWords)
		return nil
	})
	if err != nil {
		return err
	}
	for from := ep.From; from < ep.To; {
		to := from + e.budgetSteps(from, ep.To-from)
		var res chunkResult
		if err := e.dev.Do(func() error { res = e.runChunk(from, to, ep); return res.err }); err != nil {
			return fmt.Errorf("gpu: chunk at t = %g ms: %w", float64(from)*p.Dt, err)
		}
		ep.Spikes = append(ep.Spikes, res.spikes...)
		if res.blow != nil {
			ep.NoteBlowUp(res.blow)
			return nil
		}
		from = to
	}
	return nil
}

// epochEvents takes the epoch's inputs from its queue into the shader's
// event list, grouped by cell and in order of step, then synapse, within
// a cell (cell c's are events [starts[c], starts[c+1])), and notes each
// cell's event steps for the loop budget. It visits only the synapses
// the queue lists as queued at each step, so an epoch costs its steps,
// its events and a pass over the cells, not its steps times the
// synapses: a synapse's inputs come by Queue.Add (the plan's events,
// NetCons), which lists them.
func (e *Cable) epochEvents(ep *sim.Epoch) (ew words, starts []int) {
	p := e.plan
	starts = slices.Grow(e.starts[:0], len(p.Cells)+1)[:len(p.Cells)+1]
	clear(starts)
	e.starts = starts
	e.taken = e.taken[:0]
	for step := ep.From; step < ep.To; step++ {
		e.queued = ep.Inputs.Queued(step, e.queued[:0])
		if len(e.queued) == 0 {
			continue
		}
		slices.Sort(e.queued)
		due := ep.Inputs.Due(step)
		for _, k := range e.queued {
			if w := due[k]; w != 0 {
				due[k] = 0
				e.taken = append(e.taken, takenEvent{step: step, syn: k, w: w})
				starts[e.synCell[k]+1]++
			}
		}
	}
	for ci := range p.Cells {
		e.evSteps[ci] = e.evSteps[ci][:0]
		starts[ci+1] += starts[ci]
	}
	// Placed by cell in the order taken: by step, then synapse.
	ew = slices.Grow(e.ew[:0], 4*len(e.taken))[:4*len(e.taken)]
	e.ew = ew
	next := append(e.next[:0], starts[:len(p.Cells)]...)
	e.next = next
	for _, ev := range e.taken {
		c, s := e.synCell[ev.syn], p.Syns[ev.syn]
		j := 4 * next[c]
		next[c]++
		ew[j], ew[j+1] = uint32(int32(ev.step)), uint32(ev.syn)
		ew[j+2], ew[j+3] = math.Float32bits(float32(ev.w*s.FactorA)), math.Float32bits(float32(ev.w*s.FactorB))
		e.evSteps[c] = append(e.evSteps[c], int(ev.step))
	}
	return ew, starts
}

// takenEvent is an input taken from the queue: weight w onto synapse syn
// at step.
type takenEvent struct {
	step int64
	syn  int32
	w    float64
}
