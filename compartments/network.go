package compartments

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"neurite/sim"
)

// NetCon connects one cell's spikes to a synapse of another, as NEURON's
// NetCon (with ParallelContext's gid_connect): a spike of the source's
// detector, registered at the end of the step in which v crosses its
// threshold upwards, reaches the target synapse Delay ms later and adds
// Weight to its conductance, delivered at the start of the first step
// whose middle is at or after that time.
type NetCon struct {
	Source  int     // the source cell, an index into the cells
	Target  int     // the target cell, an index into the cells
	Synapse string  // the name of a synapse of the target cell
	Weight  float64 // µS
	Delay   float64 // ms, at least dt
}

// Connection is a NetCon resolved against a plan: spikes of cell Source
// reach synapse Syn (an index into Plan.Syns).
type Connection struct {
	Source, Syn int32
	Weight      float64 // µS
	Delay       float64 // ms
}

// maxQueueBytes bounds the event queue the longest delay asks for: a
// delay of hours at a fine dt would otherwise allocate without limit.
const maxQueueBytes = 1 << 30

// BuildNetwork flattens cells connected by netcons into a plan. A source
// cell's spikes are those of its detector (Cell.Spike); a source without
// one is watched at the middle of its soma (the root section) with
// NEURON's default threshold, 0 mV.
func BuildNetwork(cells []*Cell, netcons []NetCon, s Settings) (*Plan, error) {
	sources := make([]bool, len(cells))
	for _, nc := range netcons {
		if nc.Source >= 0 && nc.Source < len(cells) {
			sources[nc.Source] = true
		}
	}
	watched := make([]*Cell, len(cells))
	for i, c := range cells {
		watched[i] = c
		if sources[i] && c.Spike == nil {
			w := *c
			w.Spike = &Detector{At: Location{Section: rootSection(c.Morph), X: 0.5}, Threshold: 0}
			watched[i] = &w
		}
	}
	p, err := Build(watched, s)
	if err != nil {
		return nil, err
	}
	p.Connections = make([]Connection, 0, len(netcons))
	byName := make(map[synKey]int, len(p.Syns))
	for k, sy := range p.Syns {
		byName[synKey{int(sy.Cell), sy.Name}] = k
	}
	for i, nc := range netcons {
		c, err := p.connect(nc, byName)
		if err != nil {
			return nil, fmt.Errorf("netcon %d: %w", i+1, err)
		}
		p.Connections = append(p.Connections, c)
	}
	if err := p.checkQueue(); err != nil {
		return nil, err
	}
	return p, nil
}

// cellName names cell i as a user knows it.
func (p *Plan) cellName(i int) string {
	if name := p.Cells[i].Name; name != "" {
		return name
	}
	return fmt.Sprintf("cell %d", i)
}

// synKey finds a synapse by its cell and name.
type synKey struct {
	cell int
	name string
}

// connect resolves a NetCon against the plan, its synapses found by name.
func (p *Plan) connect(nc NetCon, byName map[synKey]int) (Connection, error) {
	n := len(p.Cells)
	switch {
	case nc.Source < 0 || nc.Source >= n:
		return Connection{}, fmt.Errorf("source cell %d does not exist (cells are numbered 0 to %d)", nc.Source, n-1)
	case nc.Target < 0 || nc.Target >= n:
		return Connection{}, fmt.Errorf("target cell %d does not exist (cells are numbered 0 to %d)", nc.Target, n-1)
	}
	what := fmt.Sprintf("from %s to %s's synapse %s", p.cellName(nc.Source), p.cellName(nc.Target), nc.Synapse)
	syn, ok := byName[synKey{nc.Target, nc.Synapse}]
	if !ok {
		if k, _ := p.pointNamed(int32(nc.Target), nc.Synapse); k >= 0 {
			return Connection{}, fmt.Errorf("%s: it is a point process of a .mod file (%s), which takes no network connections yet, only its own events", what, p.Mechs[k].Mech.Name)
		}
		var names []string
		for _, s := range p.Syns {
			if int(s.Cell) == nc.Target {
				names = append(names, s.Name)
			}
		}
		if len(names) == 0 {
			return Connection{}, fmt.Errorf("%s: %s has no synapses", what, p.cellName(nc.Target))
		}
		return Connection{}, fmt.Errorf("%s: %s has no synapse named %q (it has %s)", what, p.cellName(nc.Target), nc.Synapse, strings.Join(names, ", "))
	}
	switch {
	case !finite(nc.Weight):
		return Connection{}, fmt.Errorf("%s: weight %v µS must be finite", what, nc.Weight)
	case !finite(nc.Delay) || nc.Delay < 0:
		return Connection{}, fmt.Errorf("%s: delay %v ms must be finite and not negative", what, nc.Delay)
	case nc.Delay < p.Dt:
		return Connection{}, fmt.Errorf("%s: delay %v ms is shorter than the time step; the shortest delay is dt = %v ms", what, nc.Delay, p.Dt)
	}
	return Connection{Source: int32(nc.Source), Syn: int32(syn), Weight: nc.Weight, Delay: nc.Delay}, nil
}

