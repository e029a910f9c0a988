package views

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"neurite/sim/analysis"
)

// Colours of the dynamics figures.
var (
	xNullcline  = color.RGBA{214, 39, 40, 255}  // dX/dt = 0
	yNullcline  = color.RGBA{31, 119, 180, 255} // dY/dt = 0
	fieldColour = color.RGBA{170, 170, 170, 255}
	stableCol   = color.RGBA{20, 20, 20, 255}
	cycleCol    = color.RGBA{44, 160, 44, 255}
	trajCols    = []color.RGBA{{255, 127, 14, 255}, {148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {23, 190, 207, 255}}
)

// segmentsPlotter draws many unconnected segments in one colour.
type segmentsPlotter struct {
	segs  []analysis.Segment
	style draw.LineStyle
}

func (s segmentsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, g := range s.segs {
		c.StrokeLine2(s.style, tx(g.X0), ty(g.Y0), tx(g.X1), ty(g.Y1))
	}
}

// arrowsPlotter draws the direction field as short strokes with a dot at
// the head.
type arrowsPlotter struct {
	arrows []analysis.Arrow
	length float64 // fraction of the window
	lo, hi [2]float64
}

func (a arrowsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	style := draw.LineStyle{Color: fieldColour, Width: vg.Points(0.8)}
	for _, ar := range a.arrows {
		dx := ar.DX / (a.hi[0] - a.lo[0]) * a.length
		dy := ar.DY / (a.hi[1] - a.lo[1]) * a.length
		x0, y0 := ar.X-dx/2*(a.hi[0]-a.lo[0]), ar.Y-dy/2*(a.hi[1]-a.lo[1])
		x1, y1 := ar.X+dx/2*(a.hi[0]-a.lo[0]), ar.Y+dy/2*(a.hi[1]-a.lo[1])
		c.StrokeLine2(style, tx(x0), ty(y0), tx(x1), ty(y1))
		c.DrawGlyph(draw.GlyphStyle{Color: fieldColour, Radius: vg.Points(1), Shape: draw.CircleGlyph{}}, vg.Point{X: tx(x1), Y: ty(y1)})
	}
}

// equilibriumGlyph draws stable equilibria filled, unstable ones open,
// saddles as crosses.
func equilibriumGlyph(e analysis.Equilibrium) draw.GlyphStyle {
	g := draw.GlyphStyle{Color: stableCol, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
	switch {
	case e.Kind == analysis.Saddle:
		g.Shape = draw.CrossGlyph{}
	case !e.Stable():
		g.Shape = draw.RingGlyph{}
	}
	return g
}

// Trajectory is a path in the phase plane; a NaN in X breaks it (where a
// spiking model was reset).
type Trajectory struct{ X, Y []float64 }

// TrajectoryColor is the colour of the i-th trajectory, in the phase
// plane and beside it.
func TrajectoryColor(i int) color.RGBA { return trajCols[i%len(trajCols)] }

// PhasePlot draws a phase portrait: the field, both nullclines, every
// equilibrium (filled stable, open unstable, × saddle) with its type in
// the legend, and the trajectories given.
func PhasePlot(pp analysis.Portrait, xlabel, ylabel string, trajectories []Trajectory) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = pp.Lo[0], pp.Hi[0], pp.Lo[1], pp.Hi[1]
	p.Add(arrowsPlotter{arrows: pp.Arrows, length: 0.035, lo: pp.Lo, hi: pp.Hi})
	xs := segmentsPlotter{segs: pp.Nullclines[0], style: draw.LineStyle{Color: xNullcline, Width: vg.Points(1.6)}}
	ys := segmentsPlotter{segs: pp.Nullclines[1], style: draw.LineStyle{Color: yNullcline, Width: vg.Points(1.6)}}
	p.Add(xs, ys)
	p.Legend.Add(xlabel+" nullcline", &plotter.Line{LineStyle: xs.style})
	p.Legend.Add(ylabel+" nullcline", &plotter.Line{LineStyle: ys.style})
	for i, tr := range trajectories {
		addBroken(p, tr.X, tr.Y, draw.LineStyle{Color: TrajectoryColor(i), Width: vg.Points(1.2)})
	}
	addEquilibria(p, pp.Equilibria, pp.X, pp.Y)
	return p
}

// SetCaption puts a line of text above a figure, as small as its tick
// labels (a note on what the figure shows, not a headline); "" leaves it
// without.
func SetCaption(p *plot.Plot, text string) {
	p.Title.Text = text
	p.Title.TextStyle.Font.Size = p.X.Tick.Label.Font.Size
}

// addBroken adds the line through (x, y), broken at NaNs and clipped to
// finite values.
func addBroken(p *plot.Plot, x, y []float64, style draw.LineStyle) {
	n := min(len(x), len(y))
	for start := 0; start < n; {
		end := start
		for end < n && !math.IsNaN(x[end]) && !math.IsNaN(y[end]) && !math.IsInf(x[end], 0) && !math.IsInf(y[end], 0) {
			end++
		}
		if end-start > 1 {
			xy := make(plotter.XYs, end-start)
			for k := range xy {
				xy[k].X, xy[k].Y = x[start+k], y[start+k]
			}
			line, _ := plotter.NewLine(xy) // finite by construction
			line.LineStyle = style
			p.Add(line)
		}
		start = end + 1
	}
}

// addEquilibria marks equilibria at (X[xi], X[yi]) (yi < 0: at zero on
// the y axis), each type once in the legend.
func addEquilibria(p *plot.Plot, eqs []analysis.Equilibrium, xi, yi int) {
	kinds := map[analysis.Kind]bool{}
	for _, e := range eqs {
		y := 0.0
		if yi >= 0 {
			y = e.X[yi]
		}
		s, err := plotter.NewScatter(plotter.XYs{{X: e.X[xi], Y: y}})
		if err != nil {
			continue
		}
		s.GlyphStyle = equilibriumGlyph(e)
		p.Add(s)
		if !kinds[e.Kind] {
			kinds[e.Kind] = true
			p.Legend.Add(string(e.Kind), s)
		}
	}
}

// PhaseLinePlot draws a one-variable model's phase line: dv/dt against v
// over the window, the zero line, and the equilibria where they cross
// (filled stable, open unstable). The axes name the variable with its
// unit and the rate in that unit per the model's time unit ("v (mV)",
// "dv/dt (mV/ms)"), each where the model gives it.
func PhaseLinePlot(v, dv []float64, eqs []analysis.Equilibrium, name, unit, timeUnit string) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = name, "d"+name+"/dt"
	switch {
	case unit != "" && timeUnit != "":
		p.X.Label.Text, p.Y.Label.Text = name+" ("+unit+")", "d"+name+"/dt ("+unit+"/"+timeUnit+")"
	case unit != "":
		p.X.Label.Text = name + " (" + unit + ")"
	case timeUnit != "":
		p.Y.Label.Text = "d" + name + "/dt (1/" + timeUnit + ")"
	}
	if len(v) > 0 {
		p.X.Min, p.X.Max = v[0], v[len(v)-1]
		zero := segmentsPlotter{segs: []analysis.Segment{{X0: v[0], X1: v[len(v)-1]}}, style: draw.LineStyle{Color: fieldColour, Width: vg.Points(1)}}
		p.Add(zero)
	}
	addBroken(p, v, dv, draw.LineStyle{Color: xNullcline, Width: vg.Points(1.6)})
	addEquilibria(p, eqs, 0, -1)
	return p
}

