package views

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"neurite/sim"
)

// Population is a contiguous range of neuron ids, [Start, End), drawn in
// one colour in the raster and named in its legend.
type Population struct {
	Name       string
	Start, End int
	Color      color.RGBA
}

// Raster draws a network's spikes, however many: it counts the spikes
// that fall in each pixel (never drawing spike by spike) and colours a
// pixel holding any by the population of its neurons, darker the more it
// holds. Neuron 0 is at the bottom, time runs left to right.
//
// T0, T1 and N0, N1 are the visible window: times [T0, T1) ms and neurons
// [N0, N1). Set them directly, or with Fit, Zoom and Pan. A Raster is not
// safe for concurrent use: spikes added while a run goes must be added on
// the goroutine that draws.
type Raster struct {
	Populations []Population
	T0, T1      float64
	N0, N1      int
	Background  color.RGBA

	spikes []rasterSpike // by time once sorted is true
	sorted bool
	area   image.Rectangle // the data area of the last Render
	nRest  float64         // neurons zoom and pan have moved the window short of whole ones
	counts []uint32        // per lane and column, reused between frames
	sel    int             // the neuron marked by Select
	selOn  bool            // whether one is
}

// Select marks a neuron's row (the one chosen, whose trace is shown) with
// a band across the data area; ok false clears the mark. A lone neuron's
// row among thousands is under a pixel high, so the band is at least
// selBand pixels high and edged, visible at any zoom.
func (r *Raster) Select(neuron int, ok bool) { r.sel, r.selOn = neuron, ok }

// Selected returns the neuron marked by Select, if any.
func (r *Raster) Selected() (int, bool) { return r.sel, r.selOn }

// selBand is the least height in pixels of the selected neuron's band;
// selTint its colour, blended over the spikes at selAlpha/256.
const (
	selBand  = 7
	selAlpha = 90
)

var selTint = color.RGBA{255, 196, 0, 255}

type rasterSpike struct {
	t      float64
	neuron int32
}

// Axis and legend colour of the raster, and the colour of neurons outside
// every population.
var (
	rasterInk   = color.RGBA{30, 32, 40, 255}
	unknownPop  = color.RGBA{120, 120, 120, 255}
	rasterWhite = color.RGBA{255, 255, 255, 255}
)

const rasterFont = 12 // points (= pixels) of the raster's text

// NewRaster returns an empty raster of the populations on a white
// background, its window their neurons over [0, 1000) ms.
func NewRaster(pops []Population) *Raster {
	r := &Raster{Populations: pops, Background: rasterWhite, sorted: true, T1: 1000}
	r.N0, r.N1 = r.neuronExtent()
	return r
}

// Add appends spikes (any order; a run's come in time order, which costs
// nothing to keep).
func (r *Raster) Add(spikes []sim.Spike) {
	for _, s := range spikes {
		if r.sorted && len(r.spikes) > 0 && s.T < r.spikes[len(r.spikes)-1].t {
			r.sorted = false
		}
		r.spikes = append(r.spikes, rasterSpike{t: s.T, neuron: int32(s.Cell)})
	}
}

// Len returns the number of spikes held.
func (r *Raster) Len() int { return len(r.spikes) }

// Reset drops every spike, for a new run.
func (r *Raster) Reset() { r.spikes, r.sorted = r.spikes[:0], true }

func (r *Raster) sort() {
	if !r.sorted {
		slices.SortFunc(r.spikes, func(a, b rasterSpike) int { return cmp.Compare(a.t, b.t) })
		r.sorted = true
	}
}

// neuronExtent is the range of ids the populations cover ([0, 1) if none).
func (r *Raster) neuronExtent() (n0, n1 int) {
	if len(r.Populations) == 0 {
		return 0, 1
	}
	n0, n1 = math.MaxInt, math.MinInt
	for _, p := range r.Populations {
		n0, n1 = min(n0, p.Start), max(n1, p.End)
	}
	return n0, max(n1, n0+1)
}

