package dist

import (
	"neurite/sim"

	"fmt"
	"math"
	"math/rand/v2"
)

// ChunkSize is how many consecutive items share one generator. Part of the
// definition of the values drawn: changing it changes every sample.
const ChunkSize = 4096

// parallelAbove is the array length below which sampling stays on one
// goroutine.
const parallelAbove = 1 << 16

// Sample fills dst with one value per item. The values depend only on the
// distribution, len(dst), seed and stream (one stream per quantity drawn:
// a parameter of a population, the weights of a projection), never on the
// number of threads: chunk c of ChunkSize items is drawn from
// NewPCG(seed, stream, c). Large arrays are filled on all cores.
func (d Dist) Sample(dst []float64, seed, stream uint64) error {
	if err := d.Check(); err != nil {
		return err
	}
	switch {
	case d.kind == column:
		if len(d.values) != len(dst) {
			return fmt.Errorf("the csv column has %d values for %d items; it needs one per item", len(d.values), len(dst))
		}
		copy(dst, d.values)
		return nil
	case d.IsConstant():
		for i := range dst {
			dst[i] = d.a
		}
		return nil
	}
	chunks := (len(dst) + ChunkSize - 1) / ChunkSize
	workers := 1
	if len(dst) > parallelAbove {
		workers = 0
	}
	sim.ForEach(chunks, workers, func() func(c int) {
		pcg := new(rand.PCG)
		rng := rand.New(pcg)
		return func(c int) {
			Reseed(pcg, seed, stream, uint64(c))
			end := min((c+1)*ChunkSize, len(dst))
			d.fill(dst[c*ChunkSize:end], rng)
		}
	})
	return nil
}

func (d Dist) fill(dst []float64, rng *rand.Rand) {
	switch d.kind {
	case uniform:
		for i := range dst {
			dst[i] = d.a + (d.b-d.a)*rng.Float64()
		}
	case normal:
		for i := range dst {
			dst[i] = d.redraw(func() float64 { return d.a + d.b*rng.NormFloat64() })
		}
	case lognormal:
		mu, sigma := d.logParams()
		for i := range dst {
			dst[i] = d.redraw(func() float64 { return math.Exp(mu + sigma*rng.NormFloat64()) })
		}
	}
}

// redraw draws until a value falls within the truncation range (Check
// makes sure the range is likely enough for this to end soon).
func (d Dist) redraw(draw func() float64) float64 {
	for {
		x := draw()
		if !d.truncated || d.low <= x && x <= d.high {
			return x
		}
	}
}

// NewPCG is the generator of item group index of stream stream under seed:
// distinct (stream, index) pairs give independent sequences. Packages that
// draw per neuron or per row (sim/connect) use it too, so that one seed
// fixes a whole network.
func NewPCG(seed, stream, index uint64) *rand.PCG {
	p := new(rand.PCG)
	Reseed(p, seed, stream, index)
	return p
}

// Reseed sets p to the state NewPCG(seed, stream, index) starts from,
// without allocating.
func Reseed(p *rand.PCG, seed, stream, index uint64) {
	p.Seed(mix(seed^mix(stream)), mix(index^mix(stream+0x9e3779b97f4a7c15)))
}

// mix is SplitMix64's finaliser: a bijection that scatters nearby inputs.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
