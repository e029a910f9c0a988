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
		p := r.popOf(s.Cell)
		for _, pr := range r.out[p] {
			r.project(pr, s.Cell-pr.From.first, n, q)
		}
		for _, pl := range r.plastic {
			pl.spike(s)
		}
	}
}

// popOf returns the index of the population of neuron id.
func (r *router) popOf(id int) int {
	pops := r.net.Pops
	lo, hi := 0, len(pops)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if pops[mid].first <= id {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// project queues the synapses of neuron i of pr's source, spiking at
// step n: a whole row into one slot of the queue when the projection's
// delay is shared, else synapse by synapse into the slots of its delays.
func (r *router) project(pr *Projection, i int, n int64, q *sim.Queue) {
	lo, hi := pr.Start[i], pr.Start[i+1]
	if lo == hi {
		return
	}
	base := int(pr.To.base) + pr.Port*pr.To.N
	targets := pr.Target[lo:hi]
	if len(pr.Delay) == 1 {
		slot := q.Due(n + int64(pr.Delay[0]))[base:]
		if len(pr.W) == 1 {
			w := float64(pr.W[0])
			for _, t := range targets {
				slot[t] += w
			}
			return
		}
		ws := pr.W[lo:hi]
		ws = ws[:len(targets)]
		for k, t := range targets {
			slot[t] += float64(ws[k])
		}
		return
	}
	slots := r.slots[:0]
	for d := range r.maxDelay + 1 {
		slots = append(slots, q.Due(n + d)[base:])
	}
	r.slots = slots
	delays := pr.Delay[lo:hi]
	delays = delays[:len(targets)]
	if len(pr.W) == 1 {
		w := float64(pr.W[0])
		for k, t := range targets {
			slots[delays[k]][t] += w
		}
		return
	}
	ws := pr.W[lo:hi]
	ws = ws[:len(targets)]
	for k, t := range targets {
		slots[delays[k]][t] += float64(ws[k])
	}
}
