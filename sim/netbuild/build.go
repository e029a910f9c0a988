package netbuild

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"neurite/compartments"
	"neurite/sim/connect"
	"neurite/sim/dist"
	"neurite/sim/netcon"
	"neurite/sim/network"
	"neurite/sim/point"
	"neurite/sim/spec"
)

// Model is a network file lowered for running: a point network or a plan
// of cable cells.
type Model struct {
	Spec  *spec.Network
	Pops  []Pop
	Point *network.Network   // networks of point neurons
	Cable *compartments.Plan // networks of cable cells
	// Probes are the recorded states of a point network, named in
	// ProbeNames ("E[3].v").
	Probes     []network.Probe
	ProbeNames []string
	// A network of both kinds, or whose projections onto cable cells
	// learn, runs Point and Cable as the parts of one composite run:
	// Links are the projections between them and those that learn onto
	// cable cells, and PointIDs and CableIDs give the network's id of
	// each neuron of Point and each cell of Cable (ascending). Links is nil
	// otherwise.
	Links              *netcon.Links
	PointIDs, CableIDs []int
}

// Pop is a population as the run numbers it: neurons First to First+N-1.
type Pop struct {
	Name     string
	First, N int
	Pos      []connect.Pos // nil where the file places none
}

// Neurons is the total number of neurons.
func (m *Model) Neurons() int {
	last := m.Pops[len(m.Pops)-1]
	return last.First + last.N
}

// SpikesKept is which cells' spikes [record] spikes keeps, by network id:
// nil for all of them, else a mask (all false for spikes = "none").
func (m *Model) SpikesKept() []bool {
	rec := m.Spec.Record
	if len(rec.SpikeSets) == 0 && rec.Spikes != "none" {
		return nil
	}
	keep := make([]bool, m.Neurons())
	for _, s := range rec.SpikeSets {
		for _, p := range m.Pops {
			if p.Name != s.Population {
				continue
			}
			mask := neuronMask(s.Neurons, p.N)
			for j := range p.N {
				keep[p.First+j] = keep[p.First+j] || mask == nil || mask[j]
			}
		}
	}
	return keep
}

// Dt is the time step (ms).
func (m *Model) Dt() float64 {
	if m.Cable != nil {
		return m.Cable.Dt
	}
	return m.Point.Dt
}

// builder holds what lowering a file needs.
type builder struct {
	spec *spec.Network
	seed uint64
	pos  [][]connect.Pos
	m    *Model
	open dist.Opener // the network's files: the OS's or an embedded model's
	// beforePlan, where set, finishes the cable cells before they are
	// joined into a plan: a composite network's links place their
	// synapses and detectors.
	beforePlan func(cells []*compartments.Cell) error
	// ctx stops the build between projections; progress is told the
	// fraction of the expected synapses made (expected, by projection).
	ctx         context.Context
	progress    func(float64)
	expected    []float64 // by projection
	total, made float64
}

// Build lowers a checked network file. It estimates the memory the
// network needs first and refuses one that would not fit, with the
// estimate.
func Build(n *spec.Network) (*Model, error) {
	return BuildContext(context.Background(), n, nil)
}

// BuildContext is Build that stops with ctx's error when ctx is done
// (between projections: a large network takes seconds to connect) and
// tells progress, when given, the fraction of its synapses made.
func BuildContext(ctx context.Context, n *spec.Network, progress func(float64)) (*Model, error) {
	b, err := newBuilder(n)
	if err != nil {
		return nil, err
	}
	b.ctx, b.progress = ctx, progress
	cable := 0
	for i := range n.Populations {
		if n.Populations[i].Cable() {
			cable++
		}
	}
	if err := b.checkMemory(); err != nil {
		return nil, err
	}
	switch {
	case cable > 0 && (cable < len(n.Populations) || b.learnsOnCable()):
		err = b.mixed()
	case cable > 0:
		err = b.cable()
	default:
		err = b.point()
	}
	if err != nil {
		return nil, err
	}
	return b.m, nil
}

// newBuilder numbers and places the populations of a network.
func newBuilder(n *spec.Network) (*builder, error) {
	b := &builder{spec: n, seed: uint64(n.Seed), m: &Model{Spec: n}, open: n.Open, ctx: context.Background()}
	first := 0
	for i := range n.Populations {
		sp := &n.Populations[i]
		pos, err := b.positions(i, sp)
		if err != nil {
			return nil, err
		}
		b.pos = append(b.pos, pos)
		b.m.Pops = append(b.m.Pops, Pop{Name: sp.Name, First: first, N: sp.Size, Pos: pos})
		first += sp.Size
	}
	return b, nil
}