// MarkThreshold draws a model's spike threshold across a phase line's
// plot at x: a dashed vertical line, labelled, where the model resets.
func MarkThreshold(p *plot.Plot, x float64) {
	lo, hi := p.Y.Min, p.Y.Max
	line, err := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
	if err != nil {
		return
	}
	line.LineStyle = draw.LineStyle{Color: color.RGBA{214, 39, 40, 255}, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(line)
	p.Legend.Add("threshold: reset", line)
}

// BifurcationPlot draws a one-parameter diagram of variable v: branches of
// equilibria (solid where stable, dashed where not), the maximum and
// minimum of v on cycles (green, solid stable, dashed unstable), the
// special points labelled, and the points of a brute-force sweep; plabel
// names the parameter with its unit (point.Model.ParamLabel).
func BifurcationPlot(d *analysis.Diagram, plabel string, v int, vlabel string, sweep []analysis.SweepPoint) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = plabel, vlabel
	if len(sweep) > 0 {
		xy := make(plotter.XYs, len(sweep))
		for i, s := range sweep {
			xy[i].X, xy[i].Y = s.P, s.Value
		}
		if sc, err := plotter.NewScatter(xy); err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{120, 120, 120, 255}, Radius: vg.Points(1.2), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			p.Legend.Add("brute force (maxima)", sc)
		}
	}
	solid := draw.LineStyle{Color: stableCol, Width: vg.Points(1.6)}
	dashed := draw.LineStyle{Color: stableCol, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	for _, br := range d.Branches {
		addRuns(p, len(br), func(i int) (float64, float64, bool) { return br[i].P, br[i].X[v], br[i].Stable }, solid, dashed)
	}
	cs, cd := solid, dashed
	cs.Color, cd.Color = cycleCol, cycleCol
	for _, cb := range d.Cycles {
		addRuns(p, len(cb.Points), func(i int) (float64, float64, bool) { return cb.Points[i].P, cb.Points[i].Max, cb.Points[i].Stable }, cs, cd)
		addRuns(p, len(cb.Points), func(i int) (float64, float64, bool) { return cb.Points[i].P, cb.Points[i].Min, cb.Points[i].Stable }, cs, cd)
	}
	p.Legend.Add("stable", &plotter.Line{LineStyle: solid})
	p.Legend.Add("unstable", &plotter.Line{LineStyle: dashed})
	if len(d.Cycles) > 0 {
		p.Legend.Add("cycles (max, min)", &plotter.Line{LineStyle: cs})
	}
	labels := map[string]string{"fold": "LP", "hopf": "H", "snic": "SNIC", "lpc": "LPC"}
	var xys plotter.XYs
	var texts []string
	for _, s := range d.Special {
		if len(s.X) <= v {
			continue
		}
		y := s.X[v]
		if s.Type == "lpc" {
			y = math.NaN()
			for _, cb := range d.Cycles {
				for _, cp := range cb.Points {
					if math.Abs(cp.P-s.P) < 1e-9*math.Max(1, math.Abs(s.P)) || (math.IsNaN(y) && math.Abs(cp.P-s.P) < 1e-3*math.Max(1, math.Abs(s.P))) {
						y = cp.Max
					}
				}
			}
			if math.IsNaN(y) {
				continue
			}
		}
		xys = append(xys, plotter.XY{X: s.P, Y: y})
		label := labels[s.Type]
		if s.Type == "hopf" {
			label += map[bool]string{true: " (super)", false: " (sub)"}[s.L1 < 0]
		}
		texts = append(texts, label)
	}
	if len(xys) > 0 {
		sc, _ := plotter.NewScatter(xys)
		sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{214, 39, 40, 255}, Radius: vg.Points(3.5), Shape: draw.BoxGlyph{}}
		p.Add(sc)
		if l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts}); err == nil {
			for i := range l.TextStyle {
				l.TextStyle[i].Color = color.RGBA{214, 39, 40, 255}
				l.TextStyle[i].Font = sans(l.TextStyle[i].Font.Size)
				l.TextStyle[i].XAlign = draw.XLeft
			}
			l.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(3)}
			p.Add(l)
		}
	}
	p.X.Min, p.X.Max = math.Min(d.From, d.To), math.Max(d.From, d.To)
	addHeadroom(p, 0.05)
	return p
}

