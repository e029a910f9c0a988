package rng

import (
	"math"
	"testing"
)

var means = []float64{0, 1e-9, 1e-4, 0.002, 0.5, 2, 29.5, 31, 200, 1e5}

// TestPoissonTable: the distribution the thresholds define (P(Offset+k)
// = (T[k] − T[k−1])·2⁻³²) has the mean and the variance of the Poisson
// law, to the rounding of its probabilities.
func TestPoissonTable(t *testing.T) {
	for _, mean := range means {
		p, err := NewPoisson(mean)
		if err != nil {
			t.Fatal(err)
		}
		prev, m1, m2 := 0.0, 0.0, 0.0
		for k, th := range append(p.Threshold, 0) {
			next := float64(th)
			if k == len(p.Threshold) {
				next = 0x1p32
			}
			if next < prev {
				t.Fatalf("mean %g: thresholds decrease at %d", mean, k)
			}
			x, pk := float64(p.Offset+k), (next-prev)*0x1p-32
			m1 += x * pk
			m2 += x * x * pk
			prev = next
		}
		variance := m2 - m1*m1
		if tol := 1e-7 * max(1, mean); math.Abs(m1-mean) > tol || math.Abs(variance-mean) > 10*tol {
			t.Errorf("mean %g: table's mean %.10g, variance %.10g", mean, m1, variance)
		}
	}
}

// TestPoissonCount: Count and Counts give Offset plus the number of
// thresholds at or below the word (the definition the GPU follows) for
// words at and around every threshold and at random; Counts leaves the
// masked neurons at 0.
func TestPoissonCount(t *testing.T) {
	for _, mean := range means {
		p, err := NewPoisson(mean)
		if err != nil {
			t.Fatal(err)
		}
		want := func(w uint32) int {
			n := p.Offset
			for _, th := range p.Threshold {
				if th <= w {
					n++
				}
			}
			return n
		}
		words := []uint32{0, 1, math.MaxUint32, math.MaxUint32 - 1}
		for _, th := range p.Threshold[:min(len(p.Threshold), 300)] {
			words = append(words, th-1, th, th+1)
		}
		for i := range 2000 {
			words = append(words, Word(KeyOf(3), 0, 0, uint64(i)))
		}
		batch := make([][4]uint32, len(words))
		mask := make([]bool, len(words))
		for i, w := range words {
			if got := p.Count(w); got != want(w) {
				t.Fatalf("mean %g: word %08x counts %d, want %d", mean, w, got, want(w))
			}
			batch[i] = [4]uint32{^w, ^w, w, ^w}
			mask[i] = i%3 != 0
		}
		x := make([]float64, len(words))
		for _, m := range [][]bool{nil, mask} {
			p.Counts(x, batch, 2, 0.5, m)
			for i, w := range words {
				wx := 0.5 * float64(want(w))
				if m != nil && !m[i] {
					wx = 0
				}
				if x[i] != wx {
					t.Fatalf("mean %g, mask %v: Counts gives %g for word %08x, want %g", mean, m != nil, x[i], w, wx)
				}
			}
		}
	}
}

// TestPoissonBadMean: a mean that is negative, not a number or infinite,
// or too large for a table, is an error.
func TestPoissonBadMean(t *testing.T) {
	for _, mean := range []float64{-1, math.NaN(), math.Inf(1), 1e12} {
		if _, err := NewPoisson(mean); err == nil {
			t.Errorf("mean %g: no error", mean)
		}
	}
}

// BenchmarkPoissonCounts: the counts of 1000 words, a chunk's inputs.
func BenchmarkPoissonCounts(b *testing.B) {
	p, err := NewPoisson(2)
	if err != nil {
		b.Fatal(err)
	}
	words := make([][4]uint32, 1000)
	DrawStreams(KeyOf(1), 0, 0, 0, words)
	x := make([]float64, len(words))
	for b.Loop() {
		p.Counts(x, words, 1, 0.1, nil)
	}
}

// BenchmarkPoissonCount: the counts of 1000 words one at a time.
func BenchmarkPoissonCount(b *testing.B) {
	p, err := NewPoisson(2)
	if err != nil {
		b.Fatal(err)
	}
	words := make([][4]uint32, 1000)
	DrawStreams(KeyOf(1), 0, 0, 0, words)
	k := 0
	for b.Loop() {
		for i := range words {
			k += p.Count(words[i][1])
		}
	}
	_ = k
}
