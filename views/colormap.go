package views

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// Colormap maps t in [0, 1] to a colour.
type Colormap func(t float64) color.RGBA

// Viridis is matplotlib's perceptually uniform colormap (dark blue to
// yellow), evaluated with a degree-6 polynomial fit (Matt Zucker's CC0
// approximation) that stays within about 1% of the published table.
func Viridis(t float64) color.RGBA {
	t = clamp01(t)
	poly := func(c [7]float64) uint8 {
		v := c[6]
		for i := 5; i >= 0; i-- {
			v = v*t + c[i]
		}
		return uint8(math.Round(255 * clamp01(v)))
	}
	return color.RGBA{
		R: poly([7]float64{0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486, 6.228269936347081, 4.776384997670288, -5.435455855934631}),
		G: poly([7]float64{0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585, 14.17993336680509, -13.74514537774601, 4.645852612178535}),
		B: poly([7]float64{0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987, 56.69055260068105, -65.35303263337234, 26.3124352495832}),
		A: 255,
	}
}

func clamp01(t float64) float64 {
	if !(t > 0) { // also NaN
		return 0
	}
	return math.Min(t, 1)
}

// CoolWarm is Moreland's smooth diverging blue–white–red map (from
// gonum/plot's palette/moreland), for showing deviations either side of a
// middle value.
func CoolWarm(t float64) color.RGBA {
	c, err := coolWarm.At(clamp01(t))
	if err != nil {
		return color.RGBA{A: 255}
	}
	return color.RGBAModel.Convert(c).(color.RGBA)
}

var coolWarm = func() palette.ColorMap {
	m := moreland.SmoothBlueRed()
	m.SetMin(0)
	m.SetMax(1)
	return m
}()

// ColormapNamed returns the colormap with a model file's name for it.
func ColormapNamed(name string) Colormap {
	if name == "coolwarm" {
		return CoolWarm
	}
	return Viridis
}

// Absent is the colour of segments without the quantity shown (a
// mechanism's variable where the mechanism is not inserted).
var Absent = color.RGBA{R: 190, G: 190, B: 195, A: 255}

// Span is the range of the finite values shown so far: the colour scale
// of a quantity whose range is not known before the run widens to it.
type Span struct{ lo, hi float64 }

// NewSpan returns a span of no values.
func NewSpan() Span { return Span{math.Inf(1), math.Inf(-1)} }

// Add widens the span to the finite values of v.
func (s *Span) Add(v []float64) {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			s.lo, s.hi = min(s.lo, x), max(s.hi, x)
		}
	}
}

// Scale returns the colour scale's ends: the span, one either side of a
// single value, 0 to 1 before any value.
func (s Span) Scale() (lo, hi float64) {
	lo, hi = s.lo, s.hi
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 1
	}
	if !(hi > lo) {
		return lo - 1, lo + 1
	}
	return lo, hi
}
