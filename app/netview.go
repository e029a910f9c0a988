package app

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"neurite/sim/spec"
	"neurite/sim/spiketrain"
	"neurite/views"
)

// NetView is the Network tab: a network file's run as a live raster with
// its population rates and its activity (cable cells' voltages where they
// stand, or a sheet of point neurons), and when the run ends its ISI and
// CV histograms, synchrony and the distribution of its plastic weights.
// The run goes in the background; a ticker hands its new spikes to the
// raster, and its activity to the Cells or Sheet tab, about 30 times a
// second.
type NetView struct {
	win  fyne.Window
	sess *NetSession

	raster *rasterView
	rates  *plotView
	// ratesNote says what the rates are and the bins they are drawn in.
	ratesNote *widget.Label
	isi, cv   *plotView
	order     *plotView
	weights   *plotView
	matrix    *plotView
	trace     *plotView
	traceMsg  *widget.Label
	sync      *widget.Label
	isiNote   *widget.Label
	cvNote    *widget.Label
	// weightNote summarises the plastic projections' weights.
	weightNote *widget.Label
	// weightPlots holds the weights' figures, fixedWeights in their place
	// says a network without plasticity has none to show; the figures'
	// Save buttons are enabled only with a figure to save.
	weightPlots             fyne.CanvasObject
	fixedWeights            *widget.Label
	saveWeights, saveMatrix *widget.Button
	tabs                    *container.AppTabs
	// activity is the session's Cells or Sheet tab (activityTab).
	activity    *netActivity
	activityTab *container.TabItem

	run, stop *widget.Button
	bar       *widget.ProgressBar
	tstop     *widget.Entry
	backend   *widget.Select // auto, cpu or gpu: the file's run.backend
	seed      *widget.Entry
	pops      *fyne.Container // the populations: colour, name, size, rate
	sizes     []*widget.Entry
	popRates  []*widget.Label // each population's mean rate in the run
	status    *widget.Label
	readout   *widget.Label
	content   fyne.CanvasObject

	gen       int // counts runs and rebuilds: what an older one sends late is dropped
	selected  int // the neuron whose trace is shown, -1 for none
	lastRates time.Time
	note      string        // what the last action did
	analysed  chan struct{} // closed when the last run's analysis is shown

	weightsShown   int  // the number of the session's weight copy shown
	drawingWeights bool // a copy is being drawn
}

// frameEvery is the raster's refresh interval while a run goes.
const frameEvery = time.Second / 30

// NewNetView builds the Network tab on a session.
func NewNetView(w fyne.Window, sess *NetSession) *NetView {
	nv := &NetView{win: w, selected: -1}
	nv.raster = newRasterView()
	nv.raster.OnHover = nv.hovered
	nv.raster.OnTap = nv.Select
	nv.rates = newPlotView(300, 200)
	nv.ratesNote = widget.NewLabel("")
	nv.isi, nv.cv, nv.order = newPlotView(300, 200), newPlotView(300, 200), newPlotView(300, 200)
	nv.weights, nv.matrix, nv.weightNote = newPlotView(300, 200), newPlotView(300, 200), widget.NewLabel("")
	nv.fixedWeights = widget.NewLabel(noPlasticity)
	nv.trace = newPlotView(300, 120)
	nv.traceMsg = widget.NewLabel("Click a neuron in the raster to see its trace.")
	nv.sync, nv.isiNote, nv.cvNote = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	// Notes wrap: a long one on one line widened the window past the
	// screen (the wave's synchrony note did).
	for _, l := range []*widget.Label{nv.sync, nv.isiNote, nv.cvNote, nv.weightNote, nv.ratesNote} {
		l.Wrapping = fyne.TextWrapWord
	}
	nv.bar = widget.NewProgressBar()
	nv.run = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), nv.Run)
	nv.run.Importance = widget.HighImportance
	nv.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), nv.Stop)
	nv.stop.Disable()
	nv.tstop, nv.seed = widget.NewEntry(), widget.NewEntry()
	nv.tstop.OnSubmitted = func(string) { nv.Apply() }
	nv.seed.OnSubmitted = func(string) { nv.Apply() }
	nv.backend = widget.NewSelect(spec.Backends, nil)
	nv.pops = container.NewVBox()
	nv.status = widget.NewLabel("")
	nv.status.Truncation = fyne.TextTruncateEllipsis
	nv.readout = widget.NewLabel("")
	nv.content = nv.layout()
	nv.setSession(sess)
	return nv
}

