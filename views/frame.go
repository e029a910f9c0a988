package views

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
)

// ColourBarWidth is the width in pixels of the colour bar at the right of
// a heatmap frame.
const ColourBarWidth = 70

// HeatmapFrame draws one frame of the explorer and of videos: the cell's
// heatmap with its markers and a scale bar in all but the right
// ColourBarWidth pixels, the colour bar there and the model time at the
// top left.
func HeatmapFrame(img *image.RGBA, m *Morphology, cam Camera, st Style, values []float64, markers []Marker, t float64) {
	b := img.Bounds()
	fg := color.RGBA{30, 32, 40, 255}
	bar := min(ColourBarWidth, b.Dx()/4)
	view := img.SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X-bar, b.Max.Y)).(*image.RGBA)
	m.Render(view, cam, values, st)
	m.RenderMarkers(view, cam, markers)
	vb := view.Bounds()
	_, _, _, pxPerUm := m.Project([3]float64{}, vb.Dx(), vb.Dy(), cam)
	ScaleBar(view, pxPerUm, fg)
	side := image.Rect(b.Max.X-bar, b.Min.Y, b.Max.X, b.Max.Y)
	draw.Draw(img, side, image.NewUniform(st.Background), image.Point{}, draw.Src)
	ColorBar(img.SubImage(side).(*image.RGBA), image.Rect(b.Max.X-bar+6, b.Min.Y+8, b.Max.X, b.Max.Y-8), st, st.Unit, fg)
	DrawText(img, b.Min.X+10, b.Min.Y+22, fmt.Sprintf("t = %.2f ms", t), 16, fg, Left)
}

// probePalette is Tableau 10, a qualitative palette, taken in an order
// in which each colour differs most from those before it: distinct
// colours for probes in placement order. Tableau's own order gave the
// sixth probe brown, hard to tell from the fourth's red on the cell's
// dark background; brown and grey come last here.
var probePalette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{23, 190, 207, 255}, {227, 119, 194, 255}, {188, 189, 34, 255}, {140, 86, 75, 255}, {127, 127, 127, 255},
}

// ProbeColor is the colour of the i-th probe, its marker and its trace.
func ProbeColor(i int) color.RGBA { return probePalette[i%len(probePalette)] }

// ScaleBar draws a bar of a round length in µm (1, 2 or 5 times a power
// of ten) at the bottom left of a view drawn at pxPerUm pixels per µm,
// labelled with its length above it: the longest such length within a
// fifth of the view's width, so between about 8% and 20% of it. Without
// it nothing in a frame or video said how large the cell is.
func ScaleBar(img *image.RGBA, pxPerUm float64, fg color.RGBA) {
	b := img.Bounds()
	um := scaleBarLength(pxPerUm, float64(b.Dx()))
	if um == 0 {
		return
	}
	px := int(math.Round(um * pxPerUm))
	x0, y0 := b.Min.X+12, b.Max.Y-12
	draw.Draw(img, image.Rect(x0, y0-3, x0+px, y0), image.NewUniform(fg), image.Point{}, draw.Over)
	// Ticks at the ends, so that the bar reads as a length.
	for _, x := range []int{x0, x0 + px - 2} {
		draw.Draw(img, image.Rect(x, y0-8, x+2, y0), image.NewUniform(fg), image.Point{}, draw.Over)
	}
	DrawText(img, x0+px/2, y0-12, strconv.FormatFloat(um, 'g', -1, 64)+" µm", 14, fg, Center)
}

// scaleBarLength is the longest of 1, 2, 5 × 10^k µm that spans at most a
// fifth of width pixels at pxPerUm; 0 when none spans a usable 8 pixels.
func scaleBarLength(pxPerUm, width float64) float64 {
	if !(pxPerUm > 0) || math.IsInf(pxPerUm, 0) || !(width > 0) {
		return 0
	}
	most := width / 5 / pxPerUm // µm
	p := math.Pow(10, math.Floor(math.Log10(most)))
	um := p
	for _, f := range []float64{2, 5} {
		if f*p <= most {
			um = f * p
		}
	}
	if um*pxPerUm < 8 {
		return 0
	}
	return um
}
