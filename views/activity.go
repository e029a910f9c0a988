package views

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
)

// Activity lays a network's neurons out on a plane, for frames of its
// activity: each neuron a square at its position, coloured by a value in
// [0, 1] (its recent spiking). Neurons without positions are set out in
// a square grid per population, the grids side by side.
type Activity struct {
	X, Y []float64 // each neuron's position (µm, or grid units)
	side float64   // a square's side, in the positions' units

	// Pops, when given, are named above their neurons in their colours,
	// each framed by a line, so that E tells from I.
	Pops []Population
	// Tau, when positive, is the time constant (ms) of the trace the
	// values are (Recency): a colour bar beside reads a colour as the
	// time since the neuron's last spike.
	Tau float64
}

// NewActivity makes the layout of positions pos (x, y); neurons not
// placed are laid out in a grid beside the others, a grid per population
// of pops (one for all where pops is nil), the grids side by side.
func NewActivity(pos [][2]float64, placed []bool, pops []Population) *Activity {
	a := &Activity{X: make([]float64, len(pos)), Y: make([]float64, len(pos)), Pops: pops}
	var free []int
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, p := range pos {
		if !placed[i] {
			free = append(free, i)
			continue
		}
		a.X[i], a.Y[i] = p[0], p[1]
		minX, maxX, minY, maxY = min(minX, p[0]), max(maxX, p[0]), min(minY, p[1]), max(maxY, p[1])
	}
	placedCount := len(pos) - len(free)
	a.side = nearestSpacing(a.X, a.Y, placed)
	x0 := 0.0
	if placedCount > 0 {
		x0 = maxX + 2*a.side
	}
	for _, group := range groupFree(free, pops) {
		cols := int(math.Ceil(math.Sqrt(float64(len(group)))))
		for k, i := range group {
			a.X[i], a.Y[i] = x0+float64(k%cols)*a.side, float64(k/cols)*a.side
		}
		x0 += float64(cols+2) * a.side // a gap of two squares between grids
	}
	return a
}

// groupFree splits the neurons without positions by population (pops in
// order, then any in none), or keeps them as one group without pops.
func groupFree(free []int, pops []Population) [][]int {
	if len(pops) == 0 {
		return [][]int{free}
	}
	groups := make([][]int, len(pops)+1)
	for _, i := range free {
		k := len(pops)
		for j, p := range pops {
			if i >= p.Start && i < p.End {
				k = j
				break
			}
		}
		groups[k] = append(groups[k], i)
	}
	return slices.DeleteFunc(groups, func(g []int) bool { return len(g) == 0 })
}

// barWidth is the room a frame keeps at its right for the colour bar.
const barWidth = 90

// Frame draws the neurons coloured by value (through m, 0 to 1) with the
// time at the top left, the populations named and framed and, with Tau
// set, the colour bar at the right.
func (a *Activity) Frame(img *image.RGBA, value []float64, m Colormap, t float64) {
	b := img.Bounds()
	bg := color.RGBA{250, 250, 250, 255}
	fg := color.RGBA{30, 32, 40, 255}
	draw.Draw(img, b, image.NewUniform(bg), image.Point{}, draw.Src)
	DrawText(img, b.Min.X+10, b.Min.Y+22, fmt.Sprintf("t = %.1f ms", t), 16, fg, Left)
	if len(a.X) == 0 {
		return
	}
	if a.Tau > 0 {
		RecencyBar(img, image.Rect(b.Max.X-barWidth+10, b.Min.Y+10, b.Max.X-10, b.Max.Y-10), m, a.Tau, fg)
	}
	place := a.placing(b)
	for i := range a.X {
		v := 0.0
		if i < len(value) {
			v = math.Max(0, math.Min(1, value[i]))
		}
		draw.Draw(img, place(i).Intersect(b), image.NewUniform(m(v)), image.Point{}, draw.Src)
	}
	for _, p := range a.Pops {
		if p.Start >= p.End || p.End > len(a.X) {
			continue
		}
		box := place(p.Start)
		for i := p.Start + 1; i < p.End; i++ {
			box = box.Union(place(i))
		}
		outline(img, box.Inset(-2), p.Color)
		DrawText(img, box.Min.X, box.Min.Y-5, p.Name, 14, p.Color, Left)
	}
}

