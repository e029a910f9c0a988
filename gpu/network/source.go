package network

import (
	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/shaders"
	point "neurite/sim/network"
	"neurite/sim/rng"
)

// sourceState is the Poisson sources' state on the device: by source,
// of every source population in turn, the step of its next spike and
// its λ (expected spikes a step), two doubles in one texel of an image
// that shaders/net_source.comp reads and writes. The sources are drawn
// there, in the epoch's dispatches beside the neurons', from the CPU
// engine's words (sim/network's SourceWait), so the host draws nothing
// and the CPU engine, which a run falls back on (gpu.Restart), keeps
// sources of its own, untouched by the GPU's runs.
type sourceState struct {
	lambda []float64 // by source
	buf    *device.Buffer
	tex    uint32
}

// sourceImageUnit is the image unit of the sources' state, after the
// neurons' four (net_state.glsl).
const sourceImageUnit = 4

// compileSource makes the program of source population k, whose
// sources are the state's from srcAt (on the device thread).
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
	for name, x := range map[string]int{"popFirst": p.first, "popN": p.N, "popIndex": k, "spikeAt": p.spikeAt, "spikeCap": p.spikeCap, "srcAt": srcAt} {
		p.prog.SetInt(name, x)
	}
	for name, x := range map[string]uint32{"keyLo": key[0], "keyHi": key[1], "waitInput": point.SourceInput, "startInput": point.SourceStartInput} {
		p.prog.SetUint(name, x)
	}
	return nil
}

// alloc makes the sources' image (on the device thread), if any.
func (s *sourceState) alloc() {
	if len(s.lambda) > 0 {
		s.buf = device.NewBuffer[uint32](nil, 16*len(s.lambda))
		s.tex = device.BufferTexture(s.buf, gl.RGBA32UI)
	}
}

// reset sets every source to the start of a run, its first spike to be
// drawn by the kernel (on the device thread).
func (s *sourceState) reset() {
	if s.buf == nil {
		return
	}
	state := make([]float64, 0, 2*len(s.lambda))
	for _, l := range s.lambda {
		state = append(state, -1, l)
	}
	device.Write(s.buf, words(state))
}

// bind binds the sources' image to its unit for the epoch's dispatches.
func (s *sourceState) bind() {
	if s.tex != 0 {
		gl.BindImageTexture(sourceImageUnit, s.tex, 0, false, 0, gl.READ_WRITE, gl.RGBA32UI)
	}
}

// free deletes what alloc made.
func (s *sourceState) free() {
	if s.tex != 0 {
		gl.DeleteTextures(1, &s.tex)
	}
	if s.buf != nil {
		s.buf.Delete()
	}
}