// Content is the tab's content.
func (nv *NetView) Content() fyne.CanvasObject { return nv.content }

// Session is the network shown.
func (nv *NetView) Session() *NetSession { return nv.sess }

func (nv *NetView) layout() fyne.CanvasObject {
	bar := container.NewBorder(nil, nil, container.NewHBox(
		nv.run, nv.stop,
		widget.NewSeparator(),
		widget.NewLabel("tstop (ms)"), fit(nv.tstop, fitTime),
		widget.NewLabel("seed"), fit(nv.seed, fitSeed),
		widget.NewLabel("backend"), nv.backend,
		widget.NewButtonWithIcon("Fit", theme.ZoomFitIcon(), nv.Fit),
	), nil, nv.bar)
	traceBox := container.NewBorder(nv.traceMsg, nil, nil, nil, nv.trace)
	rasterSplit := container.NewVSplit(nv.raster, traceBox)
	rasterSplit.Offset = 0.72
	save := func(base string, v *plotView) *widget.Button { return figureButton(nv.win, nv.say, base, v) }
	nv.saveWeights, nv.saveMatrix = save("weights", nv.weights), save("weight_matrix", nv.matrix)
	// two figures side by side: each button says which it saves
	nv.saveWeights.SetText("Save weights…")
	nv.saveMatrix.SetText("Save matrix…")
	nv.weightPlots = container.NewHSplit(nv.weights, nv.matrix)
	withSave := func(base string, v *plotView, note *widget.Label) fyne.CanvasObject {
		return container.NewBorder(nil, container.NewBorder(nil, nil, nil, save(base, v), note), nil, nil, v)
	}
	nv.activityTab = container.NewTabItem("Activity", widget.NewLabel(""))
	nv.tabs = container.NewAppTabs(
		container.NewTabItem("Raster", rasterSplit),
		nv.activityTab,
		container.NewTabItem("Rates", withSave("rates", nv.rates, nv.ratesNote)),
		container.NewTabItem("ISI", withSave("isi", nv.isi, nv.isiNote)),
		container.NewTabItem("CV", withSave("cv", nv.cv, nv.cvNote)),
		container.NewTabItem("Synchrony", withSave("synchrony", nv.order, nv.sync)),
		container.NewTabItem("Weights", container.NewBorder(nil,
			container.NewBorder(nil, nil, nil, container.NewHBox(nv.saveWeights, nv.saveMatrix), nv.weightNote),
			nil, nil, container.NewStack(nv.weightPlots, container.NewCenter(nv.fixedWeights)))),
	)
	side := container.NewBorder(widget.NewLabelWithStyle("Populations", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(widget.NewButton("Apply", func() { nv.Apply() }),
			widget.NewLabel("Sizes, tstop, seed and\nbackend apply at the next Run.")),
		nil, nil, container.NewVScroll(nv.pops))
	main := container.NewHSplit(nv.tabs, side)
	main.Offset = 0.8
	status := container.NewBorder(nil, nil, nil, nv.readout, nv.status)
	return container.NewBorder(bar, status, nil, nil, main)
}

// setSession shows a (new or rebuilt) session, its run not yet made.
func (nv *NetView) setSession(s *NetSession) {
	if nv.sess != nil && nv.sess != s {
		nv.sess.Close()
	}
	nv.sess = s
	nv.gen++
	nv.selected = -1
	nv.tstop.SetText(strconv.FormatFloat(s.Tstop(), 'g', -1, 64))
	nv.seed.SetText(strconv.Itoa(s.Spec.Seed))
	nv.backend.SetSelected(s.Spec.Run.Backend)
	nv.pops.RemoveAll()
	nv.sizes, nv.popRates = nil, nil
	for i, p := range s.Net.Pops {
		swatch := canvas.NewRectangle(popColor(i))
		swatch.SetMinSize(fyne.NewSize(14, 14))
		size := widget.NewEntry()
		size.SetText(strconv.Itoa(p.N))
		size.OnSubmitted = func(string) { nv.Apply() }
		rate := widget.NewLabel("")
		nv.sizes, nv.popRates = append(nv.sizes, size), append(nv.popRates, rate)
		nv.pops.Add(container.NewHBox(container.NewCenter(swatch), widget.NewLabel(p.Name), fit(size, fitCount), rate))
	}
	nv.raster.Reset(nv.populations(), s.Tstop())
	nv.activity = nv.newNetActivity()
	nv.activityTab.Text, nv.activityTab.Content = nv.activity.title, nv.activity.content
	nv.tabs.Refresh()
	for _, v := range []*plotView{nv.rates, nv.isi, nv.cv, nv.order, nv.trace} {
		v.SetPlot(nil)
	}
	nv.isiNote.SetText("")
	nv.cvNote.SetText("")
	nv.ratesNote.SetText(rateCaption(s.Spec.Record.RateBin, nv.rateBin()))
	nv.setWeights(nil, nil, "")
	if s.Net.HasPlasticity() {
		nv.weightPlots.Show()
		nv.fixedWeights.Hide()
		nv.saveWeights.Show()
		nv.saveMatrix.Show()
	} else {
		nv.weightPlots.Hide()
		nv.fixedWeights.Show()
		nv.saveWeights.Hide()
		nv.saveMatrix.Hide()
	}
	nv.sync.SetText("Synchrony is computed when a run ends.")
	nv.traceMsg.SetText("Click a neuron in the raster to see its trace.")
	nv.bar.SetValue(0)
	nv.bar.Hide() // shown while a run goes, as the dynamics lab's
	nv.win.SetTitle("Neurite — " + s.Spec.Name)
	nv.refreshStatus()
}

// popColor is population i's colour in every view.
func popColor(i int) color.RGBA { return views.ProbeColor(i) }

// populations are the raster's populations.
func (nv *NetView) populations() []views.Population {
	var out []views.Population
	for i, p := range nv.sess.Net.Pops {
		out = append(out, views.Population{Name: p.Name, Start: p.First, End: p.First + p.N, Color: popColor(i)})
	}
	return out
}

// settings returns the settings the controls change from the session's
// network (as --set would write them), or what is wrong with one.
func (nv *NetView) settings() ([]string, error) {
	var sets []string
	tstop, err := strconv.ParseFloat(strings.TrimSpace(nv.tstop.Text), 64)
	if err != nil || !(tstop > 0) || math.IsInf(tstop, 0) {
		return nil, fmt.Errorf("tstop: %q is not a positive number of ms", nv.tstop.Text)
	}
	if tstop != nv.sess.Tstop() {
		sets = append(sets, "run.tstop="+strconv.FormatFloat(tstop, 'g', -1, 64))
	}
	seed, err := strconv.Atoi(strings.TrimSpace(nv.seed.Text))
	if err != nil {
		return nil, fmt.Errorf("seed: %q is not a whole number", nv.seed.Text)
	}
	if seed != nv.sess.Spec.Seed {
		sets = append(sets, "seed="+strconv.Itoa(seed))
	}
	if b := nv.backend.Selected; b != nv.sess.Spec.Run.Backend {
		sets = append(sets, "run.backend="+b)
	}
	for i, p := range nv.sess.Net.Pops {
		n, err := strconv.Atoi(strings.TrimSpace(nv.sizes[i].Text))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("population %s: size %q is not a whole number of neurons, 1 or more", p.Name, nv.sizes[i].Text)
		}
		if n != p.N {
			sets = append(sets, fmt.Sprintf("population.%s.size=%d", p.Name, n))
		}
	}
	return sets, nil
}

