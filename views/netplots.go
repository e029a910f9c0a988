package views

import (
	"image"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"neurite/sim/spiketrain"
)

// Figures of a network's activity, laid out and exported (PNG, SVG) as
// the single-cell figures are: RenderPlot, RenderPlotArea and WritePlot.

// RasterFigure lays the raster's window out as a figure for export: the
// spikes counted per pixel of the figure's data area (as Render draws
// them, embedded as an image in an SVG), time across, neuron up, and the
// populations in the legend.
func RasterFigure(r *Raster) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = "t (ms)", "neuron"
	t0, t1, n0, n1 := r.window()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = t0, t1, float64(n0), float64(n1)
	p.Add(rasterPlotter{r})
	for _, pop := range r.Populations {
		p.Legend.Add(pop.Name, swatch(pop.Color))
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = roundTicks{8}, roundTicks{6}
	return p
}

// rasterPlotter draws a raster's spikes into a figure's data area.
type rasterPlotter struct{ r *Raster }

func (rp rasterPlotter) Plot(c draw.Canvas, _ *plot.Plot) {
	size := c.Size()
	w, h := int(size.X.Dots(dpi)+0.5), int(size.Y.Dots(dpi)+0.5)
	if w < 1 || h < 1 {
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rp.r.drawSpikes(img, img.Bounds())
	c.DrawImage(c.Rectangle, img)
}

// swatch is a legend entry: a square of colour.
type swatch color.RGBA

func (s swatch) Thumbnail(c *draw.Canvas) {
	at := c.Center()
	half := 0.4 * min(c.Size().X, c.Size().Y) // a gap between entries
	c.FillPolygon(color.RGBA(s), []vg.Point{
		{X: at.X - half, Y: at.Y - half}, {X: at.X + half, Y: at.Y - half},
		{X: at.X + half, Y: at.Y + half}, {X: at.X - half, Y: at.Y + half},
	})
}

// RatePlot draws population rates (Hz) against time, one line per
// population (as TracesPlot), the rate axis from 0.
func RatePlot(rates []Series, from, to float64) *plot.Plot {
	p := TracesPlot(rates, "rate (Hz)", from, to)
	p.Y.Min = 0
	return p
}

// OrderPlot draws a synchrony measure that lies in [0, 1] against time:
// the Kuramoto order parameter R(t), say.
func OrderPlot(s Series, ylabel string, from, to float64) *plot.Plot {
	p := TracesPlot([]Series{s}, ylabel, from, to)
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

// HistogramPlot draws counted values as bars in colour c.
func HistogramPlot(h spiketrain.Histogram, xlabel, ylabel string, c color.RGBA) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	bins := make([]plotter.HistogramBin, len(h.Counts))
	for k, n := range h.Counts {
		lo := h.Lo + float64(k)*h.Width
		bins[k] = plotter.HistogramBin{Min: lo, Max: lo + h.Width, Weight: float64(n)}
	}
	p.Add(&plotter.Histogram{Bins: bins, Width: h.Width, FillColor: c,
		LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}})
	p.X.Min, p.X.Max = h.Lo, h.Lo+h.Width*float64(len(h.Counts))
	p.Y.Min = 0
	p.X.Tick.Marker, p.Y.Tick.Marker = roundTicks{8}, roundTicks{4}
	return p
}

// Colour of the ISI and CV histograms.
var histColour = color.RGBA{31, 119, 180, 255}

// ISIHistogram draws the inter-spike intervals (ms) pooled over neurons in
// bins from 0 to the longest.
func ISIHistogram(isis []float64, bins int) (*plot.Plot, error) {
	h, err := spiketrain.AutoHistogram(isis, bins)
	if err != nil {
		return nil, err
	}
	return HistogramPlot(h, "inter-spike interval (ms)", "intervals", histColour), nil
}

// CVHistogram draws the neurons' coefficients of variation of ISI in bins
// from 0 to the largest.
func CVHistogram(cvs []float64, bins int) (*plot.Plot, error) {
	h, err := spiketrain.AutoHistogram(cvs, bins)
	if err != nil {
		return nil, err
	}
	return HistogramPlot(h, "CV of ISI", "neurons", histColour), nil
}
