package views

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"neurite/sim"
)

var (
	excColour = color.RGBA{200, 40, 40, 255}
	inhColour = color.RGBA{30, 90, 200, 255}
)

// twoPops is a network of nE excitatory neurons followed by nI inhibitory
// ones.
func twoPops(nE, nI int) []Population {
	return []Population{{Name: "E", Start: 0, End: nE, Color: excColour}, {Name: "I", Start: nE, End: nE + nI, Color: inhColour}}
}

// poissonNet returns the spikes of n neurons firing as independent Poisson
// processes at hz over [0, stop) ms, plus, if burst > 0, every neuron once
// within 1 ms of burst, in time order as a run records them.
func poissonNet(n int, hz, stop, burst float64, seed uint64) []sim.Spike {
	rng := rand.New(rand.NewPCG(seed, 2))
	var out []sim.Spike
	for i := range n {
		for t := rng.ExpFloat64() * 1000 / hz; t < stop; t += rng.ExpFloat64() * 1000 / hz {
			out = append(out, sim.Spike{Cell: i, T: t})
		}
		if burst > 0 {
			out = append(out, sim.Spike{Cell: i, T: burst + rng.Float64() - 0.5})
		}
	}
	return out
}

// spikePixel is where a spike of neuron n at t must be drawn in the data
// area a of a window [t0, t1) × [n0, n1), computed from the window: the
// column of its time; the middle row of the neuron where neurons are
// fewer than rows, else the row its position falls in.
func spikePixel(a image.Rectangle, t0, t1 float64, n0, n1 int, n int, t float64) image.Point {
	x := a.Min.X + int(math.Floor((t-t0)/(t1-t0)*float64(a.Dx())))
	pos := float64(n - n0)
	if n1-n0 <= a.Dy() {
		pos += 0.5
	}
	return image.Pt(x, a.Max.Y-1-int(math.Floor(pos/float64(n1-n0)*float64(a.Dy()))))
}

// inked returns the pixels of area that are not the background.
func inked(img *image.RGBA, area image.Rectangle, bg color.RGBA) []image.Point {
	var out []image.Point
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			if img.RGBAAt(x, y) != bg {
				out = append(out, image.Pt(x, y))
			}
		}
	}
	return out
}

// TestRasterDrawsSpikesInTheirPopulationsColour draws two spikes of each
// population in a window of fewer neurons than rows and of many more, and
// checks each spike's pixel is its population's colour and every other
// pixel of the data area is background.
func TestRasterDrawsSpikesInTheirPopulationsColour(t *testing.T) {
	spikes := []sim.Spike{{Cell: 10, T: 25}, {Cell: 120, T: 61.3}, {Cell: 3000, T: 40}, {Cell: 3900, T: 80}}
	cases := []struct {
		name   string
		n0, n1 int
		want   []int // spikes in view
	}{
		{"150 neurons on 500 rows", 0, 150, []int{0, 1}},
		{"4000 neurons on 500 rows", 0, 4000, []int{0, 1, 2, 3}},
		{"zoomed on the inhibitory", 3800, 3950, []int{3}},
	}
	pops := []Population{{Name: "E", Start: 0, End: 100, Color: excColour}, {Name: "I", Start: 100, End: 150, Color: inhColour},
		{Name: "E2", Start: 150, End: 3200, Color: excColour}, {Name: "I2", Start: 3200, End: 4000, Color: inhColour}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewRaster(pops)
			r.Add(spikes)
			r.T0, r.T1, r.N0, r.N1 = 0, 100, c.n0, c.n1
			img := image.NewRGBA(image.Rect(0, 0, 800, 560))
			r.Render(img)
			a := r.DataArea()
			if a.Dx() < 700 || a.Dy() < 480 {
				t.Fatalf("data area %v of an 800×560 image", a)
			}
			var want []image.Point
			for _, i := range c.want {
				s := spikes[i]
				p := spikePixel(a, 0, 100, c.n0, c.n1, s.Cell, s.T)
				if got, col := img.RGBAAt(p.X, p.Y), r.colourOf(s.Cell); got != col {
					t.Errorf("spike of neuron %d at %g ms: pixel %v is %v, want its population's %v", s.Cell, s.T, p, got, col)
				}
				want = append(want, p)
			}
			// Every inked pixel belongs to a spike: in its column, within
			// its neuron's rows.
			rowsPerNeuron := float64(a.Dy()) / float64(c.n1-c.n0)
			for _, q := range inked(img, a, r.Background) {
				if !slices.ContainsFunc(want, func(p image.Point) bool { return p.X == q.X && math.Abs(float64(p.Y-q.Y)) <= rowsPerNeuron/2+1 }) {
					t.Fatalf("pixel %v is %v where no spike is: want background", q, img.RGBAAt(q.X, q.Y))
				}
			}
		})
	}
}