// Apply rebuilds the network with the settings changed in the controls;
// one that does not hold leaves the network as it was and says why. It
// reports whether the network is ready to run.
func (nv *NetView) Apply() bool {
	sets, err := nv.settings()
	if err == nil && len(sets) > 0 {
		err = nv.sess.Rebuild(sets...)
		if err == nil {
			nv.setSession(nv.sess)
			nv.say("rebuilt with " + strings.Join(sets, ", "))
		}
	}
	if err != nil {
		nv.say("not applied: " + err.Error())
		return false
	}
	return true
}

// Run applies the controls' settings and runs the network from t = 0;
// the raster fills as the run goes.
func (nv *NetView) Run() {
	if !nv.Apply() {
		return
	}
	nv.sess.Stop()
	nv.gen++
	gen := nv.gen
	nv.raster.Reset(nv.populations(), nv.sess.Tstop())
	for _, v := range []*plotView{nv.isi, nv.cv, nv.order} {
		v.SetPlot(nil)
	}
	nv.isiNote.SetText("")
	nv.cvNote.SetText("")
	nv.sync.SetText("Synchrony is computed when the run ends.")
	nv.note = ""
	nv.run.Disable()
	nv.stop.Enable()
	if nv.activity.slider != nil {
		nv.activity.slider.Disable()
	}
	nv.bar.SetValue(0)
	nv.bar.Show()
	tick := time.NewTicker(frameEvery)
	ended, ticking := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ticking)
		for {
			select {
			case <-tick.C:
				fyne.Do(func() {
					if gen == nv.gen {
						nv.frame()
					}
				})
			case <-ended:
				tick.Stop()
				return
			}
		}
	}()
	nv.sess.Start(nil, func() {
		close(ended)
		<-ticking // the last frame comes from finished
		fyne.Do(func() {
			if gen == nv.gen {
				nv.finished()
			}
		})
	})
}

