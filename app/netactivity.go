package app

import (
	"fmt"
	"image"
	"math"
	"sort"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"neurite/sim"
	"neurite/views"
)

// The Network view's activity tab: for cable cells (Cells) the voltage
// heatmap of every cell where it stands, with the cell selected shown
// alone beside it; for point neurons (Sheet) each neuron a square at its
// place on the sheet, coloured by its recent spiking, with a slider that
// scrubs through the run once it has ended. Both are drawn by the code
// that films them for neurite render --video.

// netActivity is the activity tab of one session.
type netActivity struct {
	content fyne.CanvasObject
	title   string

	// Cable cells: the network, the cell selected and where each cell's
	// frusta and segments are.
	cells, cell *cellView
	cellMsg     *widget.Label
	frusta      []sim.Frustum
	firstSeg    []int
	shown       int // the number of the session's voltage copy shown

	// Point neurons.
	sheet  *sheetView
	slider *widget.Slider
}

// newNetActivity builds the activity tab for a session's network.
func (nv *NetView) newNetActivity() *netActivity {
	a := &netActivity{}
	net := nv.sess.Net
	if net.Cable != nil {
		a.title = "Cells"
		a.frusta, a.firstSeg = net.CellLayout()
		a.cells = newCellView(views.NewMorphology(a.frusta), views.DefaultStyle(), views.Camera{Zoom: 1})
		a.cell = newCellView(views.NewMorphology(nil), views.DefaultStyle(), views.Camera{Zoom: 1})
		a.cellMsg = widget.NewLabel("Click a cell (here or in the raster) to see it alone.")
		a.cellMsg.Wrapping = fyne.TextWrapWord
		a.cells.OnTap = func(seg int) { nv.Select(net.CellNeuron(a.cellOf(seg)), 0) }
		a.cells.OnHover = func(seg int, ok bool) {
			t, v, _ := nv.sess.Voltages()
			if !ok || seg >= len(v) {
				nv.readout.SetText("")
				return
			}
			nv.readout.SetText(fmt.Sprintf("%s   %.1f mV   t = %.2f ms", net.Cable.SegmentName(int(net.Cable.Segments[seg])), v[seg], t))
		}
		split := container.NewHSplit(a.cells, container.NewBorder(a.cellMsg, nil, nil, nil, a.cell))
		split.Offset = 0.7
		a.content = split
		nv.showVoltages(a)
		return a
	}
	a.title = "Sheet"
	pos, placed := net.Positions()
	layout := views.NewActivity(pos, placed, nv.populations())
	layout.Tau = views.RecencyTau
	a.sheet = newSheetView(layout)
	a.sheet.OnTap = func(neuron int) { nv.Select(neuron, 0) }
	a.sheet.OnHover = func(neuron int, ok bool) {
		name, known := nv.sess.NeuronName(neuron)
		if !ok || !known {
			nv.readout.SetText("")
			return
		}
		nv.readout.SetText(fmt.Sprintf("%s (neuron %d)", name, neuron))
	}
	a.slider = widget.NewSlider(0, nv.sess.Tstop())
	a.slider.Step = net.Dt()
	a.slider.OnChanged = func(t float64) { nv.showSheet(a, t) }
	a.slider.Disable()
	note := widget.NewLabel(fmt.Sprintf("Each neuron at its place (in a grid where the file places none), bright at a spike and fading with the time since (e-fold %g ms; the colour bar reads it). Scrub through the run with the slider once it has ended; a click on a neuron shows its trace under the raster.", views.RecencyTau))
	note.Wrapping = fyne.TextWrapWord
	a.content = container.NewBorder(nil, container.NewVBox(a.slider, note), nil, nil, a.sheet)
	nv.showSheet(a, 0)
	return a
}

// cellOf is the cell a segment belongs to.
func (a *netActivity) cellOf(seg int) int {
	return sort.Search(len(a.firstSeg)-1, func(c int) bool { return a.firstSeg[c+1] > seg })
}

// frustaOf are the frusta of cell c.
func (a *netActivity) frustaOf(c int) []sim.Frustum {
	var out []sim.Frustum
	for _, f := range a.frusta {
		if f.Segment >= a.firstSeg[c] && f.Segment < a.firstSeg[c+1] {
			out = append(out, f)
		}
	}
	return out
}

// showActivity shows the run's activity at the frame: a cable network's
// latest voltages, where they are new, or a sheet at the time reached.
func (nv *NetView) showActivity() {
	a := nv.activity
	if a.cells != nil {
		if _, _, gen := nv.sess.Voltages(); gen != a.shown {
			nv.showVoltages(a)
		}
		return
	}
	t, _, _ := nv.sess.State()
	nv.showSheet(a, t)
	a.slider.Value = t
	a.slider.Refresh()
}

// selectedCellColor rings the cell selected in the Cells tab (the ring's
// white rim sets it apart under either colormap).
var selectedCellColor = views.ProbeColor(3)

