package app

import (
	"image/color"
	"testing"
	"time"

	"neurite/views"
)

func TestLoadSessionExample(t *testing.T) {
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	if s.Plan.Compartments() != 626 || len(s.Frusta) < 626 {
		t.Errorf("%d compartments, %d frusta", s.Plan.Compartments(), len(s.Frusta))
	}
	tm, v, err := s.State(nil)
	if tm != 0 || err != nil || len(v) != 626 || v[0] != -65 {
		t.Errorf("initial state t=%v err=%v len=%d v0=%v", tm, err, len(v), v[0])
	}
}

func TestLoadSessionBadFileKeepsError(t *testing.T) {
	if _, err := LoadSession("../cmd/neurite/testdata/bad.toml"); err == nil {
		t.Fatal("a broken model loaded")
	}
}

// TestSessionPlays advances the example in the background and pauses.
func TestSessionPlays(t *testing.T) {
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	s.Speed, s.FrameRate = 300, 0 // 10 ms of model time per frame, unpaced
	s.Play()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tm, _, _ := s.State(nil)
		if tm >= 30 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.Pause()
	tm, v, err := s.State(nil)
	if err != nil || tm < 30 {
		t.Fatalf("t = %v, err = %v", tm, err)
	}
	if s.Playing() {
		t.Error("still playing after Pause")
	}
	// The soma has been depolarised by the current step from 10 ms on.
	if v[0] == -65 {
		t.Errorf("soma still at rest at t = %v", tm)
	}
	s.Restart()
	if tm, _, _ := s.State(nil); tm != 0 {
		t.Errorf("restart left t = %v", tm)
	}
}

// TestExplorerDrawsCell renders the explorer with Fyne's test driver and
// checks that the cell is drawn in the view area.
func TestExplorerDrawsCell(t *testing.T) {
	ex, w := newTestExplorer(t)
	img := w.Canvas().Capture()
	bg := views.DefaultStyle().Background
	rest := views.Viridis((-65 - -80) / 120.0)
	b := img.Bounds()
	cell, background := 0, 0
	for y := b.Min.Y + b.Dy()/10; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
			switch {
			case near(c, rest, 6):
				cell++
			case near(c, bg, 2):
				background++
			}
		}
	}
	if cell < 2000 || background < b.Dx()*b.Dy()/4 {
		t.Errorf("%d pixels of the cell at rest, %d of background in %v", cell, background, b)
	}
	if ex.play.Text != "Play" {
		t.Errorf("play button reads %q", ex.play.Text)
	}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}
