package gpu

import (
	"context"

	"neurite/sim"
)

// Restart runs a simulator that uses the GPU and, should the device fail
// mid-run, builds a CPU one and carries on with it from the start,
// handing on only what comes after the last record the GPU's delivered:
// nothing recorded is lost or repeated. It serves runs whose parts cannot
// move to the CPU one by one, such as a network of point neurons and
// cable cells sharing one driver.
type Restart struct {
	gpu, cpu sim.Simulator
	backup   func() (sim.Simulator, error)
	lost     error
	handed   float64
	started  bool
}

// NewRestart runs gpu, with backup to build the CPU's simulator if the
// device fails.
func NewRestart(gpu sim.Simulator, backup func() (sim.Simulator, error)) *Restart {
	return &Restart{gpu: gpu, backup: backup}
}

// Lost reports why the run moved to the CPU, nil while on the GPU.
func (r *Restart) Lost() error { return r.lost }

// Active is the simulator that runs now: the GPU's, or the CPU's once
// the device failed.
func (r *Restart) Active() sim.Simulator {
	if r.cpu != nil {
		return r.cpu
	}
	return r.gpu
}

func (r *Restart) Init() {
	r.handed, r.started = 0, false
	r.Active().Init()
}

func (r *Restart) Time() float64 { return r.Active().Time() }

func (r *Restart) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress sim.ProgressFunc) error {
	if r.cpu != nil {
		return r.cpu.Run(ctx, tstop, rec, progress)
	}
	w := &watermark{rec: rec, handed: &r.handed, started: &r.started}
	err := r.gpu.Run(ctx, tstop, w, progress)
	if !w.deviceFailed(err) {
		return err
	}
	cpu, berr := r.backup()
	if berr != nil {
		return berr
	}
	r.lost, r.cpu = err, cpu
	cpu.Init()
	return cpu.Run(ctx, tstop, &skipUntil{rec: rec, until: r.handed, started: r.started}, progress)
}
