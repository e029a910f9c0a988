package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"neurite/gpu"
	"neurite/sim/analysis"
	"neurite/sim/ode"
	"neurite/sim/point"
	"neurite/sim/spec"
	"neurite/views"
)

// Lab is the Dynamics tab: a point model's phase plane, redrawn live as
// its parameters move, with trajectories started by a click and their
// time courses beside; its bifurcation diagram; its F–I curve.
type Lab struct {
	win     fyne.Window
	model   *point.Model
	content fyne.CanvasObject

	modelSel *widget.Select
	files    map[string]string // model-picker labels of opened files → paths
	method   *widget.Select
	backend  *widget.Select // where sweeps (F–I, brute force) run
	xSel     *widget.Select
	ySel     *widget.Select
	duration *widget.Entry
	runLabel *widget.Label // "Run (ms)", in the model's time unit
	sliders  *fyne.Container
	entries  []*widget.Entry // each parameter's exact value
	doc      *widget.Label
	status   *widget.Label

	phase  *plotView
	series *plotView
	trajs  []trajectory

	bifParam           *widget.Select
	bifFrom, bifTo     *widget.Entry
	bifCycles, bifScan *widget.Check
	bifRecord          *widget.Select // what the sweep records
	bifN               *widget.Entry
	bif                *job

	fiParam      *widget.Select
	fiFrom, fiTo *widget.Entry
	fiN          *widget.Entry
	fi           *job
}

// trajectory is a run started by a click: its start and what it visited.
type trajectory struct {
	start []float64
	t     []float64
	x     [][]float64 // states, NaN rows where the model was reset
}

// modelChoices lists the built-in models with each preset.
func modelChoices() []string {
	var out []string
	for _, name := range point.Names() {
		m, _ := point.Builtin(name)
		if len(m.Presets) == 0 {
			out = append(out, name)
		}
		for _, p := range m.Presets {
			out = append(out, name+":"+p.Name)
		}
	}
	return out
}

// NewLab builds the Dynamics tab on the named built-in model.
func NewLab(w fyne.Window, model string) (*Lab, error) {
	m, err := point.Builtin(model)
	if err != nil {
		return nil, err
	}
	l := &Lab{win: w, files: map[string]string{}}
	l.status = widget.NewLabel("")
	l.status.Wrapping = fyne.TextWrapWord
	l.doc = widget.NewLabel("")
	l.doc.Wrapping = fyne.TextWrapWord
	l.doc.TextStyle.Monospace = true
	l.method = widget.NewSelect([]string{"rk45", "rk4", "euler", "expeuler"}, func(string) { l.redraw() })
	l.method.SetSelected("rk45")
	l.backend = widget.NewSelect(spec.Backends, nil)
	l.backend.SetSelected("auto")
	l.duration = numEntry(200)
	l.runLabel = widget.NewLabel("Run (ms)")
	l.duration.OnSubmitted = func(string) { l.redraw() }
	l.xSel = widget.NewSelect(nil, func(string) { l.clearTrajectories() })
	l.ySel = widget.NewSelect(nil, func(string) { l.clearTrajectories() })
	l.sliders = container.NewVBox()
	l.phase = newPlotView(360, 300)
	l.phase.OnTap = l.launch
	l.series = newPlotView(300, 160)

	l.bifParam = widget.NewSelect(nil, nil)
	l.bifFrom, l.bifTo, l.bifN = numEntry(0), numEntry(1), numEntry(60)
	l.bifCycles = widget.NewCheck("limit cycles", nil)
	l.bifCycles.SetChecked(true)
	l.bifScan = widget.NewCheck("brute-force sweep of", nil)
	l.bifRecord = widget.NewSelect([]string{sweepMaxima, sweepISI}, nil)
	l.bifRecord.SetSelected(sweepMaxima)
	l.bif = newJob("Compute diagram", l.computeBifurcation)
	l.fiParam = widget.NewSelect(nil, nil)
	l.fiFrom, l.fiTo, l.fiN = numEntry(0), numEntry(1), numEntry(30)
	l.fi = newJob("Compute F–I curve", l.computeFI)

	l.modelSel = widget.NewSelect(modelChoices(), nil)
	l.modelSel.SetSelected(model)
	l.modelSel.OnChanged = l.pick
	l.setModel(m)
	l.content = l.layout()
	return l, nil
}

