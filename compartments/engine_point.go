package compartments

import (
	"container/heap"
)

// pointEvent is an event pending for an NMODL point process: NetCon
// netcon's input (flag 0) or a self-event of net_send (its flag), which
// NEURON hands the weight vector of the NetCon whose event sent it
// (netcon -1: a net_send of INITIAL, with no NetCon).
type pointEvent struct {
	t          float64
	seq        int64 // order of queueing: events of one time arrive in it
	mech, inst int32 // the instance: p.Mechs[mech], its instance inst
	netcon     int32
	flag       float64
}

// pointQueue is a cell's pending point-process events, earliest first.
type pointQueue struct {
	ev  []pointEvent
	seq int64
}

func (q *pointQueue) Len() int { return len(q.ev) }
func (q *pointQueue) Less(a, b int) bool {
	x, y := &q.ev[a], &q.ev[b]
	return x.t < y.t || (x.t == y.t && x.seq < y.seq)
}
func (q *pointQueue) Swap(a, b int) { q.ev[a], q.ev[b] = q.ev[b], q.ev[a] }
func (q *pointQueue) Push(x any)    { q.ev = append(q.ev, x.(pointEvent)) }
func (q *pointQueue) Pop() any {
	x := q.ev[len(q.ev)-1]
	q.ev = q.ev[:len(q.ev)-1]
	return x
}

// add queues an event after those already queued for the same time.
func (q *pointQueue) add(ev pointEvent) {
	ev.seq = q.seq
	q.seq++
	heap.Push(q, ev)
}

func (q *pointQueue) reset() { q.ev, q.seq = q.ev[:0], 0 }

// resetPoints runs NET_RECEIVE's INITIAL for every NetCon, on its
// arguments zeroed but for the weight, and queues each cell's input
// events, after the INITIAL blocks (resetMechs), as NEURON's finitialize.
func (e *Engine) resetPoints() {
	p := e.plan
	for k, nc := range p.NetCons {
		copy(e.netArgs[k], nc.Args)
		r := e.mechAt[nc.Mech][nc.Inst]
		r.mg.cable.T = 0
		r.mg.g.InitNetCon(&r.mg.cable, r.j, e.netArgs[k])
	}
	for ci := range e.cells {
		q := &e.cells[ci].points
		for _, ev := range p.PointEvents[p.PointEventStart[ci]:p.PointEventStart[ci+1]] {
			nc := &p.NetCons[ev.NetCon]
			q.add(pointEvent{t: ev.T, mech: nc.Mech, inst: nc.Inst, netcon: ev.NetCon})
		}
	}
}

// initPoint runs a point process group's INITIAL: a net_send there
// queues a self-event (no NetCon) on the instance's cell.
func (e *Engine) initPoint(mg *mechGroup) {
	mp := &e.plan.Mechs[mg.low.Mech]
	mg.g.InitEvents(&mg.cable, func(k int, delay, flag float64) {
		inst := mg.first + k
		e.cells[mp.Cell[inst]].points.add(pointEvent{t: delay, mech: int32(mg.low.Mech), inst: int32(inst), netcon: -1, flag: flag})
	})
}

// deliverPoints delivers a cell's point-process events due by the middle
// of the step that starts at t, in time order, each at its own time:
// NET_RECEIVE sees t = the event's time, and a net_send queues a
// self-event at that time plus its delay (delivered in this step too
// when it falls due by the middle).
func (e *Engine) deliverPoints(c *cellState, t float64) {
	q := &c.points
	mid := t + e.plan.Dt/2
	for q.Len() > 0 && q.ev[0].t <= mid {
		ev := heap.Pop(q).(pointEvent)
		r := e.mechAt[ev.mech][ev.inst]
		args := r.mg.noCon
		if ev.netcon >= 0 {
			args = e.netArgs[ev.netcon]
		} else {
			// NEURON hands INITIAL's self-events no weight vector: both
			// engines give zeros, and keep nothing written to them
			clear(args)
		}
		r.mg.cable.T = ev.t
		r.mg.g.Receive(&r.mg.cable, r.j, args, ev.flag, func(delay, flag float64) {
			q.add(pointEvent{t: ev.t + delay, mech: ev.mech, inst: ev.inst, netcon: ev.netcon, flag: flag})
		})
	}
}