// Stop ends the run where it is; what it made so far stays shown.
func (nv *NetView) Stop() { nv.sess.Stop() }

// Close ends the run for good, as the window closes: what the run's
// goroutines would still show is dropped.
func (nv *NetView) Close() {
	nv.gen++
	nv.sess.Close()
}

// frame shows what the run made since the last frame.
func (nv *NetView) frame() {
	nv.raster.Add(nv.sess.Take())
	nv.raster.img.Refresh()
	t, _, _ := nv.sess.State()
	nv.bar.SetValue(t / nv.sess.Tstop())
	nv.showActivity()
	if time.Since(nv.lastRates) >= 250*time.Millisecond {
		nv.lastRates = time.Now()
		nv.showRates(t)
		nv.showTrace()
		nv.showWeights()
	}
	nv.refreshStatus()
}

// showWeights draws the run's latest copy of its plastic weights, in the
// background, when it is newer than the one shown.
func (nv *NetView) showWeights() {
	pw, gen := nv.sess.Weights()
	if gen == nv.weightsShown || nv.drawingWeights {
		return
	}
	nv.weightsShown, nv.drawingWeights = gen, true
	viewGen := nv.gen
	go func() {
		var a netAnalysis
		a.analyseWeights(pw)
		fyne.Do(func() {
			nv.drawingWeights = false
			// Once the run ends its analysis shows the final weights.
			if viewGen != nv.gen || !nv.sess.Running() {
				return
			}
			nv.setWeights(a.weights, a.matrix, a.weightNote)
		})
	}()
}

// setWeights shows the weights' figures and note, each Save button
// enabled only where its figure is drawn.
func (nv *NetView) setWeights(weights, matrix *plot.Plot, note string) {
	nv.weights.SetPlot(weights)
	nv.matrix.SetPlot(matrix)
	nv.weightNote.SetText(note)
	for _, b := range []struct {
		button *widget.Button
		shown  bool
	}{{nv.saveWeights, weights != nil}, {nv.saveMatrix, matrix != nil}} {
		if b.shown {
			b.button.Enable()
		} else {
			b.button.Disable()
		}
	}
}

// finished shows the end of a run and starts its analysis.
func (nv *NetView) finished() {
	nv.bar.Hide()
	nv.frame()
	nv.run.Enable()
	nv.stop.Disable()
	if nv.activity.slider != nil {
		nv.activity.slider.Enable()
	}
	t, _, err := nv.sess.State()
	nv.showRates(t)
	nv.showTrace()
	if err != nil {
		nv.say("stopped: " + err.Error())
	} else if t < nv.sess.Tstop()-nv.sess.Net.Dt()/2 {
		nv.say(fmt.Sprintf("stopped at %.1f ms", t))
	}
	nv.analyse(nv.gen)
}

// showRates plots each population's rate up to t.
func (nv *NetView) showRates(t float64) {
	series, err := nv.rateSeries(t)
	if err != nil {
		return
	}
	for i, r := range series {
		nv.popRates[i].SetText(fmt.Sprintf("%.1f Hz", mean(r.Y)))
	}
	nv.rates.SetPlot(views.RatePlot(series, 0, nv.sess.Tstop()))
}

