package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot/vg"

	"neurite/app/pipeline"
	"neurite/sim/output"
	"neurite/views"
)

// menu is the main window's menu.
func (ex *Explorer) menu() *fyne.MainMenu {
	quit := withShortcut(fyne.NewMenuItem("Quit", ex.RequestQuit), fyne.KeyQ, 0)
	quit.IsQuit = true
	slow := fyne.NewMenuItem("Slow Down at Spikes", func() { ex.SetSlowAtSpikes(!ex.sess.SlowAtSpikes()) })
	slow.Checked = ex.sess.SlowAtSpikes()
	return fyne.NewMainMenu(
		fyne.NewMenu("File",
			withShortcut(fyne.NewMenuItem("Open…", ex.OpenDialog), fyne.KeyO, 0), ex.recentMenu(), ex.examplesMenu(),
			fyne.NewMenuItem("Open Results…", ex.ResultsDialog),
			withShortcut(fyne.NewMenuItem("Save", ex.Save), fyne.KeyS, 0),
			withShortcut(fyne.NewMenuItem("Save As…", ex.SaveDialog), fyne.KeyS, fyne.KeyModifierShift),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Export Video…", ex.videoDialog),
			fyne.NewMenuItem("Export Data (CSV, NPY)…", ex.dataDialog),
			fyne.NewMenuItem("Save View as PNG…", func() { ex.saveFile("view.png", ex.WriteViewPNG) }),
			fyne.NewMenuItem("Save Traces as PNG…", func() { ex.saveFile("traces.png", ex.tracesWriter("png")) }),
			fyne.NewMenuItem("Save Traces as SVG…", func() { ex.saveFile("traces.svg", ex.tracesWriter("svg")) }),
			fyne.NewMenuItemSeparator(),
			quit,
		),
		fyne.NewMenu("Edit", fyne.NewMenuItem("Undo", ex.Undo), fyne.NewMenuItem("Delete Selected", ex.DeleteSelected)),
		fyne.NewMenu("View",
			withShortcut(fyne.NewMenuItem("Reset View", ex.ResetView), fyne.Key0, 0),
			withShortcut(fyne.NewMenuItem("Zoom In", func() { ex.view.ZoomBy(zoomStep) }), fyne.KeyEqual, 0),
			withShortcut(fyne.NewMenuItem("Zoom Out", func() { ex.view.ZoomBy(1 / zoomStep) }), fyne.KeyMinus, 0),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Colours…", func() { ex.side.SelectIndex(2) }),
		),
		fyne.NewMenu("Simulation",
			withShortcut(fyne.NewMenuItem("Play / Pause", ex.TogglePlay), fyne.KeySpace, 0),
			fyne.NewMenuItem("Step", ex.Step),
			withShortcut(fyne.NewMenuItem("Restart", ex.Restart), fyne.KeyR, 0),
			fyne.NewMenuItemSeparator(),
			withShortcut(fyne.NewMenuItem("Slower", ex.Slower), fyne.KeyLeftBracket, 0),
			withShortcut(fyne.NewMenuItem("Faster", ex.Faster), fyne.KeyRightBracket, 0),
			slow,
		),
	)
}

// withShortcut gives a menu item the shortcut Ctrl (⌘ on macOS) with
// the key and the other modifiers given.
func withShortcut(item *fyne.MenuItem, key fyne.KeyName, mod fyne.KeyModifier) *fyne.MenuItem {
	item.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault | mod}
	return item
}

// saveFile asks for a file name and writes it atomically with write.
func (ex *Explorer) saveFile(name string, write func(io.Writer) error) {
	saveFile(ex.win, ex.say, name, func(string) func(io.Writer) error { return write })
}

// saveFile asks for a file name, picks the writer for it (by its
// extension, say) and writes the file atomically; say tells where.
func saveFile(win fyne.Window, say func(string), name string, writerFor func(path string) func(io.Writer) error) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		path := w.URI().Path()
		if err := output.WriteFile(path, writerFor(path)); err != nil {
			dialog.ShowError(err, win)
			return
		}
		say("wrote " + path)
	}, win)
	d.SetFileName(name)
	d.Show()
}

// figureButton saves the figure a plot view shows as PNG or SVG (by the
// name's extension), 16 × 10 cm.
func figureButton(win fyne.Window, say func(string), base string, v *plotView) *widget.Button {
	return widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), func() {
		p := v.Plot()
		if p == nil {
			say("nothing to save yet")
			return
		}
		saveFile(win, say, base+".png", func(path string) func(io.Writer) error {
			format := "png"
			if strings.EqualFold(filepath.Ext(path), ".svg") {
				format = "svg"
			}
			return func(w io.Writer) error {
				return views.WritePlot(w, p, 16*vg.Centimeter, 10*vg.Centimeter, format)
			}
		})
	})
}

