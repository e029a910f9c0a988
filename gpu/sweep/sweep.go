package sweep

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"neurite/gpu/device"
	"neurite/gpu/pointmodel"
	"neurite/shaders"
	"neurite/sim/analysis"
	"neurite/sim/ode"
	"neurite/sim/point"
)

// Sweep runs the copies of a parameter sweep of a point model on the
// device (shaders/point.comp): thousands of instances in one job, with a
// fixed step (Euler, or RK4 for any other method asked) in single
// precision. The built-in models are written in GLSL, models typed as
// equations and stimuli translated to it (gpu/pointmodel, sweep_model.go). It is an
// analysis.Batch; what the device cannot run (a Poisson stimulus, a typed
// model of more than 16 variables), or a batch the device fails (a
// reset), runs on the CPU, as Fallbacks counts. A Sweep may be used from
// several goroutines; their batches take turns.
type Sweep struct {
	dev   *device.Device
	group int
	mu    sync.Mutex                           // held through a batch
	progs map[pointmodel.Model]*device.Program // point.comp compiled for each model
	// Fallbacks counts the batches handed to the CPU.
	Fallbacks int
}

// An instance's record, as shaders/point.comp lays it out: its state (nv
// floats), then what it has seen, at these offsets after the state; the
// record is nv + recordTail floats, the shader's RECORD.
const (
	rRef, rBelow, rSpikes, rLate, rFirstLate, rLastLate = 0, 1, 2, 3, 4, 5
	rLo, rHi, rExt, rSeek, rNMax, rNRing, rCursor       = 6, 7, 8, 9, 10, 11, 12
	rMaxima                                             = 13

	keptMaxima = 60
	rRing      = rMaxima + keptMaxima
	rBlow      = rRing + keptMaxima + 1 // the first time the state was not finite; −1: never
	recordTail = rBlow + 1
)

// keptPrograms bounds the programs a Sweep keeps, one a model (a user
// editing a typed model makes a new one each time).
const keptPrograms = 8

// sweeps holds each device's shared Sweep, so that its compiled programs
// serve every batch of the process.
var sweeps = struct {
	sync.Mutex
	of map[*device.Device]*Sweep
}{of: map[*device.Device]*Sweep{}}

// Shared returns the device's shared Sweep, made on first use.
func Shared(dev *device.Device) (*Sweep, error) {
	sweeps.Lock()
	defer sweeps.Unlock()
	if s, ok := sweeps.of[dev]; ok {
		return s, nil
	}
	s, err := NewSweep(dev)
	if err == nil {
		sweeps.of[dev] = s
	}
	return s, err
}

// NewSweep makes a sweep on the device, checking that it compiles the
// point shader (with hh). Close frees its programs.
func NewSweep(dev *device.Device) (*Sweep, error) {
	s := &Sweep{dev: dev, group: 64, progs: map[pointmodel.Model]*device.Program{}}
	if device.Software(dev.Info()) {
		s.group = 8
	}
	hh, err := point.Builtin("hh")
	if err != nil {
		return nil, err
	}
	if err := s.Check(hh); err != nil {
		return nil, err
	}
	return s, nil
}

// Close frees the sweep's programs.
func (s *Sweep) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dev.Do(func() error {
		s.forget()
		return nil
	})
}

// forget deletes the compiled programs, on the device's thread.
func (s *Sweep) forget() {
	for k, p := range s.progs {
		p.Delete()
		delete(s.progs, k)
	}
}

// program returns point.comp compiled for model; s.mu is held.
func (s *Sweep) program(model pointmodel.Model) (*device.Program, error) {
	if p, ok := s.progs[model]; ok {
		return p, nil
	}
	src, err := shaders.Load("point.comp", shaders.Generated{Name: "model.glsl", Text: model.Text})
	if err != nil {
		return nil, err
	}
	var p *device.Program
	err = s.dev.Do(func() error {
		if len(s.progs) >= keptPrograms {
			s.forget()
		}
		var err error
		p, err = device.Compile(src.Define("GROUP_SIZE", s.group).Define("NV", model.NV).Define("NP", model.NP))
		return err
	})
	if err != nil {
		return nil, err
	}
	s.progs[model] = p
	return p, nil
}

// Check returns nil if the device runs sweeps of m itself, else why not.
func (s *Sweep) Check(m *point.Model) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, err := s.prepare(m)
	return err
}

// prepare returns the program that sweeps m, and m's model.glsl; s.mu is
// held.
func (s *Sweep) prepare(m *point.Model) (*device.Program, pointmodel.Model, error) {
	model, err := modelSource(m)
	if err != nil {
		return nil, model, err
	}
	p, err := s.program(model)
	return p, model, err
}

// stepsPerDispatch keeps a dispatch inside llvmpipe's loop budget and
// short enough to cancel promptly.
const stepsPerDispatch = 20000

// Traces runs m with param at each value on the device, or on the CPU
// where the device cannot run m or fails.
func (s *Sweep) Traces(ctx context.Context, m *point.Model, param string, values []float64, o analysis.RunOptions) ([]analysis.Trace, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	trs, err := s.traces(ctx, m, param, values, o)
	var onDevice deviceError
	if errors.As(err, &onDevice) {
		s.Fallbacks++
		return analysis.CPU{}.Traces(ctx, m, param, values, o)
	}
	return trs, err
}