// Fit sets the window to every population's neurons over [0, tstop) ms,
// or to 1 ms past the last spike if tstop is not positive.
func (r *Raster) Fit(tstop float64) {
	r.N0, r.N1 = r.neuronExtent()
	r.T0, r.T1 = 0, tstop
	if !(tstop > 0) {
		r.sort()
		r.T1 = 1
		if len(r.spikes) > 0 {
			r.T1 = max(1, r.spikes[len(r.spikes)-1].t+1)
		}
	}
}

// window returns the visible window made valid: a positive time span and
// at least one neuron.
func (r *Raster) window() (t0, t1 float64, n0, n1 int) {
	t0, t1, n0, n1 = r.T0, r.T1, r.N0, r.N1
	if !(t1 > t0) {
		t1 = t0 + 1
	}
	return t0, t1, n0, max(n1, n0+1)
}

// Zoom scales the window about the pixel (x, y) of the last Render, which
// stays over the same time and neuron: by ft in time and fn in neurons
// (2 shows half as much). The neuron window changes by at least one
// neuron, so that small steps add up, and keeps at least one.
func (r *Raster) Zoom(x, y int, ft, fn float64) {
	t, ok := r.timeAt(x)
	if !ok || !(ft > 0) || !(fn > 0) {
		return
	}
	t0, t1, n0, n1 := r.window()
	r.T0, r.T1 = t-(t-t0)/ft, t+(t1-t)/ft
	span := n1 - n0
	next := int(math.Round(float64(span) / fn))
	switch {
	case fn > 1 && next >= span:
		next = span - 1
	case fn < 1 && next <= span:
		next = span + 1
	}
	next = max(1, next)
	// Keep the neuron under y where it was: the bottom moves up by the
	// anchor's fraction of the neurons dropped.
	f := (r.neuronPos(y) - float64(n0)) / float64(span)
	r.N0 = n0 + r.wholeNeurons(f*float64(span-next))
	r.N1 = r.N0 + next
}

// wholeNeurons adds a move of the neuron window by d neurons to what
// earlier moves left short of whole ones and returns the whole neurons to
// move now: small steps add up and nothing drifts.
func (r *Raster) wholeNeurons(d float64) int {
	r.nRest += d
	whole := math.Round(r.nRest)
	r.nRest -= whole
	return int(whole)
}

// Pan moves the window by (dx, dy) pixels of the last Render, as a drag
// by that much moves what is drawn: right shows earlier times, down higher
// neurons. Neurons move in whole steps; what a drag moves short of one is
// kept for the next.
func (r *Raster) Pan(dx, dy int) {
	if r.area.Empty() {
		return
	}
	t0, t1, n0, n1 := r.window()
	shift := -float64(dx) * (t1 - t0) / float64(r.area.Dx())
	r.T0, r.T1 = t0+shift, t1+shift
	dn := r.wholeNeurons(float64(dy) * float64(n1-n0) / float64(r.area.Dy()))
	r.N0, r.N1 = n0+dn, n1+dn
}

// DataArea returns the pixels of the last Render that show spikes.
func (r *Raster) DataArea() image.Rectangle { return r.area }

// timeAt is the time at the centre of column x of the last Render.
func (r *Raster) timeAt(x int) (float64, bool) {
	if x < r.area.Min.X || x >= r.area.Max.X {
		return 0, false
	}
	t0, t1, _, _ := r.window()
	return t0 + (float64(x-r.area.Min.X)+0.5)*(t1-t0)/float64(r.area.Dx()), true
}

// neuronPos is the neuron position (continuous: neuron n covers [n, n+1))
// at the centre of pixel row y of the last Render.
func (r *Raster) neuronPos(y int) float64 {
	_, _, n0, n1 := r.window()
	return float64(n0) + (float64(r.area.Max.Y-y)-0.5)*float64(n1-n0)/float64(r.area.Dy())
}

