package rng

import (
	"math"
	"testing"
)

// TestPhiloxKnownAnswers: Random123's known-answer vectors for
// Philox4x32-10 (kat_vectors).
func TestPhiloxKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{}, [2]uint32{}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	} {
		if got := Philox(c.ctr, c.key); got != c.want {
			t.Errorf("Philox(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

// TestStreamMoments: uniform, normal and Poisson draws have their
// distributions' means and variances (within 5 standard errors), and
// streams of neighbouring neurons and steps differ.
func TestStreamMoments(t *testing.T) {
	const n = 200000
	var su, suu, sn, snn, sp, spp float64
	for i := range n {
		s := New(42, uint32(i%1000), uint64(i/1000), 1)
		u, z := s.Float64(), s.Normal()
		p := float64(s.Poisson(1.6, math.Exp(-1.6)))
		su, suu = su+u, suu+u*u
		sn, snn = sn+z, snn+z*z
		sp, spp = sp+p, spp+p*p
	}
	for _, c := range []struct {
		name           string
		sum, sum2      float64
		mean, variance float64
	}{
		{"uniform", su, suu, 0.5, 1.0 / 12}, {"normal", sn, snn, 0, 1}, {"poisson", sp, spp, 1.6, 1.6},
	} {
		mean := c.sum / n
		variance := c.sum2/n - mean*mean
		if se := math.Sqrt(c.variance / n); math.Abs(mean-c.mean) > 5*se || math.Abs(variance-c.variance) > 0.02*c.variance {
			t.Errorf("%s: mean %g, variance %g; want %g, %g", c.name, mean, variance, c.mean, c.variance)
		}
	}
	a, b := New(1, 0, 0, 0), New(1, 1, 0, 0)
	c := New(1, 0, 1, 0)
	if x, y, z := a.Uint32(), b.Uint32(), c.Uint32(); x == y || x == z {
		t.Errorf("neighbouring streams start alike: %08x %08x %08x", x, y, z)
	}
}

func BenchmarkPoisson(b *testing.B) {
	e := math.Exp(-1.6)
	for i := range b.N {
		s := New(1, uint32(i), uint64(i), 0)
		s.Poisson(1.6, e)
	}
}
