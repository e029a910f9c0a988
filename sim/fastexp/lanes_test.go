package fastexp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLaneAccuracy: Lane is within 3 ulp of math.Exp over its range, and
// its edges are 0, +Inf and NaN.
func TestLaneAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, rg := range []struct{ lo, hi float64 }{{-5, 5}, {-60, 60}, {-707.9, 708.9}, {-1e-8, 1e-8}} {
		worst := 0.0
		for range 100000 {
			x := rg.lo + (rg.hi-rg.lo)*rng.Float64()
			worst = max(worst, ulps(Lane(x), math.Exp(x)))
		}
		if worst > 3 {
			t.Errorf("[%g, %g]: worst error %.2f ulp, want ≤ 3", rg.lo, rg.hi, worst)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {-708, 0}, {-1000, 0}, {math.Inf(-1), 0}, {709, math.Inf(1)}, {math.Inf(1), math.Inf(1)},
	} {
		if got := Lane(c.x); got != c.want {
			t.Errorf("Lane(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if got := Lane(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Lane(NaN) = %g, want NaN", got)
	}
}

// TestExpSliceTwin: ExpSlice gives Lane's bits for every element, whatever
// its position in a vector of four or in the masked tail, edges included.
func TestExpSliceTwin(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	src := []float64{0, -708, -707.99, 708.99, 709, -1000, 1000, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, -1e-300}
	for range 5000 {
		src = append(src, 1400*rng.Float64()-700)
	}
	for _, n := range []int{len(src), len(src) - 1, len(src) - 2, len(src) - 3, 1, 2, 3} {
		dst := make([]float64, n)
		ExpSlice(dst, src)
		for k, x := range src[:n] {
			want := Lane(x)
			if math.Float64bits(dst[k]) != math.Float64bits(want) && !(math.IsNaN(dst[k]) && math.IsNaN(want)) {
				t.Fatalf("n=%d: ExpSlice gives e^%v = %v at %d, Lane %v (vector kernel: %v)", n, x, dst[k], k, want, Vector)
			}
		}
	}
}

func BenchmarkExpSlice(b *testing.B) {
	src, dst := make([]float64, 256), make([]float64, 256)
	for k := range src {
		src[k] = float64(k)/8 - 16
	}
	for b.Loop() {
		ExpSlice(dst, src)
	}
	b.ReportMetric(float64(len(src)*b.N)/b.Elapsed().Seconds(), "exp/s")
}
