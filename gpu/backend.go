package gpu

import (
	"context"
	"errors"
	"fmt"
	"math"
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
// or "auto" (or ""), which runs a model large enough to gain for a few
// steps on both backends and keeps the GPU if it is clearly the faster,
// saying which and at what rates: the GPU's speed on cable cells depends
// on more than the model's size (on
// Mesa's llvmpipe the tree solve's memory traffic makes them slower than
// the CPU engine, and graphics GPUs run the solve's doubles at 1/32 to
// 1/64 of their single-precision rate).
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
	dev, err := Shared()
	var g *Cable
	if err == nil {
		g, err = NewCable(dev, p)
	}
	if err != nil {
		if !auto {
			return Choice{}, fmt.Errorf("backend gpu: %w", err)
		}
		return cpu(fmt.Sprintf("backend: cpu (auto: %v)", err)), nil
	}
	gpu := Choice{Sim: &fallback{gpu: g}, Backend: "gpu", Note: fmt.Sprintf("backend: gpu (%s; %s)", dev.Info().Renderer, g)}
	if !auto {
		return gpu, nil
	}
	e := compartments.NewEngine(p)
	cpuRate, gpuRate, err := calibrate(e, g)
	if err != nil || gpuRate < gpuMargin*cpuRate {
		g.Close()
		why := fmt.Sprintf("measured %.2g compartment-steps/s on the CPU, %.2g on the GPU (%s)", cpuRate, gpuRate, dev.Info().Renderer)
		if err != nil {
			why = err.Error()
		}
		return Choice{Sim: e, Backend: "cpu", Note: fmt.Sprintf("backend: cpu (auto: %s; --backend gpu forces it)", why), CPURate: cpuRate, GPURate: gpuRate}, nil
	}
	gpu.Note = fmt.Sprintf("backend: gpu (auto: measured %.2g compartment-steps/s, %.2g on the CPU; %s; %s)", gpuRate, cpuRate, dev.Info().Renderer, g)
	gpu.CPURate, gpu.GPURate = cpuRate, gpuRate
	return gpu, nil
}

// calibrationWork is the compartment-steps auto times on each backend:
// a tenth of a second or so of the CPU engine on one core.
const calibrationWork = 2e6

// gpuMargin is how much faster auto must measure the GPU to take it: on a
// near tie the CPU engine, the reference in double precision, is kept.
const gpuMargin = 1.2

// calibrated holds the rates measured for a model shape (compartments,
// cells, method, layout), so that the explorer's restarts measure once.
var calibrated = struct {
	sync.Mutex
	rates map[string][2]float64
}{rates: map[string][2]float64{}}

// calibrate times the CPU and GPU engines on their plan, a few steps to
// warm up and then about calibrationWork compartment-steps each, and
// leaves both initialised. An error is the GPU's: the CPU engine's own
// troubles (a blow-up) are for the run proper to report.
func calibrate(cpu *compartments.Engine, g *Cable) (cpuRate, gpuRate float64, err error) {
	p := cpu.Plan()
	key := fmt.Sprintf("%d %d %v %s", p.Compartments(), len(p.Cells), p.Method, g)
	calibrated.Lock()
	defer calibrated.Unlock()
	if r, ok := calibrated.rates[key]; ok {
		return r[0], r[1], nil
	}
	n := float64(p.Compartments())
	steps := min(1000, max(5, math.Ceil(calibrationWork/n)))
	rate := func(s compartments.Simulator) (float64, error) {
		s.Init()
		defer s.Init()
		warm := 5 * p.Dt
		if err := s.Run(context.Background(), warm, discard{}, nil); err != nil {
			return 0, err
		}
		start := time.Now()
		if err := s.Run(context.Background(), warm+steps*p.Dt, discard{}, nil); err != nil {
			return 0, err
		}
		return n * steps / time.Since(start).Seconds(), nil
	}
	cpuRate, _ = rate(cpu)
	if gpuRate, err = rate(g); err == nil {
		calibrated.rates[key] = [2]float64{cpuRate, gpuRate}
	}
	return cpuRate, gpuRate, err
}

