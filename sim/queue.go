package sim

// Queue holds the input due at each target in the coming steps: a ring
// buffer of slots indexed by delivery step, one summed weight per target
// and step, as NEST's and GeNN's ring buffers do. Inserting costs O(1)
// whatever the order of arrival, and a step's inputs lie side by side,
// so the layout uploads to a GPU as it is. Each slot also lists the
// targets Add queued at its step, so that a backend that takes a few
// events among many targets (the GPU cable engine's synapses) finds them
// without scanning every target.
type Queue struct {
	targets int
	slots   int64
	stride  int64     // targets of the whole ring: a view's are a run of them
	off     int64     // a view's first target in the ring
	w       []float64 // w[(step mod slots)·stride + off + target]
	queued  *queued   // shared by the ring's views
}

// queued lists, for each slot, the step it holds and the targets of the
// whole ring that Add found empty there at that step. A slot's list is
// begun anew by the first Add of a later step, when the ring has come
// round and its step has been taken.
type queued struct {
	step    []int64
	targets [][]int32
}

// NewQueue makes a queue for targets targets and deliveries up to
// horizon-1 steps ahead of the present step.
func NewQueue(targets int, horizon int64) *Queue {
	horizon = max(1, horizon)
	q := &Queue{targets: targets, slots: horizon, stride: int64(targets), w: make([]float64, int64(targets)*horizon),
		queued: &queued{step: make([]int64, horizon), targets: make([][]int32, horizon)}}
	q.queued.reset()
	return q
}

func (l *queued) reset() {
	for s := range l.step {
		l.step[s], l.targets[s] = -1, l.targets[s][:0]
	}
}

// View returns the queue of targets [lo, lo+n) alone, numbered from 0,
// sharing this queue's slots: what one backend of a Composite sees.
func (q *Queue) View(lo, n int) *Queue {
	return &Queue{targets: n, slots: q.slots, stride: q.stride, off: q.off + int64(lo), w: q.w, queued: q.queued}
}

// Targets is the number of targets.
func (q *Queue) Targets() int { return q.targets }

// Horizon is how many steps ahead the queue holds.
func (q *Queue) Horizon() int64 { return q.slots }

// Add queues weight w onto target at step.
func (q *Queue) Add(target int, step int64, w float64) {
	s := step % q.slots
	i := s*q.stride + q.off + int64(target)
	if q.w[i] == 0 {
		l := q.queued
		if l.step[s] != step {
			l.step[s], l.targets[s] = step, l.targets[s][:0]
		}
		l.targets[s] = append(l.targets[s], int32(q.off)+int32(target))
	}
	q.w[i] += w
}

// Queued appends to buf the targets that Add queued at step, in order of
// arrival: each target with an input due at step once at least (a target
// whose inputs summed to zero and then not may come twice; its weight is
// taken once, at the first). Inputs written straight into Due's slots
// are not listed.
func (q *Queue) Queued(step int64, buf []int32) []int32 {
	s := step % q.slots
	if q.queued.step[s] != step {
		return buf
	}
	for _, t := range q.queued.targets[s] {
		if k := int64(t) - q.off; k >= 0 && k < int64(q.targets) {
			buf = append(buf, int32(k))
		}
	}
	return buf
}

// Due returns the weights due at step, by target. The caller zeroes the
// entries it takes, so that the slot is empty when the ring comes round.
func (q *Queue) Due(step int64) []float64 {
	i := (step%q.slots)*q.stride + q.off
	return q.w[i : i+int64(q.targets)]
}

// Clear empties the queue (a view: the whole ring).
func (q *Queue) Clear() {
	clear(q.w)
	q.queued.reset()
}