// positions places a population's neurons as the file says (nil: no
// positions).
func (b *builder) positions(i int, sp *spec.Population) ([]connect.Pos, error) {
	p := sp.Positions
	if p == nil {
		return nil, nil
	}
	var pos []connect.Pos
	switch p.Layout {
	case "line":
		pos = connect.Line(sp.Size, p.Spacing)
	case "ring":
		pos = connect.Ring(sp.Size, p.Radius)
	case "sheet":
		pos = connect.Sheet(p.NX, p.NY, p.Spacing)
	case "box":
		pos = connect.Box(p.NX, p.NY, p.NZ, p.Spacing)
	case "csv":
		var err error
		if pos, err = connect.ReadPositionsFrom(b.open, p.File); err != nil {
			return nil, err
		}
	}
	if len(pos) != sp.Size {
		return nil, b.spec.Errorf([]any{"population", i, "positions"}, "population %s: the %s layout places %d neurons, but the population has %d", sp.Name, p.Layout, len(pos), sp.Size)
	}
	return pos, nil
}

// rule turns a projection's rule into connect's.
func (b *builder) rule(i int) (connect.Rule, error) {
	sp := &b.spec.Projections[i]
	kind, _ := connect.ParseKind(sp.Rule)
	r := connect.Rule{Kind: kind, P: sp.P, Indegree: sp.Indegree, Outdegree: sp.Outdegree, Total: int64(sp.Total),
		K: sp.K, Beta: sp.Beta, M: sp.M, Scale: sp.Scale, PMax: sp.PMax, Periodic: sp.Periodic,
		Autapses: sp.Autapses, Multapses: sp.Multapses, From: sp.From, To: sp.To}
	if sp.Kernel == "exponential" {
		r.Kernel = connect.Exponential
	}
	if kind == connect.Explicit {
		pairs, err := connect.ReadPairsFrom(b.open, sp.File)
		if err != nil {
			return r, err
		}
		if len(pairs.Pre) == 0 {
			return r, b.spec.Errorf([]any{"projection", i, "file"}, "projection %s: %s lists no connections, only its header", sp.Name, sp.File)
		}
		r.Pairs = pairs
	}
	return r, nil
}

// pop returns the index of the population named.
func (b *builder) pop(name string) int {
	return slices.IndexFunc(b.spec.Populations, func(p spec.Population) bool { return p.Name == name })
}

// checkMemory estimates the network's memory from its expected synapse
// count and refuses one larger than the machine's available memory.
func (b *builder) checkMemory() error {
	var synapses float64
	maxDelay := 1.0
	for i, sp := range b.spec.Projections {
		r, err := b.rule(i)
		if err != nil {
			return err
		}
		from, to := b.pop(sp.From), b.pop(sp.To)
		e := connect.Expected(r, b.spec.Populations[from].Size, b.spec.Populations[to].Size, from == to, b.pos[from], b.pos[to])
		b.expected = append(b.expected, e)
		synapses += e
		if sp.Delay.Given() {
			_, hi := b.valueBounds(sp.Delay)
			maxDelay = max(maxDelay, math.Min(hi, 1e3)/b.spec.Run.Dt)
		}
	}
	b.total = synapses
	if err := Fits(b.m.Neurons(), synapses, int(maxDelay)); err != nil {
		return b.spec.Errorf([]any{"population", 0}, "%v", err)
	}
	return nil
}

// Fits refuses a network of point neurons, with about synapses synapses
// and delays of up to maxDelay steps, larger than nine tenths of the
// memory the machine has free: building it would end in the system
// killing the process rather than in a message.
func Fits(neurons int, synapses float64, maxDelay int) error {
	need := network.Bytes(neurons, 2, int64(synapses), maxDelay)
	if avail := availableMemory(); avail > 0 && need > avail*9/10 {
		return fmt.Errorf("the network needs about %s (%d neurons, %.3g synapses) but this machine has %s free: make it smaller",
			bytesText(need), neurons, synapses, bytesText(avail))
	}
	return nil
}

// connected notes projection i made: it tells progress, and stops the
// build if its context is done.
func (b *builder) connected(i int) error {
	if b.progress != nil && i < len(b.expected) && b.total > 0 {
		b.made += b.expected[i]
		b.progress(b.made / b.total)
	}
	return b.ctx.Err()
}

// valueBounds is the range a value is drawn from (its value, for a
// constant).
func (b *builder) valueBounds(v spec.Value) (lo, hi float64) {
	d, err := b.distOf(v)
	if err != nil {
		return 0, 0
	}
	return d.Bounds()
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", n>>10)
}

// lifParams are the LIF parameters in point.LIF's order, with the
// network's default bias current of 0 nA (a network's drive comes from
// its inputs).
func lifDefaults() map[string]float64 {
	out := map[string]float64{}
	for _, p := range point.LIF().Params {
		out[p.Name] = p.Value
	}
	out["I"] = 0
	return out
}

// method maps the file's integration method.
func method(name string) network.Method {
	switch name {
	case "euler":
		return network.Euler
	case "rk2":
		return network.RK2
	case "rk4":
		return network.RK4
	}
	return network.Exact
}

// availableMemory is the memory the system can give (bytes; 0 when
// unknown).
func availableMemory() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