// Content is the tab's content.
func (l *Lab) Content() fyne.CanvasObject { return l.content }

// Model is the model shown.
func (l *Lab) Model() *point.Model { return l.model }

func (l *Lab) layout() fyne.CanvasObject {
	clear := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), l.clearTrajectories)
	bar := container.NewHBox(
		widget.NewLabel("Model"), l.modelSel,
		widget.NewButtonWithIcon("Equations…", theme.FolderOpenIcon(), l.OpenDialog),
		widget.NewSeparator(),
		widget.NewLabel("Integrator"), l.method,
		l.runLabel, fit(l.duration, fitTime),
		widget.NewSeparator(),
		widget.NewLabel("Sweeps on"), l.backend,
	)
	plane := container.NewBorder(
		container.NewHBox(widget.NewLabel("Across"), l.xSel, widget.NewLabel("Up"), l.ySel, clear,
			widget.NewLabel("Click the plane to start a trajectory."), figureButton(l.win, l.status.SetText, "phase", l.phase)),
		nil, nil, nil,
		container.NewHSplit(l.phase, container.NewBorder(nil, figureButton(l.win, l.status.SetText, "traces", l.series), nil, nil, l.series)))
	// Two rows, so that the window fits a screen of 1280 pixels.
	bifControls := container.NewVBox(
		container.NewHBox(widget.NewLabel("Vary"), l.bifParam, widget.NewLabel("from"), fit(l.bifFrom, fitBound),
			widget.NewLabel("to"), fit(l.bifTo, fitBound), l.bifCycles, l.bifScan),
		container.NewHBox(l.bifRecord, widget.NewLabel("at"), fit(l.bifN, fitCount), widget.NewLabel("values"),
			l.bif.run, l.bif.stop, figureButton(l.win, l.status.SetText, "bifurcation", l.bif.view)))
	fiControls := container.NewHBox(widget.NewLabel("Current"), l.fiParam, widget.NewLabel("from"), fit(l.fiFrom, fitBound),
		widget.NewLabel("to"), fit(l.fiTo, fitBound), widget.NewLabel("values"), fit(l.fiN, fitCount), l.fi.run, l.fi.stop, figureButton(l.win, l.status.SetText, "fi", l.fi.view))
	tabs := container.NewAppTabs(
		container.NewTabItem("Phase plane", plane),
		container.NewTabItem("Bifurcation", l.bif.layout(bifControls)),
		container.NewTabItem("F–I curve", l.fi.layout(fiControls)),
	)
	side := container.NewBorder(widget.NewLabelWithStyle("Parameters", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(widget.NewSeparator(), l.doc), nil, nil, container.NewVScroll(container.NewBorder(nil, nil, nil, scrollBarGutter(), l.sliders)))
	split := container.NewHSplit(tabs, side)
	split.Offset = 0.74
	return container.NewBorder(bar, l.status, nil, nil, split)
}

// pick switches to a model chosen in the picker.
func (l *Lab) pick(label string) {
	var m *point.Model
	var err error
	if path, ok := l.files[label]; ok {
		m, err = point.ReadModelFile(path)
	} else {
		m, err = point.Builtin(label)
	}
	if err != nil {
		l.showError(err)
		return
	}
	l.setModel(m)
}

// Open shows a built-in model (NAME or NAME:PRESET) or, when name is a
// file, the model of equations in it.
func (l *Lab) Open(name string) error {
	if _, err := os.Stat(name); err == nil {
		return l.OpenModelFile(name)
	}
	m, err := point.Builtin(name)
	if err != nil {
		return err
	}
	l.show(name, m)
	return nil
}

// show puts a model read already under a label in the picker and shows it.
func (l *Lab) show(label string, m *point.Model) {
	if !slices.Contains(l.modelSel.Options, label) {
		l.modelSel.Options = append(l.modelSel.Options, label)
	}
	l.modelSel.OnChanged = nil
	l.modelSel.SetSelected(label)
	l.modelSel.OnChanged = l.pick
	l.setModel(m)
}

// OpenModelFile reads a model typed as equations and shows it.
func (l *Lab) OpenModelFile(path string) error {
	m, err := point.ReadModelFile(path)
	if err != nil {
		l.showError(err)
		return err
	}
	label := "file: " + filepath.Base(path)
	l.files[label] = path
	l.show(label, m)
	return nil
}

