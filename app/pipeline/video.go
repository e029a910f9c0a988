package pipeline

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"

	"neurite/compartments"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/output"
	"neurite/sim/spec"
	"neurite/views"
)

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
	ch, err := NewSimulator(p, m.Run.Backend, 0)
	if err != nil {
		return err
	}
	if ch.Note != "" && o.Notify != nil {
		o.Notify(ch.Note)
	}
	eng := ch.Sim
	morph := views.NewMorphology(p.Frusta())
	markers := Markers(m, p.Cells[0].Morph, -1)
	values, err := frameValues(eng, p, &o.Style)
	if err != nil {
		return err
	}
	err = frames(ctx, path, o, eng, p.Dt, *m.Run.Tstop, nil, progress, func(img *image.RGBA) {
		v := values()
		views.HeatmapFrame(img, morph, o.Camera, o.Style, v, markers, eng.Time())
	})
	if note := gpu.LostNote(eng); note != "" && o.Notify != nil {
		o.Notify(note)
	}
	return err
}

// quantityReader is an engine that reads quantities other than v at
// every segment (the CPU engine).
type quantityReader interface {
	SegmentQuantity(q string, buf []float64) ([]float64, error)
}

// frameValues returns what each frame shows: v, or the plan's
// snapshots quantity (cai, NaTa_t.m, ...), for which it sets st's unit,
// the grey of segments without it, and a colour scale that widens to the
// values shown so far, as the explorer's does ([view] v_min and v_max are
// v's).
func frameValues(eng compartments.Simulator, p *compartments.Plan, st *views.Style) (func() []float64, error) {
	q := p.SnapshotQuantity
	if q == "" || q == "v" {
		return eng.SegmentVoltages, nil
	}
	qr, ok := eng.(quantityReader)
	if !ok {
		return nil, fmt.Errorf("snapshots.quantity = %q: this backend draws v only; the CPU backend draws %s", q, q)
	}
	st.Unit, st.Missing = p.QuantityUnit(q), views.Absent
	span := views.NewSpan()
	var buf []float64
	return func() []float64 {
		buf, _ = qr.SegmentQuantity(q, buf) // Build checked q
		span.Add(buf)
		st.Min, st.Max = span.Scale()
		return buf
	}, nil
}

// maxFrames bounds a video's frames: 10⁶ frames are nine hours at 30 fps.
const maxFrames = 1e6

// frames runs a simulator from t = 0 and draws a frame of the video at
// every frame time from o.From to o.To (tstop when 0), handing the run's
// spikes to rec (nil: none kept); the file appears only when every frame
// is written.
func frames(ctx context.Context, path string, o VideoOptions, eng sim.Simulator, dt, tstop float64, rec sim.Recorder, progress func(float64), draw func(img *image.RGBA)) error {
	to := o.To
	if to <= 0 || to > tstop {
		to = tstop
	}
	switch {
	case o.From >= tstop:
		return fmt.Errorf("video: from = %g ms is past the run's end, tstop = %g ms", o.From, tstop)
	case !(o.FPS > 0) || !(o.Speed > 0) || !(to > o.From) || o.From < 0 || o.Width < 16 || o.Height < 16:
		return fmt.Errorf("video: need fps > 0, speed > 0, 0 ≤ from < to and a size of at least 16×16")
	}
	if n := (to - o.From) * o.FPS / o.Speed; n > maxFrames {
		return fmt.Errorf("video: %g ms at %g ms a second and %g frames a second is %.3g frames, more than %.0e: raise the speed or shorten the span", to-o.From, o.Speed, o.FPS, n, float64(maxFrames))
	}
	if rec == nil {
		rec = sim.Discard{}
	}
	w, h := o.Width&^1, o.Height&^1
	video, err := output.CreateVideo(path, w, h, o.FPS)
	if err != nil {
		return err
	}
	count := int(math.Floor((to-o.From)*o.FPS/o.Speed+1e-9)) + 1
	eng.Init()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for k := range count {
		t := o.From + float64(k)*o.Speed/o.FPS
		t = math.Round(t/dt) * dt
		if err := eng.Run(ctx, t, rec, nil); err != nil {
			video.Abort()
			return err
		}
		draw(img)
		if err := video.Frame(img); err != nil {
			video.Abort()
			return err
		}
		if progress != nil {
			progress(float64(k+1) / float64(count))
		}
	}
	return video.Commit()
}

// Marker colours of electrodes and of excitatory and inhibitory synapses;
// probes take views.ProbeColor.
var (
	electrodeColor  = color.RGBA{250, 70, 50, 255}
	excitatoryColor = color.RGBA{60, 200, 90, 255}
	inhibitoryColor = color.RGBA{70, 130, 255, 255}
)

// Markers places a marker on every item the model places on morph,
// selected being the index (in Items order) of the one to show larger.
func Markers(m *spec.Model, morph *compartments.Morphology, selected int) []views.Marker {
	var out []views.Marker
	probe := 0
	for i, it := range m.Items() {
		var col color.RGBA
		kind := views.ProbeMarker
		switch it.Kind {
		case spec.ElectrodeItem:
			kind, col = views.ElectrodeMarker, electrodeColor
		case spec.SynapseItem:
			kind, col = views.SynapseMarker, excitatoryColor
			if s := m.SynapseNamed(it.Name); s != nil && s.E < -20 {
				col = inhibitoryColor
			}
		default:
			col = views.ProbeColor(probe)
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
