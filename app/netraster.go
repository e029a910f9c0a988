package app

import (
	"image"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"neurite/sim"
	"neurite/views"
)

// rasterView shows a network's spikes as a views.Raster: the wheel zooms
// about the pointer, dragging pans, hovering hands the neuron and time
// under the pointer to OnHover and a click to OnTap. A views.Raster is not
// safe for concurrent use: every use of it here holds mu.
type rasterView struct {
	widget.BaseWidget
	img *canvas.Raster

	mu     sync.Mutex
	r      *views.Raster
	pix    *image.RGBA
	frames frameTimes // when the last frames were drawn, for the frame rate

	OnHover func(neuron int, t float64, ok bool)
	OnTap   func(neuron int, t float64)
}

func newRasterView() *rasterView {
	v := &rasterView{r: views.NewRaster(nil)}
	v.img = canvas.NewRaster(v.draw)
	v.ExtendBaseWidget(v)
	return v
}

func (v *rasterView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.img) }

func (v *rasterView) MinSize() fyne.Size { return fyne.NewSize(400, 240) }

// Reset starts an empty raster of the populations over [0, tstop).
func (v *rasterView) Reset(pops []views.Population, tstop float64) {
	v.mu.Lock()
	v.r = views.NewRaster(pops)
	v.r.Fit(tstop)
	v.mu.Unlock()
	v.img.Refresh()
}

// Add adds spikes; they show at the next Refresh.
func (v *rasterView) Add(spikes []sim.Spike) {
	v.mu.Lock()
	v.r.Add(spikes)
	v.mu.Unlock()
}

// Len is the number of spikes held.
func (v *rasterView) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.r.Len()
}

// Select marks a neuron's row (ok false: none), as the README promises a
// click does.
func (v *rasterView) Select(neuron int, ok bool) {
	v.mu.Lock()
	v.r.Select(neuron, ok)
	v.mu.Unlock()
	v.img.Refresh()
}

// Fit shows every neuron over [0, tstop).
func (v *rasterView) Fit(tstop float64) {
	v.mu.Lock()
	v.r.Fit(tstop)
	v.mu.Unlock()
	v.img.Refresh()
}

// Window returns the times and neurons shown.
func (v *rasterView) Window() (t0, t1 float64, n0, n1 int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.r.T0, v.r.T1, v.r.N0, v.r.N1
}

// Figure lays the raster's window out as a figure for export.
func (v *rasterView) Figure() *plot.Plot {
	v.mu.Lock()
	defer v.mu.Unlock()
	return views.RasterFigure(v.r)
}

// FrameRate returns the frames drawn over the last second.
func (v *rasterView) FrameRate() float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frames.rate(time.Now())
}

func (v *rasterView) draw(w, h int) image.Image {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pix = canvasSized(v.pix, w, h)
	v.r.Render(v.pix)
	v.frames.drawn(time.Now())
	return v.pix
}

// scale is the pixels of the last drawing per Fyne unit (1 before it).
func (v *rasterView) scale() float64 {
	size := v.Size()
	if v.pix == nil || size.Width <= 0 {
		return 1
	}
	return float64(v.pix.Bounds().Dx()) / float64(size.Width)
}

// pixel converts a position in the widget to a pixel of the last drawing.
func (v *rasterView) pixel(p fyne.Position) (int, int) {
	s := v.scale()
	return int(math.Floor(float64(p.X) * s)), int(math.Floor(float64(p.Y) * s))
}

// Hit names the neuron and time under a position in the widget.
func (v *rasterView) Hit(p fyne.Position) (neuron int, t float64, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	x, y := v.pixel(p)
	return v.r.Hit(x, y)
}

// PositionOf is where the middle of a neuron's lane at time t lies in the
// widget, in the last drawing.
func (v *rasterView) PositionOf(neuron int, t float64) fyne.Position {
	v.mu.Lock()
	defer v.mu.Unlock()
	a := v.r.DataArea()
	x := float64(a.Min.X) + (t-v.r.T0)/(v.r.T1-v.r.T0)*float64(a.Dx())
	y := float64(a.Max.Y) - (float64(neuron-v.r.N0)+0.5)/float64(v.r.N1-v.r.N0)*float64(a.Dy())
	s := v.scale()
	return fyne.NewPos(float32(x/s), float32(y/s))
}

func (v *rasterView) Tapped(e *fyne.PointEvent) {
	if n, t, ok := v.Hit(e.Position); ok && v.OnTap != nil {
		v.OnTap(n, t)
	}
}

func (v *rasterView) Dragged(e *fyne.DragEvent) {
	v.mu.Lock()
	s := v.scale()
	v.r.Pan(int(math.Round(float64(e.Dragged.DX)*s)), int(math.Round(float64(e.Dragged.DY)*s)))
	v.mu.Unlock()
	v.img.Refresh()
}

func (v *rasterView) DragEnd() {}

// Scrolled zooms about the pointer: 10% per notch of the wheel.
func (v *rasterView) Scrolled(e *fyne.ScrollEvent) {
	f := math.Pow(1.1, float64(e.Scrolled.DY)/10)
	v.mu.Lock()
	x, y := v.pixel(e.Position)
	v.r.Zoom(x, y, f, f)
	v.mu.Unlock()
	v.img.Refresh()
}

func (v *rasterView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

func (v *rasterView) MouseMoved(e *desktop.MouseEvent) {
	if v.OnHover != nil {
		n, t, ok := v.Hit(e.Position)
		v.OnHover(n, t, ok)
	}
}

func (v *rasterView) MouseOut() {
	if v.OnHover != nil {
		v.OnHover(0, 0, false)
	}
}
