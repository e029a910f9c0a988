package network

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/shaders"
	"neurite/sim"
	point "neurite/sim/network"
)

// Delivery says where the spikes of an epoch are delivered to their
// targets.
type Delivery int

const (
	// DeliverAuto delivers on the host on a software renderer and on the
	// device on a GPU, where the fixed-point check allows (autoDelivery).
	DeliverAuto Delivery = iota
	// DeliverHost routes the spikes on the host with the CPU engine's
	// router and uploads the queue's slots of the epoch as they lie.
	DeliverHost
	// DeliverDevice pushes the spikes along their rows on the device
	// (shaders/net_deliver.comp) into a ring of fixed-point sums that
	// the neuron kernel reads: the connectivity is uploaded once, and
	// only the spikes' rows go up each epoch.
	DeliverDevice
)

func (d Delivery) String() string {
	switch d {
	case DeliverHost:
		return "host"
	case DeliverDevice:
		return "device"
	}
	return "auto"
}

// maxChunkBytes caps the connectivity held in one buffer below the
// device's limits on a storage block and a buffer texture (a variable:
// tests force many buffers).
var maxChunkBytes = math.MaxInt

// maxRingBytes caps the ring below the device's own limits; tests lower
// it to see a ring too large refused.
var maxRingBytes = int64(math.MaxInt64)

// segment is a run of rows of one projection held in one chunk: a row's
// synapses always lie in one buffer, so that one work group reads one.
type segment struct {
	proj         int   // in Network.Projections
	rowLo, rowHi int   // its rows (source neurons)
	first        int64 // the projection's first synapse in it
	chunk        int
}

// deviceNet is the connectivity on the device and the ring the spikes
// are delivered into.
type deviceNet struct {
	prog      *device.Program
	chunks    []*device.Buffer
	chunkTex  []uint32       // their buffer textures
	segBuf    *device.Buffer // two uvec4 a segment
	rowBuf    *device.Buffer // the epoch's rows, grown as needed
	ring      *device.Buffer
	ringTex   uint32
	segs      []segment
	bySource  [][]int // by population: its projections' segments, in order of projection and rows
	shift     int     // the ring's entries are integers of 2^shift
	ringSlots int
	inputs    []sim.Input // the network's spike inputs, sorted by step
	next      int         // the first input not yet added to the ring
	rows      [][]uint32  // by chunk: the epoch's rows, 4 words each
	proc      *procNet    // the procedural projections, drawn again, not stored
}

// fixedShift returns the exponent of the ring's fixed point, or why the
// device's sums could differ from the CPU engine's. Every addend of a
// target's sums (a synapse's weight, a spike input's) is then an integer
// of 2^shift, and the largest sum any target can receive, the sum of the
// magnitudes of all that reach it, below 2^52 of it: every partial sum
// of the CPU engine's, in doubles, is exact in whatever order it adds,
// so the device's integer sums, in any order, give the same doubles.
// A learning projection's weights are bounded by its rules, not known:
// they are delivered rounded to the finest fixed point the bounds allow.
func fixedShift(n *point.Network, targets int, base func(p *point.Population) int, inputs []sim.Input) (int, error) {
	shift := math.MaxInt
	mag := make([]float64, targets)
	note := func(w float64) {
		if w != 0 {
			shift = min(shift, lowBit(w))
		}
	}
	plastic := false
	for _, pr := range n.Projections {
		if pr.Rate != nil {
			continue
		}
		if pr.Plastic() {
			m, err := plasticBound(pr)
			if err != nil {
				return 0, err
			}
			plastic = true
			b := base(pr.To) + pr.Port*pr.To.N
			for _, t := range pr.Target {
				mag[b+int(t)] += m
			}
			continue
		}
		for _, w := range pr.W {
			note(float64(w))
		}
		b := base(pr.To) + pr.Port*pr.To.N
		for s, t := range pr.Target {
			mag[b+int(t)] += math.Abs(float64(pr.Weight(int64(s))))
		}
	}
	for _, in := range inputs {
		note(in.W)
		mag[in.Target] += math.Abs(in.W)
	}
	if plastic {
		// The finest fixed point whose sums stay below 2^52 of it: a
		// learnt weight, any float, is delivered to the nearest integer
		// of it (an error below 2^-53 of the largest sum a target can
		// receive), the others exactly.
		fine := math.Ilogb(max(slices.Max(mag), math.SmallestNonzeroFloat64)) + 1 - 52
		if fine > shift {
			return 0, fmt.Errorf("a weight of 2^%d is too fine for the fixed point the learning weights' bounds allow (2^%d)", shift, fine)
		}
		shift = fine
	}
	if shift == math.MaxInt {
		return 0, nil // no weights: nothing to sum
	}
	if m := slices.Max(mag); !(m < math.Ldexp(1, 52+shift)) { // NaN too
		return 0, fmt.Errorf("the weights span too many binary orders: a target may receive %g, its weights are integers of 2^%d only", m, shift)
	}
	if shift < -1022 {
		return 0, fmt.Errorf("a weight of 2^%d is too fine for the ring's fixed point", shift)
	}
	return shift, nil
}

