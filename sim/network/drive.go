package network

import (
	"math"
	"math/rand/v2"
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
}

func (d *Drive) reaches(i int) bool { return d.Neurons == nil || d.Neurons[i] }

// uniform is a uniform draw in [0, 1) from a neuron's stream.
func uniform(r *rand.PCG) float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// normal is a standard normal draw (Box–Muller).
func normal(r *rand.PCG) float64 {
	u := 1 - uniform(r)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*uniform(r))
}

// poisson draws a Poisson count of mean lambda (expNeg = exp(−lambda))
// with Knuth's product of uniforms (lambda is the events of one step,
// small), or a rounded normal for large means.
func poisson(r *rand.PCG, lambda, expNeg float64) int {
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*normal(r))))
	}
	k, p := 0, uniform(r)
	for p > expNeg {
		k++
		p *= uniform(r)
	}
	return k
}