// WriteViewPNG writes the cell as it is shown, at 1600×1000 pixels.
func (ex *Explorer) WriteViewPNG(w io.Writer) error {
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	t, v, _ := ex.sess.State(nil)
	views.HeatmapFrame(img, views.NewMorphology(ex.sess.Frusta), ex.view.Camera(), ex.view.Style(), v, ex.markers(), t)
	return png.Encode(w, img)
}

// tracesWriter writes the traces shown as a 16 × 9 cm figure.
func (ex *Explorer) tracesWriter(format string) func(io.Writer) error {
	return func(w io.Writer) error {
		series, from, to := ex.traces.Series()
		return views.WritePlot(w, views.TracesPlot(series, ex.traces.axisLabel(), from, to), 16*vg.Centimeter, 9*vg.Centimeter, format)
	}
}

// videoDialog asks for the video's settings and file, then renders it.
func (ex *Explorer) videoDialog() {
	ex.storeView()
	o := pipeline.VideoOptionsFor(ex.sess.Model)
	o.Camera, o.Style = ex.view.Camera(), ex.view.Style()
	model := ex.sess.Model.Clone()
	ex.askVideo(o, ex.sess.Tstop, model.Name, func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error {
		return pipeline.RenderVideo(ctx, model, path, o, progress)
	})
}

// askVideo asks for a video's size, frame rate, speed and span (o's
// values offered), then for its file (name.mp4 where ffmpeg is found,
// name.gif otherwise, either taken by its extension), and renders it in
// the background with render.
func (ex *Explorer) askVideo(o pipeline.VideoOptions, tstop float64, name string, render func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error) {
	size, fps, speed := widget.NewEntry(), numEntry(o.FPS), numEntry(o.Speed)
	size.SetText(fmt.Sprintf("%dx%d", o.Width, o.Height))
	from, to := numEntry(0), numEntry(tstop)
	ext := ".gif"
	if output.HaveFFmpeg() {
		ext = ".mp4"
	}
	dialog.ShowForm("Export video", "Choose file…", "Cancel", []*widget.FormItem{
		widget.NewFormItem("size (pixels)", fit(size, fitVideo)), widget.NewFormItem("frames per second", fit(fps, fitCount)),
		widget.NewFormItem("model ms per second", fit(speed, fitCount)),
		widget.NewFormItem("from (ms)", fit(from, fitTime)), widget.NewFormItem("to (ms)", fit(to, fitTime)),
	}, func(ok bool) {
		if !ok {
			return
		}
		var err error
		if o.Width, o.Height, err = pipeline.ParseSize(size.Text); err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		var errs [4]error
		o.FPS, errs[0] = parseNum("frames per second", fps.Text)
		o.Speed, errs[1] = parseNum("model ms per second", speed.Text)
		o.From, errs[2] = parseNum("from", from.Text)
		o.To, errs[3] = parseNum("to", to.Text)
		if err := errors.Join(errs[:]...); err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			w.Close()
			path := w.URI().Path()
			ex.background("Rendering "+filepath.Base(path), func(ctx context.Context, progress func(float64)) error {
				return render(ctx, path, o, progress)
			})
		}, ex.win)
		d.SetFileName(strings.ReplaceAll(name, " ", "_") + ext)
		d.Show()
	}, ex.win)
}

// dataDialog asks for a folder and runs the model into it.
func (ex *Explorer) dataDialog() {
	model := ex.sess.Model.Clone()
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		plan, err := pipeline.BuildPlan(model)
		if err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		tstop := *model.Run.Tstop
		ch, err := pipeline.NewSimulator(plan, model.Run.Backend, 0)
		if err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		ex.background("Running into "+dir.Path(), func(ctx context.Context, progress func(float64)) error {
			_, err := pipeline.RunToDirectory(ctx, ch.Sim, tstop, dir.Path(), func(t float64) { progress(t / tstop) })
			return err
		})
	}, ex.win)
}

// background runs long work with a progress bar and a Cancel button; the
// window stays responsive.
func (ex *Explorer) background(title string, work func(ctx context.Context, progress func(float64)) error) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(bar, widget.NewButton("Cancel", cancel)), ex.win)
	d.Show()
	say := ex.say
	if ex.showingNetwork() {
		say = ex.net.say
	}
	go func() {
		err := work(ctx, func(f float64) { fyne.Do(func() { bar.SetValue(f) }) })
		fyne.Do(func() {
			d.Hide()
			switch {
			case errors.Is(err, context.Canceled):
				say(title + ": cancelled")
			case err != nil:
				dialog.ShowError(err, ex.win)
			default:
				say(title + ": done")
			}
		})
	}()
}
