// Package pipeline is Neurite's headless path from a model to results: load
// a model file, choose its backend, run it into a folder, render its video.
// The command line and the desktop app share it; it never touches Fyne.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"neurite/assets"
	"neurite/compartments"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/output"
	"neurite/sim/spec"
)

// LoadModel reads a model file, a bare SWC file (with the default
// biophysics), an embedded example by its path in assets (when no such
// file exists), or for "" the app's example.
func LoadModel(file string, sets ...string) (*spec.Model, error) {
	if err := modelFile(file); err != nil {
		return nil, err
	}
	var m *spec.Model
	var err error
	switch {
	case file == "":
		return spec.LoadFS(assets.FS, assets.Example, sets...)
	case spec.IsSWC(file):
		m = spec.ForSWC(file)
	case spec.IsNeuroML(file):
		m, err = compartments.NeuroMLModel(file)
	case !fileExists(file) && embedded(file):
		return spec.LoadFS(assets.FS, file, sets...)
	default:
		return spec.Load(file, sets...)
	}
	if err != nil {
		return nil, err
	}
	return m, m.Override(sets...)
}

// resultExts are the kinds of file a run writes: given as a model, they
// are named for what they are rather than read as TOML.
var resultExts = []string{".npy", ".nwb", ".h5", ".csv", ".mp4", ".gif", ".png", ".svg"}

// modelFile refuses, in words, a folder or a run's result given where a
// model file goes.
func modelFile(file string) error {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder, not a model file (a run's results folder opens with neurite open %s)", file, file)
	}
	if ext := strings.ToLower(filepath.Ext(file)); slices.Contains(resultExts, ext) {
		return fmt.Errorf("%s: a %s file holds results, not a model: give a model file (.toml), a cell (.swc, .nml) or equations (.ode)", file, ext)
	}
	return nil
}

// embedded reports whether file names one of the embedded examples.
func embedded(file string) bool {
	_, err := fs.Stat(assets.FS, file)
	return err == nil
}

// BuildPlan makes the plan of a model's cell.
func BuildPlan(m *spec.Model) (*compartments.Plan, error) {
	cell, settings, err := compartments.FromModel(m)
	if err != nil {
		return nil, err
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.File(), err)
	}
	return p, nil
}

// NewSimulator chooses the engine for a plan on the backend asked for
// ("auto", "cpu" or "gpu"; see gpu.NewSimulator), with workers cells
// advanced at once on the CPU (0: all cores).
func NewSimulator(p *compartments.Plan, backend string, workers int) (gpu.Choice, error) {
	ch, err := gpu.NewSimulator(p, backend)
	if err != nil {
		return ch, err
	}
	if cpu, ok := ch.Sim.(*compartments.Engine); ok && workers > 0 {
		cpu.SetWorkers(workers)
	}
	return ch, nil
}

// RunToDirectory runs a simulator's plan from t = 0 to tstop, streaming
// traces, spikes and snapshots into dir (see output.Run). It returns the
// model time reached and the error that ended the run early: the
// context's, or a numerical blow-up. The files hold everything up to that
// time, complete, either way.
func RunToDirectory(ctx context.Context, eng compartments.Simulator, tstop float64, dir string, progress sim.ProgressFunc) (float64, error) {
	p := eng.Plan()
	w, err := output.NewRun(dir, p.Layout(), p.TakesSnapshots())
	if err != nil {
		return 0, err
	}
	eng.Init()
	runErr := eng.Run(ctx, tstop, w, progress)
	// After a write error Close returns that same error: say it once.
	if err := w.Close(); err != nil && !errors.Is(runErr, err) {
		runErr = errors.Join(runErr, err)
	}
	return eng.Time(), runErr
}

// OutputSize estimates the bytes RunToDirectory writes for a run of p
// from 0 to tstop ms (see output.EstimateSize; spikes not counted).
func OutputSize(p *compartments.Plan, tstop float64) int64 {
	samples := 0
	if len(p.Probes) > 0 && p.RecordInterval > 0 {
		samples = int(math.Round(tstop/p.RecordInterval)) + 1
	}
	snapshots := p.Snapshots().Count(int64(math.Round(tstop / p.Dt)))
	return output.EstimateSize(p.Layout(), samples, snapshots, p.TakesSnapshots())
}

// maxFrameSide is the largest side of a video frame: 8K is 7680 wide, and
// OpenGL's renderbuffers commonly stop at 16384.
const maxFrameSide = 16384

// ParseSize reads a frame size given as "WIDTHxHEIGHT" in pixels.
func ParseSize(s string) (int, int, error) {
	w, h, ok := strings.Cut(s, "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi < 16 || hi < 16 || wi > maxFrameSide || hi > maxFrameSide {
		return 0, 0, fmt.Errorf("size %q: give width x height in pixels, each from 16 to %d, e.g. 1280x720", s, maxFrameSide)
	}
	return wi, hi, nil
}
