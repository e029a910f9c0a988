package network

import (
	"fmt"
	"math"
	"runtime"
	"slices"

	"neurite/sim"
	"neurite/sim/ode"
	"neurite/sim/rng"
)

// Probe records one variable of one neuron: "v", a model variable, or
// "g1", "g2", … for the synaptic input of a port (numbered from 1).
type Probe struct {
	Pop    *Population
	Neuron int
	Var    string
}

// Engine runs a Network: the backend the run driver advances.
type Engine struct {
	*sim.Driver
	net         *Network
	workers     int
	recordEvery int64
	snapEvery   int64
	probes      []Probe
	probeAt     []func() float64
	pops        []*popState
	chunks      []chunk
	plastic     []*plastic
	scaledAt    int64   // the step synaptic scaling last ran
	key         rng.Key // the drives' generator key: the network's seed
	targets     int
	out         [][]*Projection // by population: the projections from it
	slots       [][][]float64   // Route's queue slots by delay, per routing worker
	sortedRows  bool            // every projection's rows sorted by target: Route may split them
	minDelay    int64
	maxDelay    int64
	rateDelay   int64 // the shortest delay of the rate projections (steps; 0: none)
}

// chunk is a run of one population's neurons advanced by one worker.
type chunk struct {
	pop    *popState
	lo, hi int
	probes []int // the probes of the chunk's neurons
	spikes []sim.Spike
	err    *sim.BlowUpError
	call   int64 // the generator call whose words the drives hold (-1: none)
	scratch
}

// popState is a population's state, struct of arrays.
type popState struct {
	*Population
	v        []float64
	refUntil []int64 // the first step at which the neuron is not refractory
	a, b     [][]float64
	decayA   []float64 // per port
	decayB   []float64
	jumpA    []float64 // what an input of weight 1 adds to a and b
	jumpB    []float64
	alphaK   []float64 // alpha ports: b ← b·decayB + a·alphaK
	p22      []float64 // LIF exact: exp(−dt/τ) per neuron
	p21      [][]float64
	refSteps []int64
	models   []modelState
	next     []int64   // sources: the step of each neuron's next spike
	lambda   []float64 // sources: expected spikes a step
	noise    [][]float64
	// noiseDecay and noiseScale are each noise drive's step factors.
	noiseDecay, noiseScale []float64
	shared                 [][]int        // per drive: shared Poisson counts of the epoch's steps
	pois                   []*rng.Poisson // per drive: the counts of a step (Poisson)
	// words[d] holds each neuron's words of drive d from one generator
	// call (the chunk's call), nil for a drive that does not draw per
	// neuron.
	words [][][4]uint32
	fast  *fastLIF // the fused LIF kernel's constants; nil: the general kernel
	rate  *popRate // rate projections from and to it; nil: none
}

// modelState is one neuron of a general point model.
type modelState struct {
	m       *PointModel
	x       []float64
	stepper *ode.Stepper
	below   bool // under the spike level (models without a reset)
	baseI   float64
	index   int
}

// Options for NewEngine.
type Options struct {
	Workers     int     // 0: all cores
	RecordEvery float64 // ms; 0: every step
	SnapEvery   float64 // ms; 0: none
	Probes      []Probe
}

