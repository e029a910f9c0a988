package app

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"neurite/views"
)

// plotView shows a gonum plot that fills its space, redrawn at the size
// shown; a tap reports the data coordinates under it.
type plotView struct {
	widget.BaseWidget
	raster *canvas.Raster

	// OnTap, if set, is called with the data coordinates of a tap inside
	// the data area.
	OnTap func(x, y float64)

	mu   sync.Mutex
	plot *plot.Plot
	// What the last drawing mapped: the data area in pixels, its data
	// ranges and the image size.
	area       image.Rectangle
	xr, yr     [2]float64
	imgW, imgH int
}

func newPlotView(minW, minH float32) *plotView {
	v := &plotView{}
	v.raster = canvas.NewRaster(v.draw)
	v.raster.SetMinSize(fyne.NewSize(minW, minH))
	v.ExtendBaseWidget(v)
	return v
}

// SetPlot replaces the figure (nil for none) and redraws.
func (v *plotView) SetPlot(p *plot.Plot) {
	v.mu.Lock()
	v.plot = p
	v.mu.Unlock()
	v.raster.Refresh()
}

// Plot returns the figure shown (for export).
func (v *plotView) Plot() *plot.Plot {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.plot
}

func (v *plotView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.raster)
}

func (v *plotView) draw(w, h int) image.Image {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.plot == nil || w < 50 || h < 50 {
		return image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	}
	img, area := views.RenderPlotArea(v.plot, w, h)
	v.area, v.imgW, v.imgH = area, w, h
	v.xr = [2]float64{v.plot.X.Min, v.plot.X.Max}
	v.yr = [2]float64{v.plot.Y.Min, v.plot.Y.Max}
	return img
}

// Tapped maps the tap from widget units to the pixels last drawn and on
// to data coordinates (linear axes).
func (v *plotView) Tapped(e *fyne.PointEvent) {
	x, y, ok := v.DataAt(e.Position)
	if ok && v.OnTap != nil {
		v.OnTap(x, y)
	}
}

// DataAt returns the data coordinates at a position in the widget, false
// outside the data area or before the first drawing.
func (v *plotView) DataAt(pos fyne.Position) (x, y float64, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	size := v.Size()
	if v.imgW == 0 || size.Width <= 0 || size.Height <= 0 || v.area.Dx() <= 0 || v.area.Dy() <= 0 {
		return 0, 0, false
	}
	px := float64(pos.X) / float64(size.Width) * float64(v.imgW)
	py := float64(pos.Y) / float64(size.Height) * float64(v.imgH)
	fx := (px - float64(v.area.Min.X)) / float64(v.area.Dx())
	fy := (float64(v.area.Max.Y) - py) / float64(v.area.Dy())
	if fx < 0 || fx > 1 || fy < 0 || fy > 1 {
		return 0, 0, false
	}
	return v.xr[0] + fx*(v.xr[1]-v.xr[0]), v.yr[0] + fy*(v.yr[1]-v.yr[0]), true
}

// PositionOf is DataAt's inverse: where data coordinates fall in the
// widget.
func (v *plotView) PositionOf(x, y float64) fyne.Position {
	v.mu.Lock()
	defer v.mu.Unlock()
	size := v.Size()
	px := float64(v.area.Min.X) + (x-v.xr[0])/(v.xr[1]-v.xr[0])*float64(v.area.Dx())
	py := float64(v.area.Max.Y) - (y-v.yr[0])/(v.yr[1]-v.yr[0])*float64(v.area.Dy())
	return fyne.NewPos(float32(px/float64(v.imgW))*size.Width, float32(py/float64(v.imgH))*size.Height)
}