// TestRasterDenserIsDarker: a pixel holding a burst of spikes is darker
// than one holding a single spike, in the same hue.
func TestRasterDenserIsDarker(t *testing.T) {
	r := NewRaster(twoPops(4000, 0))
	r.Fit(100)
	for n := range 40 { // neurons 0..39 share a lane of 4000 neurons on ~500 rows
		r.Add([]sim.Spike{{Cell: n % 8, T: 50}})
	}
	r.Add([]sim.Spike{{Cell: 2000, T: 20}})
	img := image.NewRGBA(image.Rect(0, 0, 800, 560))
	r.Render(img)
	a := r.DataArea()
	single := spikePixel(a, 0, 100, 0, 4000, 2000, 20)
	burst := spikePixel(a, 0, 100, 0, 4000, 0, 50)
	s, b := img.RGBAAt(single.X, single.Y), img.RGBAAt(burst.X, burst.Y)
	if s != excColour {
		t.Errorf("a single spike is %v, want %v", s, excColour)
	}
	if !(b.R < s.R && b.G <= s.G && b.B <= s.B) || math.Abs(float64(b.R)/float64(s.R)-float64(b.G)/float64(s.G)) > 0.05 {
		t.Errorf("a pixel of 40 spikes is %v, want a darker shade of %v", b, s)
	}
}

// TestRasterHit checks that Hit inverts the drawing: at a spike's pixel it
// names that spike; elsewhere the neuron of the row and the time of the
// column; outside the data area nothing.
func TestRasterHit(t *testing.T) {
	spikes := poissonNet(4000, 2, 1000, 0, 7)
	for _, win := range []struct{ n0, n1 int }{{0, 4000}, {100, 180}} {
		r := NewRaster(twoPops(3200, 800))
		r.Add(spikes)
		r.T0, r.T1, r.N0, r.N1 = 0, 1000, win.n0, win.n1
		img := image.NewRGBA(image.Rect(0, 0, 1200, 600))
		r.Render(img)
		a := r.DataArea()
		// Count the spikes per pixel: Hit names the spike of a pixel that
		// holds only one.
		per := map[image.Point][]sim.Spike{}
		for _, s := range spikes {
			if s.Cell >= win.n0 && s.Cell < win.n1 {
				p := spikePixel(a, 0, 1000, win.n0, win.n1, s.Cell, s.T)
				per[p] = append(per[p], s)
			}
		}
		checked := 0
		for p, ss := range per {
			if len(ss) != 1 || checked > 200 {
				continue
			}
			checked++
			n, tm, ok := r.Hit(p.X, p.Y)
			if !ok || n != ss[0].Cell || tm != ss[0].T {
				t.Fatalf("window %v: Hit%v = neuron %d at %g ms (%v), want the spike of neuron %d at %g ms", win, p, n, tm, ok, ss[0].Cell, ss[0].T)
			}
		}
		if checked < 50 {
			t.Fatalf("only %d pixels of one spike", checked)
		}
		// An empty pixel: the row's lowest neuron, the column's time.
		for y := a.Min.Y; y < a.Max.Y; y += 37 {
			x := a.Min.X + 5
			if len(per[image.Pt(x, y)]) > 0 {
				continue
			}
			n, tm, ok := r.Hit(x, y)
			wantT := (float64(x-a.Min.X) + 0.5) * 1000 / float64(a.Dx())
			rowsPer := float64(a.Dy()) / float64(win.n1-win.n0)
			lowest := win.n0 + int(math.Ceil(float64(a.Max.Y-1-y)/rowsPer-1e-9)) // the neuron whose rows start at or below y
			if !ok || math.Abs(tm-wantT) > 1e-9 || n < lowest-1 || n > lowest+1 {
				t.Errorf("window %v: empty pixel (%d, %d) names neuron %d at %g ms (%v), want about %d at %g ms", win, x, y, n, tm, ok, lowest, wantT)
			}
		}
		for _, p := range []image.Point{{a.Min.X - 1, a.Min.Y}, {a.Max.X, a.Min.Y}, {a.Min.X, a.Max.Y}, {a.Min.X, a.Min.Y - 1}} {
			if _, _, ok := r.Hit(p.X, p.Y); ok {
				t.Errorf("Hit%v outside the data area %v reports a hit", p, a)
			}
		}
	}
}

