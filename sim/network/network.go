package network

import (
	"fmt"
	"math"
	"slices"

	"neurite/sim/connect"
)

// Synapse is how an input acts on its target neuron.
type Synapse int

const (
	// Delta adds the weight (mV) to v, unless the target is refractory.
	Delta Synapse = iota
	// Current adds a current (nA) with an exponential, alpha or
	// bi-exponential time course.
	Current
	// Conductance adds a conductance (µS) pulling v toward Port.E.
	Conductance
)

// Shape is the time course of a current or conductance.
type Shape int

const (
	Exp   Shape = iota // jumps by w, decays with TauDecay
	Alpha              // (w·e/τ)·t·exp(−t/τ): peaks at w after τ
	BiExp              // rises with TauRise, decays with TauDecay, peaks at w
)

// Port is one kind of input a population receives: all projections and
// inputs of the same synapse onto a population add into one port, as
// NEURON's events into one ExpSyn.
type Port struct {
	Synapse  Synapse
	Shape    Shape
	TauRise  float64 // ms (BiExp)
	TauDecay float64 // ms (Exp, BiExp; Alpha's τ)
	E        float64 // reversal potential (mV), Conductance only
}

// Equal ports share state.
func (p Port) key() Port { return p }

// LIF holds the per-neuron parameters of leaky integrate-and-fire
// neurons: τ dv/dt = E_L − v + R·I, spike at v > Vth (strictly, as
// Brian2), then v ← Vreset, held for Tref.
type LIF struct {
	Tau, EL, R, Vth, Vreset, Tref, I []float64 // ms, mV, MΩ, mV, mV, ms, nA
}

// Method integrates a population's neurons.
type Method int

const (
	Exact Method = iota // the exact solution over a step (linear models)
	Euler
	RK2 // the midpoint method
	RK4
)

func (m Method) String() string { return [...]string{"exact", "euler", "rk2", "rk4"}[m] }

// Population is a group of neurons of one model.
type Population struct {
	Name  string
	N     int
	LIF   *LIF        // a LIF population; or
	Model *PointModel // any other point model, one instance per neuron; or
	// Source makes the neurons Poisson spike sources at these rates (Hz).
	Source []float64
	// V0 is the initial membrane potential of each neuron (nil: the
	// model's own); Init the initial state of other variables by name.
	V0 []float64
	// G0 is the initial value of each port's current or conductance, by
	// port then neuron (nil, or a nil port: 0), as Brian2's COBA starts
	// its ge and gi from a distribution.
	G0     [][]float64
	Method Method
	Ports  []Port
	Drives []Drive

	first int   // global id of neuron 0
	base  int32 // queue target of port 0, neuron 0: port k of neuron i is base + k·N + i
}

// First is the global id of the population's neuron 0.
func (p *Population) First() int { return p.first }

// PortOf returns the index of port q, adding it if new.
func (p *Population) PortOf(q Port) int {
	for k, have := range p.Ports {
		if have.key() == q.key() {
			return k
		}
	}
	p.Ports = append(p.Ports, q)
	return len(p.Ports) - 1
}

// Projection connects two populations: synapse s of presynaptic neuron
// i (Start[i] ≤ s < Start[i+1]) reaches postsynaptic neuron Target[s].
type Projection struct {
	Name     string
	From, To *Population
	Port     int // the port of To that receives
	Start    []int64
	Target   []uint32
	// W is the weight of each synapse, or a single weight for all.
	W []float32
	// Delay is each synapse's delay in steps, or a single delay for all.
	Delay []uint16
	// Rate, when set, makes the projection carry a source variable into
	// a target parameter at every step instead of spikes (Port unused).
	Rate *Rate
	// Procedural, when set, regenerates the rows (Start, Target, W and
	// Delay are its rows, as Build made them), so that an engine may
	// draw a row again instead of storing it (gpu/network does).
	Procedural *connect.Procedural

	stdp    *STDP
	scaling *Scaling
}

// Weight returns synapse s's weight.
func (pr *Projection) Weight(s int64) float32 {
	if len(pr.W) == 1 {
		return pr.W[0]
	}
	return pr.W[s]
}

func (pr *Projection) delay(s int64) int64 {
	if len(pr.Delay) == 1 {
		return int64(pr.Delay[0])
	}
	return int64(pr.Delay[s])
}

// Synapses is the number of synapses.
func (pr *Projection) Synapses() int64 { return int64(len(pr.Target)) }

// sortedRows reports whether every row's targets are in increasing order
// (as sim/connect makes them).
func (pr *Projection) sortedRows() bool {
	for i := range pr.From.N {
		if !slices.IsSorted(pr.Target[pr.Start[i]:pr.Start[i+1]]) {
			return false
		}
	}
	return true
}

