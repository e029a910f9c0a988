package app

import (
	"fmt"
	"image/color"
	"io"
	"neurite/app/pipeline"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"neurite/assets"
	"neurite/compartments"
	"neurite/sim/spec"
	"neurite/views"
)

// Options adjust how Run starts.
type Options struct {
	Play bool // start playing at once
	// ReportFPS, when positive, plays for that long, writes the frame
	// rate the view achieved to Report and quits: a measurement of the
	// window under load.
	ReportFPS time.Duration
	Report    io.Writer
	// Speed, when not negative, overrides the model's speed (model ms per
	// second; 0 as fast as possible).
	Speed float64
	// Dynamics, when set, opens the Dynamics tab on this point model
	// (a built-in name, or a file of equations).
	Dynamics string
}

// defaultLabModel is the model the Dynamics tab starts on.
const defaultLabModel = "fhn"

// Run opens the main window on file (or the embedded example) and returns
// when the window closes.
func Run(file string, opts Options) error {
	sess, err := LoadSession(file)
	if err != nil {
		return err
	}
	if opts.Speed >= 0 {
		sess.Speed = opts.Speed
	}
	a := fyneapp.NewWithID("org.neurite.app")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := a.NewWindow("Neurite")
	ex := NewExplorer(w, sess, file)
	lab, err := NewLab(w, defaultLabModel)
	if err != nil {
		return err
	}
	tabs := container.NewAppTabs(container.NewTabItem("Cell", ex.Content()), container.NewTabItem("Dynamics", lab.Content()))
	if opts.Dynamics != "" {
		if err := lab.Open(opts.Dynamics); err != nil {
			return err
		}
		tabs.SelectIndex(1)
	}
	w.SetContent(tabs)
	w.SetMainMenu(ex.menu())
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if len(uris) > 0 {
			ex.Open(uris[0].Path())
		}
	})
	w.Resize(fyne.NewSize(1280, 800))
	w.SetCloseIntercept(func() {
		ex.sess.Pause()
		w.Close()
	})
	if opts.Play || opts.ReportFPS > 0 {
		a.Lifecycle().SetOnStarted(ex.TogglePlay)
	}
	if opts.ReportFPS > 0 {
		go func() {
			time.Sleep(opts.ReportFPS / 2) // let the rate settle
			var rates []float64
			for range max(1, int(opts.ReportFPS/2/time.Second)) {
				time.Sleep(time.Second)
				rates = append(rates, ex.view.FrameRate())
			}
			fmt.Fprintf(opts.Report, "RESULT name=neurite_ui compartments=%d fps_min=%.0f fps_mean=%.1f\n",
				ex.sess.Plan.Compartments(), slices.Min(rates), mean(rates))
			fyne.Do(a.Quit)
		}()
	}
	w.ShowAndRun()
	ex.sess.SetOnUpdate(nil) // the UI is gone
	ex.sess.Pause()
	return nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Tools: what a click on the cell does.
const (
	toolInspect   = "Inspect"
	toolElectrode = "Electrode"
	toolProbe     = "Probe"
	toolSynapse   = "Synapse"
	toolMove      = "Move selected"
)

// Explorer is the main window's content: the cell as a heatmap, the
// controls of the simulation, what is placed on the cell, the parameters
// and the traces of the probes.
type Explorer struct {
	win  fyne.Window
	sess *Session
	file string // the model file behind the session, "" for the example

	view    *cellView
	traces  *tracesPanel
	params  *paramsPanel
	list    *widget.List
	items   []spec.Item
	sel     int // selected item, -1 for none
	tool    *widget.RadioGroup
	play    *widget.Button
	speed   *widget.Select
	status  *widget.Label
	pending *widget.Label
	content fyne.CanvasObject

	history []*spec.Model // models before each edit, for undo
	hover   string
	volts   []float64
}

