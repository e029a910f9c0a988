package views

import (
	"image"
	"image/color"
	"math"
	"testing"

	"neurite/sim"
)

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int { return int(math.Abs(float64(int(x) - int(y)))) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// TestViridisEnds compares with matplotlib's viridis table at 0, 0.5, 1.
func TestViridisEnds(t *testing.T) {
	for _, c := range []struct {
		t    float64
		want color.RGBA
	}{
		{0, color.RGBA{68, 1, 84, 255}},
		{0.5, color.RGBA{33, 145, 140, 255}},
		{1, color.RGBA{253, 231, 37, 255}},
	} {
		if got := Viridis(c.t); !near(got, c.want, 4) {
			t.Errorf("Viridis(%v) = %v, want %v", c.t, got, c.want)
		}
	}
	if Viridis(-1) != Viridis(0) || Viridis(2) != Viridis(1) || Viridis(math.NaN()) != Viridis(0) {
		t.Error("Viridis does not clamp")
	}
}

func at(img *image.RGBA, x, y float64) color.RGBA { return img.RGBAAt(int(x), int(y)) }

// TestRenderColoursSegments draws two segments held at known voltages and
// checks the colour where each lands, and the background elsewhere.
func TestRenderColoursSegments(t *testing.T) {
	frusta := []sim.Frustum{
		{A: [3]float64{0, 0, 0}, B: [3]float64{100, 0, 0}, DA: 10, DB: 10, Segment: 0},
		{A: [3]float64{0, 0, 0}, B: [3]float64{0, 100, 0}, DA: 4, DB: 4, Segment: 1},
	}
	m := NewMorphology(frusta)
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	st := DefaultStyle()
	cam := Camera{Zoom: 1}
	m.Render(img, cam, []float64{-80, 40}, st)
	// The axis of a cable has the colormap's colour; the relief darkens
	// only toward the rim, within a pixel of which the axis may lie.
	x0, y0, _, _ := m.Project([3]float64{70, 0, 0}, 200, 200, cam)
	if got := at(img, x0, y0); !near(got, st.Map(0), 3) {
		t.Errorf("segment 0 at -80 mV drawn %v, want %v", got, st.Map(0))
	}
	x1, y1, _, _ := m.Project([3]float64{0, 70, 0}, 200, 200, cam)
	if got := at(img, x1, y1); !near(got, st.Map(1), 3) {
		t.Errorf("segment 1 at +40 mV drawn %v, want %v", got, st.Map(1))
	}
	if got := img.RGBAAt(199, 0); got != st.Background {
		t.Errorf("corner %v, want background %v", got, st.Background)
	}
	m.Render(img, cam, []float64{math.NaN(), -20}, st)
	if got := at(img, x0, y0); !near(got, st.Missing, 3) {
		t.Errorf("NaN segment drawn %v, want the missing colour %v", got, st.Missing)
	}
	if got := at(img, x1, y1); !near(got, st.Map(0.5), 3) {
		t.Errorf("segment at -20 mV drawn %v, want the middle of the map %v", got, st.Map(0.5))
	}
}

// TestProject checks the projection of known points: the centre of the
// cell lands in the middle, +y is up, azimuth turns x into depth.
func TestProject(t *testing.T) {
	m := NewMorphology([]sim.Frustum{{A: [3]float64{-50, -50, 0}, B: [3]float64{50, 50, 0}, DA: 1, DB: 1}})
	const w, h = 300, 200
	x, y, _, scale := m.Project([3]float64{0, 0, 0}, w, h, Camera{Zoom: 1})
	if x != 150 || y != 100 {
		t.Errorf("centre projects to (%v, %v), want (150, 100)", x, y)
	}
	// Zoom 1 fits the bounding sphere (radius 50·√2) in 95% of the height.
	if want := 0.95 * 200 / (2 * 50 * math.Sqrt2); math.Abs(scale-want) > 1e-12 {
		t.Errorf("scale %v, want %v", scale, want)
	}
	_, yUp, _, _ := m.Project([3]float64{0, 10, 0}, w, h, Camera{Zoom: 1})
	if !(yUp < 100) {
		t.Errorf("+y projects to row %v, below the centre", yUp)
	}
	xr, _, depth, _ := m.Project([3]float64{10, 0, 0}, w, h, Camera{Azimuth: 90, Zoom: 1})
	if math.Abs(xr-150) > 1e-9 || math.Abs(depth-(-10)) > 1e-9 {
		t.Errorf("azimuth 90: +x lands at column %v depth %v, want 150 and -10", xr, depth)
	}
	xp, yp, _, _ := m.Project([3]float64{0, 0, 0}, w, h, Camera{Zoom: 2, PanX: 7, PanY: -3})
	if xp != 157 || yp != 97 {
		t.Errorf("pan moves the centre to (%v, %v), want (157, 97)", xp, yp)
	}
}

// TestThinDendritesStayVisible: a 0.1 µm cable far below a pixel still
// covers pixels at MinWidth.
func TestThinDendritesStayVisible(t *testing.T) {
	m := NewMorphology([]sim.Frustum{{A: [3]float64{0, -500, 0}, B: [3]float64{0, 500, 0}, DA: 0.1, DB: 0.1}})
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	st := DefaultStyle()
	m.Render(img, Camera{Zoom: 1}, []float64{0}, st)
	drawn := 0
	for x := range 100 {
		if img.RGBAAt(x, 50) != st.Background {
			drawn++
		}
	}
	if drawn < 1 || drawn > 3 {
		t.Errorf("thin cable covers %d pixels across, want 1 to 3", drawn)
	}
}

func BenchmarkRenderRandomCell(b *testing.B) {
	// About as many pieces as the CA1 example (2800 frusta).
	var frusta []sim.Frustum
	x, y := 0.0, 0.0
	for i := range 2800 {
		nx, ny := x+math.Cos(float64(i))*5, y+math.Sin(float64(i)*0.7)*5+0.3
		frusta = append(frusta, sim.Frustum{A: [3]float64{x, y, 0}, B: [3]float64{nx, ny, 0}, DA: 1, DB: 1, Segment: i % 600})
		x, y = nx, ny
	}
	m := NewMorphology(frusta)
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	values := make([]float64, 600)
	st := DefaultStyle()
	for b.Loop() {
		m.Render(img, Camera{Zoom: 1}, values, st)
	}
}