// Hit names what lies under pixel (x, y) of the last Render: the spike
// drawn there, if there is one (its neuron and exact time), or else the
// lowest neuron of that row and the time at the pixel's centre. ok is
// false outside the data area.
func (r *Raster) Hit(x, y int) (neuron int, t float64, ok bool) {
	if !(image.Point{X: x, Y: y}).In(r.area) {
		return 0, 0, false
	}
	g := r.grid(r.area.Dx(), r.area.Dy())
	lane := g.laneOfRow(r.area.Max.Y - 1 - y)
	col := x - r.area.Min.X
	r.sort()
	lo, hi := r.timeSpan(g.t0+float64(col-1)/g.perMs, g.t0+float64(col+2)/g.perMs) // a column either side: rounding
	for _, s := range r.spikes[lo:hi] {
		if c, l, in := g.cell(s); in && c == col && l == lane {
			return int(s.neuron), s.t, true
		}
	}
	t, _ = r.timeAt(x)
	return g.firstNeuron(lane), t, true
}

// timeSpan returns the index range of the spikes in [t0, t1).
func (r *Raster) timeSpan(t0, t1 float64) (lo, hi int) {
	at := func(t float64) int {
		i, _ := slices.BinarySearchFunc(r.spikes, t, func(s rasterSpike, t float64) int { return cmp.Compare(s.t, t) })
		return i
	}
	return at(t0), at(t1)
}

// rasterGrid maps spikes to cells of a w×h data area: columns of equal
// time and lanes of whole neurons, as many lanes as pixel rows or
// neurons, whichever is fewer. A lane taller than a pixel spans several
// rows.
type rasterGrid struct {
	w, h, lanes int
	t0, perMs   float64 // columns per ms
	n0, n1      int
}

func (r *Raster) grid(w, h int) rasterGrid {
	t0, t1, n0, n1 := r.window()
	return rasterGrid{w: w, h: h, lanes: min(h, n1-n0), t0: t0, perMs: float64(w) / (t1 - t0), n0: n0, n1: n1}
}

// cell is the column and lane of a spike, in reports whether it is in view.
func (g rasterGrid) cell(s rasterSpike) (col, lane int, in bool) {
	n := int(s.neuron)
	if n < g.n0 || n >= g.n1 {
		return 0, 0, false
	}
	c := (s.t - g.t0) * g.perMs
	if !(c >= 0 && c < float64(g.w)) {
		return 0, 0, false
	}
	return int(c), g.laneOf(n), true
}

func (g rasterGrid) laneOf(n int) int { return (n - g.n0) * g.lanes / (g.n1 - g.n0) }

// laneOfRow is the lane drawn in pixel row i counted from the bottom.
func (g rasterGrid) laneOfRow(i int) int { return i * g.lanes / g.h }

// firstNeuron is the lowest neuron of a lane.
func (g rasterGrid) firstNeuron(lane int) int {
	nv := g.n1 - g.n0
	return g.n0 + (lane*nv+g.lanes-1)/g.lanes
}

// Render draws the raster into img: axes with round ticks (time across,
// neuron up), a legend of the populations above, and the spikes of the
// window in what is left.
func (r *Raster) Render(img *image.RGBA) {
	b := img.Bounds()
	fillRect(img, b, r.Background)
	t0, t1, n0, n1 := r.window()
	left := TextWidth(fmt.Sprint(-max(abs(n0), abs(n1))), rasterFont) + 10
	// Not image.Rect, which would turn a negative size inside out.
	r.area = image.Rectangle{Min: image.Pt(b.Min.X+left, b.Min.Y+rasterFont+12), Max: image.Pt(b.Max.X-2*rasterFont-4, b.Max.Y-2*rasterFont-14)}
	if r.area.Empty() {
		r.area = image.Rectangle{}
		return
	}
	r.drawSpikes(img, r.area)
	r.drawSelected(img, n0, n1)
	r.drawAxes(img, t0, t1, n0, n1)
	r.drawLegend(img)
}

func abs(n int) int { return max(n, -n) }

// drawSpikes counts the spikes of the window per cell of area and paints
// area's pixels from the counts.
func (r *Raster) drawSpikes(img *image.RGBA, area image.Rectangle) {
	g := r.grid(area.Dx(), area.Dy())
	counts := r.count(g)
	lanePop := r.laneColours(g)
	shade := shades(slices.Max(counts))
	bg := r.Background
	gap := area.Dy()/g.lanes >= 4 // tall lanes: a blank row between neurons
	for i := range area.Dy() {
		lane := g.laneOfRow(i)
		y := area.Max.Y - 1 - i
		off := img.PixOffset(area.Min.X, y)
		row := img.Pix[off : off+4*area.Dx()]
		if gap && g.laneOfRow(i+1) != lane {
			paintRow(row, nil, bg, bg, nil)
			continue
		}
		paintRow(row, counts[lane*g.w:(lane+1)*g.w], lanePop[lane], bg, shade)
	}
}