// NewExplorer builds the explorer for a session in a window; file is the
// model file the session came from ("" for the embedded example).
func NewExplorer(w fyne.Window, sess *Session, file string) *Explorer {
	ex := &Explorer{win: w, file: file, sel: -1}
	ex.view = newCellView(nil, views.DefaultStyle(), views.Camera{Zoom: 1})
	ex.view.OnTap = ex.tapped
	ex.view.OnHover = ex.hovered
	ex.traces = newTracesPanel()
	ex.status = widget.NewLabel("")
	ex.status.Truncation = fyne.TextTruncateEllipsis // a long line must not widen the window
	ex.pending = widget.NewLabel("")
	ex.pending.Importance = widget.WarningImportance
	ex.play = widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), ex.TogglePlay)
	ex.tool = widget.NewRadioGroup([]string{toolInspect, toolElectrode, toolProbe, toolSynapse, toolMove}, nil)
	ex.tool.Horizontal = true
	ex.tool.SetSelected(toolInspect)
	ex.speed = widget.NewSelect([]string{"5 ms/s", "10 ms/s", "20 ms/s", "50 ms/s", "100 ms/s", "200 ms/s", "fastest"}, ex.setSpeed)
	ex.list = widget.NewList(func() int { return len(ex.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := ex.items[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %s  %s", it.Kind, it.Name, it.At))
		})
	ex.list.OnSelected = func(i widget.ListItemID) { ex.sel = i; ex.refreshFrame() }
	ex.list.OnUnselected = func(widget.ListItemID) { ex.sel = -1; ex.refreshFrame() }
	ex.params = newParamsPanel(ex)
	ex.setSession(sess)
	ex.content = ex.layout()
	return ex
}

// Content is the window's content.
func (ex *Explorer) Content() fyne.CanvasObject { return ex.content }

func (ex *Explorer) layout() fyne.CanvasObject {
	bar := container.NewHBox(
		widget.NewButtonWithIcon("", theme.FolderOpenIcon(), ex.OpenDialog),
		widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), ex.Save),
		widget.NewButtonWithIcon("", theme.ContentUndoIcon(), ex.Undo),
		widget.NewSeparator(),
		ex.play,
		widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), ex.Step),
		widget.NewButtonWithIcon("Restart", theme.MediaReplayIcon(), ex.Restart),
		ex.speed,
		widget.NewSeparator(),
		ex.tool,
	)
	placed := container.NewBorder(nil, container.NewGridWithColumns(2,
		widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), ex.editSelected),
		widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), ex.DeleteSelected)), nil, nil, ex.list)
	side := container.NewAppTabs(
		container.NewTabItem("Placed", placed),
		container.NewTabItem("Parameters", ex.params.content),
		container.NewTabItem("View", ex.viewPanel()),
	)
	top := container.NewHSplit(ex.view, side)
	top.Offset = 0.72
	main := container.NewVSplit(top, ex.traces.content)
	main.Offset = 0.68
	return container.NewBorder(bar, container.NewBorder(nil, nil, nil, ex.pending, ex.status), nil, nil, main)
}

// setSession shows a (new) session.
func (ex *Explorer) setSession(s *Session) {
	if ex.sess != nil {
		ex.sess.SetOnUpdate(nil)
		ex.sess.Pause()
	}
	ex.sess = s
	s.SetOnUpdate(func() { fyne.Do(ex.refreshFrame) })
	ex.view.SetMorphology(views.NewMorphology(s.Frusta))
	v := s.Model.View
	cam := views.Camera{Azimuth: v.Azimuth, Elevation: v.Elevation, Zoom: v.Zoom}
	if cam.Zoom == 0 {
		cam.Zoom = 1
	}
	ex.view.SetCamera(cam)
	st := views.DefaultStyle()
	if v.VMin != nil {
		st.Min = *v.VMin
	}
	if v.VMax != nil {
		st.Max = *v.VMax
	}
	st.Map = views.ColormapNamed(v.Colormap)
	ex.view.SetStyle(st)
	ex.speed.SetSelected(speedLabel(s.Speed))
	ex.history = nil
	ex.sel = -1
	ex.win.SetTitle("Neurite — " + s.Model.Name)
	ex.refreshAll()
}

func speedLabel(speed float64) string {
	if speed <= 0 {
		return "fastest"
	}
	return fmt.Sprintf("%g ms/s", speed)
}

func (ex *Explorer) setSpeed(label string) {
	if label == "fastest" {
		ex.sess.Speed = 0
		return
	}
	var v float64
	if _, err := fmt.Sscanf(label, "%g ms/s", &v); err == nil {
		ex.sess.Speed = v
	}
}

// refreshAll updates everything shown after the model or session changed.
func (ex *Explorer) refreshAll() {
	ex.items = ex.sess.Model.Items()
	ex.list.UnselectAll()
	ex.list.Refresh()
	ex.params.load()
	if ex.sess.Stale() {
		ex.pending.SetText("changes apply on Restart")
	} else {
		ex.pending.SetText("")
	}
	ex.refreshFrame()
}

// refreshFrame redraws the cell and the traces; it runs on the UI thread.
func (ex *Explorer) refreshFrame() {
	t, v, err := ex.sess.State(ex.volts)
	ex.volts = v
	ex.view.Display(t, v, ex.markers())
	if ex.sess.Playing() {
		ex.play.SetText("Pause")
		ex.play.SetIcon(theme.MediaPauseIcon())
	} else {
		ex.play.SetText("Play")
		ex.play.SetIcon(theme.MediaPlayIcon())
	}
	status := fmt.Sprintf("t = %.2f / %g ms   %d compartments   %s   %.0f fps", t, ex.sess.Tstop, ex.sess.Plan.Compartments(), ex.sess.Backend, ex.view.FrameRate())
	if ex.hover != "" {
		status += "   " + ex.hover
	}
	if err != nil {
		status += "   stopped: " + err.Error()
	}
	ex.status.SetText(status)
	ex.traces.update(ex.sess, ex.probeColors(), t)
}

