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
	return fyne.NewMainMenu(
		fyne.NewMenu("File",
			withShortcut(fyne.NewMenuItem("Open…", ex.OpenDialog), fyne.KeyO, 0), ex.recentMenu(), ex.examplesMenu(),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Save Raster as PNG…", figure("raster", "png")),
			fyne.NewMenuItem("Save Raster as SVG…", figure("raster", "svg")),
			fyne.NewMenuItem("Save Rates as PNG…", figure("rates", "png")),
			fyne.NewMenuItem("Save Rates as SVG…", figure("rates", "svg")),
			fyne.NewMenuItem("Save Spikes as CSV…", func() {
				saveFile(ex.win, nv.say, "spikes.csv", func(string) func(io.Writer) error { return nv.WriteSpikes })
			}),
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

// netDataDialog asks for a folder and runs the network, as set in the
// controls, into it as neurite run does.
func (ex *Explorer) netDataDialog() {
	nv := ex.net
	if !nv.Apply() {
		return
	}
	file, sets := nv.sess.File, nv.sess.Sets
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		// A network of its own: the one shown may be running.
		n, err := pipeline.LoadNetwork(file, sets...)
		if err == nil {
			var net *pipeline.Network
			if net, err = pipeline.NewNetwork(n, "auto", 0); err == nil {
				tstop := n.Run.Tstop
				ex.background("Running into "+dir.Path(), func(ctx context.Context, progress func(float64)) error {
					_, err := pipeline.RunNetworkToDirectory(ctx, net, tstop, dir.Path(), func(t float64) { progress(t / tstop) })
					return err
				})
				return
			}
		}
		dialog.ShowError(err, ex.win)
	}, ex.win)
}