// discard is a recorder that keeps nothing.
type discard struct{}

func (discard) Sample(float64, []float64) error   { return nil }
func (discard) Spikes([]sim.Spike) error          { return nil }
func (discard) Snapshot(float64, []float64) error { return nil }

// fallback runs the GPU engine and, should the device fail mid-run,
// carries on with the CPU engine without losing or repeating what was
// recorded: the CPU runs from the start and hands on only what comes after
// the last record the GPU delivered.
type fallback struct {
	gpu     compartments.Simulator
	cpu     *compartments.Engine
	lost    error   // why the GPU was given up
	handed  float64 // the model time up to which records were handed on
	started bool
}

// Lost reports why the run moved to the CPU, nil while on the GPU.
func (f *fallback) Lost() error { return f.lost }

func (f *fallback) active() compartments.Simulator {
	if f.cpu != nil {
		return f.cpu
	}
	return f.gpu
}

func (f *fallback) Init() {
	f.handed, f.started = 0, false
	f.active().Init()
}

func (f *fallback) Time() float64                             { return f.active().Time() }
func (f *fallback) SegmentVoltages() []float64                { return f.active().SegmentVoltages() }
func (f *fallback) SetProbes(probes []compartments.ProbePlan) { f.active().SetProbes(probes) }
func (f *fallback) Plan() *compartments.Plan                  { return f.gpu.Plan() }

func (f *fallback) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress compartments.ProgressFunc) error {
	if f.cpu != nil {
		return f.cpu.Run(ctx, tstop, rec, progress)
	}
	w := &watermark{rec: rec, f: f}
	err := f.gpu.Run(ctx, tstop, w, progress)
	var blow *sim.BlowUpError
	if err == nil || errors.Is(err, context.Canceled) || errors.As(err, &blow) || w.recErr {
		return err
	}
	// The device failed: the CPU takes over from the start, its records
	// up to what was handed on withheld.
	f.lost = err
	f.cpu = compartments.NewEngine(f.gpu.Plan())
	f.cpu.Init()
	return f.cpu.Run(ctx, tstop, &skipUntil{rec: rec, until: f.handed, started: f.started}, progress)
}

// watermark notes how far records have been handed on.
type watermark struct {
	rec    sim.Recorder
	f      *fallback
	recErr bool // the recorder itself failed: not the device's fault
}

func (w *watermark) note(t float64, err error) error {
	if err != nil {
		w.recErr = true
		return err
	}
	w.f.handed, w.f.started = max(w.f.handed, t), true
	return nil
}

func (w *watermark) Sample(t float64, v []float64) error   { return w.note(t, w.rec.Sample(t, v)) }
func (w *watermark) Snapshot(t float64, v []float64) error { return w.note(t, w.rec.Snapshot(t, v)) }
func (w *watermark) Spikes(s []sim.Spike) error {
	if len(s) == 0 {
		return nil
	}
	return w.note(s[len(s)-1].T, w.rec.Spikes(s))
}

// skipUntil withholds records at or before a time already handed on.
type skipUntil struct {
	rec     sim.Recorder
	until   float64
	started bool
}

func (s *skipUntil) Sample(t float64, v []float64) error {
	if s.started && t <= s.until {
		return nil
	}
	return s.rec.Sample(t, v)
}

func (s *skipUntil) Snapshot(t float64, v []float64) error {
	if s.started && t <= s.until {
		return nil
	}
	return s.rec.Snapshot(t, v)
}

func (s *skipUntil) Spikes(spikes []sim.Spike) error {
	var keep []sim.Spike
	for _, sp := range spikes {
		if !s.started || sp.T > s.until {
			keep = append(keep, sp)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return s.rec.Spikes(keep)
}