func (ex *Explorer) probeColors() map[string]color.RGBA {
	colors := map[string]color.RGBA{}
	for i, r := range ex.sess.Model.Records {
		colors[r.Name] = views.ProbeColor(i)
	}
	return colors
}

// markers shows every placed item where it is.
func (ex *Explorer) markers() []views.Marker {
	return pipeline.Markers(ex.sess.Model, ex.sess.Plan.Cells[0].Morph, ex.sel)
}

func (ex *Explorer) synapse(name string) *spec.Synapse { return ex.sess.Model.SynapseNamed(name) }

// segmentLocation names a segment as a model file would: "dend[3](0.25)".
func (ex *Explorer) segmentLocation(seg int) string { return ex.sess.Segments[seg].Name }

func (ex *Explorer) hovered(seg int, ok bool) {
	if !ok {
		ex.hover = ""
	} else {
		_, v, _ := ex.sess.State(nil)
		ex.hover = fmt.Sprintf("%s   %.1f µm from the soma   v = %.2f mV", ex.segmentLocation(seg), ex.sess.Dist[seg], v[seg])
	}
	ex.refreshFrame()
}

// tapped acts on a click on segment seg according to the tool.
func (ex *Explorer) tapped(seg int) {
	at := ex.segmentLocation(seg)
	switch ex.tool.Selected {
	case toolElectrode:
		ex.edit(func(m *spec.Model) { place(m, spec.ElectrodeItem, at) }, true)
	case toolSynapse:
		ex.edit(func(m *spec.Model) { place(m, spec.SynapseItem, at) }, true)
	case toolProbe:
		ex.edit(func(m *spec.Model) { place(m, spec.ProbeItem, at) }, false)
	case toolMove:
		if ex.sel < 0 || ex.sel >= len(ex.items) {
			ex.status.SetText("select something in the Placed list first, then click where it goes")
			return
		}
		it := ex.items[ex.sel]
		ex.edit(func(m *spec.Model) { move(m, it, at) }, it.Kind != spec.ProbeItem)
	default:
		ex.hovered(seg, true)
	}
}

// edit changes the model, keeping the previous one for Undo. Changes to
// the cell or its stimuli (restart true) apply on Restart; probes at once.
func (ex *Explorer) edit(change func(m *spec.Model), restart bool) {
	ex.history = append(ex.history, ex.sess.Model.Clone())
	change(ex.sess.Model)
	if restart {
		ex.sess.Changed()
	}
	ex.sess.SyncProbes()
	ex.refreshAll()
}

// Undo returns to the model before the last edit.
func (ex *Explorer) Undo() {
	if len(ex.history) == 0 {
		return
	}
	ex.sess.Model = ex.history[len(ex.history)-1]
	ex.history = ex.history[:len(ex.history)-1]
	ex.sess.Changed()
	ex.sess.SyncProbes()
	ex.refreshAll()
}

// DeleteSelected removes the selected item.
func (ex *Explorer) DeleteSelected() {
	if ex.sel < 0 || ex.sel >= len(ex.items) {
		return
	}
	it := ex.items[ex.sel]
	ex.edit(func(m *spec.Model) { remove(m, it) }, it.Kind != spec.ProbeItem)
}

// TogglePlay starts or pauses the simulation; at the end it starts over.
func (ex *Explorer) TogglePlay() {
	if ex.sess.Playing() {
		ex.sess.Pause()
	} else {
		if t, _, err := ex.sess.State(nil); t >= ex.sess.Tstop-ex.sess.Plan.Dt/2 || err != nil || ex.sess.Stale() {
			ex.Restart()
		}
		ex.sess.Play()
	}
	ex.refreshFrame()
}

// Step advances one time step.
func (ex *Explorer) Step() {
	ex.sess.Step()
	ex.refreshFrame()
}

// Restart applies pending changes and starts again from t = 0.
func (ex *Explorer) Restart() {
	if err := ex.sess.Restart(); err != nil {
		dialog.ShowError(fmt.Errorf("the changed model cannot run, the previous one stays:\n%w", err), ex.win)
		return
	}
	ex.view.SetMorphology(views.NewMorphology(ex.sess.Frusta))
	ex.refreshAll()
}