// count bins the window's spikes into g's cells.
func (r *Raster) count(g rasterGrid) []uint32 {
	n := g.w * g.lanes
	if cap(r.counts) < n {
		r.counts = make([]uint32, n)
	}
	counts := r.counts[:n]
	clear(counts)
	laneOf := make([]int32, g.n1-g.n0)
	for i := range laneOf {
		laneOf[i] = int32(g.laneOf(g.n0 + i))
	}
	r.sort()
	lo, hi := r.timeSpan(g.t0, g.t0+float64(g.w)/g.perMs)
	for _, s := range r.spikes[lo:hi] {
		i := int(s.neuron) - g.n0
		if i < 0 || i >= len(laneOf) {
			continue
		}
		c := int((s.t - g.t0) * g.perMs)
		if c >= 0 && c < g.w {
			counts[int(laneOf[i])*g.w+c]++
		}
	}
	return counts
}

// laneColours is the colour of each lane: that of the population of its
// middle neuron.
func (r *Raster) laneColours(g rasterGrid) []color.RGBA {
	out := make([]color.RGBA, g.lanes)
	for l := range out {
		out[l] = r.colourOf((g.firstNeuron(l) + g.firstNeuron(l+1) - 1) / 2)
	}
	return out
}

func (r *Raster) colourOf(n int) color.RGBA {
	for _, p := range r.Populations {
		if n >= p.Start && n < p.End {
			return p.Color
		}
	}
	return unknownPop
}

// shades returns, per count, the fraction (of 256) of a population's
// colour drawn: one spike in full colour, the most crowded pixel 40%, on
// a log scale between, so that a synchronous burst stands out darker.
func shades(maxCount uint32) []uint16 {
	n := min(maxCount, 1<<16)
	out := make([]uint16, n+1)
	for c := uint32(1); c <= n; c++ {
		f := 1.0
		if n > 1 {
			f -= 0.6 * math.Log(float64(c)) / math.Log(float64(n))
		}
		out[c] = uint16(math.Round(256 * f))
	}
	return out
}

// paintRow writes one pixel row: background where counts are 0 (or
// counts is nil), col shaded by count elsewhere.
func paintRow(row []uint8, counts []uint32, col, bg color.RGBA, shade []uint16) {
	for x := 0; x < len(row)/4; x++ {
		p := row[4*x : 4*x+4 : 4*x+4]
		if counts == nil || counts[x] == 0 {
			p[0], p[1], p[2], p[3] = bg.R, bg.G, bg.B, 255
			continue
		}
		f := uint32(shade[min(int(counts[x]), len(shade)-1)])
		p[0], p[1], p[2], p[3] = uint8(uint32(col.R)*f>>8), uint8(uint32(col.G)*f>>8), uint8(uint32(col.B)*f>>8), 255
	}
}

// SelectedRows is the band of pixel rows drawSelected marks in the last
// Render (empty if no neuron is selected or it is out of the window).
func (r *Raster) SelectedRows() image.Rectangle {
	_, _, n0, n1 := r.window()
	return r.selectedRows(n0, n1)
}

func (r *Raster) selectedRows(n0, n1 int) image.Rectangle {
	a := r.area
	if !r.selOn || r.sel < n0 || r.sel >= n1 || a.Empty() {
		return image.Rectangle{}
	}
	// The lane as PositionOf and Hit place it: neurons evenly up the area.
	per := float64(a.Dy()) / float64(n1-n0)
	bot := float64(a.Max.Y) - float64(r.sel-n0)*per
	top := bot - per
	if h := bot - top; h < selBand {
		mid := (top + bot) / 2
		top, bot = mid-selBand/2, mid+selBand/2
	}
	band := image.Rect(a.Min.X, int(math.Floor(top)), a.Max.X, int(math.Ceil(bot)))
	return band.Intersect(a)
}