// lowBit returns the exponent of the lowest set bit of x's significand:
// x is an integer of 2^lowBit(x), and of no higher power of 2.
func lowBit(x float64) int {
	frac, exp := math.Frexp(math.Abs(x)) // |x| = frac·2^exp, frac in [0.5, 1)
	m := uint64(math.Ldexp(frac, 53))
	return exp - 53 + bits.TrailingZeros64(m)
}

// newDeviceNet lays out the connectivity in chunks of whole rows, none
// larger than a buffer of the device may be, and checks that the
// device's sums are the CPU engine's; it returns why not where they
// could differ.
func (e *Engine) newDeviceNet(router sim.Router, inputs []sim.Input) (*deviceNet, error) {
	if router == nil {
		return nil, fmt.Errorf("the network has no spike projections")
	}
	shift, err := fixedShift(e.net, e.targets, func(p *point.Population) int { return e.pops[e.popOfNeuron(p.First())].base }, inputs)
	if err != nil {
		return nil, err
	}
	d := &deviceNet{shift: shift, inputs: inputs, bySource: make([][]int, len(e.pops))}
	d.ringSlots = e.dueSteps + int(router.MaxDelay()) + 1
	// The ring is one buffer texture (a texel an entry) and one storage
	// block (8 bytes an entry): past either limit the device would drop
	// what falls outside without a word.
	entries := int64(d.ringSlots) * int64(max(1, e.targets))
	info := e.dev.Info()
	if entries >= math.MaxInt32/2 || entries > int64(info.MaxTextureBufferSize) || 8*entries > min(int64(info.MaxStorageBlockSize), maxRingBytes) {
		return nil, fmt.Errorf("a ring of %d slots of %d targets is larger than the device holds (%d texels, %d bytes a storage block)",
			d.ringSlots, e.targets, info.MaxTextureBufferSize, info.MaxStorageBlockSize)
	}
	room := min(e.dev.Info().MaxStorageBlockSize/4, e.dev.Info().MaxTextureBufferSize, maxChunkBytes/4)
	used := room // no chunk yet
	for k, pr := range e.net.Projections {
		if pr.Rate != nil || pr.Plastic() || pr.Procedural != nil {
			continue // delivered by the learning (learning.go) or drawn again (procedural.go)
		}
		if pr.Synapses() >= math.MaxUint32/2 {
			return nil, fmt.Errorf("projection %s: %d synapses, more than 32-bit indices reach", pr.Name, pr.Synapses())
		}
		var seg *segment
		for i := range pr.From.N {
			syn := int(pr.Start[i+1] - pr.Start[i])
			if seg != nil {
				grow := segWords(pr, int(pr.Start[i+1]-seg.first)) - segWords(pr, int(pr.Start[i]-seg.first))
				if used+grow <= room {
					used += grow
					seg.rowHi = i + 1
					continue
				}
			}
			need := segWords(pr, syn)
			if need > room {
				return nil, fmt.Errorf("projection %s: neuron %d's %d synapses exceed a buffer of the device", pr.Name, i, syn)
			}
			if used+need > room {
				d.chunks = append(d.chunks, nil)
				used = 0
			}
			used += need
			d.segs = append(d.segs, segment{proj: k, rowLo: i, rowHi: i + 1, first: pr.Start[i], chunk: len(d.chunks) - 1})
			seg = &d.segs[len(d.segs)-1]
			p := slices.Index(e.net.Pops, pr.From)
			d.bySource[p] = append(d.bySource[p], len(d.segs)-1)
		}
	}
	d.rows = make([][]uint32, len(d.chunks))
	if d.proc, err = e.newProcNet(); err != nil {
		return nil, err
	}
	return d, nil
}