// showVoltages draws the session's latest copy of the segment voltages
// on the network and on the cell selected, and marks that cell.
func (nv *NetView) showVoltages(a *netActivity) {
	t, v, gen := nv.sess.Voltages()
	a.shown = gen
	var marks []views.Marker
	if c, ok := nv.sess.Net.CableCell(nv.selected); ok {
		f := a.frustaOf(c)[0] // the first piece of the soma
		at := [3]float64{(f.A[0] + f.B[0]) / 2, (f.A[1] + f.B[1]) / 2, (f.A[2] + f.B[2]) / 2}
		marks = []views.Marker{{At: at, Kind: views.ProbeMarker, Color: selectedCellColor, Selected: true}}
		a.cell.Display(t, v, nil)
	}
	a.cells.Display(t, v, marks)
}

// selectCell shows the neuron selected alone beside the network and
// marks it, where it is a cable cell (a network may mix in point
// neurons, which the Cells tab does not draw).
func (nv *NetView) selectCell(a *netActivity, neuron int) {
	name, _ := nv.sess.NeuronName(neuron)
	c, ok := nv.sess.Net.CableCell(neuron)
	if !ok {
		a.cellMsg.SetText(fmt.Sprintf("%s (neuron %d) is a point neuron: the Cells tab draws the cable cells alone.", name, neuron))
		a.cell.SetMorphology(views.NewMorphology(nil))
		nv.showVoltages(a)
		return
	}
	a.cellMsg.SetText(fmt.Sprintf("%s (neuron %d)", name, neuron))
	a.cell.SetMorphology(views.NewMorphology(a.frustaOf(c)))
	nv.showVoltages(a)
}

// showSheet draws the sheet's activity at model time t from the run's
// spikes so far.
func (nv *NetView) showSheet(a *netActivity, t float64) {
	last := lastSpikes(nv.sess.Spikes(), nv.sess.Net.Neurons(), t, 20*views.RecencyTau)
	a.sheet.Display(views.Recency(last, t, views.RecencyTau), t)
}

// lastSpikes returns each neuron's last spike at or before t among
// spikes (in time order), looking back over the window before t only
// (−∞ for a neuron without a spike there).
func lastSpikes(spikes []sim.Spike, neurons int, t, window float64) []float64 {
	last := make([]float64, neurons)
	for i := range last {
		last[i] = math.Inf(-1)
	}
	from := sort.Search(len(spikes), func(i int) bool { return spikes[i].T >= t-window })
	for _, s := range spikes[from:] {
		if s.T > t {
			break
		}
		last[s.Cell] = s.T
	}
	return last
}

// sheetView draws a views.Activity at the size Fyne gives it; a click
// hands the neuron under the pointer to OnTap and hovering to OnHover.
type sheetView struct {
	widget.BaseWidget
	raster *canvas.Raster

	mu     sync.Mutex
	layout *views.Activity
	values []float64
	time   float64
	img    *image.RGBA

	OnTap   func(neuron int)
	OnHover func(neuron int, ok bool)
}

func newSheetView(layout *views.Activity) *sheetView {
	v := &sheetView{layout: layout}
	v.raster = canvas.NewRaster(v.draw)
	v.ExtendBaseWidget(v)
	return v
}

func (v *sheetView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.raster) }

func (v *sheetView) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// Display sets each neuron's value (0 to 1) at time t and redraws.
func (v *sheetView) Display(values []float64, t float64) {
	v.mu.Lock()
	v.values, v.time = values, t
	v.mu.Unlock()
	v.raster.Refresh()
}

func (v *sheetView) draw(w, h int) image.Image {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.img = canvasSized(v.img, w, h)
	v.layout.Frame(v.img, v.values, views.DefaultStyle().Map, v.time)
	return v.img
}

// neuronAt returns the neuron under a position in the widget, in the last
// drawing.
func (v *sheetView) neuronAt(p fyne.Position) (int, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	size := v.Size()
	if v.img == nil || size.Width <= 0 {
		return 0, false
	}
	b := v.img.Bounds()
	s := float64(b.Dx()) / float64(size.Width)
	return v.layout.Hit(int(math.Floor(float64(p.X)*s)), int(math.Floor(float64(p.Y)*s)), b)
}

func (v *sheetView) Tapped(e *fyne.PointEvent) {
	if n, ok := v.neuronAt(e.Position); ok && v.OnTap != nil {
		v.OnTap(n)
	}
}

func (v *sheetView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

func (v *sheetView) MouseMoved(e *desktop.MouseEvent) {
	if v.OnHover != nil {
		n, ok := v.neuronAt(e.Position)
		v.OnHover(n, ok)
	}
}

func (v *sheetView) MouseOut() {
	if v.OnHover != nil {
		v.OnHover(0, false)
	}
}
