package network

import (
	"fmt"
	"math"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/gpu/pointmodel"
	"neurite/shaders"
	"neurite/sim"
	"neurite/sim/connect"
	point "neurite/sim/network"
)

// learning is plasticity on the device (shaders/net_learn.comp), where
// the spikes are delivered on the device: the plastic projections'
// weights, their index by source and by target, and the traces live
// there, and each step of an epoch's spikes is delivered and learnt from
// in the CPU engine's order (sim/network's router: the presynaptic
// pathway, then the postsynaptic one), two dispatches a step that has
// spikes. The weights come back into the projections at the end of each
// run (Engine.Run). Where the spikes are delivered on the host, the CPU
// engine's router learns, as before.
type learning struct {
	projs []learnProj
	// The image of the device's buffers: the projection table, the
	// index arrays, the initial weights (from the projections at each
	// Reset) and the traces' words.
	table, index                              []uint32
	weights                                   int // words
	traces                                    int // doubles
	prog                                      *device.Program
	tableBuf, indexBuf, wBuf, trBuf, spikeBuf *device.Buffer
	scaledAt                                  int64
	// The epoch's spike records, by step: first the pre, then the post
	// records of each step, with the offsets of each step's two runs.
	recs  []uint32
	steps []learnStep
}

// learnProj is a plastic projection as the device learns it.
type learnProj struct {
	pr      *point.Projection
	wAt     int // its first weight
	scaling bool
}

// learnStep is a step's spikes in the epoch's records: its ring slot,
// time, and runs of pre and post records.
type learnStep struct {
	slot        int
	t           float64
	pre, nPre   int
	post, nPost int
}

// projWords is a Proj of net_learn.comp in 32-bit words: 16 uints and 12
// doubles.
const projWords = 16 + 2*12

// Flags of a Proj.
const (
	flagSTDP = 1 << iota
	flagMultiplicative
	flagNearest
	flagScaling
)

// plasticBound returns the largest magnitude a plastic projection's
// weights can reach: its rules' bounds and its initial weights; or why
// it has none (scaling with no w_max can grow a weight without bound).
func plasticBound(pr *point.Projection) (float64, error) {
	stdp, scaling := pr.Learning()
	m := 0.0
	for _, w := range pr.W {
		m = max(m, math.Abs(float64(w)))
	}
	if stdp != nil {
		m = max(m, math.Abs(stdp.WMin), math.Abs(stdp.WMax))
	}
	if scaling != nil {
		if scaling.WMax <= 0 {
			return 0, fmt.Errorf("projection %s scales with no w_max: its weights have no bound for the device's fixed point", pr.Name)
		}
		m = max(m, scaling.WMax)
	}
	return m, nil
}

