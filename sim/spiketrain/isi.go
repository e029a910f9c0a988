package spiketrain

import (
	"fmt"
	"math"
)

// ISIs returns the intervals between successive spikes of a sorted train
// (ms).
func ISIs(train []float64) []float64 {
	if len(train) < 2 {
		return nil
	}
	out := make([]float64, len(train)-1)
	for i := range out {
		out[i] = train[i+1] - train[i]
	}
	return out
}

// AllISIs returns the inter-spike intervals of every train, pooled.
func AllISIs(trains [][]float64) []float64 {
	var out []float64
	for _, tr := range trains {
		for i := 1; i < len(tr); i++ {
			out = append(out, tr[i]-tr[i-1])
		}
	}
	return out
}

// CV returns the coefficient of variation of a sorted train's
// inter-spike intervals: their standard deviation (over n, as NumPy's and
// Brian's) divided by their mean. It is 0 for a regular train and near 1
// for a Poisson one; ok is false when the train has fewer than three
// spikes, for which it is not defined.
func CV(train []float64) (cv float64, ok bool) {
	n := len(train) - 1
	if n < 2 {
		return 0, false
	}
	mean := (train[n] - train[0]) / float64(n)
	if !(mean > 0) {
		return 0, false
	}
	var ss float64
	for i := 1; i <= n; i++ {
		d := train[i] - train[i-1] - mean
		ss += d * d
	}
	return math.Sqrt(ss/float64(n)) / mean, true
}

// CVs returns the CV of each train for which it is defined (three spikes
// or more), in train order.
func CVs(trains [][]float64) []float64 {
	var out []float64
	for _, tr := range trains {
		if cv, ok := CV(tr); ok {
			out = append(out, cv)
		}
	}
	return out
}

// Histogram counts values in Len(Counts) bins of equal width from Lo.
type Histogram struct {
	Lo, Width float64
	Counts    []int
}

// NewHistogram counts values in bins of equal width over [lo, hi]; values
// outside it, and NaNs, are left out. A value equal to hi falls in the
// last bin.
func NewHistogram(values []float64, lo, hi float64, bins int) (Histogram, error) {
	if bins < 1 {
		return Histogram{}, fmt.Errorf("a histogram needs at least one bin (got %d)", bins)
	}
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return Histogram{}, fmt.Errorf("the histogram's range from %g to %g is empty: its top must lie above its bottom", lo, hi)
	}
	h := Histogram{Lo: lo, Width: (hi - lo) / float64(bins), Counts: make([]int, bins)}
	for _, v := range values {
		if !(v >= lo && v <= hi) {
			continue
		}
		h.Counts[min(bins-1, int((v-lo)/h.Width))]++
	}
	return h, nil
}

// AutoHistogram counts values in bins over [0, the largest value], or
// [0, 1] when there is none above 0: the range of intervals and CVs.
func AutoHistogram(values []float64, bins int) (Histogram, error) {
	hi := 0.0
	for _, v := range values {
		if v > hi && !math.IsInf(v, 1) {
			hi = v
		}
	}
	if hi == 0 {
		hi = 1
	}
	return NewHistogram(values, 0, hi, bins)
}

// Total returns the number of values counted.
func (h Histogram) Total() int {
	n := 0
	for _, c := range h.Counts {
		n += c
	}
	return n
}