// outline draws a rectangle's edges, one pixel wide, clipped to img.
func outline(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for _, e := range []image.Rectangle{
		image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y),
		image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y),
	} {
		draw.Draw(img, e.Intersect(img.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
	}
}

// RecencyTau is the time constant (ms) of the trace of recent spiking
// that colours the neurons of an activity frame.
const RecencyTau = 5.0

// Recency returns each neuron's trace of recent spiking at t, from the
// time of its last spike at or before t (−∞ for none): exp(−(t − last)/τ),
// 1 at a spike and decaying to 0.
func Recency(last []float64, t, tau float64) []float64 {
	out := make([]float64, len(last))
	for i, l := range last {
		out[i] = math.Exp(-(t - l) / tau)
	}
	return out
}

// Square returns the pixels neuron i covers in a frame drawn in b.
func (a *Activity) Square(i int, b image.Rectangle) image.Rectangle { return a.placing(b)(i) }

// Hit returns the neuron whose square holds pixel (x, y) of a frame drawn
// in b.
func (a *Activity) Hit(x, y int, b image.Rectangle) (neuron int, ok bool) {
	place, p := a.placing(b), image.Pt(x, y)
	for i := range a.X {
		if p.In(place(i)) {
			return i, true
		}
	}
	return 0, false
}

// placing returns where each neuron's square lies in a frame drawn in b:
// the layout scaled to fit below the time and the populations' names,
// left of the colour bar, centred, y up as on a plot.
func (a *Activity) placing(b image.Rectangle) func(i int) image.Rectangle {
	minX, maxX := minMax(a.X)
	minY, maxY := minMax(a.Y)
	top := 34 // room for the time
	if len(a.Pops) > 0 {
		top += 16 // and for the names above the populations
	}
	right := 0
	if a.Tau > 0 {
		right = barWidth
	}
	w, h := float64(b.Dx()-20-right), float64(b.Dy()-top-10)
	spanX, spanY := maxX-minX+a.side, maxY-minY+a.side
	scale := math.Min(w/spanX, h/spanY)
	ox := float64(b.Min.X) + 10 + (w-spanX*scale)/2
	oy := float64(b.Min.Y+top) + (h-spanY*scale)/2
	return func(i int) image.Rectangle {
		// Both edges of a square from the same mapping, so that squares
		// of a lattice tile without gaps.
		x0, x1 := ox+(a.X[i]-minX)*scale, ox+(a.X[i]-minX+a.side)*scale
		y0, y1 := oy+(maxY-a.Y[i])*scale, oy+(maxY-a.Y[i]+a.side)*scale
		return image.Rect(int(x0), int(y0), max(int(x1), int(x0)+1), max(int(y1), int(y0)+1))
	}
}

func minMax(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// nearestSpacing is the median distance from a placed neuron to its
// nearest placed neighbour (over a sample of up to 200 neurons), the side
// of the squares that tile a lattice; 1 when fewer than two are placed.
func nearestSpacing(x, y []float64, placed []bool) float64 {
	var idx []int
	for i, ok := range placed {
		if ok {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return 1
	}
	step := max(1, len(idx)/200)
	var d []float64
	for k := 0; k < len(idx); k += step {
		i, best := idx[k], math.Inf(1)
		for _, j := range idx {
			if j != i {
				if dd := math.Hypot(x[i]-x[j], y[i]-y[j]); dd > 0 {
					best = min(best, dd)
				}
			}
		}
		if !math.IsInf(best, 1) {
			d = append(d, best)
		}
	}
	if len(d) == 0 {
		return 1
	}
	slices.Sort(d)
	return d[len(d)/2]
}
