package app

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"neurite/app/pipeline"
	"neurite/assets"
	"neurite/compartments"
	"neurite/sim/spec"
	"neurite/views"
)

// Options adjust how Run starts.
type Options struct {
	Play bool // start playing at once
	// ReportFPS, when positive, plays for that long, writes the frame
	// rate the view achieved while the model ran to Report and quits: a
	// measurement of the window under load (see reportFrameRate).
	ReportFPS time.Duration
	Report    io.Writer
	// Speed, when not negative, overrides the model's speed (model ms per
	// second; 0 as fast as possible).
	Speed float64
	// Dynamics, when set, opens the Dynamics tab on this point model
	// (a built-in name, or a file of equations).
	Dynamics string
	// Model, with a results folder, is the model file the run was of:
	// its cell replays the snapshots.
	Model string
}

// defaultLabModel is the model the Dynamics tab starts on.
const defaultLabModel = "fhn"

// Run opens the main window on file (or the embedded example) and returns
// when the window closes. A network file opens in the Network tab, the
// cell explorer behind it on the example.
func Run(file string, opts Options) error {
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		return runResults(file, opts)
	}
	if opts.Model != "" {
		return fmt.Errorf("--model goes with a results folder, and %s is a file", file)
	}
	network := pipeline.IsNetwork(file)
	if network && opts.ReportFPS > 0 {
		return fmt.Errorf("--report-fps measures the cell explorer: %s is a network", file)
	}
	cellFile := file
	if network {
		cellFile = ""
	}
	sess, err := LoadSession(cellFile)
	if err != nil {
		return err
	}
	if opts.Speed >= 0 {
		sess.Speed = opts.Speed
	}
	a := newFyneApp()
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := a.NewWindow("Neurite")
	ex, lab, err := setUpWindow(w, sess, cellFile)
	if err != nil {
		return err
	}
	if network {
		if err := ex.openNetwork(file); err != nil {
			return err
		}
	}
	if opts.Dynamics != "" {
		if err := lab.Open(opts.Dynamics); err != nil {
			return err
		}
		w.Content().(*container.AppTabs).SelectIndex(1)
	}
	switch {
	case network && opts.Play:
		a.Lifecycle().SetOnStarted(ex.net.Run)
	case opts.Play || opts.ReportFPS > 0:
		a.Lifecycle().SetOnStarted(ex.TogglePlay)
	}
	reported := make(chan error, 1)
	if opts.ReportFPS > 0 {
		go func() {
			reported <- ex.reportFrameRate(opts.ReportFPS, opts.Report)
			fyne.Do(a.Quit)
		}()
	}
	w.ShowAndRun()
	ex.sess.SetOnUpdate(nil) // the UI is gone
	ex.sess.Pause()
	if ex.net != nil {
		ex.net.Close()
	}
	ex.rememberLayout()
	select {
	case err := <-reported:
		return err
	default: // closed before the measurement ended
		return nil
	}
}

// setUpWindow fills the main window: the explorer on a session of file
// and the dynamics lab, in two tabs, the menu, what a dropped file and
// the close button do, and the size at start.
func setUpWindow(w fyne.Window, sess *Session, file string) (*Explorer, *Lab, error) {
	ex := NewExplorer(w, sess, file)
	lab, err := NewLab(w, defaultLabModel)
	if err != nil {
		return nil, nil, err
	}
	ex.tabs = container.NewAppTabs(container.NewTabItem("Cell", ex.Content()), container.NewTabItem("Dynamics", lab.Content()))
	w.SetContent(ex.tabs)
	ex.setMenu()
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if len(uris) > 0 {
			ex.Open(uris[0].Path())
		}
	})
	w.Resize(fyne.NewSize(defaultWidth, defaultHeight))
	w.SetCloseIntercept(ex.RequestQuit)
	return ex, lab, nil
}

// The window's size at start, which fits a 1280×800 screen.
const defaultWidth, defaultHeight = 1280, 800