// Open replaces the session with a model or SWC file; a file that cannot
// be opened leaves the current one and says why.
func (ex *Explorer) Open(file string) {
	s, err := LoadSession(file)
	if err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	ex.file = file
	ex.setSession(s)
	addRecent(file)
}

// OpenDialog asks for a model or SWC file to open.
func (ex *Explorer) OpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		ex.Open(r.URI().Path())
	}, ex.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".toml", ".swc", ".SWC"}))
	d.Show()
}

// Save writes the session to its model file, or asks where.
func (ex *Explorer) Save() {
	if ex.file == "" || spec.IsSWC(ex.file) {
		ex.SaveDialog()
		return
	}
	ex.SaveAs(ex.file)
}

// SaveDialog asks where to save the session.
func (ex *Explorer) SaveDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		ex.SaveAs(w.URI().Path())
	}, ex.win)
	d.SetFileName(strings.ReplaceAll(ex.sess.Model.Name, " ", "_") + ".toml")
	d.Show()
}

// SaveAs writes the session — geometry, biophysics, what is placed and
// the view — as a model file that reopens as it is now.
func (ex *Explorer) SaveAs(file string) {
	ex.storeView()
	if err := ex.sess.Model.SaveAs(file); err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	ex.file = file
	addRecent(file)
	ex.status.SetText("saved " + filepath.Base(file))
}

// storeView writes the camera, colours and speed into the model.
func (ex *Explorer) storeView() {
	cam, st := ex.view.Camera(), ex.view.Style()
	v := &ex.sess.Model.View
	v.Azimuth, v.Elevation, v.Zoom = cam.Azimuth, cam.Elevation, cam.Zoom
	lo, hi := st.Min, st.Max
	v.VMin, v.VMax = &lo, &hi
	v.Colormap = "viridis"
	if colormapName(st.Map) == "coolwarm" {
		v.Colormap = "coolwarm"
	}
	v.Speed = ex.sess.Speed
}

// colormapName tells the colormaps apart by their colour at 0.5.
func colormapName(m views.Colormap) string {
	if m(0.5) == views.CoolWarm(0.5) {
		return "coolwarm"
	}
	return "viridis"
}

// recent files, most recent first, kept in the app's preferences.
const recentKey = "recent"

func addRecent(file string) {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return
	}
	list := slices.DeleteFunc(a.Preferences().StringList(recentKey), func(f string) bool { return f == abs })
	list = append([]string{abs}, list...)
	a.Preferences().SetStringList(recentKey, list[:min(len(list), 10)])
}

func recentFiles() []string {
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences().StringList(recentKey)
	}
	return nil
}

// viewPanel holds the colour settings and a reset of the camera.
func (ex *Explorer) viewPanel() fyne.CanvasObject {
	st := ex.view.Style()
	lo, hi := widget.NewEntry(), widget.NewEntry()
	lo.SetText(fmt.Sprint(st.Min))
	hi.SetText(fmt.Sprint(st.Max))
	cmap := widget.NewSelect(spec.Colormaps, nil)
	cmap.SetSelected(colormapName(st.Map))
	apply := func() {
		var a, b float64
		if _, err := fmt.Sscan(lo.Text, &a); err != nil {
			dialog.ShowError(fmt.Errorf("v min: %q is not a number", lo.Text), ex.win)
			return
		}
		if _, err := fmt.Sscan(hi.Text, &b); err != nil || !(b > a) {
			dialog.ShowError(fmt.Errorf("v max: %q must be a number above v min", hi.Text), ex.win)
			return
		}
		st := ex.view.Style()
		st.Min, st.Max, st.Map = a, b, views.ColormapNamed(cmap.Selected)
		ex.view.SetStyle(st)
	}
	cmap.OnChanged = func(string) { apply() }
	form := widget.NewForm(
		widget.NewFormItem("v min (mV)", lo),
		widget.NewFormItem("v max (mV)", hi),
		widget.NewFormItem("colormap", cmap),
	)
	form.OnSubmit = apply
	form.SubmitText = "Apply"
	reset := widget.NewButton("Reset view", func() { ex.view.SetCamera(views.Camera{Zoom: 1}) })
	help := widget.NewLabel("Drag to rotate, Shift-drag or right-drag to pan,\nwheel to zoom. Hover for section, x, distance, v.")
	return container.NewVBox(form, reset, help)
}

// editSelected opens the selected item's settings.
func (ex *Explorer) editSelected() {
	if ex.sel < 0 || ex.sel >= len(ex.items) {
		return
	}
	showItemDialog(ex, ex.items[ex.sel])
}

// itemMorph gives the current morphology (for locations typed by hand).
func (ex *Explorer) itemMorph() *compartments.Morphology { return ex.sess.Plan.Cells[0].Morph }