// SweepPlot draws a brute-force diagram on its own: each value recorded
// (inter-spike intervals, say) against the parameter, named with its
// unit in plabel.
func SweepPlot(sweep []analysis.SweepPoint, plabel, ylabel string) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = plabel, ylabel
	xy := make(plotter.XYs, 0, len(sweep))
	for _, s := range sweep {
		if !math.IsNaN(s.Value) && !math.IsInf(s.Value, 0) {
			xy = append(xy, plotter.XY{X: s.P, Y: s.Value})
		}
	}
	if sc, err := plotter.NewScatter(xy); err == nil && len(xy) > 0 {
		sc.GlyphStyle = draw.GlyphStyle{Color: stableCol, Radius: vg.Points(1.2), Shape: draw.CircleGlyph{}}
		p.Add(sc)
	}
	p.Add(plotter.NewGrid())
	return p
}

// addRuns adds a branch as lines, split where stability changes.
func addRuns(p *plot.Plot, n int, at func(i int) (float64, float64, bool), solid, dashed draw.LineStyle) {
	start := 0
	for i := 1; i <= n; i++ {
		_, _, s0 := at(start)
		if i < n {
			if _, _, si := at(i); si == s0 {
				continue
			}
		}
		end := min(i, n-1)
		xy := make(plotter.XYs, 0, end-start+1)
		for k := start; k <= end; k++ {
			x, y, _ := at(k)
			xy = append(xy, plotter.XY{X: x, Y: y})
		}
		if len(xy) > 1 {
			if line, err := plotter.NewLine(xy); err == nil {
				line.LineStyle = map[bool]draw.LineStyle{true: solid, false: dashed}[s0]
				p.Add(line)
			}
		}
		start = i
	}
}