// Tools: what a click on the cell does.
const (
	toolInspect   = "Inspect"
	toolElectrode = "Electrode"
	toolProbe     = "Probe"
	toolSynapse   = "Synapse"
	toolMove      = "Move"
)

// Explorer is the main window's content: the cell as a heatmap, the
// controls of the simulation, what is placed on the cell, the parameters
// and the traces of the probes.
type Explorer struct {
	win  fyne.Window
	sess *Session
	file string // the model file behind the session, "" for the example

	view   *cellView
	traces *tracesPanel
	params *paramsPanel
	list   *widget.List
	items  []spec.Item
	sel    int // selected item, -1 for none
	// editBtn and deleteBtn act on the selected item: disabled while none
	// is, since pressed then they did nothing and said nothing.
	editBtn, deleteBtn *widget.Button
	tool               *widget.RadioGroup
	play               *widget.Button
	speed              *widget.Select
	slow               *widget.Check
	status             *widget.Label // the run, and what the last action did
	readout            *widget.Label // the segment under the pointer
	fps                *widget.Label // the frame rate, at the status bar's right end
	pending            *widget.Label
	side               *container.AppTabs
	split              *container.Split // the cell and the side panel above, the traces below
	content            fyne.CanvasObject
	quit               func() // closes the window
	// tabs are the window's tabs, when the explorer fills a window: the
	// first shows the cell, or net when a network file is open.
	tabs *container.AppTabs
	net  *NetView

	history []*spec.Model // models before each edit, for undo
	// savedDepth is the length of history when the model was last opened
	// or saved; -1 once Undo went past it.
	savedDepth int
	startSplit float64 // the split's offset at the start, to remember a change
	note       string  // what the last action did, shown until the next one
	probesWait string  // when probes placed while paused start recording
	hoverSeg   int     // the segment under the pointer, -1 for none
	volts      []float64
	// The heatmap's quantity: its choice, the v range kept while another
	// quantity shows, and the range of the other quantity's values seen
	// since it was chosen (its colour scale).
	quantity *widget.Select
	vLo, vHi float64
	qSpan    views.Span
}

