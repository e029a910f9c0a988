package views

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"neurite/sim"
)

// TestColorBarEnds checks that the bar shows the map's low end at the
// bottom and its high end at the top.
func TestColorBarEnds(t *testing.T) {
	for _, st := range []Style{DefaultStyle(), {Min: -90, Max: 30, Map: CoolWarm}} {
		img := image.NewRGBA(image.Rect(0, 0, 80, 300))
		ColorBar(img, img.Bounds(), st, "mV", color.RGBA{255, 255, 255, 255})
		// The bar spans rows 20..292 of the left 26 pixels.
		if got := img.RGBAAt(4, 291); !near(got, st.Map(0), 3) {
			t.Errorf("bottom of the bar %v, want %v", got, st.Map(0))
		}
		if got := img.RGBAAt(4, 20); !near(got, st.Map(1), 3) {
			t.Errorf("top of the bar %v, want %v", got, st.Map(1))
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{{-80, 40, "-80 -60 -40 -20 0 20 40"}, {0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"}, {-65.5, -64.2, "-65.50 -65.25 -65.00 -64.75 -64.50 -64.25"},
		{0, 50, "0 10 20 30 40 50"}, {-0.3, 0.3, "-0.3 -0.2 -0.1 0.0 0.1 0.2 0.3"}} {
		var parts []string
		for _, v := range niceTicks(c.lo, c.hi, 6) {
			parts = append(parts, formatTick(v, niceTicks(c.lo, c.hi, 6)))
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("ticks(%v, %v) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}

// TestTicksNoNegativeZero: a tick that lands a rounding error below zero
// (a rate model's time course showed "−0.00") reads as zero, and a
// figure's axes label round values without needless decimals (gonum's
// own ticks printed "0.00 25.00 50.00").
func TestTicksNoNegativeZero(t *testing.T) {
	ticks := []float64{-0.5, -0.25, 0, 0.25}
	for _, v := range []float64{math.Copysign(0, -1), -1e-17} {
		if got := formatTick(v, ticks); got != "0.00" {
			t.Errorf("formatTick(%g) = %q, want 0.00", v, got)
		}
	}
	p := newPlot()
	for _, axis := range []plot.Axis{p.X, p.Y} {
		for _, tk := range axis.Tick.Marker.Ticks(0, 50) {
			if strings.Contains(tk.Label, ".") {
				t.Errorf("tick label %q on an axis from 0 to 50", tk.Label)
			}
		}
	}
}

func TestCoolWarmEnds(t *testing.T) {
	lo, mid, hi := CoolWarm(0), CoolWarm(0.5), CoolWarm(1)
	if !(lo.B > lo.R) || !(hi.R > hi.B) || !(mid.R > 200 && mid.G > 200 && mid.B > 200) {
		t.Errorf("coolwarm ends %v %v %v: want blue, near white, red", lo, mid, hi)
	}
}

// TestPick finds the segment under a pixel, nearer pieces first.
func TestPick(t *testing.T) {
	m := NewMorphology([]sim.Frustum{
		{A: [3]float64{-100, 0, 0}, B: [3]float64{100, 0, 0}, DA: 4, DB: 4, Segment: 3},
		{A: [3]float64{0, -100, 10}, B: [3]float64{0, 100, 10}, DA: 4, DB: 4, Segment: 7}, // in front (z = 10)
	})
	cam := Camera{Zoom: 1}
	x, y, _, _ := m.Project([3]float64{50, 0, 0}, 400, 400, cam)
	if seg, ok := m.Pick(x, y, 400, 400, cam, 1.5, 5); !ok || seg != 3 {
		t.Errorf("pick on the horizontal cable: %d, %v", seg, ok)
	}
	cx, cy, _, _ := m.Project([3]float64{0, 0, 0}, 400, 400, cam)
	if seg, ok := m.Pick(cx, cy, 400, 400, cam, 1.5, 5); !ok || seg != 7 {
		t.Errorf("pick where they cross: %d, want the nearer 7", seg)
	}
	if _, ok := m.Pick(5, 5, 400, 400, cam, 1.5, 5); ok {
		t.Error("picked something in an empty corner")
	}
	if seg, ok := m.Pick(x, y+6, 400, 400, cam, 1.5, 8); !ok || seg != 3 {
		t.Errorf("pick near the cable within tolerance: %d, %v", seg, ok)
	}
}

func TestMarkersDrawn(t *testing.T) {
	m := NewMorphology([]sim.Frustum{{A: [3]float64{-100, 0, 0}, B: [3]float64{100, 0, 0}, DA: 2, DB: 2}})
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	cam := Camera{Zoom: 1}
	red := color.RGBA{230, 40, 40, 255}
	m.RenderMarkers(img, cam, []Marker{{At: [3]float64{50, 0, 0}, Kind: SynapseMarker, Color: red}})
	x, y, _, _ := m.Project([3]float64{50, 0, 0}, 200, 200, cam)
	if got := img.RGBAAt(int(x), int(y)); got != red {
		t.Errorf("marker centre %v, want %v", got, red)
	}
}

func TestTracesPlotRendersAndWrites(t *testing.T) {
	ts := make([]float64, 200)
	ys := make([]float64, 200)
	for i := range ts {
		ts[i] = float64(i) * 0.5
		ys[i] = -65 + 30*math.Sin(ts[i]/5)
	}
	blue := color.RGBA{30, 100, 230, 255}
	p := TracesPlot([]Series{{Name: "soma", T: ts, Y: ys, Color: blue}}, "v (mV)", 0, 100)
	img := RenderPlot(p, 400, 250)
	found := false
	for y := 0; y < 250 && !found; y++ {
		for x := 0; x < 400; x++ {
			if near(img.RGBAAt(x, y), blue, 30) {
				found = true
				break
			}
		}
	}
	if !found {
		t.Error("the trace's colour appears nowhere in the plot")
	}
	for _, format := range []string{"png", "svg"} {
		var b bytes.Buffer
		if err := WritePlot(&b, p, 12*28.35, 8*28.35, format); err != nil {
			t.Fatal(err)
		}
		if format == "svg" && !strings.Contains(b.String(), "<svg") || format == "png" && !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG")) {
			t.Errorf("%s output does not look like %s", format, format)
		}
	}
}

// TestColorBarSmallValues: ticks of concentrations in mM are written in
// a power of ten given with the unit, each label short.
func TestColorBarSmallValues(t *testing.T) {
	ticks := niceTicks(5.5e-5, 7.2e-5, 6)
	e := math.Floor(math.Log10(ticks[len(ticks)-1]))
	if e != -5 {
		t.Fatalf("power %v, want -5", e)
	}
	shown := make([]float64, len(ticks))
	for k, v := range ticks {
		shown[k] = v * math.Pow(10, -e)
	}
	for _, v := range shown {
		if s := formatTick(v, shown); len(s) > 4 {
			t.Errorf("tick label %q is long", s)
		}
	}
}

// TestScaleBarLength: the scale bar is a round length spanning between
// about 8% and 20% of the view's width.
func TestScaleBarLength(t *testing.T) {
	for _, tc := range []struct{ pxPerUm, width, want float64 }{
		{1, 1000, 200}, {0.5, 1000, 200}, {0.3, 1000, 500}, {0.9, 850, 100}, {2.5, 850, 50}, {100, 850, 1}, {0.001, 30, 0}, {0, 100, 0},
	} {
		got := scaleBarLength(tc.pxPerUm, tc.width)
		if got != tc.want {
			t.Errorf("%v px/µm across %v px: %v µm, want %v", tc.pxPerUm, tc.width, got, tc.want)
		}
		if frac := got * tc.pxPerUm / tc.width; got != 0 && (frac < 0.08 || frac > 0.2) {
			t.Errorf("%v µm spans %.0f%% of the view", got, 100*frac)
		}
	}
}
