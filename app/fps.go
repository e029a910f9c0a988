package app

import (
	"fmt"
	"image"
	"io"
	"slices"
	"time"
)

// reportFrameRate measures the frame rate the cell view keeps while the
// model runs (see measureFrameRate) and writes it to w as one line,
// saying over how many seconds it was measured.
func (ex *Explorer) reportFrameRate(d time.Duration, w io.Writer) error {
	rates := measureFrameRate(d, time.Sleep, ex.sess.Playing, ex.view.FrameRate)
	if len(rates) == 0 {
		return fmt.Errorf("--report-fps: the run ended before the frame rate could be measured "+
			"(over the second half of the %v, while the model runs): make the run longer (tstop) or slower (--speed)", d)
	}
	mean := 0.0
	for _, r := range rates {
		mean += r / float64(len(rates))
	}
	_, err := fmt.Fprintf(w, "RESULT name=neurite_ui compartments=%d fps_min=%.0f fps_mean=%.1f measured_s=%d\n",
		ex.sess.Plan.Compartments(), slices.Min(rates), mean, len(rates))
	return err
}

// measureFrameRate lets the frame rate settle for the first half of d,
// then reads it (rate: frames drawn in the last second) after each whole
// second of the second half while the model runs. A second in which the
// run ends is not counted: the window draws nothing once it has ended.
func measureFrameRate(d time.Duration, sleep func(time.Duration), playing func() bool, rate func() float64) []float64 {
	sleep(d / 2)
	var rates []float64
	for range max(1, int(d/2/time.Second)) {
		if !playing() {
			break
		}
		sleep(time.Second)
		if !playing() {
			break
		}
		rates = append(rates, rate())
	}
	return rates
}

// frameTimes remembers when the last frames were drawn, for a view's
// frame rate; its owner guards it.
type frameTimes []time.Time

// drawn notes a frame drawn at now, keeping the last few seconds' worth.
func (f *frameTimes) drawn(now time.Time) {
	*f = append(*f, now)
	if len(*f) > 240 {
		*f = (*f)[len(*f)-120:]
	}
}

// rate is the frames drawn over the second before now.
func (f frameTimes) rate(now time.Time) float64 {
	cutoff := now.Add(-time.Second)
	n := 0
	for _, t := range f {
		if t.After(cutoff) {
			n++
		}
	}
	return float64(n)
}

// canvasSized returns img, or a new image where img is missing or not
// w × h pixels: the buffer a view draws into at the size Fyne asks.
func canvasSized(img *image.RGBA, w, h int) *image.RGBA {
	if img == nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return img
}
