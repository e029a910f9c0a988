package fastlog

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestLogSlice: every value is math.Log's, to the bit, over random
// doubles of every exponent, around √2/2 (where the reduction chooses),
// powers of two, and the lanes math.Log takes itself: zeros, negatives,
// subnormals, infinities and NaN, alone or in a vector with normal ones.
func TestLogSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var xs []float64
	for range 200000 {
		xs = append(xs, math.Float64frombits(r.Uint64()&^(1<<63)))
	}
	for range 100000 {
		xs = append(xs, math.Exp(r.NormFloat64()*5))
	}
	h := math.Sqrt2 / 2
	for e := -1022; e <= 1023; e += 7 {
		for _, m := range []float64{h, math.Nextafter(h, 0), math.Nextafter(h, 1), 1, math.Nextafter(1, 0), math.Nextafter(1, 2)} {
			xs = append(xs, math.Ldexp(m, e))
		}
	}
	xs = append(xs, 0, math.Copysign(0, -1), -1, 5e-324, 1e-310, 0x1p-1022, math.Nextafter(0x1p-1022, 0),
		math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 1, 2, 0.5, 2.0/3, 1e-7, 2)
	got := make([]float64, len(xs))
	for _, n := range []int{len(xs), len(xs) - 1, 3} {
		clear(got)
		LogSlice(got[:n], xs)
		for k, x := range xs[:n] {
			want := math.Log(x)
			if math.Float64bits(got[k]) != math.Float64bits(want) && !(math.IsNaN(got[k]) && math.IsNaN(want)) {
				t.Fatalf("log(%v) (%#x) = %v, math.Log gives %v", x, math.Float64bits(x), got[k], want)
			}
		}
	}
}

func ExampleLogSlice() {
	x := []float64{1, math.E, 2, 1e-4}
	LogSlice(x, x)
	fmt.Printf("%.6f\n", x)
	// Output: [0.000000 1.000000 0.693147 -9.210340]
}

func BenchmarkLogSlice(b *testing.B) {
	src := make([]float64, 64)
	for i := range src {
		src[i] = 0.001 + float64(i)
	}
	dst := make([]float64, len(src))
	for b.Loop() {
		LogSlice(dst, src)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/log")
}

func BenchmarkMathLog(b *testing.B) {
	src := make([]float64, 64)
	for i := range src {
		src[i] = 0.001 + float64(i)
	}
	dst := make([]float64, len(src))
	for b.Loop() {
		for i, x := range src {
			dst[i] = math.Log(x)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/log")
}