// newLearning lays out the plastic projections of n for the device, nil
// where none learns; base is a population's first queue target, index
// the synapses of a plastic projection by target (the CPU engine's).
func newLearning(n *point.Network, base func(p *point.Population) int, index func(*point.Projection) *connect.Transposed) (*learning, error) {
	l := &learning{}
	for _, pr := range n.Projections {
		if pr.Rate != nil || !pr.Plastic() {
			continue
		}
		if pr.Synapses() >= math.MaxUint32/4 {
			return nil, fmt.Errorf("projection %s: %d synapses, more than the device's 32-bit indices reach", pr.Name, pr.Synapses())
		}
		in := index(pr)
		stdp, scaling := pr.Learning()
		lp := learnProj{pr: pr, wAt: l.weights, scaling: scaling != nil}
		l.weights += int(pr.Synapses())
		at := func(words []uint32) uint32 {
			a := uint32(len(l.index))
			l.index = append(l.index, words...)
			return a
		}
		starts := func(s []int64) []uint32 {
			u := make([]uint32, len(s))
			for i, x := range s {
				u[i] = uint32(x)
			}
			return u
		}
		rowAt, tgtAt := at(starts(pr.Start)), at(pr.Target)
		dlyAt, delay0 := uint32(math.MaxUint32), uint32(pr.Delay[0])
		if len(pr.Delay) > 1 {
			packed := make([]uint32, (len(pr.Delay)+1)/2)
			for j, d := range pr.Delay {
				packed[j/2] |= uint32(d) << (16 * (j & 1))
			}
			dlyAt, delay0 = at(packed), 0
		}
		colAt, srcAt, synAt := at(starts(in.Start)), at(in.Src), at(in.Syn)
		preAt, postAt := l.traces, l.traces+2*pr.From.N
		l.traces += 2 * (pr.From.N + pr.To.N)
		rateAt := l.traces
		var flags uint32
		var d [12]float64
		if stdp != nil {
			flags |= flagSTDP
			if stdp.Multiplicative {
				flags |= flagMultiplicative
			}
			if stdp.Nearest {
				flags |= flagNearest
			}
			d[0], d[1], d[2], d[3], d[4], d[5] = 1/stdp.TauPlus, 1/stdp.TauMinus, stdp.APlus, stdp.AMinus, stdp.WMin, stdp.WMax
		}
		if scaling != nil {
			flags |= flagScaling
			l.traces += 2 * pr.To.N
			// sim/homeostasis's own numbers, formed as it forms them.
			c := scaling.Twin()
			d[6], d[7], d[8], d[9], d[10] = c.Inv, c.Bump, c.Gain, c.Target, c.WMax
		}
		b := uint32(base(pr.To) + pr.Port*pr.To.N)
		l.table = append(l.table, rowAt, tgtAt, dlyAt, delay0, colAt, srcAt, synAt, uint32(lp.wAt),
			uint32(preAt), uint32(postAt), uint32(rateAt), b, flags, uint32(pr.From.N), uint32(pr.To.N), 0)
		for _, x := range d {
			bits := math.Float64bits(x)
			l.table = append(l.table, uint32(bits), uint32(bits>>32))
		}
		l.projs = append(l.projs, lp)
	}
	if len(l.projs) == 0 {
		return nil, nil
	}
	if l.traces >= math.MaxInt32/8 || len(l.index) >= math.MaxInt32/4 {
		return nil, fmt.Errorf("the plastic projections' index and traces exceed what the device's 32-bit indices reach")
	}
	return l, nil
}

// alloc makes the learning's buffers and program (on the device thread);
// a buffer larger than a storage block of the device is refused.
func (l *learning) alloc(dev *device.Device) error {
	limit := dev.Info().MaxStorageBlockSize
	for what, bytes := range map[string]int{"index": 4 * len(l.index), "weights": 4 * l.weights, "traces": 8 * l.traces} {
		if bytes > limit {
			return fmt.Errorf("the plastic projections' %s take %d bytes, more than a storage block of the device (%d)", what, bytes, limit)
		}
	}
	src, err := shaders.Load("net_learn.comp", shaders.Generated{Name: "fastexp.glsl", Text: pointmodel.FastexpGLSL()})
	if err != nil {
		return err
	}
	prog, err := device.Compile(src.Define("GROUP_SIZE", groupSize))
	if err != nil {
		return err
	}
	l.tableBuf = device.NewBuffer(l.table, 0)
	l.indexBuf = device.NewBuffer(append(l.index, 0), 0)
	l.wBuf = device.NewBuffer[uint32](nil, 4*max(1, l.weights))
	l.trBuf = device.NewBuffer[uint32](nil, 8*max(1, l.traces))
	l.spikeBuf = device.NewBuffer[uint32](nil, 4096)
	l.prog = prog
	return nil
}

// free deletes what alloc made.
func (l *learning) free() {
	for _, b := range []*device.Buffer{l.tableBuf, l.indexBuf, l.wBuf, l.trBuf, l.spikeBuf} {
		if b != nil {
			b.Delete()
		}
	}
	if l.prog != nil {
		l.prog.Delete()
	}
}

