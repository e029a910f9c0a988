package app

import (
	"fmt"
	"image"
	"math"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"neurite/app/pipeline"
	"neurite/assets"
	"neurite/compartments"
	"neurite/sim/output"
	"neurite/views"
)

// ResultsView shows a results folder read back (output.ReadRun), from
// Neurite or from a cluster run of an exported model: its traces, its
// spikes as a raster, and, given the plan of the model the run was of,
// the cell's heatmap replayed from the snapshots.
type ResultsView struct {
	res     *output.Results
	tstop   float64 // the last time the results hold (ms)
	content fyne.CanvasObject

	traces *canvas.Raster
	probe  *widget.Select    // the trace shown, or a unit's or all
	units  map[string]string // by probe, where the model is known

	raster *rasterView

	heat   *canvas.Raster
	morph  *views.Morphology
	style  views.Style
	at     *widget.Slider // the snapshot shown
	clock  *widget.Label
	play   *widget.Button
	stop   chan struct{} // ends a replay; nil while none plays
	values []float64
}

// runResults opens the app on a results folder alone.
func runResults(dir string, opts Options) error {
	switch {
	case opts.Play:
		return fmt.Errorf("--play runs a model; %s is a results folder", dir)
	case opts.ReportFPS > 0 || opts.Dynamics != "":
		return fmt.Errorf("--report-fps and --dynamics open a model; %s is a results folder", dir)
	}
	var plan *compartments.Plan
	if opts.Model != "" {
		m, err := pipeline.LoadModel(opts.Model)
		if err != nil {
			return err
		}
		if plan, err = pipeline.BuildPlan(m); err != nil {
			return err
		}
	}
	a := newFyneApp() // before any widget
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	v, err := openResults(dir, plan)
	if err != nil {
		return err
	}
	w := a.NewWindow("Neurite — " + dir)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1000, 700))
	w.ShowAndRun()
	v.Stop()
	return nil
}

// openResults reads a results folder and lays it out, with plan's cell
// for the snapshots when given.
func openResults(dir string, plan *compartments.Plan) (*ResultsView, error) {
	res, err := output.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	return NewResultsView(res, plan)
}

// ResultsDialog is File → Open Results…: a results folder shown in a
// window of its own, the cell open in the explorer replaying its
// snapshots where they are of its segments.
func (ex *Explorer) ResultsDialog() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		ex.OpenResults(dir.Path())
	}, ex.win)
	d.Show()
}

// OpenResults shows the results folder dir in a new window.
func (ex *Explorer) OpenResults(dir string) {
	res, err := output.ReadRun(dir)
	if err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	var plan *compartments.Plan
	if p := ex.sess.Plan; len(res.Snaps) > 0 && sameSegments(p, res) {
		plan = p
	}
	v, err := NewResultsView(res, plan)
	if err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	w := fyne.CurrentApp().NewWindow("Neurite — " + dir)
	w.SetContent(v.Content())
	w.SetOnClosed(v.Stop)
	w.Resize(fyne.NewSize(900, 640))
	w.Show()
}

// sameSegments reports whether the results' snapshot columns are the
// plan's segments, by name.
func sameSegments(p *compartments.Plan, res *output.Results) bool {
	if p == nil || len(p.Segments) != len(res.Segments) {
		return false
	}
	for j, node := range p.Segments {
		if p.SegmentName(int(node)) != res.Segments[j].Name {
			return false
		}
	}
	return true
}

// allProbes is the trace selector's choice of every probe at once.
const allProbes = "all probes"

// unitChoice is the trace selector's choice of every probe in unit u.
func unitChoice(u string) string { return "probes in " + u }

// NewResultsView lays out a results folder; plan, when not nil, is the
// model's, whose segments the snapshots' columns must be.
func NewResultsView(res *output.Results, plan *compartments.Plan) (*ResultsView, error) {
	v := &ResultsView{res: res, tstop: lastTime(res)}
	var tabs []*container.TabItem
	if len(res.Probes) > 0 {
		choices := []string{allProbes}
		if plan != nil && slices.Equal(plan.ProbeNames(), res.Probes) {
			// The model says each probe's unit: a gate and a
			// concentration have no place on the voltages' axis.
			v.units = map[string]string{}
			choices = nil
			for k, name := range res.Probes {
				u := plan.ProbeUnit(k)
				if v.units[name] = u; !slices.Contains(choices, unitChoice(u)) {
					choices = append(choices, unitChoice(u))
				}
			}
		}
		v.probe = widget.NewSelect(append(choices, res.Probes...), func(string) { v.traces.Refresh() })
		v.probe.SetSelected(choices[0])
		v.traces = canvas.NewRaster(v.drawTraces)
		v.traces.SetMinSize(fyne.NewSize(400, 240))
		bar := container.NewHBox(widget.NewLabel("Show"), v.probe)
		tabs = append(tabs, container.NewTabItem("Traces", container.NewBorder(bar, nil, nil, nil, v.traces)))
	}
	if len(res.Spikes) > 0 || res.Network {
		v.raster = newRasterView()
		v.raster.Reset(v.populations(), v.tstop)
		v.raster.Add(res.Spikes)
		tabs = append(tabs, container.NewTabItem("Spikes", container.NewBorder(widget.NewLabel(v.spikeSummary()), nil, nil, nil, v.raster)))
	}
	if plan != nil && len(res.Snaps) > 0 {
		item, err := v.replay(plan)
		if err != nil {
			return nil, err
		}
		tabs = append(tabs, item)
	}
	if len(tabs) == 0 {
		return nil, fmt.Errorf("%s: nothing to show (no traces, spikes or snapshots with a model)", res.Dir)
	}
	v.content = container.NewAppTabs(tabs...)
	return v, nil
}

