package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
)

// work is a long computation: it runs off the UI thread, reports the
// fraction done and stops when ctx is cancelled, returning a figure and a
// note about it.
type work func(ctx context.Context, progress func(float64)) (*plot.Plot, string, error)

// job runs a tab's long computation in the background with a progress bar
// and a Stop button; the window stays live meanwhile. Its result replaces
// the figure and the note; a result that a newer start or a reset has made
// stale is dropped.
type job struct {
	run, stop *widget.Button
	bar       *widget.ProgressBar
	note      *widget.Label
	view      *plotView

	// prepare reads the controls (on the UI thread) and returns the work.
	prepare func() (work, error)
	cancel  context.CancelFunc
	gen     int
	done    chan struct{}
}

func newJob(label string, prepare func() (work, error)) *job {
	j := &job{prepare: prepare, bar: widget.NewProgressBar(), note: widget.NewLabel(""), view: newPlotView(400, 300)}
	j.note.Wrapping = fyne.TextWrapWord
	j.note.TextStyle.Monospace = true
	// A bar only while something is computed: an idle "0%" across the
	// pane read as work stuck at its start.
	j.bar.Hide()
	j.run = widget.NewButtonWithIcon(label, theme.MediaPlayIcon(), j.Start)
	j.run.Importance = widget.HighImportance
	j.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), j.Stop)
	j.stop.Disable()
	j.done = make(chan struct{})
	close(j.done)
	return j
}

// layout puts the controls above the figure, the progress bar (while the
// work runs) and the note below it.
func (j *job) layout(controls fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(controls, container.NewVBox(j.bar, j.note), nil, nil, j.view)
}

// Start cancels what runs and starts the work anew.
func (j *job) Start() {
	w, err := j.prepare()
	if err != nil {
		j.note.SetText(err.Error())
		return
	}
	j.Stop()
	j.gen++
	gen := j.gen
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	done := make(chan struct{})
	j.done = done
	j.run.Disable()
	j.stop.Enable()
	j.bar.SetValue(0)
	j.bar.Show()
	j.note.SetText("computing…")
	// The time so far, each second: a shooting step of a long cycle can
	// take seconds, in which the bar does not move, and the count shows
	// that the work goes on.
	start := time.Now()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				s := int(time.Since(start).Seconds())
				fyne.Do(func() {
					if gen == j.gen && ctx.Err() == nil {
						j.note.SetText(fmt.Sprintf("computing… %d s", s))
					}
				})
			}
		}
	}()
	go func() {
		defer close(done)
		p, note, err := w(ctx, func(f float64) {
			fyne.Do(func() {
				if gen == j.gen {
					j.bar.SetValue(f)
				}
			})
		})
		cancel()
		fyne.Do(func() {
			if gen != j.gen {
				return
			}
			j.run.Enable()
			j.stop.Disable()
			j.bar.Hide() // the note says how it ended
			switch {
			case errors.Is(err, context.Canceled):
				j.note.SetText("stopped")
			case err != nil:
				j.note.SetText(err.Error())
			default:
				j.bar.SetValue(1)
				j.view.SetPlot(p)
				j.note.SetText(note)
			}
		})
	}()
}

// Stop cancels the computation, if one runs.
func (j *job) Stop() {
	if j.cancel != nil {
		j.cancel()
	}
}

// reset stops the computation and clears the result (the model changed).
func (j *job) reset() {
	j.Stop()
	j.gen++
	j.run.Enable()
	j.stop.Disable()
	j.bar.SetValue(0)
	j.bar.Hide()
	j.note.SetText("")
	j.view.SetPlot(nil)
}

// Wait blocks until the computation started last has finished.
func (j *job) Wait() { <-j.done }
