package network

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/sim"
	point "neurite/sim/network"
)

// backend is the Engine as the run driver sees it.
type backend Engine

func (b *backend) Dt() float64        { return b.net.Dt }
func (b *backend) Probes() int        { return len(b.probes) }
func (b *backend) RecordEvery() int64 { return b.recordEvery }
func (b *backend) EpochSteps() int64  { return b.epochSteps }
func (b *backend) Snapshots() sim.Schedule {
	return sim.Every(b.snapEvery)
}

// Reset uploads the initial state; a failure is returned by the next
// Run.
func (b *backend) Reset() {
	e := (*Engine)(b)
	e.cpu.ResetLearning()
	e.cpu.ResetRates()
	e.err = e.dev.Do(func() error {
		if err := e.upload(); err != nil {
			return err
		}
		e.delivery = e.chosen
		if e.delivery == DeliverDevice {
			e.dn.reset()
			if e.learn != nil {
				e.learn.reset()
			}
		}
		return nil
	})
}

// Probe reads the recorded quantities' present values.
func (b *backend) Probe(values []float64) {
	e := (*Engine)(b)
	if e.err != nil {
		return
	}
	e.err = e.dev.Do(func() error {
		d, a := make([]float64, 1), make([]float64, 1)
		for k, pr := range e.probes {
			p := e.pops[e.popOfNeuron(pr.Pop.First())]
			if w := e.probeVar[k]; w < 0 {
				m := p.model
				device.Read(e.models, 2*(p.modelAt+pr.Neuron*m.words()+m.NP-w-1), words(d))
			} else if w > 0 {
				at := p.base + (w-1)*p.N + pr.Neuron
				device.Read(e.syn, 2*at, words(d))
				if q := p.Ports[w-1]; q.Synapse != point.Delta && q.Shape == point.BiExp {
					// b − a, as sim/network's popState.syn.
					device.Read(e.syn, 2*(e.targets+at), words(a))
					d[0] -= a[0]
				}
			} else {
				device.Read(e.v, 2*(p.first+pr.Neuron), words(d))
			}
			values[k] = d[0]
		}
		return nil
	})
}

// Snapshot reads every neuron's v, by global id.
func (b *backend) Snapshot(buf []float64) []float64 {
	e := (*Engine)(b)
	buf = slices.Grow(buf[:0], e.neurons)[:e.neurons]
	if err := e.dev.Do(func() error { device.Read(e.v, 0, words(buf)); return nil }); err != nil && e.err == nil {
		e.err = err
	}
	return buf
}

// Voltages returns every neuron's membrane potential, by global id.
func (e *Engine) Voltages() []float64 { return (*backend)(e).Snapshot(nil) }

