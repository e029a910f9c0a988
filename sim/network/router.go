package network

import (
	"math"

	"neurite/sim"
)

// router is the Engine as the driver's spike exchange: each spike's
// synapses, in compressed sparse rows, queued at their delivery steps.
type router Engine

func (r *router) MinDelay() int64 { return r.minDelay }
func (r *router) MaxDelay() int64 { return r.maxDelay }

// Route queues the deliveries of the epoch's spikes (sorted by time, so
// that the queue sums a target's inputs in the same order every run),
// each with the weight its synapse has then, and applies plasticity
// spike by spike in that order.
func (r *router) Route(spikes []sim.Spike, q *sim.Queue) {
	dt := r.net.Dt
	for _, s := range spikes {
		n := int64(math.Round(s.Step / dt))
		for _, pr := range r.net.Projections {
			from := pr.From
			i := s.Cell - from.first
			if i < 0 || i >= from.N {
				continue
			}
			target := int(pr.To.base) + pr.Port*pr.To.N
			for syn := pr.Start[i]; syn < pr.Start[i+1]; syn++ {
				q.Add(target+int(pr.Target[syn]), n+pr.delay(syn), float64(pr.Weight(syn)))
			}
		}
		for _, pl := range r.plastic {
			pl.spike(s)
		}
	}
}
