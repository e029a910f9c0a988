package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"github.com/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"neurite/app/pipeline"
	"neurite/assets"
	"neurite/sim/output"
	"neurite/views"
)

// The window's first tab shows the cell explorer or, while a network file
// is open, the Network view; the menu follows it.

// openNetwork shows a network file in the Network tab.
func (ex *Explorer) openNetwork(file string) error {
	s, err := LoadNetSession(file)
	if err != nil {
		return err
	}
	ex.sess.Pause()
	if ex.net == nil {
		ex.net = NewNetView(ex.win, s)
	} else {
		ex.net.setSession(s)
	}
	if ex.tabs != nil {
		ex.tabs.Items[0] = container.NewTabItem("Network", ex.net.Content())
		ex.tabs.Refresh()
		ex.tabs.SelectIndex(0)
	}
	ex.remember(file)
	ex.setMenu()
	return nil
}

// showingNetwork reports whether the first tab shows a network.
func (ex *Explorer) showingNetwork() bool {
	return ex.net != nil && ex.tabs != nil && ex.tabs.Items[0].Content == ex.net.Content()
}

// showCell puts the cell explorer back in the first tab.
func (ex *Explorer) showCell() {
	if !ex.showingNetwork() {
		return
	}
	ex.net.Stop()
	ex.tabs.Items[0] = container.NewTabItem("Cell", ex.content)
	ex.tabs.Refresh()
	ex.tabs.SelectIndex(0)
	ex.win.SetTitle("Neurite — " + ex.sess.Model.Name)
	ex.setMenu()
}

// setMenu gives the window the menu of what its first tab shows.
func (ex *Explorer) setMenu() {
	if ex.showingNetwork() {
		ex.win.SetMainMenu(ex.netMenu())
		return
	}
	ex.win.SetMainMenu(ex.menu())
}

// recentMenu is File → Open Recent.
func (ex *Explorer) recentMenu() *fyne.MenuItem {
	recent := fyne.NewMenuItem("Open Recent", nil)
	var items []*fyne.MenuItem
	for _, f := range recentFiles() {
		items = append(items, fyne.NewMenuItem(f, func() { ex.Open(f) }))
	}
	if len(items) == 0 {
		items = append(items, fyne.NewMenuItem("(none yet)", nil))
	}
	recent.ChildMenu = fyne.NewMenu("", items...)
	return recent
}

