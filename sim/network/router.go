package network

import (
	"math"
	"slices"

	"neurite/sim"
)

// router is the Engine as the driver's spike exchange: each spike's
// synapses, in compressed sparse rows, queued at their delivery steps.
type router Engine

func (r *router) MinDelay() int64 { return r.minDelay }
func (r *router) MaxDelay() int64 { return r.maxDelay }

// routeShare is the number of synapses to visit in an epoch that is
// worth another routing worker (a variable: tests route small networks
// in parallel).
var routeShare int64 = 1 << 15

// Route queues the deliveries of the epoch's spikes (sorted by time, so
// that the queue sums a target's inputs in the same order every run),
// each with the weight its synapse has then, and applies plasticity
// step by step in that order. Many deliveries are routed by several
// workers, each owning a range of the queue's targets and taking every
// spike in order: a target's inputs still add up in the same order.
func (r *router) Route(spikes []sim.Spike, q *sim.Queue) {
	workers := r.routeWorkers(spikes)
	if len(r.slots) < workers {
		r.slots = make([][][]float64, workers)
	}
	if workers == 1 {
		r.routeRange(spikes, q, 0, r.targets, 0)
		return
	}
	sim.ForEach(workers, workers, func() func(int) {
		return func(w int) { r.routeRange(spikes, q, r.targets*w/workers, r.targets*(w+1)/workers, w) }
	})
}

// routeWorkers is how many workers route the spikes: one where a
// projection is plastic (its weights change spike by spike) or its rows
// are not sorted by target, or where there is little to route.
func (r *router) routeWorkers(spikes []sim.Spike) int {
	if r.workers < 2 || len(r.plastic) > 0 || !r.sortedRows {
		return 1
	}
	var synapses int64
	for _, s := range spikes {
		for _, pr := range r.out[r.popOf(s.Cell)] {
			i := s.Cell - pr.From.first
			synapses += pr.Start[i+1] - pr.Start[i]
		}
	}
	return int(min(int64(r.workers), 1+synapses/routeShare))
}

// routeRange queues the deliveries to the queue's targets [lo, hi), with
// worker w's slot buffer.
func (r *router) routeRange(spikes []sim.Spike, q *sim.Queue, lo, hi, w int) {
	dt := r.net.Dt
	for step := range sim.StepGroups(spikes) {
		// The spikes of one step: each routed with its synapses' weights
		// as they are, and depressing them; then the step's potentiation,
		// which the next step's spikes see (Brian2's order: the
		// presynaptic pathway, then the postsynaptic one). Neither phase
		// depends on the order of its spikes, so a GPU may run each in
		// parallel (gpu/network's learning).
		n := int64(math.Round(step[0].Step / dt))
		for _, s := range step {
			for _, pr := range r.out[r.popOf(s.Cell)] {
				r.project(pr, s.Cell-pr.From.first, n, q, lo, hi, w)
			}
			for _, pl := range r.plastic {
				pl.pre(s)
			}
		}
		for _, s := range step {
			for _, pl := range r.plastic {
				pl.post(s)
			}
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
// step n, that reach the queue's targets [lo, hi): a whole row into one
// slot of the queue when the projection's delay is shared, else synapse
// by synapse into the slots of its delays.
func (r *router) project(pr *Projection, i int, n int64, q *sim.Queue, lo, hi, w int) {
	first, end := pr.Start[i], pr.Start[i+1]
	base := int(pr.To.base) + pr.Port*pr.To.N
	targets := pr.Target[first:end]
	if lo > base || hi < base+pr.To.N {
		// Rows are sorted by target: the range is a run of the row.
		a, _ := slices.BinarySearch(targets, uint32(max(0, lo-base)))
		b, _ := slices.BinarySearch(targets, uint32(max(0, min(hi-base, pr.To.N))))
		targets, first = targets[a:b], first+int64(a)
	}
	if len(targets) == 0 {
		return
	}
	if len(pr.Delay) == 1 {
		slot := q.Due(n + int64(pr.Delay[0]))[base:]
		if len(pr.W) == 1 {
			wt := float64(pr.W[0])
			for _, t := range targets {
				slot[t] += wt
			}
			return
		}
		ws := pr.W[first : first+int64(len(targets))]
		for k, t := range targets {
			slot[t] += float64(ws[k])
		}
		return
	}
	slots := r.slots[w][:0]
	for d := range r.maxDelay + 1 {
		slots = append(slots, q.Due(n + d)[base:])
	}
	r.slots[w] = slots
	delays := pr.Delay[first : first+int64(len(targets))]
	if len(pr.W) == 1 {
		wt := float64(pr.W[0])
		for k, t := range targets {
			slots[delays[k]][t] += wt
		}
		return
	}
	ws := pr.W[first : first+int64(len(targets))]
	for k, t := range targets {
		slots[delays[k]][t] += float64(ws[k])
	}
}