// rateSeries is each population's rate up to t (Hz per neuron, at the
// centres of bins of rateBin), one series a population in order.
func (nv *NetView) rateSeries(t float64) ([]views.Series, error) {
	spikes := nv.sess.Spikes()
	bin := nv.rateBin()
	var series []views.Series
	for i, p := range nv.sess.Net.Pops {
		ts, hz, err := spiketrain.PopulationRate(spikes, p.First, p.First+p.N, 0, t, bin)
		if err != nil {
			return nil, err
		}
		series = append(series, views.Series{Name: p.Name, T: ts, Y: hz, Color: popColor(i)})
	}
	return series, nil
}

// rateBin is the width of the rate plot's bins: the file's record.rate_bin,
// but at least 1/100 of the run, so that a small network's rate is more
// than noise.
func (nv *NetView) rateBin() float64 {
	return math.Max(nv.sess.Spec.Record.RateBin, nv.sess.Tstop()/100)
}

// rateCaption says in which bins the rates are drawn: the file's rate_bin
// (asked) or, where that is finer than a hundredth of the run, both, so
// that the plot's coarser steps are not taken for the file's.
func rateCaption(asked, used float64) string {
	const what = "Population rates (Hz per neuron)"
	ms := func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) + " ms" }
	if used <= asked {
		return what + " in " + ms(used) + " bins (rate_bin)"
	}
	// Coarser where the file's bins would draw noise (rateBin).
	return what + ": rate_bin = " + ms(asked) + ", drawn in " + ms(used) + " bins (a hundredth of the run)"
}

// refreshStatus says where the run is.
func (nv *NetView) refreshStatus() {
	t, n, _ := nv.sess.State()
	text := fmt.Sprintf("t = %.1f / %g ms   %d neurons   %d spikes   %s", t, nv.sess.Tstop(), nv.sess.Net.Neurons(), n, strings.ToUpper(nv.sess.Net.Backend))
	if nv.sess.Running() {
		text = fmt.Sprintf("running   %s   %.0f fps", text, nv.raster.FrameRate())
	}
	if nv.note != "" {
		text += "   " + nv.note
	}
	nv.status.SetText(text)
}

// say shows what the last action did in the status line.
func (nv *NetView) say(note string) {
	nv.note = note
	nv.refreshStatus()
}

// Fit shows every neuron over the whole run.
func (nv *NetView) Fit() { nv.raster.Fit(nv.sess.Tstop()) }

// hovered names the neuron and time under the pointer.
func (nv *NetView) hovered(neuron int, t float64, ok bool) {
	name, known := nv.sess.NeuronName(neuron)
	if !ok || !known {
		nv.readout.SetText("")
		return
	}
	nv.readout.SetText(fmt.Sprintf("%s (neuron %d)   t = %.2f ms", name, neuron, t))
}

// Select shows a neuron's recorded states, or says it is not recorded;
// a cable cell is also shown alone in the Cells tab, and marked there.
func (nv *NetView) Select(neuron int, _ float64) {
	nv.selected = neuron
	nv.raster.Select(neuron, true) // its row is marked in the raster
	nv.showTrace()
	if nv.activity.cells != nil {
		nv.selectCell(nv.activity, neuron)
	}
}

// showTrace plots the selected neuron's recorded states.
func (nv *NetView) showTrace() {
	name, ok := nv.sess.NeuronName(nv.selected)
	if !ok {
		return
	}
	names, probes := nv.sess.Recorded(name)
	if len(names) == 0 {
		nv.trace.SetPlot(nil)
		nv.traceMsg.SetText(fmt.Sprintf("%s (neuron %d) is not recorded: record.states in the file names the neurons whose states are kept.", name, nv.selected))
		return
	}
	var series []views.Series
	for k, i := range probes {
		t, y := nv.sess.Trace(i)
		t, y = decimate(t, y, liveBuckets)
		series = append(series, views.Series{Name: names[k], T: t, Y: y, Color: views.ProbeColor(k)})
	}
	nv.traceMsg.SetText(fmt.Sprintf("%s (neuron %d)", name, nv.selected))
	nv.trace.SetPlot(views.TracesPlot(series, "", 0, nv.sess.Tstop()))
}
