package app

import (
	"cmp"
	"image"
	"image/color"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"neurite/views"
)

// tracesPanel plots the probes' voltages live over a scrolling window;
// paused, the window can be slid back over what was recorded.
type tracesPanel struct {
	content fyne.CanvasObject
	raster  *canvas.Raster
	window  *widget.Select
	unit    *widget.Select // the probes shown: those of this unit
	back    *widget.Slider // how far the window is slid back, as a fraction of the run so far

	mu     sync.Mutex
	series []views.Series
	from   float64
	to     float64
	last   time.Time
}

var traceWindows = map[string]float64{"50 ms": 50, "100 ms": 100, "200 ms": 200, "500 ms": 500, "whole run": 0}

func newTracesPanel() *tracesPanel {
	p := &tracesPanel{}
	p.raster = canvas.NewRaster(p.draw)
	p.raster.SetMinSize(fyne.NewSize(300, 160))
	p.window = widget.NewSelect([]string{"50 ms", "100 ms", "200 ms", "500 ms", "whole run"}, func(string) { p.last = time.Time{} })
	p.window.SetSelected("100 ms")
	p.back = widget.NewSlider(0, 1)
	p.back.Step = 0.001
	p.back.Value = 1
	p.unit = widget.NewSelect([]string{"mV"}, func(string) { p.last = time.Time{} })
	p.unit.SetSelected("mV")
	controls := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Probes in"), p.unit, widget.NewLabel("window"), p.window), nil, p.back)
	p.content = container.NewBorder(controls, nil, nil, nil, p.raster)
	return p
}

// update takes the latest samples, at most ten times a second while
// playing (plotting costs more than a frame of the cell).
func (p *tracesPanel) update(s *Session, colors map[string]color.RGBA, t float64) {
	if s.Playing() && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	span := traceWindows[p.window.Selected]
	end := t
	if !s.Playing() && span > 0 {
		end = span + p.back.Value*(t-span)
	}
	from := 0.0
	if span > 0 {
		from = max(0, end-span)
	}
	// The probes of one unit at a time: a gate and a concentration have
	// no place on the voltages' axis.
	units := map[string]string{}
	for k, pr := range s.Plan.Probes {
		units[pr.Name] = s.Plan.ProbeUnit(k)
	}
	p.setUnits(units)
	var series []views.Series
	for name, col := range colors {
		if units[name] != p.unit.Selected {
			continue
		}
		ts, ys := s.Trace(name, from)
		ts, ys = decimate(ts, ys, liveBuckets)
		series = append(series, views.Series{Name: name, T: ts, Y: ys, Color: col})
	}
	sort.Slice(series, func(i, j int) bool { return series[i].Name < series[j].Name })
	p.mu.Lock()
	p.series, p.from, p.to = series, from, max(end, from+span)
	p.mu.Unlock()
	p.raster.Refresh()
}

// liveBuckets bounds the points per trace the live plot draws: plotting
// every sample of a long window took longer than a frame of the cell.
const liveBuckets = 500

// decimate keeps, of each of n buckets of samples, the lowest and the
// highest in time order, so that spikes survive; shorter traces pass
// unchanged.
func decimate(t, y []float64, n int) ([]float64, []float64) {
	if len(t) <= 2*n {
		return t, y
	}
	ot, oy := make([]float64, 0, 2*n), make([]float64, 0, 2*n)
	for b := range n {
		lo, hi := b*len(t)/n, (b+1)*len(t)/n
		iMin, iMax := lo, lo
		for i := lo; i < hi; i++ {
			if y[i] < y[iMin] {
				iMin = i
			}
			if y[i] > y[iMax] {
				iMax = i
			}
		}
		first, second := min(iMin, iMax), max(iMin, iMax)
		ot, oy = append(ot, t[first]), append(oy, y[first])
		if second != first {
			ot, oy = append(ot, t[second]), append(oy, y[second])
		}
	}
	return ot, oy
}

func (p *tracesPanel) draw(w, h int) image.Image {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w < 50 || h < 50 {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return views.RenderPlot(views.TracesPlot(p.series, p.axisLabel(), p.from, p.to), w, h)
}

// setUnits offers the units of the probes, mV first, keeping the one
// chosen where it is still offered.
func (p *tracesPanel) setUnits(byProbe map[string]string) {
	seen := map[string]bool{}
	var units []string
	for _, u := range byProbe {
		if !seen[u] {
			seen[u] = true
			units = append(units, u)
		}
	}
	rank := func(u string) int { // mV first
		if u == "mV" {
			return 0
		}
		return 1
	}
	slices.SortFunc(units, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b)) })
	if len(units) == 0 {
		units = []string{"mV"}
	}
	if !slices.Equal(units, p.unit.Options) {
		p.unit.Options = units
		if !slices.Contains(units, p.unit.Selected) {
			p.unit.Selected = units[0]
		}
		p.unit.Refresh()
	}
}

// axisLabel names the values' axis by the unit shown.
func (p *tracesPanel) axisLabel() string {
	switch u := p.unit.Selected; u {
	case "mV":
		return "v (mV)"
	case "1":
		return "value"
	default:
		return "(" + u + ")"
	}
}

// Series returns what the panel shows (for export).
func (p *tracesPanel) Series() ([]views.Series, float64, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.series, p.from, p.to
}
