package network

import (
	"math"
	"testing"
)

// TestPoissonDist: counts drawn by table inversion have the Poisson mean
// and variance, for means on both sides of the switch to a normal.
func TestPoissonDist(t *testing.T) {
	for _, lambda := range []float64{0.01, 0.4, 1.6, 2.3, 12, 29, 45} {
		d := newPoissonDist(lambda)
		s := newStream(1, 2)
		const n = 200000
		var sum, sq float64
		for range n {
			k := float64(d.draw(&s))
			sum += k
			sq += k * k
		}
		mean := sum / n
		variance := sq/n - mean*mean
		// Five standard errors of the mean; 5% on the variance.
		if math.Abs(mean-lambda) > 5*math.Sqrt(lambda/n) || math.Abs(variance-lambda) > 0.05*lambda {
			t.Errorf("mean %g: drew mean %.4f, variance %.4f", lambda, mean, variance)
		}
	}
}

func BenchmarkPoissonDraw(b *testing.B) {
	d := newPoissonDist(1.6)
	rng := make([]stream, 4096)
	for i := range rng {
		rng[i] = newStream(1, uint64(i))
	}
	k := 0
	for b.Loop() {
		for i := range rng {
			k += d.draw(&rng[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rng)), "ns/draw")
	if k < 0 {
		b.Fatal(k)
	}
}
