package views

import (
	"bytes"
	"image"
	stddraw "image/draw"
	"io"
	"math"
	"sync"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	plotfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A figure is a gonum plot laid out by views: a margin all round, the
// legend in a column beside the data area (never over the data), and all
// text in the text font (Go Regular, a sans, unless UseFont chose another).

// sansTypeface is the name under which the text font (textFont) is known
// to gonum's font cache.
const sansTypeface = "views sans"

var sansOnce sync.Once

// registerSans makes f the font gonum draws sansTypeface in.
func registerSans(f *opentype.Font) {
	plotfont.DefaultCache.Add(plotfont.Collection{{Font: plotfont.Font{Typeface: sansTypeface}, Face: f}})
}

// sans returns the text font at size for gonum's text styles.
func sans(size vg.Length) plotfont.Font {
	sansOnce.Do(func() { registerSans(textFont()) })
	return plotfont.Font{Typeface: sansTypeface, Size: size}
}

// newPlot returns an empty figure whose text is set in the sans font,
// at gonum's sizes, the legend's as small as the tick labels, its axes
// marked at round values.
func newPlot() *plot.Plot {
	p := plot.New()
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		s.Font = sans(s.Font.Size)
	}
	p.Legend.TextStyle.Font = sans(p.X.Tick.Label.Font.Size)
	// Round values, labelled with the decimals they need (gonum's own
	// ticks print "0.00 25.00 50.00"); drawFigure fits their number.
	p.X.Tick.Marker, p.Y.Tick.Marker = roundTicks{6}, roundTicks{5}
	return p
}

// addHeadroom widens the y range by frac of its span at both ends, so that
// lines at the extremes (spike peaks) are drawn whole inside the data area.
func addHeadroom(p *plot.Plot, frac float64) {
	span := p.Y.Max - p.Y.Min
	if math.IsNaN(span) || math.IsInf(span, 0) || span < 0 {
		return
	}
	if span == 0 {
		span = math.Max(math.Abs(p.Y.Max), 1)
	}
	p.Y.Min -= frac * span
	p.Y.Max += frac * span
}

const (
	figureMargin = vg.Length(3) // points: between everything drawn and the edge
	legendGap    = vg.Length(8) // points: between the plot and the legend
	minLegendPt  = vg.Length(6) // a legend too tall shrinks down to this size
	// legendInset keeps the legend's text off the figure's right edge,
	// which it touched (the last glyph of a name ran into the border).
	legendInset = vg.Length(6)
	// legendLeading is the gap between legend rows as a fraction of the
	// font size: gonum's default of none set the rows' glyphs touching.
	legendLeading = 0.3
)

// layout is where drawFigure put the data and the legend (empty if none).
type layout struct {
	data, legend vg.Rectangle
}

// drawFigure draws p on c: the legend, if any, in a column at the right
// whose top is level with the data area's, its font shrunk (down to
// minLegendPt) to fit the data area's height and a third of the width;
// the plot in what is left,
// with as many round ticks up the side as there is room for. p itself is
// not changed.
func drawFigure(c draw.Canvas, p *plot.Plot) layout {
	c = draw.Crop(c, figureMargin, -figureMargin, figureMargin, -figureMargin)
	body := *p
	body.Legend = plot.NewLegend()
	leg := p.Legend
	leg.Left, leg.Top = true, true
	leg.Padding = legendLeading * leg.TextStyle.Font.Size
	legSize := leg.Rectangle(c).Size()
	if legSize.X > 0 {
		legSize.X += legendInset
	}
	place := func() (draw.Canvas, vg.Rectangle) {
		plotC := c
		if legSize.X > 0 {
			plotC = draw.Crop(c, 0, -(legSize.X + legendGap), 0, 0)
		}
		return plotC, body.DataCanvas(plotC).Rectangle
	}
	plotC, data := place()
	if scale := min(data.Size().Y/legSize.Y, c.Size().X/3/legSize.X); scale < 1 {
		leg.TextStyle.Font.Size = max(minLegendPt, leg.TextStyle.Font.Size*scale)
		leg.ThumbnailWidth *= scale
		leg.Padding = legendLeading * leg.TextStyle.Font.Size
		legSize = leg.Rectangle(c).Size()
		legSize.X += legendInset
		plotC, data = place()
	}
	// Up the side a label at most every two lines of text; across, every
	// three widths of a label of four characters.
	changedY := fitTicks(&body.Y, data.Size().Y/(2*body.Y.Tick.Label.Height("0")))
	changedX := fitTicks(&body.X, data.Size().X/(3*body.X.Tick.Label.Width("-000")))
	if changedX || changedY {
		plotC, data = place()
	}
	body.Draw(plotC)
	l := layout{data: data}
	if legSize.X > 0 {
		right := c.Max.X - legendInset
		l.legend = vg.Rectangle{Min: vg.Point{X: c.Max.X - legSize.X, Y: data.Max.Y - legSize.Y}, Max: vg.Point{X: right, Y: data.Max.Y}}
		leg.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: l.legend})
	}
	return l
}

