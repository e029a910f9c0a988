package views

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"neurite/sim"
	"neurite/sim/spiketrain"
)

// barHeight is the number of pixels of colour c up the column x of area.
func barHeight(img *image.RGBA, area image.Rectangle, x int, c color.RGBA) int {
	n := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		if near(img.RGBAAt(x, y), c, 8) {
			n++
		}
	}
	return n
}

// TestHistogramPlotBarsInProportion draws counts 1, 4, 2 and checks that
// the bars' heights are in that proportion and that the empty bin is
// empty.
func TestHistogramPlotBarsInProportion(t *testing.T) {
	h := spiketrain.Histogram{Lo: 0, Width: 5, Counts: []int{1, 4, 0, 2}}
	img, area := RenderPlotArea(HistogramPlot(h, "interval (ms)", "intervals", histColour), 800, 400)
	heights := make([]int, len(h.Counts))
	for k := range h.Counts {
		x := area.Min.X + int((float64(k)+0.5)/float64(len(h.Counts))*float64(area.Dx()))
		heights[k] = barHeight(img, area, x, histColour)
	}
	unit := float64(heights[1]) / 4
	if unit < 40 {
		t.Fatalf("bar heights %v: the tallest should fill most of a %d-pixel area", heights, area.Dy())
	}
	for k, n := range h.Counts {
		if math.Abs(float64(heights[k])-unit*float64(n)) > 2 {
			t.Errorf("bar heights %v, want in proportion to %v", heights, h.Counts)
			break
		}
	}
}

func TestISIAndCVHistograms(t *testing.T) {
	trains := [][]float64{{0, 10, 20, 30}, {5, 10, 30, 31}, {1}}
	for _, c := range []struct {
		name  string
		plot  func() (err error)
		label string
	}{
		{"ISI", func() error {
			p, err := ISIHistogram(spiketrain.AllISIs(trains), 10)
			if err == nil && p.X.Max != 20 {
				t.Errorf("ISI axis to %g ms, want to the longest interval, 20", p.X.Max)
			}
			return err
		}, ""},
		{"CV", func() error {
			p, err := CVHistogram(spiketrain.CVs(trains), 10)
			if err == nil && p.Y.Label.Text != "neurons" {
				t.Errorf("CV histogram counts %q, want neurons", p.Y.Label.Text)
			}
			return err
		}, ""},
		{"no bins", func() error { _, err := CVHistogram(nil, 0); return err }, "at least one bin"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.plot()
			if (err != nil) != (c.label != "") || (err != nil && !strings.Contains(err.Error(), c.label)) {
				t.Errorf("error %v, want %q", err, c.label)
			}
		})
	}
}

// TestRatePlotFromZero: a constant 10 Hz line is drawn at 10 on an axis
// that starts at 0.
func TestRatePlotFromZero(t *testing.T) {
	s := Series{Name: "E", T: []float64{0, 500, 1000}, Y: []float64{10, 10, 10}, Color: excColour}
	p := RatePlot([]Series{s}, 0, 1000)
	if p.Y.Min != 0 || p.Y.Max <= 10 {
		t.Fatalf("rate axis [%g, %g], want from 0 and above 10", p.Y.Min, p.Y.Max)
	}
	img, area := RenderPlotArea(p, 600, 300)
	x := (area.Min.X + area.Max.X) / 2
	want := area.Max.Y - int(10/p.Y.Max*float64(area.Dy()))
	found := false
	for y := want - 3; y <= want+3; y++ {
		found = found || near(img.RGBAAt(x, y), excColour, 30)
	}
	if !found {
		t.Errorf("no line of the rate's colour near y = %d (10 Hz on [0, %g])", want, p.Y.Max)
	}
}

// TestRasterFigureExports draws a raster as a figure: the spike is in its
// population's colour where its time and neuron put it, and the figure
// writes as PNG and as SVG (the spikes embedded as an image).
func TestRasterFigureExports(t *testing.T) {
	r := NewRaster(twoPops(50, 50))
	r.Add([]sim.Spike{{Cell: 70, T: 40}})
	r.Fit(100)
	p := RasterFigure(r)
	img, area := RenderPlotArea(p, 800, 500)
	at := image.Pt(area.Min.X+int(0.4*float64(area.Dx())), area.Max.Y-int(70.5/100*float64(area.Dy())))
	found := false
	for dy := -2; dy <= 2; dy++ {
		for dx := -1; dx <= 1; dx++ {
			found = found || near(img.RGBAAt(at.X+dx, at.Y+dy), inhColour, 40)
		}
	}
	if !found {
		t.Errorf("the spike of neuron 70 at 40 ms is not drawn in the inhibitory colour near %v", at)
	}
	var pngOut, svgOut bytes.Buffer
	if err := WritePlot(&pngOut, p, 400, 250, "png"); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&pngOut); err != nil {
		t.Errorf("the PNG does not decode: %v", err)
	}
	if err := WritePlot(&svgOut, p, 400, 250, "svg"); err != nil {
		t.Fatal(err)
	}
	if s := svgOut.String(); !strings.Contains(s, "<svg") || !strings.Contains(s, "<image") || !strings.Contains(s, ">I<") && !strings.Contains(s, "I</text>") {
		t.Errorf("the SVG lacks the raster image or the legend (%d bytes)", len(s))
	}
}