// NewExplorer builds the explorer for a session in a window; file is the
// model file the session came from ("" for the embedded example).
func NewExplorer(w fyne.Window, sess *Session, file string) *Explorer {
	ex := &Explorer{win: w, file: file, sel: -1, hoverSeg: -1}
	ex.quit = func() {
		ex.sess.Pause()
		if ex.net != nil {
			ex.net.Close()
		}
		w.Close()
	}
	ex.view = newCellView(nil, views.DefaultStyle(), views.Camera{Zoom: 1})
	ex.view.OnTap = ex.tapped
	ex.view.OnHover = ex.hovered
	ex.traces = newTracesPanel()
	ex.status = widget.NewLabel("")
	ex.status.Truncation = fyne.TextTruncateEllipsis // a long line must not widen the window
	ex.readout = widget.NewLabel("")
	ex.fps = widget.NewLabel("")
	ex.fps.Alignment = fyne.TextAlignTrailing
	ex.pending = widget.NewLabel("")
	ex.pending.Importance = widget.WarningImportance
	ex.play = widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), ex.TogglePlay)
	ex.tool = widget.NewRadioGroup([]string{toolInspect, toolElectrode, toolProbe, toolSynapse, toolMove}, nil)
	ex.tool.Horizontal = true
	ex.tool.SetSelected(toolInspect)
	ex.quantity = widget.NewSelect([]string{"v"}, ex.setQuantity)
	ex.quantity.Selected = "v"
	ex.speed = widget.NewSelect(speedLabels(), ex.setSpeed)
	ex.slow = widget.NewCheck("Slow at spikes", ex.SetSlowAtSpikes)
	ex.list = widget.NewList(func() int { return len(ex.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := ex.items[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %s  %s", it.Kind, it.Name, it.At))
		})
	ex.list.OnSelected = func(i widget.ListItemID) { ex.sel = i; ex.selectionChanged() }
	ex.list.OnUnselected = func(widget.ListItemID) { ex.sel = -1; ex.selectionChanged() }
	ex.editBtn = widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), ex.editSelected)
	ex.deleteBtn = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), ex.DeleteSelected)
	ex.editBtn.Disable()
	ex.deleteBtn.Disable()
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
		steadyWidth(ex.play, "Play", "Pause"),
		widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), ex.Step),
		widget.NewButtonWithIcon("Restart", theme.MediaReplayIcon(), ex.Restart),
		ex.speed,
		ex.slow,
		widget.NewSeparator(),
		ex.tool,
	)
	placed := container.NewBorder(nil, container.NewGridWithColumns(2, ex.editBtn, ex.deleteBtn), nil, nil, ex.list)
	ex.side = container.NewAppTabs(
		container.NewTabItem("Placed", placed),
		container.NewTabItem("Parameters", ex.params.content),
		container.NewTabItem("View", ex.viewPanel()),
	)
	top := container.NewHSplit(ex.view, ex.side)
	top.Offset = 0.72
	ex.split = container.NewVSplit(top, ex.traces.content)
	ex.split.Offset = defaultTracesSplit
	if s, err := loadSettings(); err != nil {
		ex.note = err.Error()
	} else if s.TracesSplit > 0 && s.TracesSplit < 1 {
		ex.split.Offset = s.TracesSplit
	}
	ex.startSplit = ex.split.Offset
	// The readout, what waits and the frame rate keep their whole width;
	// the run's line (and the last action's note on it) gives way, cut
	// with an ellipsis. The frame rate has a label of its own, at a fixed
	// width at the right end: at the end of the run's line it was cut to
	// "0 f…" once the readout and a notice showed.
	fpsWidth := canvas.NewRectangle(color.Transparent)
	fpsWidth.SetMinSize(fyne.NewSize(widget.NewLabel("999 fps").MinSize().Width, 0))
	status := container.NewBorder(nil, nil, nil, container.NewHBox(ex.readout, ex.pending, container.NewStack(fpsWidth, ex.fps)), ex.status)
	return container.NewBorder(bar, status, nil, nil, ex.split)
}

// defaultTracesSplit is the cell view's share of the height it shares with
// the traces: about 250 pixels of traces in a 1280×800 window.
const defaultTracesSplit = 0.6

// rememberLayout keeps the height given to the traces for the next start.
func (ex *Explorer) rememberLayout() {
	offset := ex.split.Offset
	if offset == ex.startSplit {
		return
	}
	updateSettings(func(s *settings) { s.TracesSplit = offset }) // a layout not remembered is no loss worth a word
}

// setSession shows a (new) session.
func (ex *Explorer) setSession(s *Session) {
	if ex.sess != nil {
		ex.sess.SetOnUpdate(nil)
		ex.sess.Pause()
	}
	ex.sess, ex.hoverSeg = s, -1
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
	s.SetSlowAtSpikes(ex.slow.Checked)
	ex.history, ex.savedDepth = nil, 0
	ex.sel = -1
	ex.win.SetTitle("Neurite — " + s.Model.Name)
	ex.refreshAll()
}

func (ex *Explorer) setSpeed(label string) {
	if v, ok := parseSpeed(label); ok {
		ex.sess.Speed = v
	}
}

// Slower and Faster step the speed through the speed box's choices.
func (ex *Explorer) Slower() { ex.speed.SetSelected(speedLabel(stepSpeed(ex.sess.Speed, -1))) }
func (ex *Explorer) Faster() { ex.speed.SetSelected(speedLabel(stepSpeed(ex.sess.Speed, 1))) }

// SetSlowAtSpikes turns slowing down at spikes on or off.
func (ex *Explorer) SetSlowAtSpikes(on bool) {
	ex.sess.SetSlowAtSpikes(on)
	ex.slow.SetChecked(on)
	if ex.win.MainMenu() != nil {
		ex.setMenu()
	}
}

