package views

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"
)

// TestActivityFrame: an active neuron's square takes the colormap's top
// colour at its position (neuron 0 at the bottom left), the idle ones the
// bottom colour; neurons without positions are laid out beside the placed
// ones.
func TestActivityFrame(t *testing.T) {
	pos := [][2]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}, {}, {}}
	placed := []bool{true, true, true, true, false, false}
	a := NewActivity(pos, placed, nil)
	if a.X[4] <= 10 || a.X[5] <= 10 {
		t.Errorf("unplaced neurons at x = %g, %g: want beside the placed ones", a.X[4], a.X[5])
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	a.Frame(img, []float64{1, 0, 0, 0, 0, 0}, Viridis, 12.5)
	top, bottom := Viridis(1), Viridis(0)
	var hot, cold, sx, sy int
	for y := range 300 {
		for x := range 400 {
			switch img.RGBAAt(x, y) {
			case top:
				hot++
				sx, sy = sx+x, sy+y
			case bottom:
				cold++
			}
		}
	}
	if hot == 0 || cold < 3*hot {
		t.Fatalf("%d pixels of the active colour and %d of the idle one: want one active square of six", hot, cold)
	}
	if cx, cy := sx/hot, sy/hot; cx > 200 || cy < 150 {
		t.Errorf("the active square is centred at (%d, %d): want the bottom left", cx, cy)
	}
}

// TestRecency: the trace of recent spiking is 1 at a spike, 1/e a time
// constant later and 0 for a neuron that has not spiked.
func TestRecency(t *testing.T) {
	got := Recency([]float64{10, 5, math.Inf(-1)}, 10, 5)
	for i, want := range []float64{1, math.Exp(-1), 0} {
		if math.Abs(got[i]-want) > 1e-15 {
			t.Errorf("neuron %d: %v, want %v", i, got[i], want)
		}
	}
}

// TestActivityHit: the middle of each neuron's square hits that neuron,
// placed or laid out on the grid; the margin hits none.
func TestActivityHit(t *testing.T) {
	a := NewActivity([][2]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}, {}, {}}, []bool{true, true, true, true, false, false}, nil)
	b := image.Rect(0, 0, 200, 150)
	for i := range 6 {
		sq := a.Square(i, b)
		if got, ok := a.Hit((sq.Min.X+sq.Max.X)/2, (sq.Min.Y+sq.Max.Y)/2, b); !ok || got != i {
			t.Errorf("the middle of neuron %d's square %v hits %d (%v)", i, sq, got, ok)
		}
	}
	if n, ok := a.Hit(2, 2, b); ok {
		t.Errorf("the corner of the frame hits neuron %d", n)
	}
}

// TestActivityPopulations: unplaced populations get grids of their own,
// side by side, each framed and named in its colour; with Tau set a colour
// bar stands at the right, clear of the neurons.
func TestActivityPopulations(t *testing.T) {
	e, i := color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}
	pops := []Population{{Name: "E", Start: 0, End: 8, Color: e}, {Name: "I", Start: 8, End: 10, Color: i}}
	a := NewActivity(make([][2]float64, 10), make([]bool, 10), pops)
	a.Tau = RecencyTau
	for k := range 8 {
		if a.X[k] >= a.X[8] {
			t.Fatalf("E neuron %d at x = %g, not left of I's grid at %g", k, a.X[k], a.X[8])
		}
	}
	b := image.Rect(0, 0, 600, 400)
	img := image.NewRGBA(b)
	a.Frame(img, make([]float64, 10), Viridis, 0)
	count := func(c color.RGBA, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if img.RGBAAt(x, y) == c {
					n++
				}
			}
		}
		return n
	}
	if count(e, b) == 0 || count(i, b) == 0 {
		t.Error("a population is neither framed nor named in its colour")
	}
	right := image.Rect(b.Max.X-barWidth, 0, b.Max.X, b.Max.Y)
	if n := right.Dx()*right.Dy() - count(color.RGBA{250, 250, 250, 255}, right); n < 12*200 {
		t.Errorf("%d pixels drawn at the right: want a colour bar", n)
	}
	// Tick marks (4 pixels each) and labels, below the heading.
	if n := count(color.RGBA{30, 32, 40, 255}, image.Rect(right.Min.X, 60, right.Max.X, right.Max.Y)); n < 5*4 {
		t.Errorf("%d pixels of ticks beside the colour bar", n)
	}
	for k := range 10 {
		if sq := a.Square(k, b); sq.Max.X > right.Min.X {
			t.Errorf("neuron %d at %v reaches under the colour bar", k, sq)
		}
	}
	if got := recencyTicks(5); !slices.Equal(got, []float64{0, 1, 2, 5, 10, 20}) {
		t.Errorf("ticks for τ = 5 ms: %v", got)
	}
}