// NewEngine prepares a network for running; call Init before Run.
func NewEngine(n *Network, o Options) (*Engine, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	e := &Engine{net: n, workers: o.Workers, probes: o.Probes, minDelay: math.MaxInt64}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	e.recordEvery = max(1, int64(math.Round(o.RecordEvery/n.Dt)))
	if o.SnapEvery > 0 {
		e.snapEvery = max(1, int64(math.Round(o.SnapEvery/n.Dt)))
	}
	e.targets = n.number()
	for _, pr := range n.Projections {
		if pr.Rate != nil {
			continue // not routed: see wireRates
		}
		for _, d := range pr.Delay {
			e.minDelay = min(e.minDelay, int64(d))
			e.maxDelay = max(e.maxDelay, int64(d))
		}
	}
	for _, p := range n.Pops {
		ps, err := newPopState(p, n.Dt)
		if err != nil {
			return nil, err
		}
		e.pops = append(e.pops, ps)
		const size = 512
		for lo := 0; lo < p.N; lo += size {
			e.chunks = append(e.chunks, chunk{pop: ps, lo: lo, hi: min(p.N, lo+size), call: -1})
		}
	}
	for k, pr := range e.probes {
		at, err := e.probeFunc(pr)
		if err != nil {
			return nil, err
		}
		e.probeAt = append(e.probeAt, at)
		for c := range e.chunks {
			if ch := &e.chunks[c]; ch.pop.Population == pr.Pop && ch.lo <= pr.Neuron && pr.Neuron < ch.hi {
				ch.probes = append(ch.probes, k)
			}
		}
	}
	e.out = make([][]*Projection, len(n.Pops))
	e.sortedRows = true
	for _, pr := range n.Projections {
		p := slices.Index(n.Pops, pr.From)
		if p < 0 || !slices.Contains(n.Pops, pr.To) {
			return nil, fmt.Errorf("projection %s: connects a population that is not in the network", pr.Name)
		}
		if pr.Rate != nil {
			continue
		}
		e.out[p] = append(e.out[p], pr)
		e.sortedRows = e.sortedRows && pr.sortedRows()
		if pr.stdp != nil || pr.scaling != nil {
			pl, err := newPlastic(pr)
			if err != nil {
				return nil, err
			}
			e.plastic = append(e.plastic, pl)
		}
	}
	e.wireRates()
	e.Driver = sim.NewDriver((*backend)(e), e.wiring())
	return e, nil
}

// inputs lowers the spike inputs to the driver's, each at step
// round(t/dt).
func (e *Engine) inputs() []sim.Input {
	in := make([]sim.Input, 0, len(e.net.Inputs))
	for _, s := range e.net.Inputs {
		p := s.Pop
		in = append(in, sim.Input{Step: int64(math.Round(s.T / e.net.Dt)), Target: p.base + int32(s.Port*p.N+s.Neuron), W: s.W})
	}
	slices.SortStableFunc(in, func(a, b sim.Input) int { return int(a.Step - b.Step) })
	return in
}

// Network returns the network run.
func (e *Engine) Network() *Network { return e.net }

// Voltages returns every neuron's membrane potential, by global id.
func (e *Engine) Voltages() []float64 { return (*backend)(e).Snapshot(nil) }