// segWords is the words n synapses of pr take in a chunk: targets, and
// weights and delays where they are the synapses' own.
func segWords(pr *point.Projection, n int) int {
	w := n
	if len(pr.W) > 1 {
		w += n
	}
	if len(pr.Delay) > 1 {
		w += (n + 1) / 2
	}
	return w
}

// alloc uploads the connectivity, chunk by chunk, and makes the ring and
// the program (on the device thread).
func (d *deviceNet) alloc(e *Engine) error {
	src, err := shaders.Load("net_deliver.comp")
	if err != nil {
		return err
	}
	prog, err := device.Compile(src.Define("GROUP_SIZE", groupSize))
	if err != nil {
		return err
	}
	table := make([]uint32, 0, 8*len(d.segs))
	for c := range d.chunks {
		var words []uint32
		for _, s := range d.segs {
			if s.chunk != c {
				continue
			}
			pr := e.net.Projections[s.proj]
			lo, hi := s.first, pr.Start[s.rowHi]
			wAt, dAt, w0, d0 := uint32(math.MaxUint32), uint32(math.MaxUint32), math.Float32bits(pr.W[0]), uint32(pr.Delay[0])
			tAt := uint32(len(words))
			words = append(words, pr.Target[lo:hi]...)
			if len(pr.W) > 1 {
				wAt, w0 = uint32(len(words)), 0
				for _, w := range pr.W[lo:hi] {
					words = append(words, math.Float32bits(w))
				}
			}
			if len(pr.Delay) > 1 {
				dAt, d0 = uint32(len(words)), 0
				ds := pr.Delay[lo:hi]
				for j := 0; j < len(ds); j += 2 {
					x := uint32(ds[j])
					if j+1 < len(ds) {
						x |= uint32(ds[j+1]) << 16
					}
					words = append(words, x)
				}
			}
			base := e.pops[e.popOfNeuron(pr.To.First())].base + pr.Port*pr.To.N
			table = append(table, tAt, wAt, dAt, d0, w0, uint32(base), 0, 0)
		}
		d.chunks[c] = device.NewBuffer(words, 0)
		d.chunkTex = append(d.chunkTex, device.BufferTexture(d.chunks[c], gl.R32UI))
	}
	d.segBuf = device.NewBuffer(table, 0)
	d.rowBuf = device.NewBuffer[uint32](nil, 16*1024)
	d.ring = device.NewBuffer[uint32](nil, 8*d.ringSlots*max(1, e.targets))
	d.ringTex = device.BufferTexture(d.ring, gl.RG32UI)
	if err := d.proc.alloc(e); err != nil {
		return err
	}
	d.prog = prog // last: alloc is done
	return nil
}

// free deletes what alloc made.
func (d *deviceNet) free() {
	for _, t := range append(d.chunkTex, d.ringTex) {
		if t != 0 {
			gl.DeleteTextures(1, &t)
		}
	}
	for _, b := range append(d.chunks, d.segBuf, d.rowBuf, d.ring) {
		if b != nil {
			b.Delete()
		}
	}
	if d.prog != nil {
		d.prog.Delete()
	}
	d.proc.free()
}

