package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"neurite/assets"
	"neurite/views"
)

// Run opens the main window on file (or the embedded example) and returns
// when the window closes.
func Run(file string) error {
	sess, err := LoadSession(file)
	if err != nil {
		return err
	}
	a := fyneapp.NewWithID("org.neurite.app")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := a.NewWindow("Neurite — " + sess.Name)
	ex := NewExplorer(sess)
	w.SetContent(ex.Content())
	w.Resize(fyne.NewSize(1100, 760))
	w.SetOnClosed(sess.Pause)
	w.ShowAndRun()
	return nil
}

// Explorer shows a cell as a voltage heatmap while it simulates.
type Explorer struct {
	sess   *Session
	morph  *views.Morphology
	style  views.Style
	camera views.Camera
	raster *canvas.Raster
	time   *widget.Label
	play   *widget.Button
	volts  []float64
	img    *image.RGBA
}

// NewExplorer builds the explorer's widgets for a session.
func NewExplorer(sess *Session) *Explorer {
	ex := &Explorer{sess: sess, morph: views.NewMorphology(sess.Frusta), style: views.DefaultStyle(), camera: views.Camera{Zoom: 1}}
	ex.raster = canvas.NewRaster(ex.draw)
	ex.raster.SetMinSize(fyne.NewSize(400, 300))
	ex.time = widget.NewLabel("")
	ex.play = widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), ex.togglePlay)
	sess.OnUpdate = func() { fyne.Do(ex.refresh) }
	ex.refresh()
	return ex
}

// Content is the explorer's layout.
func (ex *Explorer) Content() fyne.CanvasObject {
	restart := widget.NewButtonWithIcon("Restart", theme.MediaReplayIcon(), func() {
		ex.sess.Restart()
		ex.refresh()
	})
	bar := container.NewHBox(ex.play, restart, ex.time)
	return container.NewBorder(bar, nil, nil, nil, ex.raster)
}

func (ex *Explorer) togglePlay() {
	if ex.sess.Playing() {
		ex.sess.Pause()
	} else {
		if t, _, err := ex.sess.State(nil); t >= ex.sess.Tstop || err != nil {
			ex.sess.Restart()
		}
		ex.sess.Play()
	}
	ex.refresh()
}

// refresh updates the labels and redraws; it runs on the UI thread.
func (ex *Explorer) refresh() {
	t, v, err := ex.sess.State(ex.volts)
	ex.volts = v
	status := fmt.Sprintf("t = %.2f ms of %g ms   %d compartments", t, ex.sess.Tstop, ex.sess.Plan.Compartments())
	if err != nil {
		status += "   stopped: " + err.Error()
	}
	ex.time.SetText(status)
	if ex.sess.Playing() {
		ex.play.SetText("Pause")
		ex.play.SetIcon(theme.MediaPauseIcon())
	} else {
		ex.play.SetText("Play")
		ex.play.SetIcon(theme.MediaPlayIcon())
	}
	ex.raster.Refresh()
}

// draw renders the heatmap at the raster's pixel size.
func (ex *Explorer) draw(w, h int) image.Image {
	if ex.img == nil || ex.img.Bounds().Dx() != w || ex.img.Bounds().Dy() != h {
		ex.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	ex.morph.Render(ex.img, ex.camera, ex.volts, ex.style)
	return ex.img
}