// checkQueue refuses delays so long that the event queue, a slot per
// synapse and step of the longest delay, would not fit in memory.
func (p *Plan) checkQueue() error {
	if len(p.Connections) == 0 {
		return nil
	}
	longest := slices.MaxFunc(p.Connections, func(a, b Connection) int { return cmp.Compare(a.Delay, b.Delay) })
	steps := longest.Delay / p.Dt
	if bytes := 8 * (steps + 2) * float64(max(1, len(p.Syns))); bytes > maxQueueBytes {
		return fmt.Errorf("the longest delay, %v ms, is %.3g steps of dt = %v ms: the event queue, a slot for each of the %d synapses and each step, would take %.3g GB, more than %.3g GB; shorten the delay or lengthen dt",
			longest.Delay, steps, p.Dt, len(p.Syns), bytes/1e9, float64(maxQueueBytes)/1e9)
	}
	return nil
}

// cellRouter passes spikes along the plan's connections: compressed
// sparse rows by source cell, a delay in steps per connection.
type cellRouter struct {
	start    []int64 // cell c's connections are [start[c], start[c+1])
	syn      []uint32
	weight   []float64
	delay    []int32 // steps from the end of the spike's step to the delivery step
	dt       float64
	min, max int64
}

// router lowers the plan's connections; nil when there are none.
func (p *Plan) router() *cellRouter {
	if len(p.Connections) == 0 {
		return nil
	}
	n := len(p.Connections)
	r := &cellRouter{start: make([]int64, len(p.Cells)+1), syn: make([]uint32, n), weight: make([]float64, n), delay: make([]int32, n),
		dt: p.Dt, min: math.MaxInt64}
	for _, c := range p.Connections {
		r.start[c.Source+1]++
	}
	for i := range len(p.Cells) {
		r.start[i+1] += r.start[i]
	}
	next := slices.Clone(r.start[:len(p.Cells)])
	for _, c := range p.Connections {
		j := next[c.Source]
		next[c.Source]++
		// An event at t_netcon + delay is delivered at the first step
		// whose middle is at or after it; t_netcon lies on the step grid,
		// so the rule counts the same steps for every spike.
		k := sim.DeliveryStep(c.Delay, p.Dt)
		r.syn[j], r.weight[j], r.delay[j] = uint32(c.Syn), c.Weight, int32(k)
		r.min, r.max = min(r.min, 1+k), max(r.max, 1+k)
	}
	return r
}

// MinDelay is the fewest steps from the step of a spike to the step of its
// delivery: the step ends at t_netcon, and the event takes its delay's
// steps more.
func (r *cellRouter) MinDelay() int64 { return r.min }

// MaxDelay is the most such steps.
func (r *cellRouter) MaxDelay() int64 { return r.max }

// Route queues every connection of each spike's cell.
func (r *cellRouter) Route(spikes []sim.Spike, q *sim.Queue) {
	for _, s := range spikes {
		end := int64(math.Round(s.Step / r.dt))
		for j := r.start[s.Cell]; j < r.start[s.Cell+1]; j++ {
			q.Add(int(r.syn[j]), end+int64(r.delay[j]), r.weight[j])
		}
	}
}
