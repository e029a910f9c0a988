package network

import (
	"math"

	"neurite/sim/rng"
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

// NoiseStep returns a noise drive's factors over a step dt: its
// Ornstein–Uhlenbeck current x steps to Mean + (x − Mean)·decay +
// scale·z, z a normal draw, with decay exp(−dt/τ) and scale
// SD·√(1 − decay²), the spread that keeps the variance at SD². An engine
// on another device takes them from here and steps x in that order, each
// product rounded before it is added (as NoiseUpdate).
func (d *Drive) NoiseStep(dt float64) (decay, scale float64) {
	f := math.Exp(-dt / d.Tau)
	return f, d.SD * math.Sqrt(1-float64(f*f))
}

// NoiseUpdate returns the next value of a noise drive's current x under
// NoiseStep's factors and normal draw z. The float64() conversions round
// each product before it is added, so that Go does not fuse it into a
// multiply-add on the processors that have one (the language allows the
// fusion and the conversion forbids it): the GPU, which rounds each
// product, then steps x to the same double.
func NoiseUpdate(x, mean, decay, scale, z float64) float64 {
	return mean + float64((x-mean)*decay) + float64(scale*z)
}

// The inputs' numbers in the generator's counter (rng.Draw's input): what
// an engine on another device follows to draw the same numbers. A
// neuron's draws for drive d of its population are input d, the stream
// the neuron's number in the network, word n the step's: so a draw is a
// function of (seed, drive, neuron, step) alone, the same for any number
// of threads. An independent Poisson drive's count is rng.Poisson's
// count of the word (mean Rate·dt·10⁻³, dt in ms); noise takes
// rng.Normal number n mod 4 of call n/4. Sources and shared trains
// number above every drive.
const (
	// SourceInput: a source's waiting time after its spike at step n,
	// −log(rng.Uniform(w))/λ steps, is drawn from word n.
	SourceInput = 1 << 31
	// SourceStartInput: a source's first waiting time, word 0.
	SourceStartInput = 1<<31 | 1
	// SharedInput | d: the count of shared drive d at step n is drawn
	// from word n of the stream numbered by the population.
	SharedInput = 1 << 30
)

// SourceLambda returns a Poisson source's expected spikes a step at rate
// r (Hz) over steps of dt (ms).
func SourceLambda(r, dt float64) float64 { return r * dt * 1e-3 }

// SourceWait returns a Poisson source's waiting time drawn from word w
// at lambda expected spikes a step, in steps: −log(u)/lambda, u =
// rng.Uniform(w), +Inf for lambda 0. Its whole steps are the steps
// without a spike between two spikes (see fire). The logarithm is
// sim/rng's portable Log, not Go's (math.Log is its own on amd64):
// shaders/net_source.glsl makes the same doubles on the GPU with rngLog,
// a single division and no multiply-add to fuse.
func SourceWait(w uint32, lambda float64) float64 {
	return -rng.Log(rng.Uniform(w)) / lambda
}

// MaxSourceWait bounds the waits a source spikes again after: a longer
// one (or +Inf) is past any run, and past it a wait's whole steps would
// overflow a step number.
const MaxSourceWait = 1 << 62

// drawWords sets the words of step n of the chunk's neurons for each
// drive that draws per neuron (independent Poisson trains and noise): one
// Philox call a neuron every fourth step serves four steps (word n mod 4
// of call n/4).
func (e *Engine) drawWords(c *chunk, n int64) {
	p := c.pop
	call := n / 4
	if len(p.words) == 0 || c.call == call {
		return
	}
	for d, w := range p.words {
		if w != nil {
			rng.DrawStreams(e.key, uint32(d), uint32(p.first+c.lo), uint64(call), w[c.lo:c.hi])
		}
	}
	c.call = call
}

// drawsPerNeuron reports whether a drive draws for each neuron.
func (d *Drive) drawsPerNeuron() bool {
	return d.Kind == Noise || (d.Kind == Poisson && !d.Shared)
}
