package views

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"

	"neurite/sim/analysis"
	"neurite/sim/point"
)

// spikes is a trace resting at -65 mV with action potentials peaking at
// +35 mV every 20 ms over 0–100 ms.
func spikes(name string, c color.RGBA, shift float64) Series {
	s := Series{Name: name, Color: c}
	for i := range 2001 {
		t := float64(i) * 0.05
		s.T = append(s.T, t)
		s.Y = append(s.Y, -65+100*math.Exp(-math.Pow(math.Mod(t+shift, 20)-10, 2)/0.3))
	}
	return s
}

// legendInk is the legend's text colour in these tests: nothing else in a
// figure is drawn in it.
var legendInk = color.RGBA{255, 0, 255, 255}

func isLegendInk(c color.RGBA) bool { return c.R > 200 && c.B > 200 && c.G < 150 }

func isDark(c color.RGBA) bool { return lightness(c) < 300 && c.R == c.G && c.G == c.B }

// TestTracesFigureAtPanelSizes draws traces at the sizes of the explorer's
// panel and checks that the legend lies beside the data and never over
// it, that the spike peaks are drawn whole inside the data area, and that
// nothing is cut at the image's edges, the last time label included.
func TestTracesFigureAtPanelSizes(t *testing.T) {
	cols := []color.RGBA{{30, 100, 230, 255}, {230, 90, 30, 255}, {40, 170, 60, 255}, {120, 80, 20, 255}, {0, 150, 150, 255}}
	names := []string{"soma", "apic[10](0.5)", "dend[3](0.25)", "apic[40](0.9)", "dend[12](0.1)"}
	for _, size := range []image.Point{{1280, 200}, {600, 150}, {1280, 110}, {300, 150}} {
		for _, n := range []int{1, 5} {
			t.Run(fmt.Sprintf("%dx%d/%d traces", size.X, size.Y, n), func(t *testing.T) {
				var series []Series
				for i := range n {
					series = append(series, spikes(names[i], cols[i], float64(i)*3))
				}
				p := TracesPlot(series, "v (mV)", 0, 100)
				p.Legend.TextStyle.Color = legendInk
				img, l := renderFigure(p, size.X, size.Y)
				checkFigure(t, img, pixelRect(l.data, size.Y), pixelRect(l.legend, size.Y), cols[:n])
				checkLastTimeLabel(t, img, p, pixelRect(l.data, size.Y))
				if legend := pixelRect(l.legend, size.Y); legend.Dx() > size.X/3+1 {
					t.Errorf("the legend takes %d of %d pixels across", legend.Dx(), size.X)
				}
			})
		}
	}
}

// checkFigure asserts that the legend is drawn and beside the data area,
// that the series' colours appear only in the data area and the legend's
// samples, that the topmost data point lies inside the data area, and
// that the image's outermost pixels are blank.
func checkFigure(t *testing.T, img *image.RGBA, area, legend image.Rectangle, cols []color.RGBA) {
	t.Helper()
	b := img.Bounds()
	if !area.Overlaps(b) || area.Overlaps(legend) || legend.Empty() {
		t.Fatalf("data area %v and legend %v in an image %v", area, legend, b)
	}
	inked, top := 0, b.Max.Y
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			p := image.Pt(x, y)
			if isLegendInk(c) {
				inked++
				if p.In(area) {
					t.Fatalf("legend text at %v, inside the data area %v", p, area)
				}
			}
			for _, s := range cols {
				if !near(c, s, 12) {
					continue
				}
				if !p.In(area.Inset(-2)) && !p.In(legend) {
					t.Fatalf("a trace's colour at %v, outside the data area %v and the legend %v", p, area, legend)
				}
				if p.In(area) {
					top = min(top, y)
				}
			}
			edge := x < b.Min.X+2 || y < b.Min.Y+2 || x >= b.Max.X-2 || y >= b.Max.Y-2
			if edge && c != (color.RGBA{255, 255, 255, 255}) {
				t.Fatalf("pixel %v at the image's edge drawn %v: something is cut", p, c)
			}
		}
	}
	if inked == 0 {
		t.Error("no legend drawn")
	}
	if top <= area.Min.Y {
		t.Errorf("the traces reach row %d, the top of the data area %v: peaks are clipped", top, area)
	}
}

// checkLastTimeLabel finds the last label of the time axis ("100",
// centred under the data area's right end) and checks it is drawn whole.
func checkLastTimeLabel(t *testing.T, img *image.RGBA, p *plot.Plot, area image.Rectangle) {
	t.Helper()
	half := int(math.Floor(float64(p.X.Tick.Label.Width("100")) / 72 * dpi / 2))
	right := -1
	for y := area.Max.Y + 4; y < img.Bounds().Max.Y; y++ {
		for x := area.Max.X - half; x < img.Bounds().Max.X; x++ {
			if isDark(img.RGBAAt(x, y)) {
				right = max(right, x)
			}
		}
	}
	if right < area.Max.X+half-2 || right >= img.Bounds().Max.X-1 {
		t.Errorf("the last time label ends at column %d; centred on %d it should end near %d", right, area.Max.X, area.Max.X+half)
	}
}

// TestLegendBesideEveryFigure: the dynamics figures' legends too are
// drawn beside their data areas.
func TestLegendBesideEveryFigure(t *testing.T) {
	m, _ := point.Builtin("fhn")
	pp := analysis.PhasePortrait(m, 0, 1, analysis.DefaultWindow(m), m.InitialState(), 40)
	for name, p := range map[string]*plot.Plot{
		"phase plane": PhasePlot(pp, "v", "w", nil),
		"F–I":         FIPlot(&analysis.FICurve{Param: "I", Rheobase: 0.5, Points: []analysis.FIPoint{{I: 0, Rate: 0}, {I: 1, Rate: 40}}}, "nA"),
	} {
		_, l := renderFigure(p, 640, 480)
		area, legend := pixelRect(l.data, 480), pixelRect(l.legend, 480)
		if legend.Empty() || area.Overlaps(legend) || area.Dx() < 400 {
			t.Errorf("%s: legend %v, data area %v", name, legend, area)
		}
	}
}

