package views

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Series is one trace: samples at times T.
type Series struct {
	Name  string
	T, Y  []float64
	Color color.RGBA
}

// TracesPlot lays traces out as a figure: time in ms across, the quantity
// (ylabel) up, one coloured line per series with a legend. From and To
// bound the time axis when To > From; the quantity's axis leaves 5% of
// its range free above and below, so that spike peaks are drawn whole.
func TracesPlot(series []Series, ylabel string, from, to float64) *plot.Plot {
	p := newPlot()
	p.X.Label.Text = "t (ms)"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	for _, s := range series {
		n := min(len(s.T), len(s.Y))
		if n == 0 {
			continue
		}
		xys := make(plotter.XYs, n)
		for i := range n {
			xys[i].X, xys[i].Y = s.T[i], s.Y[i]
		}
		line, err := plotter.NewLine(xys)
		if err != nil { // NaN or Inf samples: drawing them would lie
			continue
		}
		line.Color = s.Color
		line.Width = vg.Points(1.2)
		p.Add(line)
		p.Legend.Add(s.Name, line)
	}
	if to > from {
		p.X.Min, p.X.Max = from, to
	}
	addHeadroom(p, 0.05)
	p.X.Tick.Marker, p.Y.Tick.Marker = roundTicks{8}, roundTicks{4} // fitted to the room when drawn
	return p
}