func newPopState(p *Population, dt float64) (*popState, error) {
	ps := &popState{Population: p, v: make([]float64, p.N), refUntil: make([]int64, p.N)}
	for _, q := range p.Ports {
		ps.a = append(ps.a, make([]float64, p.N))
		ps.b = append(ps.b, make([]float64, p.N))
		da, db, ja, jb, ak := 1.0, Decay(q.TauDecay, dt, p.Method), 0.0, 1.0, 0.0
		switch q.Shape {
		case Alpha:
			da, ja, jb, ak = db, math.E, 0, dt/q.TauDecay
			if p.Method != Euler {
				ak *= db
			}
		case BiExp:
			if !(q.TauRise > 0 && q.TauRise < q.TauDecay) {
				return nil, fmt.Errorf("population %s: a bi-exponential synapse needs 0 < tau_rise < tau_decay (have %g and %g ms)", p.Name, q.TauRise, q.TauDecay)
			}
			tp := q.TauRise * q.TauDecay / (q.TauDecay - q.TauRise) * math.Log(q.TauDecay/q.TauRise)
			f := 1 / (math.Exp(-tp/q.TauDecay) - math.Exp(-tp/q.TauRise))
			da, ja, jb = Decay(q.TauRise, dt, p.Method), f, f
		}
		if q.Synapse != Delta && !(q.TauDecay > 0) {
			return nil, fmt.Errorf("population %s: a synapse's time constant must be positive (have %g ms)", p.Name, q.TauDecay)
		}
		ps.decayA, ps.decayB = append(ps.decayA, da), append(ps.decayB, db)
		ps.jumpA, ps.jumpB, ps.alphaK = append(ps.jumpA, ja), append(ps.jumpB, jb), append(ps.alphaK, ak)
	}
	if l := p.LIF; l != nil {
		for _, col := range [][]float64{l.Tau, l.EL, l.R, l.Vth, l.Vreset, l.Tref, l.I} {
			if len(col) != p.N {
				return nil, fmt.Errorf("population %s: %d parameter values for %d neurons", p.Name, len(col), p.N)
			}
		}
		ps.refSteps = make([]int64, p.N)
		ps.p22 = make([]float64, p.N)
		for i := range p.N {
			if !(l.Tau[i] > 0) {
				return nil, fmt.Errorf("population %s: neuron %d has tau = %g ms; it must be positive", p.Name, i, l.Tau[i])
			}
			ps.refSteps[i] = int64(math.Round(l.Tref[i] / dt))
			ps.p22[i] = math.Exp(-dt / l.Tau[i])
		}
		if p.Method == Exact {
			for k, q := range p.Ports {
				col := make([]float64, p.N)
				if q.Synapse == Current {
					if q.Shape != Exp {
						return nil, fmt.Errorf("population %s: exact integration takes exponential current synapses; use method euler or rk4 for alpha and bi-exponential ones", p.Name)
					}
					for i := range p.N {
						col[i] = ExactCurrent(l.R[i], l.Tau[i], p.Ports[k].TauDecay, dt)
					}
				}
				ps.p21 = append(ps.p21, col)
			}
		}
	} else if p.Source != nil {
		ps.next, ps.lambda = make([]int64, p.N), make([]float64, p.N)
		for i, r := range p.Source {
			if !(r >= 0) {
				return nil, fmt.Errorf("population %s: neuron %d has rate %g Hz; it must be at least 0", p.Name, i, r)
			}
			ps.lambda[i] = SourceLambda(r, dt)
		}
	} else {
		for i := range p.N {
			ms, err := p.Model.instance(i, p.Method)
			if err != nil {
				return nil, fmt.Errorf("population %s: %w", p.Name, err)
			}
			ps.models = append(ps.models, ms)
		}
	}
	for _, d := range p.Drives {
		f, sc := d.NoiseStep(dt)
		ps.noiseDecay, ps.noiseScale = append(ps.noiseDecay, f), append(ps.noiseScale, sc)
		ps.noise = append(ps.noise, make([]float64, p.N))
		ps.shared = append(ps.shared, nil)
		pd, err := rng.NewPoisson(d.Rate * dt * 1e-3)
		if err != nil {
			return nil, fmt.Errorf("population %s: Poisson drive of rate %g Hz: %w", p.Name, d.Rate, err)
		}
		ps.pois = append(ps.pois, pd)
		var w [][4]uint32
		if d.drawsPerNeuron() {
			w = make([][4]uint32, p.N)
		}
		ps.words = append(ps.words, w)
	}
	ps.fast = newFastLIF(ps)
	return ps, nil
}

// Decay is a synapse's factor over a step dt: exact, or Euler's where
// the population's method is Euler, as Brian2 integrates every variable
// with the method asked for. Every engine of point networks uses it.
func Decay(tau, dt float64, m Method) float64 {
	if m == Euler {
		return 1 - dt/tau
	}
	return math.Exp(-dt / tau)
}

// ExactCurrent is the voltage (mV) a unit exponential current (nA, time
// constant ts) adds over a step dt to a LIF neuron (R, tm): the exact
// solution, with its limit where ts = tm. Every engine of LIF networks
// (the GPU's too) uses this one.
func ExactCurrent(R, tm, ts, dt float64) float64 {
	if math.Abs(ts-tm) < 1e-9*tm {
		return R * dt / tm * math.Exp(-dt/tm)
	}
	return R * ts / (ts - tm) * (math.Exp(-dt/ts) - math.Exp(-dt/tm))
}

// backend is the Engine as the run driver sees it.
type backend Engine

func (b *backend) Dt() float64        { return b.net.Dt }
func (b *backend) Probes() int        { return len(b.probes) }
func (b *backend) RecordEvery() int64 { return b.recordEvery }
func (b *backend) Snapshots() sim.Schedule {
	return sim.Every(b.snapEvery)
}

// EpochSteps: epochs of about 4e6 neuron-steps, and no longer than the
// shortest delay of a rate projection (a rate, as a spike, must not reach
// another neuron within an epoch).
func (b *backend) EpochSteps() int64 {
	steps := max(1, int64(4e6/float64(b.net.Neurons()+1)))
	if b.rateDelay > 0 {
		steps = min(steps, b.rateDelay)
	}
	return steps
}

func (b *backend) Probe(values []float64) {
	for k, at := range b.probeAt {
		values[k] = at()
	}
}

func (b *backend) Snapshot(buf []float64) []float64 {
	buf = buf[:0]
	for _, p := range b.pops {
		buf = append(buf, p.v...)
	}
	return buf
}