// SpikeInput is a spike arriving from outside the network: weight W onto
// port Port of neuron Neuron of population Pop at time T (ms), delivered
// at the step round(T/dt) (Brian2's SpikeGeneratorGroup).
type SpikeInput struct {
	Pop    *Population
	Port   int
	Neuron int
	T, W   float64
}

// Network is a set of populations and their connections.
type Network struct {
	Dt          float64 // ms
	Seed        uint64  // the random inputs' key (sim/rng)
	Pops        []*Population
	Projections []*Projection
	Inputs      []SpikeInput
}

// DelaySteps converts a delay in ms to steps of dt, refusing one shorter
// than a step (the network exchanges spikes once per shortest delay).
func DelaySteps(delay, dt float64) (uint16, error) {
	k := math.Round(delay / dt)
	switch {
	case !(delay >= 0):
		return 0, fmt.Errorf("delay %g ms is negative", delay)
	case k < 1:
		return 0, fmt.Errorf("delay %g ms is shorter than dt = %g ms", delay, dt)
	case k > math.MaxUint16:
		return 0, fmt.Errorf("delay %g ms is more than %d steps of dt = %g ms", delay, math.MaxUint16, dt)
	}
	return uint16(k), nil
}

// Neurons is the total number of neurons.
func (n *Network) Neurons() int {
	total := 0
	for _, p := range n.Pops {
		total += p.N
	}
	return total
}

// Synapses is the total number of synapses.
func (n *Network) Synapses() int64 {
	var total int64
	for _, pr := range n.Projections {
		total += pr.Synapses()
	}
	return total
}

// PopulationOf returns the population of global neuron id and its index
// there.
func (n *Network) PopulationOf(id int) (*Population, int) {
	for _, p := range n.Pops {
		if id < p.first+p.N {
			return p, id - p.first
		}
	}
	return nil, -1
}

// number assigns global ids and queue targets; it returns the number of
// queue targets.
func (n *Network) number() int {
	first, base := 0, 0
	for _, p := range n.Pops {
		p.first, p.base = first, int32(base)
		first += p.N
		base += p.N * len(p.Ports)
	}
	return base
}

// check refuses what the engine cannot run.
func (n *Network) check() error {
	if !(n.Dt > 0) {
		return fmt.Errorf("dt = %g ms must be positive", n.Dt)
	}
	for _, p := range n.Pops {
		if p.N < 1 {
			return fmt.Errorf("population %s: size %d must be at least 1", p.Name, p.N)
		}
		kinds := 0
		for _, set := range []bool{p.LIF != nil, p.Model != nil, p.Source != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return fmt.Errorf("population %s: give it one of a LIF model, another point model or Poisson rates", p.Name)
		}
		if p.Source != nil && len(p.Source) != p.N {
			return fmt.Errorf("population %s: %d rates for %d neurons", p.Name, len(p.Source), p.N)
		}
		if p.LIF != nil && p.Method != Exact && p.Method != Euler {
			return fmt.Errorf("population %s: LIF neurons run with method exact or euler, not %s", p.Name, p.Method)
		}
		if p.Method == Exact && p.LIF != nil {
			for _, q := range p.Ports {
				if q.Synapse == Conductance {
					return fmt.Errorf("population %s: conductance synapses make the LIF model nonlinear; use method euler or rk4", p.Name)
				}
			}
		}
	}
	for _, pr := range n.Projections {
		if len(pr.Start) != pr.From.N+1 {
			return fmt.Errorf("projection %s: %d row offsets for %d neurons", pr.Name, len(pr.Start), pr.From.N)
		}
		if len(pr.W) != 1 && int64(len(pr.W)) != pr.Synapses() || len(pr.Delay) != 1 && int64(len(pr.Delay)) != pr.Synapses() {
			return fmt.Errorf("projection %s: weights or delays do not match its %d synapses", pr.Name, pr.Synapses())
		}
		for _, d := range pr.Delay {
			if d < 1 {
				return fmt.Errorf("projection %s: a delay shorter than dt = %g ms", pr.Name, n.Dt)
			}
		}
		if err := pr.checkRate(); err != nil {
			return err
		}
	}
	return nil
}

// Bytes estimates the memory a network of these sizes takes: per
// synapse a 4-byte target, a 4-byte weight and a 2-byte delay unless
// shared, per neuron its state and queue slots.
func Bytes(neurons int, ports int, synapses int64, maxDelay int) int64 {
	return synapses*10 + int64(neurons)*(200+int64(ports)*8*int64(maxDelay+2))
}
