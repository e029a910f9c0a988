package views

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"neurite/sim"
)

// solid holds colours that no blend of the others and the background
// gives, so that a pixel in one of them shows that segment alone.
var solid = []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {0, 0, 0, 255}}

// flatStyle draws each segment in exactly its colour (no relief, no depth
// cue): a value in [i, i+1) in solid[i].
func flatStyle() Style {
	st := DefaultStyle()
	n := float64(len(solid))
	st.Min, st.Max, st.Relief, st.DepthCue = 0, n, 0, 0
	st.Map = func(t float64) color.RGBA { return solid[min(int(t*n), len(solid)-1)] }
	return st
}

// centres gives segment i the value i + 0.5: solid[i] under flatStyle.
func centres(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) + 0.5
	}
	return v
}

// widthAcross counts the pixels of column x closer to the cable's colour
// c than to the background.
func widthAcross(img *image.RGBA, x int, c, bg color.RGBA) int {
	dist := func(a, b color.RGBA) float64 {
		return math.Abs(float64(a.R)-float64(b.R)) + math.Abs(float64(a.G)-float64(b.G)) + math.Abs(float64(a.B)-float64(b.B))
	}
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		if p := img.RGBAAt(x, y); dist(p, c) < dist(p, bg) {
			n++
		}
	}
	return n
}

// TestCablesDrawnAtTheirDiameter: a cable is as many pixels wide as its
// diameter at the current zoom, and a thin one MinWidth.
func TestCablesDrawnAtTheirDiameter(t *testing.T) {
	for _, c := range []struct {
		name      string
		diam      float64 // µm
		zoom      float64
		wantWidth float64 // pixels
	}{
		{"thick at zoom 1", 20, 1, 20 * 0.95},
		{"thick at zoom 3", 20, 3, 3 * 20 * 0.95},
		{"thin at MinWidth", 0.2, 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A cable along x from -200 to 200 µm: Zoom 1 puts 0.95
			// pixels on a µm in a 400-pixel image.
			m := NewMorphology([]sim.Frustum{{A: [3]float64{-200, 0, 0}, B: [3]float64{200, 0, 0}, DA: c.diam, DB: c.diam}})
			img := image.NewRGBA(image.Rect(0, 0, 400, 400))
			st := flatStyle()
			m.Render(img, Camera{Zoom: c.zoom}, centres(1), st)
			if got := widthAcross(img, 200, solid[0], st.Background); math.Abs(float64(got)-c.wantWidth) > 1 {
				t.Errorf("cable %v µm across drawn %d pixels wide, want %.1f", c.diam, got, c.wantWidth)
			}
		})
	}
}

// TestReliefShadesTowardTheRim: a thick cable has its colormap colour on
// the axis and darkens toward its edges.
func TestReliefShadesTowardTheRim(t *testing.T) {
	m := NewMorphology([]sim.Frustum{{A: [3]float64{-200, 0, 0}, B: [3]float64{200, 0, 0}, DA: 40, DB: 40}})
	img := image.NewRGBA(image.Rect(0, 0, 400, 400))
	st := DefaultStyle()
	st.DepthCue = 0
	m.Render(img, Camera{Zoom: 1}, []float64{40}, st)
	axis, rim := img.RGBAAt(200, 200), img.RGBAAt(200, 200-17) // radius 19 pixels
	if !near(axis, st.Map(1), 3) {
		t.Errorf("axis drawn %v, want the colormap's %v", axis, st.Map(1))
	}
	if !(lightness(rim) < lightness(axis)-60) {
		t.Errorf("rim %v not clearly darker than the axis %v", rim, axis)
	}
}

func lightness(c color.RGBA) float64 { return float64(c.R) + float64(c.G) + float64(c.B) }

// TestDepthCueFadesFartherCables: of two cables at the same voltage, the
// one behind is drawn nearer the background colour, by as much as
// DepthCue says; seen from where both are at one depth, neither is.
func TestDepthCueFadesFartherCables(t *testing.T) {
	m := NewMorphology([]sim.Frustum{
		{A: [3]float64{-200, 50, 100}, B: [3]float64{200, 50, 100}, DA: 4, DB: 4, Segment: 0},
		{A: [3]float64{-200, -50, -100}, B: [3]float64{200, -50, -100}, DA: 4, DB: 4, Segment: 1},
	})
	img := image.NewRGBA(image.Rect(0, 0, 400, 400))
	st := DefaultStyle()
	st.Relief = 0
	cam := Camera{Zoom: 1}
	m.Render(img, cam, []float64{-80, -80}, st)
	xn, yn, _, _ := m.Project([3]float64{0, 50, 100}, 400, 400, cam)
	xf, yf, _, _ := m.Project([3]float64{0, -50, -100}, 400, 400, cam)
	nearC, farC := at(img, xn, yn), at(img, xf, yf)
	if !near(nearC, st.Map(0), 3) {
		t.Errorf("the nearer cable drawn %v, want the colormap's %v", nearC, st.Map(0))
	}
	// 200 µm behind, in a cell whose sphere is 2·229 µm across.
	wantFade := st.DepthCue * 200 / (2 * math.Sqrt(200*200+50*50+100*100))
	if fade := (lightness(farC) - lightness(nearC)) / (lightness(st.Background) - lightness(nearC)); math.Abs(fade-wantFade) > 0.01 {
		t.Errorf("the farther cable %v is faded %.3f of the way to the background %v, want %.3f", farC, fade, st.Background, wantFade)
	}
	level := Camera{Zoom: 1, Elevation: -math.Atan(2) * 180 / math.Pi} // depth y·sin + z·cos is 0 for both
	m.Render(img, level, []float64{-80, -80}, st)
	for _, p := range [][3]float64{{0, 50, 100}, {0, -50, -100}} {
		x, y, _, _ := m.Project(p, 400, 400, level)
		if got := at(img, x, y); !near(got, st.Map(0), 3) {
			t.Errorf("cable at %v drawn %v, want the unfaded %v", p, got, st.Map(0))
		}
	}
}

