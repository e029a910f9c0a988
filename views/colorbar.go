package views

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// ColorBar draws a vertical colour bar in rect of img: the style's map from
// Min (bottom) to Max (top), ticks with values at round numbers and a label
// (e.g. "mV") on top, in colour fg.
func ColorBar(img *image.RGBA, rect image.Rectangle, st Style, label string, fg color.RGBA) {
	const fontSize = 12
	top := rect.Min.Y + fontSize + 8
	bottom := rect.Max.Y - fontSize/2 - 2
	barW := max(8, rect.Dx()/3)
	x0 := rect.Min.X
	if bottom <= top {
		return
	}
	for y := top; y < bottom; y++ {
		t := float64(bottom-1-y) / float64(bottom-1-top)
		c := st.Map(t)
		for x := x0; x < x0+barW; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	ticks := niceTicks(st.Min, st.Max, 6)
	// Values far from 1 (concentrations in mM) are labelled in a power
	// of ten written with the unit, so that the labels stay short.
	scale := 1.0
	if len(ticks) > 1 {
		if step := ticks[1] - ticks[0]; step < 1e-2 || step >= 1e5 {
			e := math.Floor(math.Log10(max(math.Abs(ticks[0]), math.Abs(ticks[len(ticks)-1]))))
			scale = math.Pow(10, -e)
			label = strings.TrimSpace(fmt.Sprintf("×1e%d %s", int(e), label))
		}
	}
	DrawText(img, x0, rect.Min.Y+fontSize, label, fontSize, fg, Left)
	shown := make([]float64, len(ticks))
	for k, v := range ticks {
		shown[k] = v * scale
	}
	for k, v := range ticks {
		t := (v - st.Min) / (st.Max - st.Min)
		y := bottom - 1 - int(math.Round(t*float64(bottom-1-top)))
		for x := x0 + barW; x < x0+barW+4; x++ {
			img.SetRGBA(x, y, fg)
		}
		DrawText(img, x0+barW+6, y+fontSize/2-1, formatTick(shown[k], shown), fontSize, fg, Left)
	}
}

// niceTicks returns round values between lo and hi, about n of them.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	// Both ends within a rounding error of a tick keep it (−0.3/0.1 is
	// −2.9999999999999996).
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// formatTick writes a tick value with the fewest decimals that tell the
// ticks apart: as many as their spacing needs (25 as "25", 2.5 as "2.5"),
// never a negative zero.
func formatTick(v float64, ticks []float64) string {
	decimals := 0
	if len(ticks) > 1 {
		step := ticks[1] - ticks[0]
		for decimals < 6 && math.Abs(step*math.Pow(10, float64(decimals))-math.Round(step*math.Pow(10, float64(decimals)))) > 1e-6 {
			decimals++
		}
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	// A value that rounds to zero from below ("-0.00", or −0 itself, as
	// a sum of steps can land) is zero.
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// RecencyBar draws the colour bar of an activity frame in rect of img: the
// map from 0 (bottom) to 1 (top), labelled as what the value stands for,
// the time since a neuron's last spike, exp(−Δt/τ): ticks at round times
// (0 at the top, 1/e of the way down at τ), down to 4τ, below which the
// colour is that of a neuron that has not spiked.
func RecencyBar(img *image.RGBA, rect image.Rectangle, m Colormap, tau float64, fg color.RGBA) {
	const fontSize = 12
	// Two lines of heading: the quantity, then its unit.
	top := rect.Min.Y + 2*fontSize + 12
	bottom := rect.Max.Y - fontSize/2 - 2
	barW := 12
	x0 := rect.Min.X
	if bottom <= top || !(tau > 0) {
		return
	}
	for y := top; y < bottom; y++ {
		c := m(float64(bottom-1-y) / float64(bottom-1-top))
		for x := x0; x < x0+barW; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	DrawText(img, x0, rect.Min.Y+fontSize, "since spike", fontSize, fg, Left)
	DrawText(img, x0, rect.Min.Y+2*fontSize+4, "(ms)", fontSize, fg, Left)
	lastY := top - 2*fontSize // no tick above: the first, 0, is drawn
	for _, dt := range recencyTicks(tau) {
		y := bottom - 1 - int(math.Round(math.Exp(-dt/tau)*float64(bottom-1-top)))
		if y-lastY < fontSize+2 {
			continue // crowded near the top, where the trace falls fastest
		}
		lastY = y
		for x := x0 + barW; x < x0+barW+4; x++ {
			img.SetRGBA(x, y, fg)
		}
		DrawText(img, x0+barW+6, y+fontSize/2-1, strconv.FormatFloat(dt, 'g', 4, 64), fontSize, fg, Left)
	}
}

// recencyTicks are round times since a spike, from 0 to 4τ (where the
// trace is under 2% of its height) in steps of 1, 2, 5 × 10ⁿ.
func recencyTicks(tau float64) []float64 {
	out := []float64{0}
	for e := math.Floor(math.Log10(tau / 5)); ; e++ {
		for _, m := range []float64{1, 2, 5} {
			dt := m * math.Pow(10, e)
			if dt > 4*tau*(1+1e-9) {
				return out
			}
			out = append(out, dt)
		}
	}
}