// deviceError is a failure of the device or of what it can run, which the
// CPU makes good.
type deviceError struct{ error }

func (e deviceError) Unwrap() error { return e.error }

// traces is Traces on the device; s.mu is held.
func (s *Sweep) traces(ctx context.Context, m *point.Model, param string, values []float64, o analysis.RunOptions) ([]analysis.Trace, error) {
	prog, model, err := s.prepare(m)
	if err != nil {
		return nil, deviceError{err}
	}
	nv, size := model.NV, model.NV+recordTail
	swept := slices.IndexFunc(m.Params, func(p point.Param) bool { return p.Name == param })
	if swept < 0 {
		return nil, m.SetParam(param, 0) // names the parameters there are
	}
	o.SetDefaults()
	if train := poissonTrain(m.Stim); train != nil && !trainFits(train, o.Dt) {
		return nil, deviceError{fmt.Errorf("the Poisson train has more than %d events in half a step", trainAdvance)}
	}
	method := 1
	if o.Method == ode.Euler {
		method = 0
	}
	n := len(values)
	base := make([]float32, model.NP)
	for k, p := range m.Params {
		base[k] = float32(p.Value)
	}
	vals := make([]float32, n)
	for i, v := range values {
		vals[i] = float32(v)
	}
	// Each instance starts from the model's initial state at its value
	// (Izhikevich's u0 = b·v0 depends on b).
	rec := make([]float32, n*size)
	for i, v := range values {
		c := m.Clone()
		c.SetParam(param, v)
		x0 := c.InitialState()
		r := rec[i*size:]
		for k, x := range x0 {
			r[k] = float32(x)
		}
		tail := r[nv:]
		tail[rRef] = float32(math.Inf(-1)) // not refractory
		tail[rBelow] = 1                   // below the spike level
		tail[rLo], tail[rHi] = float32(math.Inf(1)), float32(math.Inf(-1))
		tail[rExt], tail[rSeek] = 0, -1 // no sample yet
		tail[rCursor] = -1              // before a Poisson train's first event
		tail[rBlow] = -1
	}
	vr := m.Vars[m.V]
	span := vr.Max - vr.Min
	total := int(math.Round((o.Transient + o.Duration) / o.Dt))
	var out []float32
	err = s.dev.Do(func() error {
		bp, bv, br := device.NewBuffer(base, 0), device.NewBuffer(vals, 0), device.NewBuffer(rec, 0)
		defer bp.Delete()
		defer bv.Delete()
		defer br.Delete()
		bp.Bind(0)
		bv.Bind(1)
		br.Bind(2)
		prog.Use()
		defer bindTrain(prog, m.Stim)()
		prog.SetInt("nInst", n)
		prog.SetInt("swept", swept)
		prog.SetInt("method", method)
		prog.SetFloat("dt", float32(o.Dt))
		prog.SetFloat("transient", float32(o.Transient))
		prog.SetFloat("level", float32(m.SpikeAt))
		prog.SetFloat("rearm", float32(m.SpikeAt-0.05*span))
		prog.SetFloat("delta", float32(analysis.Prominence*span))
		prog.SetFloat("prominence", analysis.Prominence)
		for from := 0; from < total; from += stepsPerDispatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			prog.SetInt("stepFrom", from)
			prog.SetInt("stepTo", min(total, from+stepsPerDispatch))
			prog.Dispatch((n + s.group - 1) / s.group)
			if o.Progress != nil {
				// A small read makes the dispatch finish before progress
				// is claimed.
				probe := make([]float32, 1)
				device.Read(br, 0, probe)
				o.Progress(float64(min(total, from+stepsPerDispatch)) / float64(total))
			}
		}
		out = make([]float32, len(rec))
		device.Read(br, 0, out)
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, deviceError{err}
	}
	trs := make([]analysis.Trace, n)
	for i := range trs {
		x, r := out[i*size:i*size+nv], out[i*size+nv:(i+1)*size]
		if r[rBlow] >= 0 {
			what := "the state is not finite"
			for k, v := range x[:m.Dim()] {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					what = fmt.Sprintf("%s is %v", m.Vars[k].Name, v)
					break
				}
			}
			return nil, fmt.Errorf("%s = %.6g: numerical blow-up on the GPU at t = %.6g: %s (reduce dt)", param, values[i], r[rBlow], what)
		}
		tr := analysis.Trace{Count: int(r[rSpikes]), Late: int(r[rLate]), FirstLate: float64(r[rFirstLate]), LastLate: float64(r[rLastLate])}
		tr.Spikes = ring(r[rRing:], int(r[rNRing]), keptMaxima+1)
		tr.Maxima = ring(r[rMaxima:], int(r[rNMax]), keptMaxima)
		if float64(r[rHi]-r[rLo]) < analysis.Settled*span {
			tr.Maxima = []float64{float64(x[m.V])} // settled: the final v
		}
		trs[i] = tr
	}
	return trs, nil
}

// ring returns the last entries of a ring buffer of size k that has had n
// entries written, oldest first.
func ring(buf []float32, n, k int) []float64 {
	var out []float64
	for j := max(0, n-k); j < n; j++ {
		out = append(out, float64(buf[j%k]))
	}
	return out
}