// reset empties the ring and rewinds the inputs (on the device thread).
func (d *deviceNet) reset() {
	device.Write(d.ring, make([]uint32, d.ring.Size()/4))
	d.next = 0
}

// addInputs adds the spike inputs due in [from, to) to the ring, each
// read, added to and written back by the host (they are few: events
// from outside, not the network's spikes), before the epoch's dispatch.
func (d *deviceNet) addInputs(from, to int64, targets int) {
	var x [2]uint32
	for ; d.next < len(d.inputs) && d.inputs[d.next].Step < to; d.next++ {
		in := d.inputs[d.next]
		if in.Step < from {
			continue
		}
		at := 2 * (int(in.Step%int64(d.ringSlots))*targets + int(in.Target))
		device.Read(d.ring, at, x[:])
		v := uint64(x[0]) | uint64(x[1])<<32
		v += uint64(int64(math.Ldexp(in.W, -d.shift)))
		x[0], x[1] = uint32(v), uint32(v>>32)
		device.WriteAt(d.ring, at, x[:])
	}
}

// ParseDelivery reads a delivery's name: auto, host or device.
func ParseDelivery(name string) (Delivery, error) {
	for _, d := range []Delivery{DeliverAuto, DeliverHost, DeliverDevice} {
		if d.String() == name {
			return d, nil
		}
	}
	return DeliverAuto, fmt.Errorf("delivery %q: give auto, host or device", name)
}

// deliverer is the Engine as the driver's router: the CPU engine's
// router where the host delivers, else the device's push.
type deliverer Engine

func (r *deliverer) MinDelay() int64 { return r.hostRouter.MinDelay() }
func (r *deliverer) MaxDelay() int64 { return r.hostRouter.MaxDelay() }

// Route delivers the epoch's spikes: on the host into the driver's
// queue, or on the device, a work group per spike and projection
// segment, the rows grouped by the chunk that holds them, one dispatch
// a chunk. A device failure is returned by the next Advance.
func (r *deliverer) Route(spikes []sim.Spike, q *sim.Queue) {
	e := (*Engine)(r)
	if e.delivery != DeliverDevice {
		e.hostRouter.Route(spikes, q)
		return
	}
	if e.err != nil {
		return
	}
	d := e.dn
	for c := range d.rows {
		d.rows[c] = d.rows[c][:0]
	}
	d.proc.rows = d.proc.rows[:0]
	dt := e.net.Dt
	for _, s := range spikes {
		p := e.popOfNeuron(s.Cell)
		slot := uint32(int64(math.Round(s.Step/dt)) % int64(d.ringSlots))
		d.proc.route(e, p, s.Cell-e.pops[p].first, slot)
		for _, k := range d.bySource[p] {
			sg := &d.segs[k]
			i := s.Cell - e.pops[p].first
			if i < sg.rowLo || i >= sg.rowHi {
				continue
			}
			pr := e.net.Projections[sg.proj]
			if n := pr.Start[i+1] - pr.Start[i]; n > 0 {
				d.rows[sg.chunk] = append(d.rows[sg.chunk], uint32(k), uint32(pr.Start[i]-sg.first), uint32(n), slot)
			}
		}
	}
	if e.learn != nil {
		e.learn.collect(spikes, dt, d.ringSlots, func(g int) *point.Population { return e.pops[e.popOfNeuron(g)].Population })
	}
	e.err = e.dev.Do(func() error {
		if e.learn != nil {
			e.learn.learn(d, e.targets, e.dev.Info().MaxWorkGroupCount[0])
		}
		d.proc.dispatch(e, d)
		var all []uint32
		for _, rows := range d.rows {
			all = append(all, rows...)
		}
		if len(all) == 0 {
			return nil
		}
		fit(&d.rowBuf, len(all))
		device.Write(d.rowBuf, all)
		d.prog.Use()
		d.bindRing(d.prog, e.targets)
		d.rowBuf.Bind(1)
		d.segBuf.Bind(2)
		gl.ActiveTexture(gl.TEXTURE0)
		d.prog.SetInt("synTex", 0)
		from := 0
		maxGroups := e.dev.Info().MaxWorkGroupCount[0]
		for c, rows := range d.rows {
			if len(rows) == 0 {
				continue
			}
			gl.BindTexture(gl.TEXTURE_BUFFER, d.chunkTex[c])
			for n := len(rows) / 4; n > 0; {
				g := min(n, maxGroups)
				d.prog.SetInt("rowFrom", from)
				gl.DispatchCompute(uint32(g), 1, 1)
				from, n = from+g, n-g
			}
		}
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.SHADER_IMAGE_ACCESS_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
		return nil
	})
}

