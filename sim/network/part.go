package network

import (
	"math"

	"neurite/sim"
)

// Part returns the engine as one part of a composite run (sim.Composite):
// its backend and wiring, for a driver other than its own.
func (e *Engine) Part() (sim.Backend, sim.Wiring) { return (*backend)(e), e.wiring() }

// wiring is the engine's inputs and, where it has projections, its
// router.
func (e *Engine) wiring() sim.Wiring {
	w := sim.Wiring{Targets: e.targets, Inputs: e.inputs()}
	if e.minDelay < math.MaxInt64 { // spike projections (rate ones bypass the queue)
		w.Router = (*router)(e)
	}
	return w
}

// InputTarget returns the engine's input target of port k of neuron i
// of population p: where a connection from outside the network (another
// engine's neuron) delivers. It counts the ports the network has now;
// add every port first.
func (n *Network) InputTarget(p *Population, k, i int) int32 {
	base := 0
	for _, q := range n.Pops {
		if q == p {
			return int32(base + k*p.N + i)
		}
		base += q.N * len(q.Ports)
	}
	return -1
}