// Advance uploads the inputs due in the epoch, runs each population
// (neurons and Poisson sources) over the epoch in one dispatch, and
// reads back the spikes, the record rows and any blow-up.
func (b *backend) Advance(ep *sim.Epoch) error {
	e := (*Engine)(b)
	if e.err != nil {
		return e.err
	}
	// Plastic weights scale at the epoch's start, as the CPU engine's:
	// on the device where it learns, else on the host, where they learn
	// as its router delivers.
	deviceLearns := e.delivery == DeliverDevice && e.learn != nil
	if !deviceLearns {
		e.cpu.ScaleTo(ep.From)
	}
	steps := int(ep.To - ep.From)
	np := len(e.probes)
	rows := len(ep.Rows)
	var raw []uint32
	blowStep, blowPop, blowKey := uint32(math.MaxUint32), -1, uint32(0)
	var rec, out []float64
	err := e.dev.Do(func() error {
		if deviceLearns {
			e.learn.scale(ep.From, e.net.Dt)
		}
		ringSlots, slotFrom, ringTex := 0, 0, uint32(0)
		if e.delivery == DeliverDevice {
			// The inputs are in the device's ring already, but for
			// the spike inputs from outside.
			e.dn.addInputs(ep.From, ep.To, e.targets)
			ringSlots, slotFrom, ringTex = e.dn.ringSlots, int(ep.From%int64(e.dn.ringSlots)), e.dn.ringTex
		} else {
			// Each step's slot of the queue goes up as it lies, with
			// no staging copy, and is emptied for the ring's next
			// round.
			for s := range steps {
				due := ep.Inputs.Due(ep.From + int64(s))
				device.WriteAt(e.due, 2*s*e.targets, words(due))
				clear(due)
			}
		}
		if e.currents > 0 {
			table := scratch(&e.curTable, steps*e.currents)
			for s := range steps {
				currentTable(e.pops, ep.From+int64(s), e.net.Dt, table[s*e.currents:(s+1)*e.currents])
			}
			device.WriteAt(e.due, 2*e.targets*e.dueSteps, words(table))
		}
		if e.rateCols > 0 {
			// The rate projections' sums of the epoch's steps: their
			// delays are at least an epoch, so the states they read are
			// all in the CPU engine's histories already.
			table := scratch(&e.rateTable, steps*e.rateCols)
			for s := range steps {
				for k, p := range e.pops {
					if len(p.rateFed) > 0 {
						at := s*e.rateCols + p.rateCol
						e.cpu.RateInputs(k, ep.From+int64(s), table[at:at+len(p.rateFed)*p.N])
					}
				}
			}
			device.WriteAt(e.due, 2*(e.targets+e.currents)*e.dueSteps, words(table))
		}
		if need := 8 * max(1, rows*np); e.rec.Size() < need {
			e.rec.Delete()
			e.rec = device.NewBuffer[uint32](nil, need)
		}
		heads := make([]uint32, 4*len(e.pops))
		for k := range e.pops {
			heads[4*k+1], heads[4*k+3] = math.MaxUint32, math.MaxUint32
		}
		device.Write(e.spikes, heads)
		for k, buf := range []*device.Buffer{e.spikes, e.probeBuf, e.rec, e.models, e.rateOut} {
			buf.Bind(uint32(k))
		}
		for unit, img := range []struct {
			tex    uint32
			format uint32
		}{{e.vTex, gl.RG32UI}, {e.refTex, gl.R32I}, {e.synTex, gl.RG32UI}, {ringTex, gl.RG32UI}} {
			gl.BindImageTexture(uint32(unit), img.tex, 0, false, 0, gl.READ_WRITE, img.format)
		}
		e.src.bind()
		for unit, tex := range []uint32{e.parTex, e.dueTex} {
			gl.ActiveTexture(gl.TEXTURE0 + uint32(unit))
			gl.BindTexture(gl.TEXTURE_BUFFER, tex)
		}
		// The populations' dispatches touch disjoint data: one barrier
		// after them all (a barrier between dispatches cost llvmpipe 0.2
		// ms, most of a step's time in an epoch of one step).
		for _, p := range e.pops {
			// The rest of the uniforms were set with the program
			// (setUniforms).
			p.prog.Use()
			p.prog.SetInt("stepFrom", int(ep.From))
			p.prog.SetInt("stepTo", int(ep.To))
			p.prog.SetInt("recBase", int(ep.Base))
			p.prog.SetInt("ringSlots", ringSlots)
			p.prog.SetInt("slotFrom", slotFrom)
			p.prog.SetInt("ringShift", e.ringShift())
			gl.DispatchCompute(uint32((p.N+groupSize-1)/groupSize), 1, 1)
		}
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.SHADER_IMAGE_ACCESS_BARRIER_BIT | gl.TEXTURE_FETCH_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
		device.Read(e.spikes, 0, heads)
		for k, p := range e.pops {
			head := heads[4*k:]
			if head[2] > 0 {
				// The loop budget should prevent it; this catches it if not.
				return fmt.Errorf("the device stopped %d neurons of population %s before the end of the epoch [%d, %d)", head[2], p.Name, ep.From, ep.To)
			}
			if int(head[0]) > p.spikeCap {
				return fmt.Errorf("population %s: %d spikes in the epoch, more than the %d the buffer holds", p.Name, head[0], p.spikeCap)
			}
			n := len(raw)
			raw = append(raw, make([]uint32, 2*head[0])...)
			device.Read(e.spikes, p.spikeAt, raw[n:])
			// The first population in order that blew up at the earliest
			// step, as the CPU engine's first noted blow-up of a tie.
			if head[1] < blowStep {
				blowStep, blowPop, blowKey = head[1], k, head[3]
			}
		}
		if np > 0 && rows > 0 {
			rec = make([]float64, rows*np)
			device.Read(e.rec, 0, words(rec))
		}
		if e.outCols > 0 {
			out = scratch(&e.rateStates, steps*e.outCols)
			device.Read(e.rateOut, 0, words(out))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("gpu: epoch at t = %g ms: %w", float64(ep.From)*e.net.Dt, err)
	}
	// The states the rate projections read, as of the end of each step,
	// into the CPU engine's histories.
	for s := range steps {
		for k, p := range e.pops {
			for h := range p.rateVars {
				at := s*e.outCols + p.outCol + h*p.N
				e.cpu.RecordRate(k, h, ep.From+int64(s)+1, out[at:at+p.N])
			}
		}
	}
	dt := e.net.Dt
	for j := 0; j < len(raw); j += 2 {
		t := float64(raw[j]) * dt
		ep.Spikes = append(ep.Spikes, sim.Spike{Cell: int(raw[j+1]), T: t, Step: t})
	}
	for r, row := range ep.Rows {
		copy(row, rec[r*np:(r+1)*np])
	}
	if blowStep != math.MaxUint32 {
		ep.NoteBlowUp(e.blowUp(int64(blowStep), ep.From, ep.To, blowPop, blowKey))
	}
	return nil
}

// scratch returns *buf resized to n numbers, reused from epoch to epoch
// (its old contents are overwritten by the caller).
func scratch(buf *[]float64, n int) []float64 {
	*buf = slices.Grow((*buf)[:0], n)[:n]
	return *buf
}

// blowUp names the first neuron whose state left the physical range (v,
// or any variable of a point model, as sim/network's modelStep checks),
// in the step the kernel reported, at the end of that step as
// sim/network's advance writes it (t + dt, not (n + 1)·dt: they differ
// in the last bit). The kernel's key, (step − from)·N + i in population
// k, names the CPU's neuron: the first of the first population that blew
// up at that step. Where the key could wrap (an epoch's steps times N
// past 32 bits) the first neuron out of range at the epoch's end is
// named, which may have blown up at a later step of the epoch. (Any step
// of the epoch [from, to) may have written a key, so it is the epoch's
// length that must fit, not the reported step's.)
func (e *Engine) blowUp(step, from, to int64, k int, key uint32) *sim.BlowUpError {
	v := e.Voltages()
	if k >= 0 {
		p := e.pops[k]
		if n := uint64(p.N); uint64(to-from)*n <= math.MaxUint32 && int64(uint64(key)/n) == step-from {
			i := int(uint64(key) % n)
			return &sim.BlowUpError{T: float64(step)*e.net.Dt + e.net.Dt, Where: fmt.Sprintf("population %s, neuron %d", p.Name, i), V: v[p.first+i]}
		}
	}
	var records []float64
	if e.modelWords > 0 {
		records = make([]float64, e.modelWords)
		if err := e.dev.Do(func() error { device.Read(e.models, 0, words(records)); return nil }); err != nil {
			records = nil
		}
	}
	bad := func(g int) bool {
		if !(math.Abs(v[g]) <= sim.MaxAbsV) {
			return true
		}
		pp, i := e.net.PopulationOf(g)
		p := e.pops[e.popOfNeuron(pp.First())]
		if p.model == nil || records == nil {
			return false
		}
		at := p.modelAt + i*p.model.words() + p.model.NP
		for _, x := range records[at : at+p.model.NV] {
			if !(math.Abs(x) <= sim.MaxAbsV) {
				return true
			}
		}
		return false
	}
	for g := range v {
		if bad(g) {
			p, i := e.net.PopulationOf(g)
			return &sim.BlowUpError{T: float64(step)*e.net.Dt + e.net.Dt, Where: fmt.Sprintf("population %s, neuron %d", p.Name, i), V: v[g]}
		}
	}
	return &sim.BlowUpError{T: float64(step)*e.net.Dt + e.net.Dt, Where: "a neuron", V: math.NaN()}
}

// Part returns the engine as one part of a composite run (sim.Composite):
// its backend and its wiring, for a driver other than its own. The
// spikes are then delivered on the host, as the composite's queue also
// carries the other parts' inputs; Init takes that in.
func (e *Engine) Part() (sim.Backend, sim.Wiring) {
	e.chosen = DeliverHost
	_, w := e.cpu.Part()
	return (*backend)(e), w
}
