package network

import (
	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/shaders"
	point "neurite/sim/network"
	"neurite/sim/rng"
)

// sourceState is the Poisson sources' state on the device, by source of
// every source population in turn: the step of its next spike (an int
// in an image that shaders/net_source.comp reads and writes) and its λ
// (expected spikes a step, a double in a buffer texture). The sources
// are drawn there, in the epoch's dispatches beside the neurons', from
// the CPU engine's words (sim/network's SourceWait), so the host draws
// nothing and the CPU engine, which a run falls back on (gpu.Restart),
// keeps sources of its own, untouched by the GPU's runs.
type sourceState struct {
	lambda          []float64 // by source
	next, lambdas   *device.Buffer
	nextTex, lamTex uint32
}

// The image unit of the sources' next steps, after the neurons' four,
// and the texture unit of their λ, after the parameters' and the
// inputs' (net_state.glsl).
const (
	sourceImageUnit   = 4
	sourceTextureUnit = 2
)

// compileSource makes the program of population k, p, of sources, and
// lays their state after the sources of the populations before it (on
// the device thread).
func (e *Engine) compileSource(k int, p *pop) error {
	src, err := shaders.Load("net_source.comp")
	if err != nil {
		return err
	}
	if p.prog, err = device.Compile(src.Define("GROUP_SIZE", groupSize)); err != nil {
		return err
	}
	srcAt := len(e.src.lambda)
	for _, r := range p.Source {
		e.src.lambda = append(e.src.lambda, point.SourceLambda(r, e.net.Dt))
	}
	key := rng.KeyOf(e.net.Seed)
	p.prog.Use()
	for name, x := range map[string]int{"lambdaTex": sourceTextureUnit, "popFirst": p.first, "popN": p.N, "popIndex": k, "spikeAt": p.spikeAt, "spikeCap": p.spikeCap, "srcAt": srcAt} {
		p.prog.SetInt(name, x)
	}
	for name, x := range map[string]uint32{"keyLo": key[0], "keyHi": key[1], "waitInput": point.SourceInput, "startInput": point.SourceStartInput} {
		p.prog.SetUint(name, x)
	}
	return nil
}

// alloc makes the sources' image and texture (on the device thread), if
// any.
func (s *sourceState) alloc() {
	if len(s.lambda) > 0 {
		s.next = device.NewBuffer[uint32](nil, 4*len(s.lambda))
		s.nextTex = device.BufferTexture(s.next, gl.R32I)
		s.lambdas = device.NewBuffer(words(s.lambda), 0)
		s.lamTex = device.BufferTexture(s.lambdas, gl.RG32UI)
	}
}

// reset sets every source to the start of a run, its first spike to be
// drawn by the kernel (on the device thread).
func (s *sourceState) reset() {
	if s.next == nil {
		return
	}
	start := make([]int32, len(s.lambda))
	for i := range start {
		start[i] = -1
	}
	device.Write(s.next, start)
}

// bind binds the sources' image and texture to their units for the
// epoch's dispatches.
func (s *sourceState) bind() {
	if s.nextTex != 0 {
		gl.BindImageTexture(sourceImageUnit, s.nextTex, 0, false, 0, gl.READ_WRITE, gl.R32I)
		gl.ActiveTexture(gl.TEXTURE0 + sourceTextureUnit)
		gl.BindTexture(gl.TEXTURE_BUFFER, s.lamTex)
	}
}

// free deletes what alloc made.
func (s *sourceState) free() {
	for _, t := range []uint32{s.nextTex, s.lamTex} {
		if t != 0 {
			gl.DeleteTextures(1, &t)
		}
	}
	for _, b := range []*device.Buffer{s.next, s.lambdas} {
		if b != nil {
			b.Delete()
		}
	}
}
