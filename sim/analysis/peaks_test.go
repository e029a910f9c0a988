package analysis

import (
	"math"
	"slices"
	"testing"
)

func TestPeaks(t *testing.T) {
	sine := make([]float64, 1000)
	for i := range sine {
		sine[i] = math.Sin(2 * math.Pi * float64(i) / 100) // peaks at i = 25, 125, ...
	}
	flicker := make([]float64, 200)
	for i := range flicker {
		flicker[i] = -61.7 + 1e-6*float64(i%3) // a last bit's worth of noise
	}
	for _, c := range []struct {
		name    string
		samples []float64
		delta   float64
		want    []float64
	}{
		{"sine", sine, 1e-3, slices.Repeat([]float64{1}, 10)},
		{"flicker about a level", flicker, 1e-4, nil},
		{"falling from the start", []float64{5, 4, 3, 2, 1}, 0.1, nil},
		{"one peak", []float64{0, 1, 3, 2, 0}, 0.5, []float64{3}},
		{"a peak not yet fallen from", []float64{0, 1, 3, 2.8}, 0.5, nil},
		{"a wiggle under delta on the way up", []float64{0, 1, 0.9, 2, 0}, 0.5, []float64{2}},
	} {
		p := Peaks{Delta: c.delta}
		var got []float64
		for _, v := range c.samples {
			if peak, ok := p.Add(v); ok {
				got = append(got, peak)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: maxima %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: maxima %v, want %v", c.name, got, c.want)
			}
		}
	}
}
