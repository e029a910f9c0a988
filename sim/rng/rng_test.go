package rng

import (
	"math"
	"testing"
)

// TestPhilox4x32KnownAnswers checks Random123's known-answer vectors for
// Philox4x32-10 (kat_vectors: zeros, all ones, the digits of π).
func TestPhilox4x32KnownAnswers(t *testing.T) {
	for _, c := range []struct {
		ctr  Counter
		key  Key
		want [4]uint32
	}{
		{Counter{0, 0, 0, 0}, Key{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{Counter{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, Key{0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{Counter{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, Key{0xa4093822, 0x299f31d0}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	} {
		if got := Philox4x32(c.ctr, c.key); got != c.want {
			t.Errorf("Philox4x32(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

// TestDrawStreams: the batch (vector where the processor has AVX2) gives
// Draw's words for every stream, for runs of any length, calls above 2³²
// and streams that wrap around 2³².
func TestDrawStreams(t *testing.T) {
	k := KeyOf(0x0123456789abcdef)
	for _, c := range []struct {
		first uint32
		call  uint64
		n     int
	}{
		{0, 0, 0}, {0, 0, 1}, {7, 3, 3}, {100, 12345, 4}, {5, 1 << 40, 13}, {math.MaxUint32 - 5, 99, 17},
	} {
		out := make([][4]uint32, c.n)
		DrawStreams(k, 3, c.first, c.call, out)
		for j, got := range out {
			if want := Draw(k, 3, c.first+uint32(j), c.call); got != want {
				t.Errorf("first %d, call %d: stream %d gives %08x, want %08x", c.first, c.call, j, got, want)
			}
		}
	}
}

// TestWord: word n of a stream is word n mod 4 of call n/4, so four
// successive words come from one call.
func TestWord(t *testing.T) {
	k := KeyOf(42)
	for n := uint64(0); n < 12; n++ {
		if got, want := Word(k, 1, 2, n), Draw(k, 1, 2, n/4)[n%4]; got != want {
			t.Errorf("word %d = %08x, want %08x", n, got, want)
		}
	}
}

// TestUniformMoments: Uniform and Uniform53 over a million draws have the
// uniform's mean and variance within five standard errors, and lie in
// their ranges.
func TestUniformMoments(t *testing.T) {
	const n = 1 << 20
	k := KeyOf(12345)
	for _, c := range []struct {
		name   string
		of     func(r [4]uint32) float64
		closed bool // 0 allowed
	}{
		{"Uniform", func(r [4]uint32) float64 { return Uniform(r[2]) }, false},
		{"Uniform53", func(r [4]uint32) float64 { return Uniform53(r[0], r[1]) }, true},
	} {
		sum, sum2 := 0.0, 0.0
		for i := range n {
			u := c.of(Draw(k, 1, uint32(i%1000), uint64(i/1000)))
			if u < 0 || u >= 1 || (u == 0 && !c.closed) {
				t.Fatalf("%s: draw %d: %v outside its range", c.name, i, u)
			}
			sum += u
			sum2 += u * u
		}
		mean, variance := sum/n, sum2/n-(sum/n)*(sum/n)
		if math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) || math.Abs(variance-1.0/12) > 5*math.Sqrt(1.0/180/n) {
			t.Errorf("%s: mean %.5f, variance %.5f", c.name, mean, variance)
		}
	}
	if Uniform(0) != 0x1p-33 || Uniform(math.MaxUint32) != 1-0x1p-33 {
		t.Errorf("Uniform's ends: %g, %g", Uniform(0), Uniform(math.MaxUint32))
	}
}

// TestNormalMoments: each of the four normals of a call has mean 0,
// variance 1 and kurtosis 3 within five standard errors, and numbers 0
// and 1 (the cosine and the sine of one pair) are uncorrelated.
func TestNormalMoments(t *testing.T) {
	const n = 1 << 18
	k := KeyOf(7)
	var s1, s2, s4 [4]float64
	cross := 0.0
	for i := range n {
		w := Draw(k, 2, uint32(i), 0)
		var z [4]float64
		for j := range z {
			z[j] = Normal(w, j)
			s1[j] += z[j]
			s2[j] += z[j] * z[j]
			s4[j] += z[j] * z[j] * z[j] * z[j]
		}
		cross += z[0] * z[1]
	}
	for j := range s1 {
		mean, variance, kurt := s1[j]/n, s2[j]/n, s4[j]/n
		if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(variance-1) > 5*math.Sqrt(2.0/n) || math.Abs(kurt-3) > 5*math.Sqrt(96.0/n) {
			t.Errorf("normal %d: mean %.4f, variance %.4f, fourth moment %.3f", j, mean, variance, kurt)
		}
	}
	if c := cross / n; math.Abs(c) > 5/math.Sqrt(n) {
		t.Errorf("cosine and sine correlate: %.4f", c)
	}
}

func BenchmarkDraw(b *testing.B) {
	k := KeyOf(1)
	var acc uint32
	i := uint64(0)
	for b.Loop() {
		acc ^= Draw(k, 0, uint32(i), i)[0]
		i++
	}
	_ = acc
}

// BenchmarkDrawStreams: a call for each of 1000 streams (ns/op over
// 1000 is the time a call), by the default path (four streams at a time
// where the processor has AVX2) and by the scalar one.
func BenchmarkDrawStreams(b *testing.B) {
	for _, c := range []struct {
		name string
		draw func(Key, uint32, uint32, uint64, [][4]uint32)
	}{{"default", DrawStreams}, {"scalar", drawStreamsGo}} {
		b.Run(c.name, func(b *testing.B) {
			k := KeyOf(1)
			out := make([][4]uint32, 1000)
			call := uint64(0)
			for b.Loop() {
				c.draw(k, 0, 0, call, out)
				call++
			}
		})
	}
}
