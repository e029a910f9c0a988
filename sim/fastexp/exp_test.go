package fastexp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns |got-want| in units of the last place of want.
func ulps(got, want float64) float64 {
	ulp := math.Nextafter(want, math.Inf(1)) - want
	return math.Abs(got-want) / ulp
}

func TestExpAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ranges := []struct {
		name   string
		lo, hi float64
	}{
		{"gate", -5, 5},
		{"rates", -60, 60},
		{"full", -707.9, 708.9},
		{"tiny", -1e-8, 1e-8},
	}
	for _, rg := range ranges {
		t.Run(rg.name, func(t *testing.T) {
			worst, at := 0.0, 0.0
			for range 200000 {
				x := rg.lo + (rg.hi-rg.lo)*rng.Float64()
				for _, f := range []func(float64) float64{Exp, Portable} {
					if u := ulps(f(x), math.Exp(x)); u > worst {
						worst, at = u, x
					}
				}
			}
			// math.Exp is itself within 1 ulp of e^x, so 3 ulp bounds our
			// error at 2 ulp from the truth.
			if worst > 3 {
				t.Errorf("max error %.1f ulp at x = %v", worst, at)
			}
		})
	}
}

func TestExpSpecialCases(t *testing.T) {
	cases := []float64{0, 1, -1, 708.5, 709, 709.7, 710, 1000, -708, -745, -746, -1000,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64}
	for _, x := range cases {
		got, want := Exp(x), math.Exp(x)
		switch {
		case math.IsNaN(want):
			if !math.IsNaN(got) {
				t.Errorf("Exp(%v) = %v, want NaN", x, got)
			}
		case math.IsInf(want, 0) || want == 0:
			if got != want {
				t.Errorf("Exp(%v) = %v, want %v", x, got, want)
			}
		default:
			if ulps(got, want) > 3 {
				t.Errorf("Exp(%v) = %v, want %v", x, got, want)
			}
		}
	}
}

// TestPortableOutsideRange: Portable's ends are 0 and +Inf, NaN stays
// NaN, as its GLSL twin's.
func TestPortableOutsideRange(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{-708, 0}, {-1000, 0}, {math.Inf(-1), 0}, {709, math.Inf(1)}, {math.Inf(1), math.Inf(1)}, {0, 1},
	} {
		if got := Portable(c.x); got != c.want {
			t.Errorf("Portable(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := Portable(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Portable(NaN) = %v", got)
	}
}

func ExampleExp() {
	fmt.Printf("%.15f\n", Exp(1))
	// Output: 2.718281828459045
}

var sink float64

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = -float64(i) * 0.01
	}
	for b.Loop() {
		for _, x := range xs {
			sink += Exp(x)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
}

func BenchmarkMathExp(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = -float64(i) * 0.01
	}
	for b.Loop() {
		for _, x := range xs {
			sink += math.Exp(x)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
}