// refreshAll updates everything shown after the model or session changed.
func (ex *Explorer) refreshAll() {
	if q := ex.sess.Quantities(); !slices.Equal(q, ex.quantity.Options) {
		ex.quantity.Options = q
		if !slices.Contains(q, ex.sess.Quantity()) {
			ex.quantity.SetSelected("v")
		}
		ex.quantity.Refresh()
	}
	ex.items = ex.sess.Model.Items()
	ex.list.UnselectAll()
	ex.selectionChanged()
	ex.list.Refresh()
	ex.params.load()
	ex.showPending()
	ex.refreshFrame()
}

// showPending says what waits: changes for a restart, probes for the run
// to go on.
func (ex *Explorer) showPending() {
	var waits []string
	if ex.sess.Stale() {
		waits = append(waits, "changes apply on Restart")
	}
	if ex.probesWait != "" {
		waits = append(waits, ex.probesWait)
	}
	ex.pending.SetText(strings.Join(waits, "   "))
}

// refreshFrame redraws the cell and the traces; it runs on the UI thread.
func (ex *Explorer) refreshFrame() {
	t, v, err := ex.sess.State(ex.volts)
	ex.volts = v
	if ex.sess.Quantity() != "v" {
		ex.scaleQuantity(v)
	}
	ex.view.Display(t, v, ex.markers())
	if ex.sess.Playing() {
		ex.play.SetText("Pause")
		ex.play.SetIcon(theme.MediaPauseIcon())
	} else {
		ex.play.SetText("Play")
		ex.play.SetIcon(theme.MediaPlayIcon())
	}
	status := fmt.Sprintf("t = %.2f / %g ms   %d compartments on the %s", t, ex.sess.Tstop,
		ex.sess.Plan.Compartments(), strings.ToUpper(ex.sess.BackendName))
	ex.fps.SetText(fmt.Sprintf("%.0f fps", ex.view.FrameRate()))
	if ex.sess.Slowed() {
		status += fmt.Sprintf("   slowed to %g ms/s for a spike", slowSpeed)
	}
	if err != nil {
		status += "   stopped: " + err.Error()
	}
	if ex.note != "" {
		status += "   " + ex.note
	}
	ex.status.SetText(status)
	ex.showReadout(v)
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
	ex.hoverSeg = -1
	if ok {
		ex.hoverSeg = seg
	}
	_, v, _ := ex.sess.State(nil)
	ex.showReadout(v)
}

// showReadout shows the segment under the pointer and its voltage v[seg].
func (ex *Explorer) showReadout(v []float64) {
	seg := ex.hoverSeg
	if seg < 0 || seg >= len(v) {
		ex.readout.SetText("")
		return
	}
	value := fmt.Sprintf("v = %.2f mV", v[seg])
	if q := ex.sess.Quantity(); q != "v" {
		value = fmt.Sprintf("%s = %.6g", q, v[seg])
		if math.IsNaN(v[seg]) {
			value = q + " not here"
		}
	}
	ex.readout.SetText(fmt.Sprintf("%s   %.1f µm from the soma   %s", ex.segmentLocation(seg), ex.sess.Dist[seg], value))
}

// setQuantity colours the heatmap by q: v on its own scale, any other
// quantity on the range of its values seen since (segments without it
// in grey).
func (ex *Explorer) setQuantity(q string) {
	was := ex.sess.Quantity()
	if err := ex.sess.SetQuantity(q); err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	st := ex.view.Style()
	if was == "v" && q != "v" {
		ex.vLo, ex.vHi = st.Min, st.Max
	}
	if q == "v" {
		if was != "v" {
			st.Min, st.Max = ex.vLo, ex.vHi
		}
		st.Missing = views.DefaultStyle().Missing
	} else {
		ex.qSpan = views.NewSpan()
		st.Missing = views.Absent
	}
	st.Unit = ex.sess.Plan.QuantityUnit(q)
	ex.view.SetStyle(st)
	ex.refreshFrame()
}

