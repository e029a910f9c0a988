package gpu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	"sync"
	"time"

	"neurite/compartments"
	"neurite/sim"
)

// autoMinCompartments is the smallest model auto puts on the GPU: below
// it a dispatch costs more than the CPU takes for the steps.
const autoMinCompartments = 2000

// Choice is a simulator with the backend that runs it and, where the
// choice needs saying, why.
type Choice struct {
	Sim     compartments.Simulator
	Backend string // "cpu" or "gpu"
	Note    string // e.g. "backend: gpu (llvmpipe …)", or why auto took the CPU
	// Rates are the compartment-steps per second auto measured on each
	// backend, zero where it measured none.
	CPURate, GPURate float64
}

// NewSimulator makes a simulator for the plan on the backend asked for:
// "cpu"; "gpu", which fails with the reason when there is no usable GPU;
// or "auto" (or ""), which keeps a small model, or any on Mesa's llvmpipe
// (measured slower than the CPU engine for every layout and size, and
// measuring would cost a second of JIT compiling), on the CPU, and runs a
// larger one for a few steps on both backends and keeps the GPU if it is
// clearly the faster, saying which and at what rates: a hardware GPU's
// speed on cable cells depends on more than the model's size (graphics
// GPUs run the solve's doubles at 1/32 to 1/64 of their single-precision
// rate).
func NewSimulator(p *compartments.Plan, want string) (Choice, error) {
	cpu := func(note string) Choice {
		return Choice{Sim: compartments.NewEngine(p), Backend: "cpu", Note: note}
	}
	switch want {
	case "cpu":
		return cpu(""), nil
	case "gpu", "auto", "":
	default:
		return Choice{}, fmt.Errorf("unknown backend %q (auto, cpu or gpu)", want)
	}
	auto := want != "gpu"
	if auto && p.Compartments() < autoMinCompartments {
		return cpu(fmt.Sprintf("backend: cpu (auto: %d compartments are too few to gain on the GPU; --backend gpu forces it)", p.Compartments())), nil
	}
	dev, err := device.Shared()
	if err == nil && auto && device.Software(dev.Info()) {
		return cpu("backend: cpu (auto: the GPU is Mesa's llvmpipe, on which cable cells run slower than on the CPU engine; --backend gpu forces it)"), nil
	}
	var g *cable.Cable
	if err == nil {
		g, err = cable.NewCable(dev, p)
	}
	if err != nil {
		if !auto {
			return Choice{}, fmt.Errorf("backend gpu: %w", err)
		}
		return cpu(fmt.Sprintf("backend: cpu (auto: %v)", err)), nil
	}
	if !auto {
		return Choice{Sim: newFallback(g), Backend: "gpu", Note: fmt.Sprintf("backend: gpu (%s; %s)", dev.Info().Renderer, g)}, nil
	}
	return choose(dev, g), nil
}

// choose runs the GPU engine g and the CPU engine on their plan for a
// moment (or recalls having done so for its shape) and returns the GPU
// if it was at least gpuMargin times as fast, else the CPU, freeing g.
func choose(dev *device.Device, g *cable.Cable) Choice {
	e := compartments.NewEngine(g.Plan())
	m, err := calibrate(e, g)
	if err != nil || m.gpu < gpuMargin*m.cpu {
		g.Close()
		why := fmt.Sprintf("%s %.2g compartment-steps/s on the CPU, %.2g on the GPU (%s)", m.how(), m.cpu, m.gpu, dev.Info().Renderer)
		if err != nil {
			why = err.Error()
		}
		return Choice{Sim: e, Backend: "cpu", Note: fmt.Sprintf("backend: cpu (auto: %s; --backend gpu forces it)", why), CPURate: m.cpu, GPURate: m.gpu}
	}
	return Choice{Sim: newFallback(g), Backend: "gpu", CPURate: m.cpu, GPURate: m.gpu,
		Note: fmt.Sprintf("backend: gpu (auto: %s %.2g compartment-steps/s, %.2g on the CPU; %s; %s)", m.how(), m.gpu, m.cpu, dev.Info().Renderer, g)}
}

// calibrationWork is the compartment-steps auto times on each backend:
// a tenth of a second or so of the CPU engine on one core.
const calibrationWork = 2e6

// gpuMargin is how much faster auto must measure the GPU to take it: on a
// near tie the CPU engine, the reference in double precision, is kept.
const gpuMargin = 1.2

// measurement is what calibrate found: compartment-steps per second.
type measurement struct {
	cpu, gpu   float64
	remembered bool // found for the same model shape earlier
}

func (m measurement) how() string {
	if m.remembered {
		return "measured earlier"
	}
	return "measured"
}

// measured holds the measurements by model shape (compartments, cells,
// method, the GPU's layout), so that the explorer's restarts measure once;
// each entry's lock is held while it is measured, so a shape is measured
// once however many ask at a time.
var measured = struct {
	sync.Mutex
	of map[string]*shapeMeasurement
}{of: map[string]*shapeMeasurement{}}

type shapeMeasurement struct {
	sync.Mutex
	done bool
	measurement
}

