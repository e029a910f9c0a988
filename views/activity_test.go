package views

import (
	"image"
	"math"
	"testing"
)

// TestActivityFrame: an active neuron's square takes the colormap's top
// colour at its position (neuron 0 at the bottom left), the idle ones the
// bottom colour; neurons without positions are laid out beside the placed
// ones.
func TestActivityFrame(t *testing.T) {
	pos := [][2]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}, {}, {}}
	placed := []bool{true, true, true, true, false, false}
	a := NewActivity(pos, placed)
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
	a := NewActivity([][2]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}, {}, {}}, []bool{true, true, true, true, false, false})
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