// Content is the view's widget tree.
func (v *ResultsView) Content() fyne.CanvasObject { return v.content }

// Stop ends a replay.
func (v *ResultsView) Stop() {
	if v.stop != nil {
		close(v.stop)
		v.stop = nil
		v.play.SetText("Play")
	}
}

// lastTime is the last time the results reach (ms), at least 1.
func lastTime(res *output.Results) float64 {
	t := 0.0
	for _, ts := range [][]float64{res.T, res.SnapT} {
		if len(ts) > 0 {
			t = max(t, ts[len(ts)-1])
		}
	}
	for _, s := range res.Spikes {
		t = max(t, s.T)
	}
	return max(t, 1)
}

// populations are the raster's: a SONATA report's, or one of every cell
// or neuron numbered in the spikes.
func (v *ResultsView) populations() []views.Population {
	var pops []views.Population
	for k, p := range v.res.Populations {
		pops = append(pops, views.Population{Name: p.Name, Start: p.First, End: p.First + p.N, Color: views.ProbeColor(k)})
	}
	if pops == nil {
		pops = []views.Population{v.population()}
	}
	return pops
}

// population is every cell or neuron numbered in the spikes.
func (v *ResultsView) population() views.Population {
	n := 1
	for _, s := range v.res.Spikes {
		n = max(n, s.Cell+1)
	}
	name := "cells"
	if v.res.Network {
		name = "neurons"
	}
	return views.Population{Name: name, Start: 0, End: n, Color: views.ProbeColor(0)}
}

// spikeSummary counts the spikes and gives their mean rate.
func (v *ResultsView) spikeSummary() string {
	p := v.population()
	return fmt.Sprintf("%d spikes of %d %s in %.4g ms: %.3g Hz each on average", len(v.res.Spikes), p.End, p.Name, v.tstop,
		float64(len(v.res.Spikes))/float64(p.End)/(v.tstop/1000))
}

func (v *ResultsView) drawTraces(w, h int) image.Image {
	if w < 50 || h < 50 {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	var series []views.Series
	for i, name := range v.res.Probes {
		if sel := v.probe.Selected; sel == allProbes || sel == name || v.units != nil && sel == unitChoice(v.units[name]) {
			t, y := decimate(v.res.T, v.res.Traces[i], liveBuckets)
			series = append(series, views.Series{Name: name, T: t, Y: y, Color: views.ProbeColor(i)})
		}
	}
	return views.RenderPlot(views.TracesPlot(series, "value", 0, v.tstop), w, h)
}

// replay is the Cell tab: the morphology coloured by snapshot k, a
// slider over the snapshots and a Play button that steps through them.
func (v *ResultsView) replay(plan *compartments.Plan) (*container.TabItem, error) {
	res := v.res
	if len(plan.Segments) != len(res.Snaps[0]) {
		return nil, fmt.Errorf("%s: the snapshots have %d segments, the model %d: it is not the model of this run", res.Dir, len(res.Snaps[0]), len(plan.Segments))
	}
	v.morph = views.NewMorphology(plan.Frusta())
	v.style = views.DefaultStyle()
	if res.Quantity != "v" {
		span := views.NewSpan()
		for _, row := range res.Snaps {
			span.Add(float32s(row, nil))
		}
		v.style.Min, v.style.Max = span.Scale()
		v.style.Missing, v.style.Unit = views.Absent, res.Unit
	}
	v.heat = canvas.NewRaster(v.drawHeat)
	v.heat.SetMinSize(fyne.NewSize(400, 300))
	v.clock = widget.NewLabel("")
	v.at = widget.NewSlider(0, float64(len(res.Snaps)-1))
	v.at.OnChanged = func(float64) { v.show() }
	v.play = widget.NewButton("Play", v.togglePlay)
	v.show()
	bar := container.NewBorder(nil, nil, container.NewHBox(steadyWidth(v.play, "Play", "Pause"), v.clock), nil, v.at)
	return container.NewTabItem("Cell", container.NewBorder(nil, bar, nil, nil, v.heat)), nil
}

// show draws the snapshot the slider is at.
func (v *ResultsView) show() {
	k := int(math.Round(v.at.Value))
	v.values = float32s(v.res.Snaps[k], v.values)
	v.clock.SetText(fmt.Sprintf("t = %.2f ms (%d of %d)", v.res.SnapT[k], k+1, len(v.res.Snaps)))
	v.heat.Refresh()
}

func (v *ResultsView) drawHeat(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if w < 50 || h < 50 {
		return img
	}
	k := int(math.Round(v.at.Value))
	views.HeatmapFrame(img, v.morph, views.Camera{Zoom: 1}, v.style, v.values, nil, v.res.SnapT[k])
	return img
}

// togglePlay steps through the snapshots, 25 a second, from the one shown
// (from the first after the last).
func (v *ResultsView) togglePlay() {
	if v.stop != nil {
		v.Stop()
		return
	}
	if v.at.Value >= v.at.Max {
		v.at.SetValue(0)
	}
	v.play.SetText("Pause")
	stop := make(chan struct{})
	v.stop = stop
	go func() {
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fyne.Do(func() { v.step(stop) })
			}
		}
	}()
}

// step shows the next snapshot of the replay that stop ends, and ends it
// after the last.
func (v *ResultsView) step(stop chan struct{}) {
	if v.stop != stop {
		return // a tick of a replay since stopped
	}
	if v.at.Value >= v.at.Max {
		v.Stop()
		return
	}
	v.at.SetValue(v.at.Value + 1)
}

// float32s widens a snapshot's values into buf.
func float32s(row []float32, buf []float64) []float64 {
	buf = slices.Grow(buf[:0], len(row))
	for _, x := range row {
		buf = append(buf, float64(x))
	}
	return buf
}
