package gpu

import (
	"context"
	"fmt"

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
	saves    []func() (restore func())
	restores []func()
	lost     error
	// How far the GPU's records were handed on.
	states, spikes handed
}

// NewRestart runs gpu, with backup to build the CPU's simulator if the
// device fails.
func NewRestart(gpu sim.Simulator, backup func() (sim.Simulator, error)) *Restart {
	return &Restart{gpu: gpu, backup: backup}
}

// Keep has the restart put back, before the CPU starts again, what a run
// changes in place and the new start must not see: each save is called
// at each Init and returns what puts it back (a learning network's
// weights, which a run moves and Init keeps).
func (r *Restart) Keep(saves ...func() (restore func())) { r.saves = append(r.saves, saves...) }

// KeepSlices is a Keep's save for numbers a run changes in place: it
// copies them and returns what copies them back.
func KeepSlices[T float32 | float64](slices ...[]T) func() (restore func()) {
	return func() func() {
		saved := make([][]T, len(slices))
		for k, s := range slices {
			saved[k] = append([]T(nil), s...)
		}
		return func() {
			for k, s := range slices {
				copy(s, saved[k])
			}
		}
	}
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
	r.states, r.spikes = handed{}, handed{}
	r.restores = r.restores[:0]
	for _, save := range r.saves {
		r.restores = append(r.restores, save())
	}
	r.Active().Init()
}

func (r *Restart) Time() float64 { return r.Active().Time() }

func (r *Restart) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress sim.ProgressFunc) error {
	if r.cpu != nil {
		return r.cpu.Run(ctx, tstop, rec, progress)
	}
	w := &watermark{rec: rec, states: &r.states, spikes: &r.spikes}
	err := r.gpu.Run(ctx, tstop, w, progress)
	if !w.deviceFailed(err) {
		return err
	}
	cpu, berr := r.backup()
	if berr != nil {
		return fmt.Errorf("%w; and the CPU could not take over: %v", err, berr)
	}
	r.lost, r.cpu = err, cpu
	for _, restore := range r.restores {
		restore()
	}
	cpu.Init()
	return cpu.Run(ctx, tstop, &skipUntil{rec: rec, states: r.states, spikes: r.spikes}, progress)
}

// Close frees the GPU's simulator (and the CPU's, if it has anything to
// free).
func (r *Restart) Close() { Free(r.gpu, r.cpu) }

// Free frees what engines hold on a device (a GPU engine's buffers and
// programs, by its Close), passing over those that hold nothing there.
func Free(engines ...any) {
	for _, e := range engines {
		if c, ok := e.(interface{ Close() }); ok {
			c.Close()
		}
	}
}
