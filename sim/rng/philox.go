// Package rng is the counter-based random number generator of the
// network inputs: Philox4x32-10 (Salmon et al. 2011, Random123), keyed by
// the run's seed and counted by neuron, step and draw. A draw is a pure
// function of those numbers, so the CPU and a GPU kernel (32-bit integer
// arithmetic only) give the same stream, and any split of neurons over
// threads gives the same run.
package rng

import (
	"math"
	"math/bits"
)

// Philox round constants.
const (
	m0 = 0xD2511F53
	m1 = 0xCD9E8D57
	w0 = 0x9E3779B9
	w1 = 0xBB67AE85
)

// Philox returns the ten-round Philox4x32 block of counter c under key k.
func Philox(c [4]uint32, k [2]uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		hi0, lo0 := bits.Mul32(m0, c[0])
		hi1, lo1 := bits.Mul32(m1, c[2])
		c = [4]uint32{hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0}
		k[0] += w0
		k[1] += w1
	}
	return c
}

// Stream draws the numbers of one neuron at one step: counter (neuron,
// step, purpose, block) under the seed.
type Stream struct {
	key     [2]uint32
	counter [4]uint32
	block   [4]uint32
	used    int
}

// New starts the stream of a neuron at a step, for a purpose (one per
// kind of draw: a drive, noise, ...).
func New(seed uint64, neuron uint32, step uint64, purpose uint32) Stream {
	return Stream{key: [2]uint32{uint32(seed), uint32(seed >> 32)},
		counter: [4]uint32{neuron, uint32(step), uint32(step>>32)<<16 | purpose&0xffff, 0}, used: 4}
}

// Uint32 returns the next 32 random bits.
func (s *Stream) Uint32() uint32 {
	if s.used == 4 {
		s.block = Philox(s.counter, s.key)
		s.counter[3]++
		s.used = 0
	}
	s.used++
	return s.block[s.used-1]
}

// Float64 is uniform in [0, 1), with 32 bits of resolution (what a
// single-precision kernel reproduces exactly).
func (s *Stream) Float64() float64 { return float64(s.Uint32()) * 0x1p-32 }

// Open is uniform in (0, 1].
func (s *Stream) Open() float64 { return (float64(s.Uint32()) + 1) * 0x1p-32 }

// Normal is a standard normal draw (Box–Muller).
func (s *Stream) Normal() float64 {
	u, v := s.Open(), s.Float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// Poisson is a Poisson count of mean lambda, given expNeg = exp(−lambda):
// Knuth's product of uniforms for the small means of one step's inputs, a
// rounded normal above 30.
func (s *Stream) Poisson(lambda, expNeg float64) int {
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*s.Normal())))
	}
	k, p := 0, s.Open()
	for p > expNeg {
		k++
		p *= s.Open()
	}
	return k
}
