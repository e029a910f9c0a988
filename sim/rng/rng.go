// Package rng is the counter-based random generator the engines draw their
// inputs from: Philox4x32-10 (Salmon, Moraes, Dror and Shaw 2011, the
// generator of Random123, cuRAND and GeNN). A draw is a pure function of a
// key (the run's seed) and a counter (which draw: step, neuron, input), so
// there is no state to keep, split or carry between threads, and the CPU
// and the GPU (shaders/philox.glsl, the same arithmetic in 32-bit words)
// draw the very same numbers.
//
// An input's stream (a neuron of a Poisson drive, say) is a sequence of
// 32-bit words: word n is word n mod 4 of the 128 bits of counter
// (call n/4, stream, input), so that one Philox call serves four steps of
// a drive that needs 32 bits a step. The derivations (Uniform, a Poisson
// count, Normal) take words, so that both engines derive from the same
// words: Uniform and the Poisson count are exact (integer comparisons and
// an exactly representable double); Normal goes through a logarithm, a
// square root and a cosine written with arithmetic a shader has and
// rounds as Go does (portable.go), so it too is exact across devices.
package rng

import (
	"math"
	"math/bits"
)

// Philox4x32-10's multipliers and Weyl key increments.
const (
	mul0, mul1 = 0xD2511F53, 0xCD9E8D57
	weyl0      = 0x9E3779B9
	weyl1      = 0xBB67AE85
)

// Key is the generator's key: a run's seed.
type Key [2]uint32

// KeyOf makes the key of a 64-bit seed.
func KeyOf(seed uint64) Key { return Key{uint32(seed), uint32(seed >> 32)} }

// Counter names one draw of 128 bits.
type Counter [4]uint32

// Philox4x32 returns the 128 random bits of counter c under key k.
func Philox4x32(c Counter, k Key) [4]uint32 {
	for range 10 {
		hi0, lo0 := bits.Mul32(mul0, c[0])
		hi1, lo1 := bits.Mul32(mul1, c[2])
		c = Counter{hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0}
		k[0] += weyl0
		k[1] += weyl1
	}
	return c
}

// Draw returns the 128 bits of call number call of stream (a neuron, a
// synapse) for input (which of the network's inputs draws) under key k:
// the counter (call low, call high, stream, input) the CPU and the GPU
// engines both use.
func Draw(k Key, input, stream uint32, call uint64) [4]uint32 {
	return Philox4x32(Counter{uint32(call), uint32(call >> 32), stream, input}, k)
}

// Word returns word n of a stream: word n mod 4 of call n/4.
func Word(k Key, input, stream uint32, n uint64) uint32 {
	return Draw(k, input, stream, n/4)[n%4]
}

// DrawStreams sets out[j] to Draw(k, input, first+j, call) for each j:
// one call for a run of streams (a chunk of neurons), four streams at a
// time in vector registers where the processor allows.
func DrawStreams(k Key, input, first uint32, call uint64, out [][4]uint32) {
	drawStreams(k, input, first, call, out)
}

var drawStreams = drawStreamsGo

func drawStreamsGo(k Key, input, first uint32, call uint64, out [][4]uint32) {
	for j := range out {
		out[j] = Draw(k, input, first+uint32(j), call)
	}
}

// Uniform makes a uniform number in (0, 1) of a word: (w + ½)·2⁻³², exact
// in a double, never 0 or 1 (so that log(u) and log(1 − u) are finite).
func Uniform(w uint32) float64 { return (float64(w) + 0.5) * 0x1p-32 }

// Uniform53 makes a uniform number in [0, 1) of two words, with 53
// random bits.
func Uniform53(hi, lo uint32) float64 {
	return float64(uint64(hi)<<21|uint64(lo>>11)) * 0x1p-53
}

// Normal returns normal number j (0 to 3) of the four that the words of
// one call make by Box–Muller: words 0 and 1 make numbers 0 (cosine) and
// 1 (sine), words 2 and 3 numbers 2 and 3. A stream drawing one normal a
// step takes number n mod 4 of call n/4. The logarithm and the cosine
// and sine of 2πv are portable.go's, not package math's, so that
// shaders/philox.glsl's rngNormal makes the same double, bit for bit.
func Normal(w [4]uint32, j int) float64 {
	u, v := Uniform(w[j&2]), Uniform(w[j&2|1])
	return math.Sqrt(-2*Log(u)) * CosSin2Pi(v, j&1 == 1)
}
