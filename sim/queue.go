package sim

// Queue holds the input due at each target in the coming steps: a ring
// buffer of slots indexed by delivery step, one summed weight per target
// and step, as NEST's and GeNN's ring buffers do. Inserting costs O(1)
// whatever the order of arrival, and a step's inputs lie side by side,
// so the layout uploads to a GPU as it is.
type Queue struct {
	targets int
	slots   int64
	stride  int64     // targets of the whole ring: a view's are a run of them
	off     int64     // a view's first target in the ring
	w       []float64 // w[(step mod slots)·stride + off + target]
}

// NewQueue makes a queue for targets targets and deliveries up to
// horizon-1 steps ahead of the present step.
func NewQueue(targets int, horizon int64) *Queue {
	horizon = max(1, horizon)
	return &Queue{targets: targets, slots: horizon, stride: int64(targets), w: make([]float64, int64(targets)*horizon)}
}

// View returns the queue of targets [lo, lo+n) alone, numbered from 0,
// sharing this queue's slots: what one backend of a Composite sees.
func (q *Queue) View(lo, n int) *Queue {
	return &Queue{targets: n, slots: q.slots, stride: q.stride, off: q.off + int64(lo), w: q.w}
}

// Targets is the number of targets.
func (q *Queue) Targets() int { return q.targets }

// Horizon is how many steps ahead the queue holds.
func (q *Queue) Horizon() int64 { return q.slots }

// Add queues weight w onto target at step.
func (q *Queue) Add(target int, step int64, w float64) {
	q.w[(step%q.slots)*q.stride+q.off+int64(target)] += w
}

// Due returns the weights due at step, by target. The caller zeroes the
// entries it takes, so that the slot is empty when the ring comes round.
func (q *Queue) Due(step int64) []float64 {
	i := (step%q.slots)*q.stride + q.off
	return q.w[i : i+int64(q.targets)]
}

// Clear empties the queue (a view: the whole ring).
func (q *Queue) Clear() { clear(q.w) }
