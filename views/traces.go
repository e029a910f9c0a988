package views

import (
	"bytes"
	"image"
	"image/color"
	stddraw "image/draw"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one trace: samples at times T.
type Series struct {
	Name  string
	T, Y  []float64
	Color color.RGBA
}

// TracesPlot lays traces out as a figure: time in ms across, the quantity
// (ylabel) up, one coloured line per series with a legend. From and To
// bound the time axis when To > From.
func TracesPlot(series []Series, ylabel string, from, to float64) *plot.Plot {
	p := plot.New()
	p.X.Label.Text = "t (ms)"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	for _, s := range series {
		n := min(len(s.T), len(s.Y))
		if n == 0 {
			continue
		}
		xys := make(plotter.XYs, n)
		for i := range n {
			xys[i].X, xys[i].Y = s.T[i], s.Y[i]
		}
		line, err := plotter.NewLine(xys)
		if err != nil { // NaN or Inf samples: drawing them would lie
			continue
		}
		line.Color = s.Color
		line.Width = vg.Points(1.2)
		p.Add(line)
		p.Legend.Add(s.Name, line)
	}
	p.Legend.Top = true
	if to > from {
		p.X.Min, p.X.Max = from, to
	}
	return p
}

// RenderPlot draws a figure into a w×h image (96 dots per inch).
func RenderPlot(p *plot.Plot, w, h int) *image.RGBA {
	img, _ := RenderPlotArea(p, w, h)
	return img
}

// RenderPlotArea draws a figure into a w×h image and returns the pixel
// rectangle of its data area too, so that a click can be mapped back to
// data coordinates.
func RenderPlotArea(p *plot.Plot, w, h int) (*image.RGBA, image.Rectangle) {
	const dpi = 96
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/dpi, vg.Length(h)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	p.Draw(dc)
	data := p.DataCanvas(dc).Rectangle
	px := func(l vg.Length) int { return int(math.Round(float64(l / vg.Inch * dpi))) }
	area := image.Rect(px(data.Min.X), h-px(data.Max.Y), px(data.Max.X), h-px(data.Min.Y))
	return toRGBA(c, w, h), area
}

func toRGBA(c *vgimg.Canvas, w, h int) *image.RGBA {
	if img, ok := c.Image().(*image.RGBA); ok {
		return img
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	stddraw.Draw(img, img.Bounds(), c.Image(), image.Point{}, stddraw.Src)
	return img
}

// WritePlot writes a figure as PNG or SVG (format "png" or "svg"), w×h
// centimetres.
func WritePlot(out io.Writer, p *plot.Plot, w, h vg.Length, format string) error {
	wt, err := p.WriterTo(w, h, format)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return err
	}
	_, err = out.Write(b.Bytes())
	return err
}
