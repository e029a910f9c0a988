package network

import (
	"math"
	"math/bits"
)

// DriveKind is what a drive adds to its neurons.
type DriveKind int

const (
	// Poisson delivers Poisson events of weight W at Rate (Hz) onto a
	// port: independent per neuron, or one train for all (Shared).
	Poisson DriveKind = iota
	// CurrentDrive adds I(t) (nA, the model's input units) to the input.
	CurrentDrive
	// Noise adds an Ornstein–Uhlenbeck current of mean Mean, standard
	// deviation SD and correlation time Tau (ms), independent per neuron.
	Noise
)

// Drive is an input from outside the network that is not a list of
// spikes: Poisson trains, currents and noise.
type Drive struct {
	Kind   DriveKind
	Port   int // Poisson: the port it reaches
	Rate   float64
	W      float64
	Shared bool
	I      func(t float64) float64 // Current
	Mean   float64                 // Noise
	SD     float64
	Tau    float64
	// Neurons restricts the drive to these neurons of the population
	// (nil: all).
	Neurons []bool
	// A current or noise acts from Start to Stop (ms; Stop 0: to the end).
	Start, Stop float64
}

func (d *Drive) reaches(i int) bool { return d.Neurons == nil || d.Neurons[i] }

// on reports whether a current or noise acts at t.
func (d *Drive) on(t float64) bool { return t >= d.Start && (d.Stop == 0 || t < d.Stop) }

// stream is a neuron's random stream: wyrand (Wang Yi's generator), one
// add and one 64×64-bit multiply a draw, 8 bytes of state. The drives
// draw once per neuron and step, so the generator's cost and size are
// the Poisson background's.
type stream uint64

// newStream seeds a stream from the network's seed and a stream number.
func newStream(seed, n uint64) stream {
	s := stream(seed ^ (n+1)*0x9e3779b97f4a7c15)
	s.Uint64()
	return s
}

// Uint64 returns the next 64 random bits.
func (s *stream) Uint64() uint64 {
	*s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(uint64(*s), uint64(*s)^0xe7037ed1a0b428db)
	return hi ^ lo
}

// uniform is a uniform draw in [0, 1) from a neuron's stream.
func uniform(r *stream) float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// normal is a standard normal draw (Box–Muller).
func normal(r *stream) float64 {
	u := 1 - uniform(r)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*uniform(r))
}

// poissonDist draws Poisson counts of one mean by inverting its
// cumulative distribution: one uniform a draw. Means above 30 take a
// rounded normal.
type poissonDist struct {
	lambda float64
	cdf    []float64 // cdf[k] = P(X ≤ k), up to where it reaches 1
	// guide[j] is the least k with cdf[k] > j/len(guide): where the
	// search for a uniform in [j/len, (j+1)/len) starts (Chen and Asau's
	// guide table), so that a draw takes about one comparison.
	guide []uint8
}

func newPoissonDist(lambda float64) poissonDist {
	d := poissonDist{lambda: lambda}
	if lambda > 30 {
		return d
	}
	term := math.Exp(-lambda)
	sum := term
	for k := 1; sum < 1-1e-16 && k < 200; k++ {
		d.cdf = append(d.cdf, sum)
		term *= lambda / float64(k)
		sum += term
	}
	d.cdf = append(d.cdf, 1)
	d.guide = make([]uint8, 64)
	k := 0
	for j := range d.guide {
		for d.cdf[k] <= float64(j)/float64(len(d.guide)) {
			k++
		}
		d.guide[j] = uint8(k)
	}
	return d
}

// draw returns a count from stream r.
func (d *poissonDist) draw(r *stream) int {
	if d.cdf == nil {
		return d.drawLarge(r)
	}
	u := uniform(r)
	k := int(d.guide[int(u*float64(len(d.guide)))])
	// Two steps without branches (the search rarely goes further): the
	// sign bit of cdf[k] − u is 1 where u is past cdf[k]. The last entry
	// is 1, beyond every u, so k stays in the table.
	cdf := d.cdf
	k += int(math.Float64bits(cdf[k]-u) >> 63)
	k += int(math.Float64bits(cdf[k]-u) >> 63)
	for u > cdf[k] {
		k++
	}
	return k
}

// fill sets x[i] to w times a count drawn from rng[i], as draw would,
// with the tables held in registers across the loop; where mask (nil:
// every neuron) leaves a neuron out, x[i] is 0 and its stream is not
// drawn from, as in the general kernel.
func (d *poissonDist) fill(x []float64, rng []stream, w float64, mask []bool) {
	rng = rng[:len(x)]
	cdf, guide := d.cdf, d.guide
	if cdf == nil || len(guide) != 64 || mask != nil {
		for i := range x {
			x[i] = 0
			if mask == nil || mask[i] {
				x[i] = float64(d.draw(&rng[i])) * w
			}
		}
		return
	}
	last := len(cdf) - 1
	for i := range x {
		u := uniform(&rng[i])
		k := int(guide[int(u*64)&63])
		k += int(math.Float64bits(cdf[min(k, last)]-u) >> 63)
		k += int(math.Float64bits(cdf[min(k, last)]-u) >> 63)
		for u > cdf[min(k, last)] {
			k++
		}
		x[i] = float64(k) * w
	}
}

// drawLarge draws a count of a mean above 30: a rounded normal.
func (d *poissonDist) drawLarge(r *stream) int {
	return max(0, int(math.Round(d.lambda+math.Sqrt(d.lambda)*normal(r))))
}