// OpenDialog asks for a model file of equations.
func (l *Lab) OpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		l.OpenModelFile(r.URI().Path())
	}, l.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ode", ".txt"}))
	d.Show()
}

func (l *Lab) showError(err error) {
	l.status.SetText(err.Error())
	if l.win != nil {
		dialog.ShowError(err, l.win)
	}
}

// setModel shows a new model: its sliders, planes and ranges; results of
// the previous one are dropped and its computations cancelled.
func (l *Lab) setModel(m *point.Model) {
	l.bif.reset()
	l.fi.reset()
	l.model = m
	l.runLabel.SetText(m.TimeLabel("Run"))
	l.doc.SetText(m.Name + "\n" + m.Doc)
	var names, params []string
	for _, v := range m.Vars {
		names = append(names, v.Name)
	}
	for _, p := range m.Params {
		params = append(params, p.Name)
	}
	// One trajectory from the model's initial state, so that its time
	// course shows at once.
	l.trajs = []trajectory{{start: m.InitialState()}}
	x, y := m.V, (m.V+1)%m.Dim()
	if m.Name == "hh" {
		y = 3 // v and n: the plane of Izhikevich's and Rinzel's reductions
	}
	l.xSel.Options, l.ySel.Options = names, names
	l.xSel.Selected, l.ySel.Selected = names[x], names[y]
	l.xSel.Refresh()
	l.ySel.Refresh()
	if m.Dim() == 1 {
		l.ySel.Disable()
	} else {
		l.ySel.Enable()
	}
	input := m.Input
	if input == "" {
		input = params[0]
	}
	l.bifParam.Options, l.fiParam.Options = params, params
	l.bifParam.OnChanged = func(name string) { l.setRange(name, l.bifFrom, l.bifTo) }
	l.fiParam.OnChanged = func(name string) { l.setRange(name, l.fiFrom, l.fiTo) }
	l.bifParam.SetSelected(input)
	l.fiParam.SetSelected(input)
	l.sliders.RemoveAll()
	l.entries = nil
	for i := range m.Params {
		l.sliders.Add(l.slider(i))
	}
	l.status.SetText("")
	l.redraw()
}

// setRange fills from and to with a parameter's slider range.
func (l *Lab) setRange(name string, from, to *widget.Entry) {
	for _, p := range l.model.Params {
		if p.Name == name {
			lo, hi := sliderRange(p)
			from.SetText(fmtNum(lo))
			to.SetText(fmtNum(hi))
		}
	}
}

func sliderRange(p point.Param) (lo, hi float64) {
	lo, hi = p.Min, p.Max
	if !(hi > lo) {
		span := math.Max(1, math.Abs(p.Value))
		lo, hi = p.Value-span, p.Value+span
	}
	return lo, hi
}

// slider is a parameter's row: its name and unit, a slider over its range
// and an entry for an exact value; both redraw the phase plane at once.
func (l *Lab) slider(i int) fyne.CanvasObject {
	p := l.model.Params[i]
	lo, hi := sliderRange(p)
	s := widget.NewSlider(lo, hi)
	s.Step = (hi - lo) / 400
	s.Value = p.Value
	e := numEntry(p.Value)
	l.entries = append(l.entries, e)
	set := func(v float64) {
		l.model.SetParam(p.Name, v)
		l.redraw()
	}
	s.OnChanged = func(v float64) {
		e.SetText(fmtNum(v))
		set(v)
	}
	e.OnSubmitted = func(text string) {
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			l.status.SetText(fmt.Sprintf("%s: %q is not a number", p.Name, text))
			return
		}
		if v < s.Min || v > s.Max { // typed beyond the slider: widen it
			s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
		}
		s.Value = v
		s.Refresh()
		set(v)
	}
	label := p.Name
	if p.Unit != "" {
		label += " (" + p.Unit + ")"
	}
	name := widget.NewLabel(label)
	if p.Doc != "" {
		name.SetText(label + " — " + p.Doc)
	}
	name.Wrapping = fyne.TextWrapWord
	return container.NewVBox(name, container.NewBorder(nil, nil, nil, fit(e, fitNumber), s))
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// SetParam moves a parameter's slider (as a user would) and redraws.
func (l *Lab) SetParam(name string, v float64) error {
	for i, p := range l.model.Params {
		if p.Name == name {
			entry := l.entries[i]
			entry.SetText(fmtNum(v))
			entry.OnSubmitted(entry.Text)
			return nil
		}
	}
	return l.model.SetParam(name, v) // names the parameters there are
}

