package network

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/shaders"
	"neurite/sim/connect"
)

// procNet is device delivery's part for procedural projections
// (connect.Procedural): none of their synapses go up; each spike's row
// is drawn again on the device (shaders/net_procedural.comp), a work
// group per spike and projection (and block of a long fixed_probability
// row), into the same ring as the stored projections' rows. The host
// keeps the rows the CPU engine built from the same draws, for host
// delivery and for the fixed-point check.
type procNet struct {
	projs    []int   // their indices in Network.Projections
	bySource [][]int // by population: indices into projs
	prog     *device.Program
	projBuf  *device.Buffer // a Proj of the shader each
	rowBuf   *device.Buffer // the epoch's rows, grown as needed
	rows     []uint32       // the epoch's rows, 4 words each
	blocks   int            // the most work groups of a fixed_probability row: the dispatch's second dimension
}

// softwareChunkMax is the most spacings of a row of fixed_outdegree or
// fixed_total one invocation sums (connect.GapChunk) on a software
// renderer: Mesa's llvmpipe ends an invocation's loops after 65,535
// passes in all, and a chunk costs about four passes a synapse (the
// spacings' two, the weight's and the delay's draws: a row drawn whole
// by one invocation, 40,000 long, was cut after 8,322 synapses, its
// first pass having spent 40,001), more where a cut normal is drawn
// again, and ProcGroup passes to add the chunks' sums.
const softwareChunkMax = 8192

// softwareRowMax is the longest such row on a software renderer, a work
// group's chunks of softwareChunkMax spacings. TestProceduralRows draws
// rows of this length there.
const softwareRowMax = connect.ProcGroup*softwareChunkMax - 1

// newProcNet finds the network's procedural projections, or says why
// the device cannot draw their rows.
func (e *Engine) newProcNet() (*procNet, error) {
	p := &procNet{bySource: make([][]int, len(e.pops)), blocks: 1}
	software := device.Software(e.dev.Info())
	for k, pr := range e.net.Projections {
		if pr.Procedural == nil || pr.Rate != nil {
			continue
		}
		if g := pr.Procedural; g.Kind == connect.FixedProbability {
			// Each block of a row is a work group's.
			p.blocks = max(p.blocks, g.ProcBlocks())
			if most := e.dev.Info().MaxWorkGroupCount[1]; p.blocks > most {
				return nil, fmt.Errorf("projection %s: %d blocks of %d candidates a row, more than the device dispatches (%d)", pr.Name, p.blocks, connect.ProcGroup*g.Chunk(), most)
			}
		} else if software {
			for i := range pr.From.N {
				if n := pr.Start[i+1] - pr.Start[i]; n > softwareRowMax {
					return nil, fmt.Errorf("projection %s: neuron %d's row of %d synapses is more than %s draws in one work group (%d)",
						pr.Name, i, n, e.dev.Info().Renderer, softwareRowMax)
				}
			}
		}
		src := slices.Index(e.net.Pops, pr.From)
		p.bySource[src] = append(p.bySource[src], len(p.projs))
		p.projs = append(p.projs, k)
	}
	return p, nil
}

// procTable is the shader's Proj of each procedural projection.
func (e *Engine) procTable(p *procNet) []uint32 {
	var words []uint32
	for _, k := range p.projs {
		pr := e.net.Projections[k]
		base := e.pops[e.popOfNeuron(pr.To.First())].base + pr.Port*pr.To.N
		words = append(words, procProj(pr.Procedural, e.net.Dt, base)...)
	}
	return words
}

// procProj is the shader's Proj of a procedural projection whose port's
// first queue target is base, in words: ten doubles (low word first),
// then ten words (the last one padding).
func procProj(g *connect.Procedural, dt float64, base int) []uint32 {
	var words []uint32
	w, d := g.Weight, g.Delay
	for _, x := range []float64{g.LogQ, dt, w.A, w.B, w.Low, w.High, d.A, d.B, d.Low, d.High} {
		b := math.Float64bits(x)
		words = append(words, uint32(b), uint32(b>>32))
	}
	self := uint32(0)
	if g.Self {
		self = 1
	}
	return append(words, uint32(g.Kind), uint32(g.Cand), self, uint32(base), g.Key[0], g.Key[1], uint32(w.Shape), uint32(d.Shape), uint32(g.Chunk()), 0)
}

// alloc uploads the projections' rules and compiles the shader (on the
// device thread); nothing where there is no procedural projection.
func (p *procNet) alloc(e *Engine) error {
	if len(p.projs) == 0 {
		return nil
	}
	src, err := shaders.Load("net_procedural.comp")
	if err != nil {
		return err
	}
	prog, err := device.Compile(procShader(src))
	if err != nil {
		return err
	}
	p.projBuf = device.NewBuffer(e.procTable(p), 0)
	p.rowBuf = device.NewBuffer[uint32](nil, 16*1024)
	p.prog = prog
	return nil
}

// procShader is net_procedural.comp with its sizes defined.
func procShader(src shaders.Shader) shaders.Shader {
	return src.Define("PROC_GROUP", connect.ProcGroup)
}

// free deletes what alloc made.
func (p *procNet) free() {
	for _, b := range []*device.Buffer{p.projBuf, p.rowBuf} {
		if b != nil {
			b.Delete()
		}
	}
	if p.prog != nil {
		p.prog.Delete()
	}
}

// route notes the row of neuron i of population pop, spiking into ring
// slot slot, of each procedural projection from pop.
func (p *procNet) route(e *Engine, pop, i int, slot uint32) {
	for _, j := range p.bySource[pop] {
		g := e.net.Projections[p.projs[j]].Procedural
		n := g.RowLen(i)
		if n == 0 {
			continue
		}
		p.rows = append(p.rows, uint32(j), uint32(i), uint32(max(n, 0)), slot)
	}
}

// dispatch draws the epoch's rows into the ring (on the device thread).
func (p *procNet) dispatch(e *Engine, d *deviceNet) {
	n := len(p.rows) / 4
	if n == 0 {
		return
	}
	fit(&p.rowBuf, len(p.rows))
	p.prog.Use()
	d.bindRing(p.prog, e.targets)
	p.rowBuf.Bind(1)
	p.projBuf.Bind(2)
	maxGroups := e.dev.Info().MaxWorkGroupCount[0]
	for from := 0; from < n; from += maxGroups {
		rows := min(n-from, maxGroups)
		device.Write(p.rowBuf, p.rows[4*from:4*(from+rows)])
		p.prog.SetInt("nRows", rows)
		gl.DispatchCompute(uint32(rows), uint32(p.blocks), 1)
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
	}
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.SHADER_IMAGE_ACCESS_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
}

// DeviceMemory is what device delivery keeps on the device, in bytes:
// the stored projections' synapses and segment table, the procedural
// projections' rules, and the ring of sums (0 for all where the
// connectivity has not gone up: SetDelivery(DeliverDevice) uploads it).
type DeviceMemory struct {
	Synapses, Procedural, Ring int64
}

// DeviceMemory returns the device memory of delivery on the device.
func (e *Engine) DeviceMemory() DeviceMemory {
	var m DeviceMemory
	d := e.dn
	if d == nil || d.prog == nil {
		return m
	}
	for _, c := range d.chunks {
		m.Synapses += int64(c.Size())
	}
	m.Synapses += int64(d.segBuf.Size())
	if d.proc.projBuf != nil {
		m.Procedural = int64(d.proc.projBuf.Size())
	}
	m.Ring = int64(d.ring.Size())
	return m
}