// examplesMenu is File → Examples: the cells, then the networks, Neurite
// ships with.
func (ex *Explorer) examplesMenu() *fyne.MenuItem {
	examples := fyne.NewMenuItem("Examples", nil)
	var items []*fyne.MenuItem
	for _, m := range assets.Models() {
		items = append(items, fyne.NewMenuItem(assets.Name(m), func() { ex.Open(m) }))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	for _, m := range assets.Networks() {
		items = append(items, fyne.NewMenuItem(assets.Name(m), func() { ex.Open(m) }))
	}
	examples.ChildMenu = fyne.NewMenu("", items...)
	return examples
}

// netMenu is the main menu while a network is shown.
func (ex *Explorer) netMenu() *fyne.MainMenu {
	nv := ex.net
	quit := withShortcut(fyne.NewMenuItem("Quit", ex.RequestQuit), fyne.KeyQ, 0)
	quit.IsQuit = true
	figure := func(name, format string) func() {
		return func() {
			saveFile(ex.win, nv.say, name+"."+format, func(string) func(io.Writer) error { return nv.figureWriter(name, format) })
		}
	}
	data := func(name string, write func(io.Writer) error) func() {
		return func() { saveFile(ex.win, nv.say, name, func(string) func(io.Writer) error { return write }) }
	}
	return fyne.NewMainMenu(
		fyne.NewMenu("File",
			withShortcut(fyne.NewMenuItem("Open…", ex.OpenDialog), fyne.KeyO, 0), ex.recentMenu(), ex.examplesMenu(),
			fyne.NewMenuItem("Open Results…", ex.ResultsDialog),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Save Raster as PNG…", figure("raster", "png")),
			fyne.NewMenuItem("Save Raster as SVG…", figure("raster", "svg")),
			fyne.NewMenuItem("Save Rates as PNG…", figure("rates", "png")),
			fyne.NewMenuItem("Save Rates as SVG…", figure("rates", "svg")),
			fyne.NewMenuItem("Save Spikes as CSV…", data("spikes.csv", nv.WriteSpikes)),
			fyne.NewMenuItem("Save Spikes as NPY…", data("spikes.npy", nv.WriteSpikesNPY)),
			fyne.NewMenuItem("Save Traces as NPY…", data("traces.npy", nv.WriteTracesNPY)),
			fyne.NewMenuItem("Save Rates as NPY…", data("rates.npy", nv.WriteRatesNPY)),
			fyne.NewMenuItem("Export Video (MP4, GIF)…", ex.netVideoDialog),
			fyne.NewMenuItem("Export Data (CSV, NPY)…", ex.netDataDialog),
			fyne.NewMenuItemSeparator(),
			quit,
		),
		fyne.NewMenu("View", withShortcut(fyne.NewMenuItem("Fit", nv.Fit), fyne.Key0, 0)),
		fyne.NewMenu("Simulation",
			withShortcut(fyne.NewMenuItem("Run", nv.Run), fyne.KeyR, 0),
			fyne.NewMenuItem("Stop", nv.Stop),
		),
	)
}

// figureWriter writes the raster's window or the rates shown as a
// 16 × 10 cm figure.
func (nv *NetView) figureWriter(name, format string) func(io.Writer) error {
	return func(w io.Writer) error {
		p := nv.raster.Figure()
		if name == "rates" {
			if p = nv.rates.Plot(); p == nil {
				return fmt.Errorf("no rates to save yet: run the network first")
			}
		}
		return views.WritePlot(w, p, 16*vg.Centimeter, 10*vg.Centimeter, format)
	}
}

// WriteSpikes writes the run's spikes as neurite run writes spikes.csv for
// a network: neuron_id, t_ms (the crossing) and t_step_ms (the end of its
// step), one spike a row in time order.
func (nv *NetView) WriteSpikes(f io.Writer) error {
	dt := nv.sess.Net.Dt()
	w := csv.NewWriter(f)
	w.Write([]string{"neuron_id", "t_ms", "t_step_ms"})
	for _, s := range nv.sess.Spikes() {
		w.Write([]string{strconv.Itoa(s.Cell), formatMs(s.T), formatMs(output.GridTime(s.Step, dt))})
	}
	w.Flush()
	return w.Error()
}

func formatMs(t float64) string { return strconv.FormatFloat(t, 'g', -1, 64) }

// WriteSpikesNPY writes the run's spikes as an .npy array of float64,
// one row a spike in time order: neuron id, t (ms).
func (nv *NetView) WriteSpikesNPY(w io.Writer) error {
	spikes := nv.sess.Spikes()
	if len(spikes) == 0 {
		return fmt.Errorf("no spikes to save yet: run the network first")
	}
	m := mat.NewDense(len(spikes), 2, nil)
	for i, s := range spikes {
		m.Set(i, 0, float64(s.Cell))
		m.Set(i, 1, s.T)
	}
	return npy.Write(w, m)
}

// WriteTracesNPY writes the run's recorded states as neurite run writes
// traces.npy: float64 rows of t (ms) and every probe, in the order of
// traces.csv's columns.
func (nv *NetView) WriteTracesNPY(w io.Writer) error {
	probes := nv.sess.Net.ProbeNames()
	if len(probes) == 0 {
		return fmt.Errorf("no states recorded: record.states in the file names the neurons whose states are kept")
	}
	ts, rows := nv.sess.Traces()
	if len(ts) == 0 {
		return fmt.Errorf("no traces to save yet: run the network first")
	}
	m := mat.NewDense(len(ts), 1+len(probes), nil)
	dt := nv.sess.Net.Dt()
	for k, t := range ts {
		m.Set(k, 0, output.GridTime(t, dt))
		for i, v := range rows[k] {
			m.Set(k, 1+i, v)
		}
	}
	return npy.Write(w, m)
}

// WriteRatesNPY writes the populations' rates the Rates tab shows as an
// .npy array of float64: one row a bin, its centre (ms) and each
// population's rate (Hz per neuron) in the file's order.
func (nv *NetView) WriteRatesNPY(w io.Writer) error {
	t, _, _ := nv.sess.State()
	if t <= 0 {
		return fmt.Errorf("no rates to save yet: run the network first")
	}
	series, err := nv.rateSeries(t)
	if err != nil {
		return err
	}
	m := mat.NewDense(len(series[0].T), 1+len(series), nil)
	for k, tk := range series[0].T {
		m.Set(k, 0, tk)
		for i, s := range series {
			m.Set(k, 1+i, s.Y[k])
		}
	}
	return npy.Write(w, m)
}

// buildNetwork builds a network file with settings anew: an export runs
// a network of its own, since the one shown may be running.
func buildNetwork(file string, sets []string) (*pipeline.Network, error) {
	n, err := pipeline.LoadNetwork(file, sets...)
	if err != nil {
		return nil, err
	}
	return pipeline.NewNetwork(n, "", 0)
}

// netDataDialog asks for a folder and runs the network, as set in the
// controls, into it as neurite run does.
func (ex *Explorer) netDataDialog() {
	nv := ex.net
	if !nv.Apply() {
		return
	}
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		net, err := buildNetwork(nv.sess.File, nv.sess.Sets)
		if err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		tstop := net.Spec.Run.Tstop
		ex.background("Running into "+dir.Path(), func(ctx context.Context, progress func(float64)) error {
			_, err := pipeline.RunNetworkToDirectory(ctx, net, tstop, dir.Path(), func(t float64) { progress(t / tstop) })
			return err
		})
	}, ex.win)
}

// netVideoDialog asks for a video's settings and file and films the
// network as set in the controls: cable cells as the Cells tab shows
// them (its camera and colours), point neurons as the Sheet.
func (ex *Explorer) netVideoDialog() {
	nv := ex.net
	if !nv.Apply() {
		return
	}
	o := pipeline.VideoOptions{Width: 1280, Height: 720, FPS: 30, Speed: 10, Camera: views.Camera{Zoom: 1}, Style: views.DefaultStyle()}
	if a := nv.activity; a.cells != nil {
		o.Camera, o.Style = a.cells.Camera(), a.cells.Style()
	}
	ex.askVideo(o, nv.sess.Tstop(), nv.sess.Spec.Name, nv.videoWriter())
}

// videoWriter returns what films the network, as set in the controls
// now, into a video at path (.mp4 or .gif) as neurite render --video
// does, on a network of its own; it may run on any goroutine.
func (nv *NetView) videoWriter() func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error {
	file, sets := nv.sess.File, nv.sess.Sets
	return func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error {
		net, err := buildNetwork(file, sets)
		if err != nil {
			return err
		}
		return pipeline.RenderNetworkVideo(ctx, net, path, o, progress)
	}
}