// dpi is the resolution of figures rendered to images.
const dpi = 96

// RenderPlot draws a figure into a w×h image (96 dots per inch).
func RenderPlot(p *plot.Plot, w, h int) *image.RGBA {
	img, _ := RenderPlotArea(p, w, h)
	return img
}

// RenderPlotArea draws a figure into a w×h image and returns the pixel
// rectangle of its data area too, so that a click can be mapped back to
// data coordinates.
func RenderPlotArea(p *plot.Plot, w, h int) (*image.RGBA, image.Rectangle) {
	img, l := renderFigure(p, w, h)
	return img, pixelRect(l.data, h)
}

func renderFigure(p *plot.Plot, w, h int) (*image.RGBA, layout) {
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/dpi, vg.Length(h)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	l := drawFigure(draw.New(c), p)
	return toRGBA(c, w, h), l
}

// pixelRect converts a rectangle on a figure's canvas to image pixels
// (y down) of an image h pixels high.
func pixelRect(r vg.Rectangle, h int) image.Rectangle {
	px := func(l vg.Length) int { return int(math.Round(float64(l / vg.Inch * dpi))) }
	return image.Rect(px(r.Min.X), h-px(r.Max.Y), px(r.Max.X), h-px(r.Min.Y))
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
// long. An SVG carries its font, so that it shows the same everywhere.
func WritePlot(out io.Writer, p *plot.Plot, w, h vg.Length, format string) error {
	var c vg.CanvasWriterTo
	if format == "svg" {
		c = vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(true))
	} else {
		var err error
		if c, err = draw.NewFormattedCanvas(w, h, format); err != nil {
			return err
		}
	}
	drawFigure(draw.New(c), p)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return err
	}
	_, err := out.Write(b.Bytes())
	return err
}

// fitTicks sets the number of labels of an axis marked by roundTicks to
// what room allows (at most 8, at least 2), and reports a change.
func fitTicks(a *plot.Axis, room vg.Length) bool {
	t, ok := a.Tick.Marker.(roundTicks)
	if !ok {
		return false
	}
	a.Tick.Marker = roundTicks{n: min(8, max(2, int(room)))}
	return a.Tick.Marker != t
}

// roundTicks labels about n round values (as the colour bar does), with
// unlabelled ticks halfway between; drawFigure sets n to fit the data
// area.
type roundTicks struct{ n int }

func (r roundTicks) Ticks(lo, hi float64) []plot.Tick {
	major := niceTicks(lo, hi, r.n)
	for n := r.n + 1; len(major) < 2 && n <= 2*r.n+2; n++ { // two labels give the scale
		major = niceTicks(lo, hi, n)
	}
	var ticks []plot.Tick
	for i, v := range major {
		ticks = append(ticks, plot.Tick{Value: v, Label: formatTick(v, major)})
		if len(major) < 2 {
			break
		}
		half := (major[1] - major[0]) / 2
		if i == 0 && v-half >= lo {
			ticks = append(ticks, plot.Tick{Value: v - half})
		}
		if v+half <= hi {
			ticks = append(ticks, plot.Tick{Value: v + half})
		}
	}
	return ticks
}
