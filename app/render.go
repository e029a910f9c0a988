package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"neurite/compartments"
	"neurite/gpu"
	"neurite/sim/output"
	"neurite/sim/spec"
	"neurite/views"
)

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

// Layout describes the output columns of a plan.
func Layout(p *compartments.Plan) output.Layout {
	l := output.Layout{Segments: p.SegmentTable()}
	for _, pr := range p.Probes {
		l.Probes = append(l.Probes, pr.Name)
	}
	return l
}

// RunToDirectory runs a simulator's plan from t = 0 to tstop, streaming
// traces, spikes and snapshots into dir (see output.Run). It returns the
// model time reached and the error that ended the run early: the
// context's, or a numerical blow-up. The files hold everything up to that
// time, complete, either way.
func RunToDirectory(ctx context.Context, eng compartments.Simulator, tstop float64, dir string, progress compartments.ProgressFunc) (float64, error) {
	p := eng.Plan()
	w, err := output.NewRun(dir, Layout(p), p.SnapshotInterval > 0)
	if err != nil {
		return 0, err
	}
	eng.Init()
	runErr := eng.Run(ctx, tstop, w, progress)
	return eng.Time(), errors.Join(runErr, w.Close())
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

// VideoOptions set what a video shows.
type VideoOptions struct {
	Width, Height int
	FPS           float64 // frames per second of video
	Speed         float64 // model ms per second of video
	From, To      float64 // model time shown, ms (To 0: tstop)
	Camera        views.Camera
	Style         views.Style
	Notify        func(note string) // told which backend runs, where that needs saying
}

// VideoOptionsFor returns the options a model's [view] asks for.
func VideoOptionsFor(m *spec.Model) VideoOptions {
	v := m.View
	o := VideoOptions{Width: 1280, Height: 720, FPS: 30, Speed: 10, Camera: views.Camera{Azimuth: v.Azimuth, Elevation: v.Elevation, Zoom: v.Zoom}, Style: views.DefaultStyle()}
	if o.Camera.Zoom == 0 {
		o.Camera.Zoom = 1
	}
	if v.VMin != nil {
		o.Style.Min = *v.VMin
	}
	if v.VMax != nil {
		o.Style.Max = *v.VMax
	}
	o.Style.Map = views.ColormapNamed(v.Colormap)
	return o
}

// RenderVideo simulates a model from t = 0 and writes its heatmap between
// From and To as a video at path (.mp4 through ffmpeg, or .gif), with the
// colour bar, the time and the placed items drawn in every frame, as the
// explorer shows them. progress gets the fraction done; cancelling ctx
// stops it, and no file appears unless it completes.
func RenderVideo(ctx context.Context, m *spec.Model, path string, o VideoOptions, progress func(float64)) error {
	p, err := BuildPlan(m)
	if err != nil {
		return err
	}
	to := o.To
	if to <= 0 || to > *m.Run.Tstop {
		to = *m.Run.Tstop
	}
	if !(o.FPS > 0) || !(o.Speed > 0) || !(to > o.From) || o.From < 0 || o.Width < 16 || o.Height < 16 {
		return fmt.Errorf("video: need fps > 0, speed > 0, 0 ≤ from < to and a size of at least 16×16")
	}
	w, h := o.Width&^1, o.Height&^1
	video, err := output.CreateVideo(path, w, h, o.FPS)
	if err != nil {
		return err
	}
	frames := int(math.Floor((to-o.From)*o.FPS/o.Speed+1e-9)) + 1
	ch, err := NewSimulator(p, m.Run.Backend, 0)
	if err != nil {
		video.Abort()
		return err
	}
	if ch.Note != "" && o.Notify != nil {
		o.Notify(ch.Note)
	}
	eng := ch.Sim
	eng.Init()
	morph := views.NewMorphology(p.Frusta())
	markers := modelMarkers(m, p.Cells[0].Morph, -1)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for k := range frames {
		t := o.From + float64(k)*o.Speed/o.FPS
		t = math.Round(t/p.Dt) * p.Dt
		if err := eng.Run(ctx, t, discard{}, nil); err != nil {
			video.Abort()
			return err
		}
		renderFrame(img, morph, o.Camera, o.Style, eng.SegmentVoltages(), markers, eng.Time())
		if err := video.Frame(img); err != nil {
			video.Abort()
			return err
		}
		if progress != nil {
			progress(float64(k+1) / float64(frames))
		}
	}
	return video.Commit()
}

// modelMarkers places a marker on every item the model places, selected
// being the index (in Items order) of the one to show larger.
func modelMarkers(m *spec.Model, morph *compartments.Morphology, selected int) []views.Marker {
	var out []views.Marker
	probe := 0
	for i, it := range Items(m) {
		col := color.RGBA{}
		kind := views.ProbeMarker
		switch it.Kind {
		case Electrode:
			kind, col = views.ElectrodeMarker, color.RGBA{250, 70, 50, 255}
		case Synapse:
			kind, col = views.SynapseMarker, color.RGBA{60, 200, 90, 255}
			if s := findSynapse(m, it.Name); s != nil && s.E < -20 {
				col = color.RGBA{70, 130, 255, 255}
			}
		default:
			col = probePalette[probe%len(probePalette)]
			probe++
		}
		if it.At == "" {
			continue
		}
		loc, err := morph.ParseLocation(it.At)
		if err != nil {
			continue
		}
		pt := morph.Sections[loc.Section].At(loc.X)
		out = append(out, views.Marker{At: [3]float64{pt.X, pt.Y, pt.Z}, Kind: kind, Color: col, Selected: i == selected})
	}
	return out
}