// plane returns the variables across and up (up < 0 for a phase line).
func (l *Lab) plane() (x, y int) {
	x, _ = l.model.VarIndex(l.xSel.Selected)
	if l.model.Dim() == 1 {
		return x, -1
	}
	y, _ = l.model.VarIndex(l.ySel.Selected)
	if y == x {
		y = (x + 1) % l.model.Dim()
	}
	return x, y
}

// sliceAt is where a larger model's other variables are held in the
// plane: at its first stable equilibrium, else its initial state.
func (l *Lab) sliceAt(w analysis.Window) []float64 {
	x, _ := l.sliceWhere(w)
	return x
}

// sliceWhere is sliceAt with the name of the state it holds the other
// variables at ("the stable equilibrium" or "the initial state").
func (l *Lab) sliceWhere(w analysis.Window) ([]float64, string) {
	if l.model.Dim() > 2 {
		for _, e := range analysis.Equilibria(l.model, w) {
			if e.Stable() {
				return e.X, "the stable equilibrium"
			}
		}
	}
	return l.model.InitialState(), "the initial state"
}

// sliceCaption says, for a model of more than two variables, that the
// plane across x and up y is a slice with the others held (at what values,
// and why those), and that the trajectories drawn on it are not confined
// to it: they are the whole system's, projected. Without it the
// Hodgkin–Huxley plane read as if v and n were the whole system. Empty
// for a planar model, whose plane is all there is.
func (l *Lab) sliceCaption(x, y int, w analysis.Window) string {
	if l.model.Dim() <= 2 {
		return ""
	}
	at, where := l.sliceWhere(w)
	var held []string
	for i, v := range l.model.Vars {
		if i != x && i != y {
			held = append(held, fmt.Sprintf("%s = %.3g", v.Name, at[i]))
		}
	}
	return fmt.Sprintf("slice: %s held at %s\npaths: the full %d-D system's, projected",
		strings.Join(held, ", "), where, l.model.Dim())
}

// Portrait computes what the phase plane shows for the current
// parameters.
func (l *Lab) Portrait() analysis.Portrait {
	x, y := l.plane()
	w := analysis.DefaultWindow(l.model)
	return analysis.PhasePortrait(l.model, x, y, w, l.sliceAt(w), 100)
}

// redraw recomputes the phase plane and every trajectory for the current
// parameters: a portrait takes a few milliseconds (BenchmarkPhasePortrait),
// so this runs on every slider move.
func (l *Lab) redraw() {
	if l.model == nil || l.xSel.Selected == "" {
		return
	}
	x, y := l.plane()
	w := analysis.DefaultWindow(l.model)
	var failed []string
	for i := range l.trajs {
		if err := l.integrate(&l.trajs[i]); err != nil {
			failed = append(failed, fmt.Sprintf("trajectory %d: %v", i+1, err))
		}
	}
	if len(failed) > 0 {
		l.status.SetText(strings.Join(failed, "; "))
	}
	if y < 0 {
		v, dv, eqs := analysis.PhaseLine(l.model, w, 400)
		line := views.PhaseLinePlot(v, dv, eqs, l.model.Vars[x].Name, l.model.Vars[x].Unit, l.model.TimeUnit)
		if th, ok := l.model.Threshold(); ok {
			views.MarkThreshold(line, th)
		}
		l.phase.SetPlot(line)
	} else {
		pp := analysis.PhasePortrait(l.model, x, y, w, l.sliceAt(w), 100)
		paths := make([]views.Trajectory, len(l.trajs))
		for i, tr := range l.trajs {
			paths[i] = views.Trajectory{X: column(tr.x, x), Y: column(tr.x, y)}
		}
		p := views.PhasePlot(pp, l.model.Vars[x].Label(), l.model.Vars[y].Label(), paths)
		views.SetCaption(p, l.sliceCaption(x, y, w))
		l.phase.SetPlot(p)
	}
	series := make([]views.Series, len(l.trajs))
	for i, tr := range l.trajs {
		series[i] = views.Series{Name: fmt.Sprintf("trajectory %d", i+1), T: tr.t, Y: fillGaps(column(tr.x, x)), Color: views.TrajectoryColor(i)}
	}
	course := views.TracesPlot(series, l.model.Vars[x].Label(), 0, l.runTime())
	course.X.Label.Text = l.model.TimeLabel("t")
	l.series.SetPlot(course)
}