// reset uploads the projections' weights as they are now and forgets
// every spike (on the device thread).
func (l *learning) reset() {
	w := make([]uint32, max(1, l.weights))
	for _, lp := range l.projs {
		for s, x := range lp.pr.W {
			w[lp.wAt+s] = math.Float32bits(x)
		}
	}
	device.Write(l.wBuf, w)
	device.Write(l.trBuf, make([]uint32, 2*max(1, l.traces)))
	l.scaledAt = 0
}

// pull reads the learnt weights back into the projections (on the
// device thread).
func (l *learning) pull() {
	w := make([]uint32, max(1, l.weights))
	device.Read(l.wBuf, 0, w)
	for _, lp := range l.projs {
		for s := range lp.pr.W {
			lp.pr.W[s] = math.Float32frombits(w[lp.wAt+s])
		}
	}
}

// scale applies synaptic scaling up to step, as the CPU engine does at
// the start of each epoch (on the device thread).
func (l *learning) scale(step int64, dt float64) {
	if step <= l.scaledAt {
		return
	}
	l.prog.Use()
	l.tableBuf.Bind(2)
	l.indexBuf.Bind(3)
	l.wBuf.Bind(4)
	l.trBuf.Bind(5)
	l.prog.SetInt("phase", 2)
	l.prog.SetDouble("t", float64(step)*dt)
	l.prog.SetDouble("span", float64(step-l.scaledAt)*dt)
	for k, lp := range l.projs {
		if lp.scaling {
			l.prog.SetInt("proj", k)
			gl.DispatchCompute(uint32((lp.pr.To.N+groupSize-1)/groupSize), 1, 1)
			gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
		}
	}
	l.scaledAt = step
}

// collect sorts the epoch's spikes (in time order) into records by
// step: for each, the projections whose source it is, then those whose
// target it is.
func (l *learning) collect(spikes []sim.Spike, dt float64, ringSlots int, popOf func(g int) *point.Population) {
	l.recs, l.steps = l.recs[:0], l.steps[:0]
	// add records the step's spikes of neurons on one side of the
	// learning projections, and returns how many.
	add := func(step []sim.Spike, side func(*point.Projection) *point.Population) int {
		n := len(l.recs)
		for _, s := range step {
			p := popOf(s.Cell)
			for j, lp := range l.projs {
				if side(lp.pr) == p {
					l.recs = append(l.recs, uint32(j), uint32(s.Cell-p.First()))
				}
			}
		}
		return (len(l.recs) - n) / 2
	}
	for step := range sim.StepGroups(spikes) {
		n := int64(math.Round(step[0].Step / dt))
		st := learnStep{slot: int(n % int64(ringSlots)), t: step[0].T, pre: len(l.recs) / 2}
		st.nPre = add(step, func(pr *point.Projection) *point.Population { return pr.From })
		st.post = len(l.recs) / 2
		st.nPost = add(step, func(pr *point.Projection) *point.Population { return pr.To })
		if st.nPre+st.nPost > 0 {
			l.steps = append(l.steps, st)
		}
	}
}

// learn delivers and learns from the collected spikes, step by step (on
// the device thread): the ring is bound at 0 by the caller's uniforms'
// owner, Route.
func (l *learning) learn(d *deviceNet, targets, maxGroups int) {
	if len(l.steps) == 0 {
		return
	}
	fit(&l.spikeBuf, len(l.recs))
	device.Write(l.spikeBuf, l.recs)
	l.prog.Use()
	d.bindRing(l.prog, targets)
	l.spikeBuf.Bind(1)
	l.tableBuf.Bind(2)
	l.indexBuf.Bind(3)
	l.wBuf.Bind(4)
	l.trBuf.Bind(5)
	run := func(phase, from, n int) {
		l.prog.SetInt("phase", phase)
		for n > 0 {
			g := min(n, maxGroups)
			l.prog.SetInt("spikeFrom", from)
			gl.DispatchCompute(uint32(g), 1, 1)
			from, n = from+g, n-g
		}
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
	}
	for _, st := range l.steps {
		l.prog.SetInt("slot", st.slot)
		l.prog.SetDouble("t", st.t)
		run(0, st.pre, st.nPre)
		run(1, st.post, st.nPost)
	}
}