// drawSelected tints the selected neuron's band, spikes and all, and edges
// it with a line above and below.
func (r *Raster) drawSelected(img *image.RGBA, n0, n1 int) {
	band := r.selectedRows(n0, n1)
	if band.Empty() {
		return
	}
	for y := band.Min.Y; y < band.Max.Y; y++ {
		for x := band.Min.X; x < band.Max.X; x++ {
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+3]
			p[0] = uint8((uint32(p[0])*(256-selAlpha) + uint32(selTint.R)*selAlpha) >> 8)
			p[1] = uint8((uint32(p[1])*(256-selAlpha) + uint32(selTint.G)*selAlpha) >> 8)
			p[2] = uint8((uint32(p[2])*(256-selAlpha) + uint32(selTint.B)*selAlpha) >> 8)
		}
	}
	edge := color.RGBA{200, 120, 0, 255}
	fillRect(img, image.Rect(band.Min.X, band.Min.Y, band.Max.X, band.Min.Y+1), edge)
	fillRect(img, image.Rect(band.Min.X, band.Max.Y-1, band.Max.X, band.Max.Y), edge)
}

// fillRect paints rect (clipped to img) in c.
func fillRect(img *image.RGBA, rect image.Rectangle, c color.RGBA) {
	fill(img.SubImage(rect.Intersect(img.Bounds())).(*image.RGBA), c)
}

// drawAxes draws the frame of the data area, round ticks with labels on
// both axes and the time axis' title.
func (r *Raster) drawAxes(img *image.RGBA, t0, t1 float64, n0, n1 int) {
	a := r.area
	fillRect(img, image.Rect(a.Min.X-1, a.Min.Y, a.Min.X, a.Max.Y+1), rasterInk)
	fillRect(img, image.Rect(a.Min.X-1, a.Max.Y, a.Max.X, a.Max.Y+1), rasterInk)
	ticks := niceTicks(t0, t1, max(2, a.Dx()/(3*TextWidth("-0000", rasterFont))))
	for _, v := range ticks {
		x := a.Min.X + int(math.Floor((v-t0)/(t1-t0)*float64(a.Dx())))
		if x < a.Min.X || x > a.Max.X {
			continue
		}
		x = min(x, a.Max.X-1) // the end of the window is the last column's right edge
		fillRect(img, image.Rect(x, a.Max.Y+1, x+1, a.Max.Y+5), rasterInk)
		DrawText(img, x, a.Max.Y+6+rasterFont, formatTick(v, ticks), rasterFont, rasterInk, Center)
	}
	DrawText(img, (a.Min.X+a.Max.X)/2, a.Max.Y+10+2*rasterFont, "t (ms)", rasterFont, rasterInk, Center)
	nticks := niceTicks(float64(n0), float64(n1-1), max(2, a.Dy()/(3*rasterFont)))
	for _, v := range nticks {
		if v != math.Trunc(v) {
			continue
		}
		y := a.Max.Y - 1 - int(math.Floor((v-float64(n0)+0.5)/float64(n1-n0)*float64(a.Dy()))) // the neuron's middle row
		if y < a.Min.Y || y >= a.Max.Y {
			continue
		}
		fillRect(img, image.Rect(a.Min.X-5, y, a.Min.X-1, y+1), rasterInk)
		DrawText(img, a.Min.X-7, y+rasterFont/2-1, fmt.Sprint(int(v)), rasterFont, rasterInk, Right)
	}
}

// drawLegend names the axis of neurons and each population in its colour
// above the data area.
func (r *Raster) drawLegend(img *image.RGBA) {
	y := r.area.Min.Y - 8
	x := img.Bounds().Min.X + 4
	DrawText(img, x, y, "neuron", rasterFont, rasterInk, Left)
	x = max(r.area.Min.X, x+TextWidth("neuron", rasterFont)+rasterFont)
	for _, p := range r.Populations {
		fillRect(img, image.Rect(x, y-rasterFont+3, x+rasterFont-3, y), p.Color)
		x += rasterFont
		DrawText(img, x, y, p.Name, rasterFont, rasterInk, Left)
		x += TextWidth(p.Name, rasterFont) + rasterFont
	}
}
