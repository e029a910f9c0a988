package views

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
)

// ColourBarWidth is the width in pixels of the colour bar at the right of
// a heatmap frame.
const ColourBarWidth = 70

// HeatmapFrame draws one frame of the explorer and of videos: the cell's
// heatmap with its markers in all but the right ColourBarWidth pixels, the
// colour bar there and the model time at the top left.
func HeatmapFrame(img *image.RGBA, m *Morphology, cam Camera, st Style, values []float64, markers []Marker, t float64) {
	b := img.Bounds()
	fg := color.RGBA{30, 32, 40, 255}
	bar := min(ColourBarWidth, b.Dx()/4)
	view := img.SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X-bar, b.Max.Y)).(*image.RGBA)
	m.Render(view, cam, values, st)
	m.RenderMarkers(view, cam, markers)
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