// FIPlot draws an F–I curve with the rheobase marked, the current and
// the rheobase in unit ("µA/cm²"; none where empty).
func FIPlot(fi *analysis.FICurve, unit string) *plot.Plot {
	p := newPlot()
	p.Title.Text = fmt.Sprintf("class %d", fi.Class)
	if fi.Class == 0 {
		p.Title.Text = fi.Note
	}
	p.X.Label.Text = fi.Param
	if unit != "" {
		p.X.Label.Text += " (" + unit + ")"
	}
	p.Y.Label.Text = "rate (Hz)"
	xy := make(plotter.XYs, len(fi.Points))
	for i, pt := range fi.Points {
		xy[i].X, xy[i].Y = pt.I, pt.Rate
	}
	if lp, sc, err := plotter.NewLinePoints(xy); err == nil {
		lp.Color, sc.Color = yNullcline, yNullcline
		p.Add(lp, sc)
	}
	if !math.IsNaN(fi.Rheobase) {
		r, _ := plotter.NewScatter(plotter.XYs{{X: fi.Rheobase, Y: 0}})
		r.GlyphStyle = draw.GlyphStyle{Color: xNullcline, Radius: vg.Points(4), Shape: draw.TriangleGlyph{}}
		p.Add(r)
		p.Legend.Add(strings.TrimSpace(fmt.Sprintf("rheobase %.4g %s", fi.Rheobase, unit)), r)
	}
	p.Add(plotter.NewGrid())
	return p
}

// IntegratorsPlot draws each method's error against its cost (function
// evaluations), log–log.
func IntegratorsPlot(results []analysis.MethodResult) *plot.Plot {
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = "right-hand-side evaluations", "max |v − v_ref|"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{}, plot.LogTicks{}
	var methods []string
	for _, r := range results {
		if !slices.Contains(methods, r.Method) {
			methods = append(methods, r.Method)
		}
	}
	for i, m := range methods {
		var xy plotter.XYs
		for _, r := range results {
			if r.Method == m && r.Error > 0 && !math.IsInf(r.Error, 0) && !math.IsNaN(r.Error) {
				xy = append(xy, plotter.XY{X: float64(r.Evals), Y: r.Error})
			}
		}
		if len(xy) == 0 {
			continue
		}
		lp, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			continue
		}
		col := trajCols[i%len(trajCols)]
		lp.Color, sc.Color = col, col
		p.Add(lp, sc)
		p.Legend.Add(m, lp)
	}
	return p
}