// Reset sets every neuron to its initial state and keys the drives'
// generator by the network's seed (a draw is a function of the seed,
// drive, neuron and step, so any number of threads gives the same run).
// Plastic weights keep what they learnt.
func (b *backend) Reset() {
	(*Engine)(b).ResetLearning()
	b.key = rng.KeyOf(b.net.Seed)
	for c := range b.chunks {
		b.chunks[c].call = -1
	}
	for _, p := range b.pops {
		clear(p.refUntil)
		for k := range p.Ports {
			clear(p.a[k])
			clear(p.b[k])
			if k < len(p.G0) && p.G0[k] != nil {
				copy(p.b[k], p.G0[k])
			}
		}
		for d := range p.Drives {
			clear(p.noise[d])
			if dr := p.Drives[d]; dr.Kind == Noise {
				for i := range p.N {
					p.noise[d][i] = dr.Mean
				}
			}
		}
		switch {
		case p.Source != nil:
			p.resetSources(b.key)
		case p.LIF != nil:
			for i := range p.N {
				p.v[i] = p.LIF.EL[i]
				if p.V0 != nil {
					p.v[i] = p.V0[i]
				}
			}
		default:
			p.resetModels()
		}
	}
}

// resetModels sets a point-model population to its initial state (its
// rate-fed parameters their own values first, V0 over the models' v) and
// its rate histories to that state.
func (p *popState) resetModels() {
	p.rateParams()
	for i := range p.models {
		p.models[i].reset()
		p.v[i] = p.models[i].x[p.Model.V()]
		if p.V0 != nil {
			p.v[i] = p.V0[i]
			p.models[i].x[p.Model.V()] = p.V0[i]
		}
	}
	p.rateReset()
}

// Advance takes every chunk of neurons over the epoch on the workers:
// within an epoch no spike reaches another neuron. The calling goroutine
// is one of the workers, and an epoch of little work (a small network
// exchanging spikes every step) runs on it alone: waking another thread
// would cost more than it saves.
func (b *backend) Advance(ep *sim.Epoch) error {
	e := (*Engine)(b)
	e.sharedCounts(ep)
	e.scale(ep.From)
	const minWork = 20000 // neuron-steps an extra worker needs to be worth it
	workers := min(e.workers, max(1, int(int64(e.net.Neurons())*(ep.To-ep.From)/minWork)))
	sim.ForEach(len(e.chunks), workers, func() func(int) {
		return func(c int) { e.advance(&e.chunks[c], ep) }
	})
	for c := range e.chunks {
		ch := &e.chunks[c]
		ep.Spikes = append(ep.Spikes, ch.spikes...)
		ch.spikes = ch.spikes[:0]
		ep.NoteBlowUp(ch.err)
		ch.err = nil
	}
	return nil
}

// ResetLearning forgets the spikes the plastic projections have seen
// (their weights keep what they learnt), as Init does: for an engine
// that runs this one's neurons elsewhere and learns through its router
// (gpu/network).
func (e *Engine) ResetLearning() {
	e.scaledAt = 0
	for _, pl := range e.plastic {
		pl.reset()
	}
}

// ScaleTo applies synaptic scaling up to step, as Advance does at the
// start of an epoch.
func (e *Engine) ScaleTo(step int64) { e.scale(step) }

// scale applies synaptic scaling for the time since it last ran.
func (e *Engine) scale(step int64) {
	if step <= e.scaledAt {
		return
	}
	for _, pl := range e.plastic {
		if pl.scaling != nil {
			pl.scaling.Scale(float64(step)*e.net.Dt, float64(step-e.scaledAt)*e.net.Dt)
		}
	}
	e.scaledAt = step
}

// sharedCounts draws the shared Poisson trains' counts for the epoch's
// steps, once for the whole population.
func (e *Engine) sharedCounts(ep *sim.Epoch) {
	for pi, p := range e.pops {
		for d, dr := range p.Drives {
			if dr.Kind != Poisson || !dr.Shared {
				continue
			}
			counts := p.shared[d][:0]
			for n := ep.From; n < ep.To; n++ {
				counts = append(counts, p.pois[d].Count(rng.Word(e.key, SharedInput|uint32(d), uint32(pi), uint64(n))))
			}
			p.shared[d] = counts
		}
	}
}