// scaleQuantity widens the colour scale of a quantity other than v to
// the values it has shown.
func (ex *Explorer) scaleQuantity(v []float64) {
	ex.qSpan.Add(v)
	st := ex.view.Style()
	if lo, hi := ex.qSpan.Scale(); st.Min != lo || st.Max != hi {
		st.Min, st.Max = lo, hi
		ex.view.SetStyle(st)
	}
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
			ex.say("select something in the Placed list first, then click where it goes")
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
	ex.note, ex.probesWait = "", ex.probeNote(ex.sess.SyncProbes())
	ex.refreshAll()
}

// probeNote says when probes placed or moved just now start recording,
// if not with the run: from where the paused run continues, or from the
// next run if it has ended.
func (ex *Explorer) probeNote(started []string) string {
	t, _, _ := ex.sess.State(nil)
	if len(started) == 0 || ex.sess.Playing() || t < ex.sess.Plan.Dt/2 {
		return ""
	}
	names := strings.Join(started, ", ")
	if t < ex.sess.Tstop-ex.sess.Plan.Dt/2 {
		return fmt.Sprintf("%s records from t = %.2f ms on, as the run continues", names, t)
	}
	return fmt.Sprintf("the run has ended: %s records from the next Play", names)
}

// say shows what the last action did in the status bar.
func (ex *Explorer) say(note string) {
	ex.note = note
	ex.refreshFrame()
}

// Undo returns to the model before the last edit.
func (ex *Explorer) Undo() {
	if len(ex.history) == 0 {
		return
	}
	ex.sess.Model = ex.history[len(ex.history)-1]
	ex.history = ex.history[:len(ex.history)-1]
	if len(ex.history) < ex.savedDepth {
		ex.savedDepth = -1
	}
	ex.sess.Changed()
	ex.note, ex.probesWait = "", ex.probeNote(ex.sess.SyncProbes())
	ex.refreshAll()
}

// selectionChanged enables Edit and Delete when an item is selected, and
// redraws the cell with the selection marked.
func (ex *Explorer) selectionChanged() {
	for _, b := range []*widget.Button{ex.editBtn, ex.deleteBtn} {
		if ex.sel >= 0 && ex.sel < len(ex.items) {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	ex.refreshFrame()
}

// nothingSelected is what Edit and Delete say, from a menu or a key, when
// no item is selected.
const nothingSelected = "select an electrode, probe or synapse in the Placed list first"

// DeleteSelected removes the selected item.
func (ex *Explorer) DeleteSelected() {
	if ex.sel < 0 || ex.sel >= len(ex.items) {
		ex.say(nothingSelected)
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
		ex.probesWait = ""
		ex.showPending()
	}
	ex.refreshFrame()
}

// Step advances one time step.
func (ex *Explorer) Step() {
	ex.sess.Step()
	ex.probesWait = ""
	ex.showPending()
	ex.refreshFrame()
}

// Restart applies pending changes and starts again from t = 0.
func (ex *Explorer) Restart() {
	if err := ex.sess.Restart(); err != nil {
		dialog.ShowError(fmt.Errorf("the changed model cannot run, the previous one stays:\n%w", err), ex.win)
		return
	}
	ex.view.SetMorphology(views.NewMorphology(ex.sess.Frusta))
	ex.note, ex.probesWait, ex.hoverSeg = "", "", -1
	ex.refreshAll()
}

// Open replaces the session with a model or SWC file, or shows a network
// file in the Network tab; a file that cannot be opened leaves the
// current one and says why.
func (ex *Explorer) Open(file string) {
	if pipeline.IsNetwork(file) {
		if err := ex.openNetwork(file); err != nil {
			dialog.ShowError(err, ex.win)
		}
		return
	}
	s, err := LoadSession(file)
	if err != nil {
		dialog.ShowError(err, ex.win)
		return
	}
	ex.file = file
	ex.setSession(s)
	ex.showCell()
	ex.remember(file)
	if notes := s.Model.Notes; len(notes) > 0 {
		// what the file holds and the model does not run (a NeuroML
		// cell's active channels): said, never dropped silently
		dialog.ShowInformation("Not run", strings.Join(notes, "\n"), ex.win)
	}
}

// remember puts a file at the top of File → Open Recent.
func (ex *Explorer) remember(file string) {
	if err := addRecent(file); err != nil {
		ex.say(ex.note + "   (not added to Open Recent: " + err.Error() + ")")
	}
	if ex.win.MainMenu() != nil {
		ex.setMenu()
	}
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
	d.SetFilter(storage.NewExtensionFileFilter([]string{".toml", ".swc", ".SWC", ".nml"}))
	startInRecentFolder(d)
	d.Show()
}

// Save writes the session to its model file, or asks where.
func (ex *Explorer) Save() { ex.saveThen(nil) }

// saveThen saves the session, asking where if it has no model file, and
// then, if it was saved, calls after (when not nil).
func (ex *Explorer) saveThen(after func()) {
	if ex.file == "" || spec.IsSWC(ex.file) || spec.IsNeuroML(ex.file) {
		ex.saveDialog(after)
		return
	}
	if ex.saveTo(ex.file) && after != nil {
		after()
	}
}

// SaveDialog asks where to save the session.
func (ex *Explorer) SaveDialog() { ex.saveDialog(nil) }

func (ex *Explorer) saveDialog(after func()) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		if ex.saveTo(w.URI().Path()) && after != nil {
			after()
		}
	}, ex.win)
	d.SetFileName(strings.ReplaceAll(ex.sess.Model.Name, " ", "_") + ".toml")
	startInRecentFolder(d)
	d.Show()
}