func column(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}

// fillGaps joins a time course across the breaks marked in the phase
// plane: in time a reset is a vertical stroke, not a gap.
func fillGaps(y []float64) []float64 {
	out := y[:0:0]
	for _, v := range y {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func (l *Lab) runTime() float64 {
	d, err := strconv.ParseFloat(strings.TrimSpace(l.duration.Text), 64)
	if err != nil || !(d > 0) || math.IsInf(d, 0) {
		return 200
	}
	return d
}

// launch starts a trajectory where the plane was clicked.
func (l *Lab) launch(xv, yv float64) {
	x, y := l.plane()
	w := analysis.DefaultWindow(l.model)
	start := append([]float64(nil), l.sliceAt(w)...)
	start[x] = xv
	if y >= 0 {
		start[y] = yv
	}
	l.trajs = append(l.trajs, trajectory{start: start})
	l.redraw()
}

// Trajectories returns each trajectory's times and states.
func (l *Lab) Trajectories() (t [][]float64, x [][][]float64) {
	for _, tr := range l.trajs {
		t, x = append(t, tr.t), append(x, tr.x)
	}
	return t, x
}

func (l *Lab) clearTrajectories() {
	l.trajs = nil
	l.redraw()
}

// integrate runs a trajectory from its start with the chosen integrator,
// sampled 2000 times; where a spiking model is reset the path is broken.
// A run that blows up keeps what came before and says when.
func (l *Lab) integrate(tr *trajectory) error {
	m := l.model
	m.Restart()
	tstop := l.runTime()
	method := ode.Methods[l.method.Selected]
	tr.t, tr.x = tr.t[:0], tr.x[:0]
	x := append([]float64(nil), tr.start...)
	res, err := ode.Integrate(context.Background(), m, x, 0, tstop,
		ode.Settings{Method: method, Dt: 0.01, Rtol: 1e-6, Atol: 1e-9, MaxStep: tstop / 500, Every: tstop / 2000},
		func(t float64, y []float64) {
			tr.t = append(tr.t, t)
			tr.x = append(tr.x, append([]float64(nil), y...))
		})
	tr.t, tr.x = breakAtSpikes(tr.t, tr.x, res.Spikes, res.Peaks)
	return err
}

// breakAtSpikes inserts at each reset the state the spike reached (the
// peak, at v_peak for Izhikevich's model, which no regular sample
// catches; peaks holds them one after another), then a NaN state, so
// that the path rises to the peak and breaks there.
func breakAtSpikes(t []float64, x [][]float64, spikes, peaks []float64) ([]float64, [][]float64) {
	if len(spikes) == 0 || len(x) == 0 {
		return t, x
	}
	dim := len(x[0])
	gap := make([]float64, dim)
	for i := range gap {
		gap[i] = math.NaN()
	}
	var ot []float64
	var ox [][]float64
	k := 0
	for i := range t {
		for k < len(spikes) && spikes[k] <= t[i] {
			if i > 0 && spikes[k] > t[i-1] {
				ot, ox = append(ot, spikes[k], spikes[k]), append(ox, peaks[k*dim:(k+1)*dim:(k+1)*dim], gap)
			}
			k++
		}
		ot, ox = append(ot, t[i]), append(ox, x[i])
	}
	return ot, ox
}

// entryValue reads a number from an entry, naming it in the error.
func entryValue(e *widget.Entry, what string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %q is not a number", what, e.Text)
	}
	return v, nil
}

// computeBifurcation continues the equilibria (and cycles) in the chosen
// parameter, then sweeps it by brute force if asked.
func (l *Lab) computeBifurcation() (work, error) {
	from, err1 := entryValue(l.bifFrom, "from")
	to, err2 := entryValue(l.bifTo, "to")
	n, err3 := entryValue(l.bifN, "sweep values")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	if from == to {
		return nil, errors.New("from and to are the same")
	}
	m, param, scan, cycles := l.model.Clone(), l.bifParam.Selected, l.bifScan.Checked, l.bifCycles.Checked
	isi := l.bifRecord.Selected == sweepISI
	batch, note, err := gpu.NewBatch(l.backend.Selected, m)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, progress func(float64)) (*plot.Plot, string, error) {
		p, text, err := bifurcation(ctx, progress, m, param, from, to, cycles, scan, isi, int(n), batch)
		if scan {
			text = joinNote(text, note)
		}
		return p, text, err
	}, nil
}