// bindRing binds the ring at 0 for prog, the current program, with the
// uniforms every shader that adds into it takes (ring.glsl's includers:
// delivery, learning, procedural rows).
func (d *deviceNet) bindRing(prog *device.Program, targets int) {
	prog.SetInt("targets", targets)
	prog.SetInt("ringSlots", d.ringSlots)
	prog.SetInt("shift", d.shift)
	d.ring.Bind(0)
}

// fit makes *buf hold at least n words, doubling a buffer too small (its
// contents are not kept).
func fit(buf **device.Buffer, n int) {
	if 4*n > (*buf).Size() {
		(*buf).Delete()
		*buf = device.NewBuffer[uint32](nil, 8*n)
	}
}

// popOfNeuron returns the index of the population of neuron g.
func (e *Engine) popOfNeuron(g int) int {
	k, found := slices.BinarySearchFunc(e.pops, g, func(p *pop, g int) int { return p.first - g })
	if !found {
		k--
	}
	return k
}

// Delivery returns where the engine delivers the spikes from the next
// Init on (DeliverHost or DeliverDevice).
func (e *Engine) Delivery() Delivery { return e.chosen }

// SetDelivery chooses where the spikes are delivered, from the next
// Init on (the first choice of the device uploads the connectivity);
// DeliverDevice is refused, saying why, where the device's sums
// could differ from the CPU engine's (the weights' binary orders too far
// apart for the fixed point, or a learning projection's weights have no
// bound), the network has no spike projections, or a row exceeds a
// buffer of the device. With it, plastic projections learn on the
// device (learning.go).
func (e *Engine) SetDelivery(d Delivery) error {
	if d == DeliverAuto {
		d = e.autoDelivery()
	}
	if d == DeliverDevice {
		if e.dn == nil {
			return fmt.Errorf("delivery on the device: %v", e.dnErr)
		}
		if e.dn.prog == nil {
			// The connectivity goes up once, when first asked for.
			if err := e.dev.Do(func() error {
				if e.learn != nil {
					if err := e.learn.alloc(e.dev); err != nil {
						return err
					}
				}
				return e.dn.alloc(e)
			}); err != nil {
				return err
			}
		}
	}
	e.chosen = d
	return nil
}

// autoDelivery is DeliverAuto's choice: the host on a software
// renderer, the device on a GPU where it can. On Mesa's llvmpipe the
// device's scattered additions cost 11–13 ns a synapse against the host
// router's 1–2 (the same cores, which llvmpipe makes scatter lane by
// lane), and the host delivered faster at every size measured (README,
// "Speed"); a GPU's atomics are its strength, and the epoch's dense
// upload its cost.
func (e *Engine) autoDelivery() Delivery {
	if e.dn != nil && !device.Software(e.dev.Info()) {
		return DeliverDevice
	}
	return DeliverHost
}

// ringShift is the exponent of the ring's fixed point (0 where the host
// delivers).
func (e *Engine) ringShift() int {
	if e.dn == nil {
		return 0
	}
	return e.dn.shift
}
