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

	"neurite/views"
)

// cellView shows a cell as a voltage heatmap with a colour bar, the time
// and markers for what is placed on it. Dragging rotates it (with the
// secondary button or Shift, pans it), the wheel zooms, a click hands the
// segment under the pointer to OnTap and hovering to OnHover.
type cellView struct {
	widget.BaseWidget
	raster *canvas.Raster

	mu      sync.Mutex
	morph   *views.Morphology
	cam     views.Camera
	style   views.Style
	values  []float64
	markers []views.Marker
	time    float64
	img     *image.RGBA
	pan     bool
	frames  frameTimes // when the last frames were drawn, for the frame rate

	OnTap   func(segment int)
	OnHover func(segment int, ok bool)
}

func newCellView(morph *views.Morphology, style views.Style, cam views.Camera) *cellView {
	v := &cellView{morph: morph, style: style, cam: cam}
	v.raster = canvas.NewRaster(v.draw)
	v.ExtendBaseWidget(v)
	return v
}

func (v *cellView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.raster) }

func (v *cellView) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// Display sets what is drawn and redraws.
func (v *cellView) Display(t float64, values []float64, markers []views.Marker) {
	v.mu.Lock()
	v.time, v.values, v.markers = t, values, markers
	v.mu.Unlock()
	v.raster.Refresh()
}

// SetMorphology replaces the cell drawn.
func (v *cellView) SetMorphology(m *views.Morphology) {
	v.mu.Lock()
	v.morph = m
	v.mu.Unlock()
	v.raster.Refresh()
}

// Camera and Style are the view settings.
func (v *cellView) Camera() views.Camera {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.cam
}

func (v *cellView) SetCamera(c views.Camera) {
	v.mu.Lock()
	v.cam = c
	v.mu.Unlock()
	v.raster.Refresh()
}

func (v *cellView) Style() views.Style {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.style
}

func (v *cellView) SetStyle(s views.Style) {
	v.mu.Lock()
	v.style = s
	v.mu.Unlock()
	v.raster.Refresh()
}

// FrameRate returns the frames drawn per second over the last second.
func (v *cellView) FrameRate() float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frames.rate(time.Now())
}

// draw renders the picture at the raster's pixel size (Fyne calls it).
func (v *cellView) draw(w, h int) image.Image {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.img = canvasSized(v.img, w, h)
	views.HeatmapFrame(v.img, v.morph, v.cam, v.style, v.values, v.markers, v.time)
	v.frames.drawn(time.Now())
	return v.img
}

// toPixels converts a position in Fyne units to raster pixels.
func (v *cellView) toPixels(p fyne.Position) (float64, float64, int, int) {
	v.mu.Lock()
	img := v.img
	v.mu.Unlock()
	size := v.Size()
	if img == nil || size.Width == 0 || size.Height == 0 {
		return 0, 0, 0, 0
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	return float64(p.X) * float64(w) / float64(size.Width), float64(p.Y) * float64(h) / float64(size.Height), w, h
}

// segmentAt returns the segment under a position, if any.
func (v *cellView) segmentAt(p fyne.Position) (int, bool) {
	x, y, w, h := v.toPixels(p)
	w -= min(views.ColourBarWidth, w/4)
	if w <= 0 || x >= float64(w) {
		return 0, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.morph.Pick(x, y, w, h, v.cam, v.style.MinWidth, 6)
}

func (v *cellView) Tapped(e *fyne.PointEvent) {
	if seg, ok := v.segmentAt(e.Position); ok && v.OnTap != nil {
		v.OnTap(seg)
	}
}

func (v *cellView) MouseDown(e *desktop.MouseEvent) {
	v.pan = e.Button == desktop.MouseButtonSecondary || e.Modifier&fyne.KeyModifierShift != 0
}

func (v *cellView) MouseUp(*desktop.MouseEvent) {}

func (v *cellView) Dragged(e *fyne.DragEvent) {
	v.mu.Lock()
	if v.pan {
		x, y := v.toPixelsLocked(e.Dragged.DX, e.Dragged.DY)
		v.cam.PanX += x
		v.cam.PanY += y
	} else {
		v.cam.Azimuth = math.Mod(v.cam.Azimuth+float64(e.Dragged.DX)*0.5, 360)
		v.cam.Elevation = math.Max(-90, math.Min(90, v.cam.Elevation+float64(e.Dragged.DY)*0.5))
	}
	v.mu.Unlock()
	v.raster.Refresh()
}

// toPixelsLocked converts a displacement to pixels with v.mu held.
func (v *cellView) toPixelsLocked(dx, dy float32) (float64, float64) {
	size := v.Size()
	if v.img == nil || size.Width == 0 {
		return float64(dx), float64(dy)
	}
	s := float64(v.img.Bounds().Dx()) / float64(size.Width)
	return float64(dx) * s, float64(dy) * s
}

func (v *cellView) DragEnd() {}

func (v *cellView) Scrolled(e *fyne.ScrollEvent) { v.ZoomBy(math.Pow(1.1, float64(e.Scrolled.DY)/10)) }

// ZoomBy magnifies the cell by a factor, the zoom kept within 0.05…200.
func (v *cellView) ZoomBy(f float64) {
	v.mu.Lock()
	v.cam.Zoom = math.Max(0.05, math.Min(200, v.cam.Zoom*f))
	v.mu.Unlock()
	v.raster.Refresh()
}

func (v *cellView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

func (v *cellView) MouseMoved(e *desktop.MouseEvent) {
	if v.OnHover != nil {
		seg, ok := v.segmentAt(e.Position)
		v.OnHover(seg, ok)
	}
}

func (v *cellView) MouseOut() {
	if v.OnHover != nil {
		v.OnHover(0, false)
	}
}
