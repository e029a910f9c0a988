package rng

import (
	"fmt"
	"math"
)

// Poisson draws Poisson counts of one mean from words by inverting the
// cumulative distribution held as 32-bit thresholds: the count of word w
// is Offset plus the number of thresholds T[k] ≤ w, where T[k] is
// P(X ≤ Offset + k)·2³² rounded. The count is a matter of integer
// comparisons, so the GPU (rngPoisson in shaders/philox.glsl, given the
// same thresholds) counts the same; and as it is a count, not a search,
// any search order gives it. Probabilities below 2⁻³³ are lost to the
// rounding: the tails beyond the table.
type Poisson struct {
	Mean      float64
	Offset    int
	Threshold []uint32
	// above[k] is Threshold[k] − 1 followed by sentinels that no word
	// exceeds: the count is Offset plus the number of above[k] < w, and
	// a search may step past the table's end without a bounds check.
	above []uint32
	// guide[j] is the count's least index for the words of top byte j
	// (the number of thresholds ≤ j·2²⁴): where the search starts
	// (Chen and Asau's guide table), so that it takes about one step.
	guide [256]uint32
}

// maxTable bounds a table's length (a mean of about 10⁷ needs it all).
const maxTable = 1 << 16

// MaxPoissonMean is the largest mean NewPoisson takes for certain: its
// table spans the mean ± 13 standard deviations and 25 more entries,
// within maxTable up to a mean of about 6.3·10⁶.
const MaxPoissonMean = 6e6

// NewPoisson makes the table of a mean, 0 or more; the table spans the
// mean ± 13 standard deviations and more (the lower tail beyond is below
// e⁻⁸⁴).
func NewPoisson(mean float64) (*Poisson, error) {
	if !(mean >= 0) || math.IsInf(mean, 1) {
		return nil, fmt.Errorf("rng: Poisson mean %g is not a finite number ≥ 0", mean)
	}
	p := &Poisson{Mean: mean}
	sd := math.Sqrt(mean)
	lo := max(0, math.Floor(mean-13*sd-5))
	hi := mean + 13*sd + 20
	p.Offset = int(lo)
	sum := 0.0
	for x := lo; x <= hi && mean > 0; x++ {
		lg, _ := math.Lgamma(x + 1)
		sum += math.Exp(-mean + x*math.Log(mean) - lg)
		t := math.Round(sum * 0x1p32)
		if t >= 0x1p32 {
			break
		}
		if t == 0 {
			p.Offset++ // every word reaches it: no entry
			continue
		}
		if len(p.Threshold) == maxTable {
			return nil, fmt.Errorf("rng: Poisson mean %g needs a table of more than %d entries", mean, maxTable)
		}
		p.Threshold = append(p.Threshold, uint32(t))
	}
	p.above = make([]uint32, len(p.Threshold), len(p.Threshold)+3)
	for k, t := range p.Threshold {
		p.above[k] = t - 1
	}
	p.above = append(p.above, math.MaxUint32, math.MaxUint32, math.MaxUint32)
	k := uint32(0)
	for j := range p.guide {
		for int(k) < len(p.Threshold) && p.Threshold[k] <= uint32(j)<<24 {
			k++
		}
		p.guide[j] = k
	}
	return p, nil
}

// Count returns the count of word w.
func (p *Poisson) Count(w uint32) int {
	a := p.above
	k := p.guide[w>>24]
	// Two steps without branches (the search rarely goes further): the
	// difference's sign bit is 1 where w is past the entry.
	k += uint32((uint64(a[k]) - uint64(w)) >> 63)
	k += uint32((uint64(a[k]) - uint64(w)) >> 63)
	for w > a[k] {
		k++
	}
	return p.Offset + int(k)
}

// Counts sets x[i] to w times the count of word j of words[i] (a chunk's
// Poisson inputs of a step), or to 0 where mask (nil: every neuron) leaves
// neuron i out.
func (p *Poisson) Counts(x []float64, words [][4]uint32, j int, w float64, mask []bool) {
	words = words[:len(x)]
	a, guide, off := p.above, &p.guide, float64(p.Offset)
	for i := range x {
		r := words[i][j&3]
		k := guide[r>>24]
		k += uint32((uint64(a[k]) - uint64(r)) >> 63)
		k += uint32((uint64(a[k]) - uint64(r)) >> 63)
		for r > a[k] {
			k++
		}
		x[i] = (off + float64(k)) * w
		if mask != nil && !mask[i] {
			x[i] = 0
		}
	}
}
