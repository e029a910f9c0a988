package views

import (
	"image"
	"image/color"
	"math"
	"testing"

	"neurite/sim/analysis"
	"neurite/sim/point"
)

// pixelOf maps data coordinates to a pixel of a plot rendered with
// RenderPlotArea over the window lo–hi.
func pixelOf(area image.Rectangle, lo, hi [2]float64, x, y float64) image.Point {
	return image.Pt(area.Min.X+int(math.Round((x-lo[0])/(hi[0]-lo[0])*float64(area.Dx()))),
		area.Max.Y-int(math.Round((y-lo[1])/(hi[1]-lo[1])*float64(area.Dy()))))
}

// anyNear reports whether a pixel within r of p has colour c.
func anyNear(img *image.RGBA, p image.Point, r int, c color.RGBA) bool {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if near(img.RGBAAt(p.X+dx, p.Y+dy), c, 70) {
				return true
			}
		}
	}
	return false
}

// TestPhasePlotDataArea: what RenderPlotArea reports as the data area is
// where the data are drawn — the equilibrium's glyph, a nullcline, a
// trajectory — and a trajectory is broken at a NaN.
func TestPhasePlotDataArea(t *testing.T) {
	m, _ := point.Builtin("fhn")
	pp := analysis.PhasePortrait(m, 0, 1, analysis.DefaultWindow(m), m.InitialState(), 100)
	tr := Trajectory{X: []float64{-2, -1.5, -1, math.NaN(), 0, 1}, Y: []float64{1.5, 1.5, 1.5, math.NaN(), 1.5, 1.5}}
	img, area := RenderPlotArea(PhasePlot(pp, "v", "w", []Trajectory{tr}), 640, 480)
	if area.Dx() < 400 || area.Dy() < 300 || !area.In(img.Bounds()) {
		t.Fatalf("data area %v of a 640×480 image", area)
	}
	e := pp.Equilibria[0].X
	if p := pixelOf(area, pp.Lo, pp.Hi, e[0], e[1]); !anyNear(img, p, 6, color.RGBA{90, 90, 90, 255}) { // a thin ring: the focus is unstable
		t.Errorf("no equilibrium glyph at %v, where (%.3f, %.3f) falls", p, e[0], e[1])
	}
	// The w-nullcline w = (v + b)/c passes through v = 0.9, w = 2.
	if p := pixelOf(area, pp.Lo, pp.Hi, 0.9, 2); !anyNear(img, p, 2, yNullcline) {
		t.Errorf("no w-nullcline at %v", p)
	}
	col := TrajectoryColor(0)
	if p := pixelOf(area, pp.Lo, pp.Hi, -1.25, 1.5); !anyNear(img, p, 1, col) {
		t.Errorf("no trajectory at %v", p)
	}
	if p := pixelOf(area, pp.Lo, pp.Hi, -0.5, 1.5); anyNear(img, p, 1, col) {
		t.Errorf("the trajectory is drawn across its break, at %v", p)
	}
}

// TestPhaseLinePlot marks the one-variable model's equilibria on the
// v axis.
func TestPhaseLinePlot(t *testing.T) {
	v := []float64{-2, -1, 0, 1, 2}
	dv := []float64{3, 0, -1, 0, 3}
	eqs := []analysis.Equilibrium{{X: []float64{-1}, Kind: analysis.StableNode, Eigenvalues: []complex128{-2}}}
	img, area := RenderPlotArea(PhaseLinePlot(v, dv, eqs, "v", "mV", "ms"), 500, 300)
	p := image.Pt(area.Min.X+area.Dx()/4, area.Max.Y-int(math.Round(1.0/4*float64(area.Dy()))))
	if !anyNear(img, p, 2, stableCol) {
		t.Errorf("no equilibrium at %v", p)
	}
}

// BenchmarkPhasePlotRender measures drawing a portrait (the other half of
// what a slider move costs) at a typical panel size.
func BenchmarkPhasePlotRender(b *testing.B) {
	m, _ := point.Builtin("inapk:high")
	pp := analysis.PhasePortrait(m, 0, 1, analysis.DefaultWindow(m), m.InitialState(), 100)
	p := PhasePlot(pp, "V", "n", nil)
	for b.Loop() {
		RenderPlotArea(p, 800, 600)
	}
}