// TestFiguresUseSans: every text of every figure is set in Go Regular,
// the sans of the window, and gonum finds that font under its name.
func TestFiguresUseSans(t *testing.T) {
	m, _ := point.Builtin("fhn")
	pp := analysis.PhasePortrait(m, 0, 1, analysis.DefaultWindow(m), m.InitialState(), 20)
	figures := map[string]*plot.Plot{
		"traces":      TracesPlot([]Series{spikes("soma", color.RGBA{A: 255}, 0)}, "v (mV)", 0, 100),
		"phase":       PhasePlot(pp, "v", "w", nil),
		"phase line":  PhaseLinePlot([]float64{-1, 1}, []float64{1, -1}, nil, "v", "mV", "ms"),
		"bifurcation": BifurcationPlot(&analysis.Diagram{Param: "I"}, "I (nA)", 0, "v", nil),
		"sweep":       SweepPlot(nil, "I", "ISI (ms)"),
		"F–I":         FIPlot(&analysis.FICurve{Rheobase: math.NaN()}, "nA"),
		"integrators": IntegratorsPlot(nil),
	}
	for name, p := range figures {
		for what, s := range map[string]text.Style{"title": p.Title.TextStyle, "x label": p.X.Label.TextStyle, "y label": p.Y.Label.TextStyle,
			"x ticks": p.X.Tick.Label, "y ticks": p.Y.Tick.Label, "legend": p.Legend.TextStyle} {
			if s.Font.Typeface != sansTypeface || s.Handler.(text.Plain).Fonts.Lookup(s.Font, s.Font.Size).Face != textFont() {
				t.Errorf("%s: the %s is set in %q %q, not Go Regular", name, what, s.Font.Typeface, s.Font.Variant)
			}
		}
	}
}

// TestUseFont: another font, say the window theme's, replaces Go Regular
// in figures and in text drawn on the cell; data that is no font is
// refused with an error.
func TestUseFont(t *testing.T) {
	t.Cleanup(func() {
		if err := UseFont(goregular.TTF); err != nil {
			t.Fatal(err)
		}
	})
	before := TextWidth("iiii", 12)
	if err := UseFont(gomono.TTF); err != nil {
		t.Fatal(err)
	}
	if after := TextWidth("iiii", 12); after <= before {
		t.Errorf("\"iiii\" is %d pixels wide in Go Mono, %d in Go Regular: the font did not change", after, before)
	}
	s := TracesPlot(nil, "v (mV)", 0, 1).X.Label.TextStyle
	var buf sfnt.Buffer
	if name, err := s.Handler.(text.Plain).Fonts.Lookup(s.Font, s.Font.Size).Face.Name(&buf, sfnt.NameIDFamily); err != nil || name != "Go Mono" {
		t.Errorf("figures use %q (%v), want Go Mono", name, err)
	}
	if err := UseFont([]byte("not a font")); err == nil {
		t.Error("UseFont took data that is no font")
	}
}

// TestSVGCarriesItsFont: an SVG figure embeds Go Regular, so that a
// viewer without it shows the same letters.
func TestSVGCarriesItsFont(t *testing.T) {
	var b bytes.Buffer
	if err := WritePlot(&b, TracesPlot([]Series{spikes("soma", color.RGBA{A: 255}, 0)}, "v (mV)", 0, 100), 300, 200, "svg"); err != nil {
		t.Fatal(err)
	}
	if svg := b.String(); !strings.Contains(svg, "@font-face") || !strings.Contains(svg, `font-family:"Go"`) {
		t.Error("the SVG does not embed the Go font")
	}
}

// TestLegendRowsApartAndInset: the legend's rows of text are separated by
// blank pixel rows (they touched), and its text keeps clear of the right
// edge (it ran into it).
func TestLegendRowsApartAndInset(t *testing.T) {
	cols := []color.RGBA{{30, 100, 230, 255}, {230, 90, 30, 255}, {40, 170, 60, 255}, {120, 80, 20, 255}, {0, 150, 150, 255}}
	var series []Series
	for i, name := range []string{"v_apic[0](0.5)", "v_apic[15](0.5)", "v_apic[5](0.5)", "v_dend[22](0.5)", "v_soma[0](0.5)"} {
		series = append(series, spikes(name, cols[i], float64(i)))
	}
	const w, h = 1280, 220
	p := TracesPlot(series, "v (mV)", 0, 100)
	p.Legend.TextStyle.Color = legendInk
	img, _ := renderFigure(p, w, h)
	var rows []bool // has legend ink, by pixel row
	right := 0
	for y := range h {
		ink := false
		for x := range w {
			if isLegendInk(img.RGBAAt(x, y)) {
				ink, right = true, max(right, x)
			}
		}
		rows = append(rows, ink)
	}
	runs := 0
	for y := range rows {
		if rows[y] && (y == 0 || !rows[y-1]) {
			runs++
		}
	}
	if runs < len(series) {
		t.Errorf("%d separate rows of legend text for %d names: the rows touch", runs, len(series))
	}
	if gap := w - 1 - right; gap < 8 {
		t.Errorf("the legend's text ends %d px from the right edge, want at least 8", gap)
	}
}