// joinNote adds a line (the backend's note, say) under a result's note.
func joinNote(text, line string) string {
	if line == "" {
		return text
	}
	return text + "\n" + line
}

// What a brute-force sweep records.
const (
	sweepMaxima = "maxima of v"
	sweepISI    = "inter-spike intervals"
)

// bifurcation continues the equilibria and cycles, then sweeps if asked;
// a sweep of inter-spike intervals is drawn on its own (its axis is time),
// with the continuation's points in the note.
func bifurcation(ctx context.Context, progress func(float64), m *point.Model, param string, from, to float64, cycles, scan, isi bool, n int, batch analysis.Batch) (*plot.Plot, string, error) {
	share := 1.0
	if scan {
		share = 0.5
	}
	d, err := analysis.Continue(ctx, m, param, from, to, analysis.Options{Cycles: cycles, Progress: func(f float64) { progress(f * share) }})
	if err != nil {
		return nil, "", err
	}
	var sweep []analysis.SweepPoint
	if scan {
		sweep, err = analysis.BruteForce(ctx, m, param, from, to, max(2, n), isi,
			analysis.RunOptions{Method: ode.RK45, Progress: func(f float64) { progress(0.5 + f/2) }, Batch: batch})
		if err != nil {
			return nil, "", err
		}
	}
	note := strings.Join(d.Report(), "\n")
	if note == "" {
		note = "no fold, Hopf point or cycle between " + fmtNum(from) + " and " + fmtNum(to)
	}
	if isi && scan {
		return views.SweepPlot(sweep, m.ParamLabel(param), m.TimeLabel("inter-spike interval")), note, nil
	}
	return views.BifurcationPlot(d, m.ParamLabel(param), m.V, m.Vars[m.V].Label(), sweep), note, nil
}

// computeFI measures the F–I curve and, at the lowest current, whether
// the model is an integrator or a resonator.
func (l *Lab) computeFI() (work, error) {
	from, err1 := entryValue(l.fiFrom, "from")
	to, err2 := entryValue(l.fiTo, "to")
	n, err3 := entryValue(l.fiN, "values")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	if from == to || n < 2 {
		return nil, errors.New("give two different currents and at least 2 values")
	}
	m, param, method := l.model.Clone(), l.fiParam.Selected, ode.Methods[l.method.Selected]
	batch, note, err := gpu.NewBatch(l.backend.Selected, m)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, progress func(float64)) (*plot.Plot, string, error) {
		p, text, err := fiCurve(ctx, progress, m, param, from, to, int(n), method, batch)
		return p, joinNote(text, note), err
	}, nil
}

func fiCurve(ctx context.Context, progress func(float64), m *point.Model, param string, from, to float64, n int, method ode.Method, batch analysis.Batch) (*plot.Plot, string, error) {
	fi, err := analysis.FI(ctx, m, param, from, to, n, analysis.RunOptions{Method: method, Progress: progress, Batch: batch})
	if err != nil {
		return nil, "", err
	}
	note := fi.Note
	if fi.Class != 0 {
		rest := m.Clone()
		rest.SetParam(param, math.Min(from, to))
		if ex, err := analysis.Diagnose(ctx, rest); err == nil {
			note += "\n" + ex.Note
		}
	}
	p, _ := paramNamed(m, param)
	return views.FIPlot(fi, p.Unit), note, nil
}

func paramNamed(m *point.Model, name string) (point.Param, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return point.Param{}, false
}

// scrollBarGutter keeps a scroll bar's width free at the right of what
// scrolls, so that the bar does not cover the entries' last digits.
func scrollBarGutter() fyne.CanvasObject {
	g := canvas.NewRectangle(color.Transparent)
	g.SetMinSize(fyne.NewSize(theme.ScrollBarSize(), 0))
	return g
}