// calibrate times the CPU and GPU engines on their plan, a few steps to
// warm up and then about calibrationWork compartment-steps each, and
// leaves both initialised. A failure of either (a blow-up, a device
// error) is returned, not remembered: the run proper reports the CPU's,
// and the CPU runs if the GPU failed.
func calibrate(cpu *compartments.Engine, g *cable.Cable) (measurement, error) {
	p := cpu.Plan()
	key := fmt.Sprintf("%d %d %v %s", p.Compartments(), len(p.Cells), p.Method, g)
	measured.Lock()
	m, ok := measured.of[key]
	if !ok {
		m = &shapeMeasurement{}
		measured.of[key] = m
	}
	measured.Unlock()
	m.Lock()
	defer m.Unlock()
	if m.done {
		return measurement{cpu: m.cpu, gpu: m.gpu, remembered: true}, nil
	}
	rate := func(s sim.Simulator) (float64, error) { return timeRate(s, float64(p.Compartments()), p.Dt) }
	cpuRate, err := rate(cpu)
	if err != nil {
		return measurement{}, fmt.Errorf("the CPU engine failed while measured: %w", err)
	}
	gpuRate, err := rate(g)
	if err != nil {
		return measurement{cpu: cpuRate}, err
	}
	m.done, m.measurement = true, measurement{cpu: cpuRate, gpu: gpuRate}
	return m.measurement, nil
}

// timeRate times a simulator of n units (compartments, neurons) at step
// dt: a few steps to warm up, then about calibrationWork unit-steps; it
// returns the unit-steps a second and leaves the simulator initialised.
func timeRate(s sim.Simulator, n, dt float64) (float64, error) {
	steps := min(1000, max(5, math.Ceil(calibrationWork/n)))
	s.Init()
	defer s.Init()
	warm := 5 * dt
	if err := s.Run(context.Background(), warm, sim.Discard{}, nil); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := s.Run(context.Background(), warm+steps*dt, sim.Discard{}, nil); err != nil {
		return 0, err
	}
	return n * steps / time.Since(start).Seconds(), nil
}

// fallback runs a cable model on the GPU engine and, should the device
// fail mid-run, carries on with the CPU engine from the start without
// losing or repeating what was recorded (Restart).
type fallback struct{ *Restart }

// newFallback runs g with the CPU engine on its plan as the backup.
func newFallback(g compartments.Simulator) *fallback {
	return &fallback{NewRestart(g, func() (sim.Simulator, error) { return compartments.NewEngine(g.Plan()), nil })}
}

func (f *fallback) active() compartments.Simulator            { return f.Active().(compartments.Simulator) }
func (f *fallback) SegmentVoltages() []float64                { return f.active().SegmentVoltages() }
func (f *fallback) SetProbes(probes []compartments.ProbePlan) { f.active().SetProbes(probes) }
func (f *fallback) Plan() *compartments.Plan                  { return f.active().Plan() }

// Lost reports why a simulator that NewSimulator or NewNetSimulator put
// on the GPU moved its run to the CPU; nil if it did not, or never ran on
// the GPU.
func Lost(s sim.Simulator) error {
	if f, ok := s.(interface{ Lost() error }); ok {
		return f.Lost()
	}
	return nil
}

// LostNote says, for the user, that a run moved to the CPU and why; ""
// if it did not.
func LostNote(s sim.Simulator) string {
	if err := Lost(s); err != nil {
		return fmt.Sprintf("backend: the GPU failed (%v); the run went on on the CPU from the start, nothing recorded lost or repeated", err)
	}
	return ""
}

// handed is how far records of one kind have been handed on: up to t,
// once any was.
type handed struct {
	t       float64
	started bool
}

func (h *handed) note(t float64)       { h.t, h.started = max(h.t, t), true }
func (h handed) covers(t float64) bool { return h.started && t <= h.t }

// watermark notes how far records have been handed on: samples and
// snapshots (the state at the end of a step) apart from spikes (at their
// step's start), since a run to t hands on the sample at t but not the
// spikes of the step that begins at t.
type watermark struct {
	rec    sim.Recorder
	states *handed // samples and snapshots
	spikes *handed
	recErr bool // the recorder itself failed: not the device's fault
}

// deviceFailed reports whether a run through the watermark ended with
// a failure of the device: not a success, a cancellation, a blow-up (the
// model's) or the recorder's own error.
func (w *watermark) deviceFailed(err error) bool {
	var blow *sim.BlowUpError
	return err != nil && !errors.Is(err, context.Canceled) && !errors.As(err, &blow) && !w.recErr
}

func (w *watermark) note(h *handed, t float64, err error) error {
	if err != nil {
		w.recErr = true
		return err
	}
	h.note(t)
	return nil
}

func (w *watermark) Sample(t float64, v []float64) error {
	return w.note(w.states, t, w.rec.Sample(t, v))
}
func (w *watermark) Snapshot(t float64, v []float64) error {
	return w.note(w.states, t, w.rec.Snapshot(t, v))
}
func (w *watermark) Spikes(s []sim.Spike) error {
	if len(s) == 0 {
		return nil
	}
	return w.note(w.spikes, s[len(s)-1].T, w.rec.Spikes(s))
}

// skipUntil withholds records already handed on.
type skipUntil struct {
	rec            sim.Recorder
	states, spikes handed
}

func (s *skipUntil) Sample(t float64, v []float64) error {
	if s.states.covers(t) {
		return nil
	}
	return s.rec.Sample(t, v)
}

func (s *skipUntil) Snapshot(t float64, v []float64) error {
	if s.states.covers(t) {
		return nil
	}
	return s.rec.Snapshot(t, v)
}

func (s *skipUntil) Spikes(spikes []sim.Spike) error {
	var keep []sim.Spike
	for _, sp := range spikes {
		if !s.spikes.covers(sp.T) {
			keep = append(keep, sp)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return s.rec.Spikes(keep)
}