// TestRasterZoomAndPan: zooming in on one spike leaves only it in view,
// under the same pixel; panning away leaves nothing.
func TestRasterZoomAndPan(t *testing.T) {
	r := NewRaster(twoPops(100, 100))
	r.Add([]sim.Spike{{Cell: 20, T: 250}, {Cell: 150, T: 750}, {Cell: 21, T: 300}})
	r.Fit(1000)
	img := image.NewRGBA(image.Rect(0, 0, 1000, 500))
	r.Render(img)
	if got := len(inked(img, r.DataArea(), r.Background)); got == 0 {
		t.Fatal("no spike drawn in the whole window")
	}
	a := r.DataArea()
	p := spikePixel(a, 0, 1000, 0, 200, 20, 250)
	r.Zoom(p.X, p.Y, 20, 10) // 50 ms and 20 neurons about the spike
	if !(r.T0 > 200 && r.T0 < 250 && r.T1 > 250 && r.T1 < 300) || r.N1-r.N0 > 21 || r.N0 > 20 || r.N1 <= 21 {
		t.Fatalf("zoomed window [%g, %g) ms × neurons [%d, %d), want about 50 ms and 20 neurons about neuron 20 at 250 ms", r.T0, r.T1, r.N0, r.N1)
	}
	r.Render(img)
	a = r.DataArea()
	if tp, _ := r.timeAt(p.X); math.Abs(tp-250) > 1000.0/float64(a.Dx()) {
		t.Errorf("the pixel zoomed about shows %g ms after zooming, want the 250 ms it showed before", tp)
	}
	visible := func() []sim.Spike {
		var out []sim.Spike
		for _, q := range inked(img, r.DataArea(), r.Background) {
			n, tm, _ := r.Hit(q.X, q.Y)
			if s := (sim.Spike{Cell: n, T: tm}); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	if v := visible(); len(v) != 1 || v[0] != (sim.Spike{Cell: 20, T: 250}) {
		t.Errorf("zoomed on neuron 20 at 250 ms, the spikes drawn are %v", v)
	}
	r.Pan(-a.Dx(), 0) // drag left by a whole width: the next 50 ms, where neuron 21 fires at 300 ms
	r.Render(img)
	if v := visible(); len(v) != 1 || v[0] != (sim.Spike{Cell: 21, T: 300}) {
		t.Errorf("panned to [%g, %g) ms, the spikes drawn are %v; want neuron 21's at 300 ms alone", r.T0, r.T1, v)
	}
	r.Pan(-a.Dx(), 0)
	r.Render(img)
	if v := visible(); len(v) != 0 {
		t.Errorf("panned to [%g, %g) ms, where no neuron fires, the spikes drawn are %v", r.T0, r.T1, v)
	}
}

// TestRasterSmallZoomStepsAddUp: zooming by 10% a step narrows the
// neuron window down to one neuron and widens it back, and small drags
// move it.
func TestRasterSmallZoomStepsAddUp(t *testing.T) {
	r := NewRaster(twoPops(100, 0))
	r.Fit(100)
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	r.Render(img)
	a := r.DataArea()
	mid := image.Pt((a.Min.X+a.Max.X)/2, (a.Min.Y+a.Max.Y)/2)
	for range 100 {
		r.Zoom(mid.X, mid.Y, 1, 1.1)
	}
	if r.N1-r.N0 != 1 || r.N0 < 45 || r.N0 > 55 {
		t.Errorf("after 100 zooms in: neurons [%d, %d), want one about neuron 50", r.N0, r.N1)
	}
	for range 100 {
		r.Zoom(mid.X, mid.Y, 1, 1/1.1)
	}
	if r.N1-r.N0 < 100 {
		t.Errorf("after 100 zooms out: neurons [%d, %d), want 100 or more", r.N0, r.N1)
	}
	r.Fit(100)
	r.Render(img)
	for range 10 { // a tenth of a neuron's height each
		r.Pan(0, max(1, a.Dy()/1000))
	}
	if r.N0 == 0 {
		t.Errorf("ten small drags down, each a fraction of a neuron, moved nothing")
	}
}

// TestRasterTinyAndEmpty: images too small for a data area, an empty
// raster and a reversed window draw without panicking and hit nothing.
func TestRasterTinyAndEmpty(t *testing.T) {
	r := NewRaster(nil)
	r.T0, r.T1 = 5, 5
	for _, size := range []image.Point{{1, 1}, {40, 30}, {300, 200}} {
		img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		r.Render(img)
		if _, _, ok := r.Hit(size.X/2, size.Y/2); ok && size.X < 50 {
			t.Errorf("%v: a hit in an image with no data area", size)
		}
	}
}

// BenchmarkRaster draws a million spikes (4000 neurons over 10 s) at
// 1200×600, whole and zoomed: the budget is 33 ms a frame for 30 fps.
func BenchmarkRaster(b *testing.B) {
	spikes := poissonNet(4000, 25, 10000, 0, 1)
	r := NewRaster(twoPops(3200, 800))
	r.Add(spikes)
	img := image.NewRGBA(image.Rect(0, 0, 1200, 600))
	r.Render(img) // sorts the spikes by time, once
	for _, w := range []struct {
		name   string
		t0, t1 float64
		n0, n1 int
	}{{"whole", 0, 10000, 0, 4000}, {"zoomed", 4000, 5000, 1000, 1400}} {
		b.Run(w.name, func(b *testing.B) {
			r.T0, r.T1, r.N0, r.N1 = w.t0, w.t1, w.n0, w.n1
			for b.Loop() {
				r.Render(img)
			}
			b.ReportMetric(float64(len(spikes)), "spikes")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
		})
	}
}

// TestRasterMarksSelected: a selected neuron's row is tinted across the
// data area, at least selBand pixels high though a neuron's lane is under
// a pixel, around where PositionOf's lane lies; nothing is tinted without
// a selection or with it out of the window.
func TestRasterMarksSelected(t *testing.T) {
	r := NewRaster([]Population{{Name: "E", Start: 0, End: 2000, Color: color.RGBA{31, 119, 180, 255}}})
	r.Fit(100)
	img := image.NewRGBA(image.Rect(0, 0, 800, 400))
	tinted := func() (rows []int) {
		for y := range img.Bounds().Dy() {
			c := img.RGBAAt(r.area.Min.X+r.area.Dx()/2, y)
			if c.R > 200 && c.G > 150 && c.B < 200 && c != rasterWhite {
				rows = append(rows, y)
			}
		}
		return rows
	}
	r.Render(img)
	if rows := tinted(); len(rows) != 0 {
		t.Fatalf("rows %v tinted with nothing selected", rows)
	}
	r.Select(972, true)
	r.Render(img)
	rows := tinted()
	band := r.SelectedRows()
	if band.Dy() < selBand || len(rows) == 0 {
		t.Fatalf("band %v, tinted rows %v", band, rows)
	}
	a := r.area
	lane := float64(a.Max.Y) - (972.5-float64(r.N0))/float64(r.N1-r.N0)*float64(a.Dy())
	if float64(band.Min.Y) > lane || float64(band.Max.Y) < lane {
		t.Errorf("band %v does not hold neuron 972's lane at y = %.1f", band, lane)
	}
	for _, y := range rows {
		if y < band.Min.Y || y >= band.Max.Y {
			t.Errorf("row %d tinted outside the band %v", y, band)
		}
	}
	r.N0, r.N1 = 0, 500 // zoomed to other neurons
	r.Render(img)
	if rows := tinted(); len(rows) != 0 {
		t.Errorf("rows %v tinted with the selected neuron out of the window", rows)
	}
}