// crossingCell has cables crossing at different depths: a slanted one
// (segment 0) lies mostly behind the others, but where it crosses segment
// 1 it is in front, so that drawing whole pieces far to near would put it
// behind there.
func crossingCell() *Morphology {
	return NewMorphology([]sim.Frustum{
		{A: [3]float64{-100, 0, 40}, B: [3]float64{100, 0, -200}, DA: 12, DB: 12, Segment: 0},
		{A: [3]float64{-80, -100, 0}, B: [3]float64{-80, 100, 0}, DA: 16, DB: 6, Segment: 1},
		{A: [3]float64{40, -100, -30}, B: [3]float64{40, 100, -30}, DA: 20, DB: 20, Segment: 2},
		{A: [3]float64{-100, 60, 10}, B: [3]float64{100, -60, 10}, DA: 0.5, DB: 0.5, Segment: 3},
	})
}

// TestNearerSurfaceDrawnOnTop: where cables cross, the one nearer the
// viewer at that point shows, whatever the depth of the rest of it.
func TestNearerSurfaceDrawnOnTop(t *testing.T) {
	m := crossingCell()
	st := flatStyle()
	img := image.NewRGBA(image.Rect(0, 0, 300, 300))
	cam := Camera{Zoom: 1}
	m.Render(img, cam, centres(4), st)
	for _, c := range []struct {
		at   [3]float64
		want int
	}{
		{[3]float64{-80, 0, 0}, 0}, // segment 0 is at z = 16 there, segment 1 at 0
		{[3]float64{40, 0, 0}, 2},  // segment 0 is at z = -116 there, segment 2 at -30
	} {
		x, y, _, _ := m.Project(c.at, 300, 300, cam)
		if got := at(img, x, y); got != solid[c.want] {
			t.Errorf("at %v drawn %v, want segment %d's %v", c.at, got, c.want, solid[c.want])
		}
	}
}

// TestPickMatchesDrawing: every pixel drawn wholly in a segment's colour
// is picked as that segment, from anywhere inside the pixel, and every
// background pixel picks none.
func TestPickMatchesDrawing(t *testing.T) {
	m := crossingCell()
	st := flatStyle()
	const w, h = 300, 240
	for _, cam := range []Camera{{Zoom: 1}, {Zoom: 2.5, Azimuth: 30, Elevation: -20, PanX: 20}, {Zoom: 1, Azimuth: 90}} {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		m.Render(img, cam, centres(4), st)
		seen := map[int]int{}
		for y := range h {
			for x := range w {
				c := img.RGBAAt(x, y)
				seg, ok := m.Pick(float64(x)+0.3, float64(y)+0.8, w, h, cam, st.MinWidth, 0)
				switch want := slices.Index(solid, c); {
				case c == st.Background && ok:
					t.Fatalf("camera %+v: background pixel (%d, %d) picks segment %d", cam, x, y, seg)
				case want >= 0 && (!ok || seg != want):
					t.Fatalf("camera %+v: pixel (%d, %d) shows segment %d, Pick says %d (%v)", cam, x, y, want, seg, ok)
				case want >= 0:
					seen[want]++
				}
			}
		}
		if len(seen) < 3 {
			t.Errorf("camera %+v: only segments %v seen whole", cam, seen)
		}
	}
}

// TestRenderIntoSubImage: a picture drawn into part of a larger image (the
// explorer keeps a strip for the colour bar) is the one drawn on its own,
// and nothing outside the part is touched.
func TestRenderIntoSubImage(t *testing.T) {
	m := crossingCell()
	st := DefaultStyle()
	cam := Camera{Zoom: 1.3, Azimuth: 20}
	alone := image.NewRGBA(image.Rect(0, 0, 200, 150))
	m.Render(alone, cam, centres(4), st)
	big := image.NewRGBA(image.Rect(0, 0, 260, 190))
	part := big.SubImage(image.Rect(30, 20, 230, 170)).(*image.RGBA)
	m.Render(part, cam, centres(4), st)
	for y := range 190 {
		for x := range 260 {
			got := big.RGBAAt(x, y)
			want := color.RGBA{}
			if p := image.Pt(x, y); p.In(part.Bounds()) {
				want = alone.RGBAAt(x-30, y-20)
			}
			if got != want {
				t.Fatalf("pixel (%d, %d) is %v, want %v", x, y, got, want)
			}
		}
	}
}