// SaveAs writes the session — geometry, biophysics, what is placed and
// the view — as a model file that reopens as it is now.
func (ex *Explorer) SaveAs(file string) { ex.saveTo(file) }

// saveTo is SaveAs, reporting whether the file was written.
func (ex *Explorer) saveTo(file string) bool {
	ex.storeView()
	if err := ex.sess.Model.SaveAs(file); err != nil {
		dialog.ShowError(err, ex.win)
		return false
	}
	ex.file = file
	ex.savedDepth = len(ex.history)
	ex.say("saved " + filepath.Base(file))
	ex.remember(file)
	return true
}

// storeView writes the camera, colours and speed into the model.
func (ex *Explorer) storeView() {
	cam, st := ex.view.Camera(), ex.view.Style()
	v := &ex.sess.Model.View
	v.Azimuth, v.Elevation, v.Zoom = cam.Azimuth, cam.Elevation, cam.Zoom
	lo, hi := st.Min, st.Max
	if ex.sess.Quantity() != "v" {
		lo, hi = ex.vLo, ex.vHi
	}
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
		widget.NewFormItem("colour by", ex.quantity),
		widget.NewFormItem("v min (mV)", lo),
		widget.NewFormItem("v max (mV)", hi),
		widget.NewFormItem("colormap", cmap),
	)
	form.OnSubmit = apply
	form.SubmitText = "Apply"
	reset := widget.NewButton("Reset view", ex.ResetView)
	help := widget.NewLabel("Drag to rotate, Shift-drag or right-drag to pan,\nwheel to zoom. Hover for section, x, distance, v.")
	return container.NewVBox(form, reset, help)
}

// ResetView shows the whole cell from the front.
func (ex *Explorer) ResetView() { ex.view.SetCamera(views.Camera{Zoom: 1}) }

// zoomStep is how much Zoom In and Zoom Out magnify.
const zoomStep = 1.25

// editSelected opens the selected item's settings.
func (ex *Explorer) editSelected() {
	if ex.sel < 0 || ex.sel >= len(ex.items) {
		ex.say(nothingSelected)
		return
	}
	showItemDialog(ex, ex.items[ex.sel])
}

// itemMorph gives the current morphology (for locations typed by hand).
func (ex *Explorer) itemMorph() *compartments.Morphology { return ex.sess.Plan.Cells[0].Morph }
