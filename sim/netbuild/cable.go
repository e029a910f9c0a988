package netbuild

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"neurite/compartments"
	"neurite/sim/dist"
	"neurite/sim/spec"
)

// cable lowers a network of cable cells: each population's cell file
// copied for every neuron, projections as NetCons onto a synapse per
// projection on each target cell (NEURON's semantics: threshold at the
// source's soma, delay, weight), inputs as synapse events and clamps.
func (b *builder) cable() error {
	n := b.spec
	var cells []*compartments.Cell
	var settings compartments.Settings
	for i := range n.Populations {
		sp := &n.Populations[i]
		m, err := n.LoadCell(sp)
		if err != nil {
			return err
		}
		cell, s, err := compartments.FromModel(m)
		if err != nil {
			return fmt.Errorf("%s: %w", sp.Cell, err)
		}
		if i == 0 {
			settings = s
		}
		if sp.Threshold != nil {
			cell.Spike = &compartments.Detector{At: cell.Morph.SomaMiddle(), Threshold: *sp.Threshold}
		}
		cell.Probes = nil
		for j := range sp.Size {
			c := *cell
			c.Name = fmt.Sprintf("%s[%d]", sp.Name, j)
			if pos := b.pos[i]; pos != nil {
				c.Morph = cell.Morph.Translated(pos[j][0], pos[j][1], pos[j][2])
			}
			c.Synapses = slices.Clone(cell.Synapses)
			c.IClamps = slices.Clone(cell.IClamps)
			cells = append(cells, &c)
		}
	}
	settings.Dt = n.Run.Dt
	settings.RecordInterval = n.Record.Every
	settings.SnapshotInterval, settings.SnapshotTimes = 0, nil
	var netcons []compartments.NetCon
	for i := range n.Projections {
		nc, err := b.cableProjection(cells, i)
		if err != nil {
			return err
		}
		netcons = append(netcons, nc...)
		if err := b.connected(i); err != nil {
			return err
		}
	}
	for i := range n.Inputs {
		if err := b.cableInput(cells, i); err != nil {
			return err
		}
	}
	for _, sr := range n.Record.States {
		p := b.m.Pops[b.pop(sr.Population)]
		for j := range p.N {
			if mask := neuronMask(sr.Neurons, p.N); mask != nil && !mask[j] {
				continue
			}
			c := cells[p.First+j]
			c.Probes = append(c.Probes, compartments.Probe{Name: fmt.Sprintf("%s[%d].%s", p.Name, j, sr.Var), At: c.Morph.SomaMiddle(), Var: sr.Var})
		}
	}
	if b.beforePlan != nil {
		if err := b.beforePlan(cells); err != nil {
			return err
		}
	}
	plan, err := compartments.BuildNetwork(cells, netcons, settings)
	if err != nil {
		return fmt.Errorf("%s: %w", n.File(), err)
	}
	b.m.Cable = plan
	return nil
}

// synapseOn adds a point process named name to every cell of population
// pop (its neurons selected by mask); an error names the entry of key
// ("projection", "input") and the point process.
func (b *builder) synapseOn(cells []*compartments.Cell, pop int, mask []bool, name string, s spec.SynapseSettings, site string, key []any) error {
	p := b.m.Pops[pop]
	for j := range p.N {
		if mask != nil && !mask[j] {
			continue
		}
		c := cells[p.First+j]
		at := c.Morph.SomaMiddle()
		if site != "" {
			var err error
			if at, err = c.Morph.ParseLocation(site); err != nil {
				return b.spec.Errorf(key, "%v %s: %v", key[0], name, err)
			}
		}
		c.Synapses = append(c.Synapses, synapse(name, at, s))
	}
	return nil
}

// cableProjection wires projection i: a synapse on each target cell and a
// NetCon per connection.
func (b *builder) cableProjection(cells []*compartments.Cell, i int) ([]compartments.NetCon, error) {
	sp := &b.spec.Projections[i]
	g, err := b.generate(i)
	if err != nil {
		return nil, err
	}
	return b.connectCells(cells, sp, []any{"projection", i}, g, b.m.Pops[b.pop(sp.From)].First, b.pop(sp.To))
}

// pick returns a per-synapse column's value for synapse s (the one value
// of a column of one).
func pick(col []float64, s int64) float64 {
	if len(col) == 1 {
		return col[0]
	}
	return col[s]
}

// connectCells puts a projection's synapses on the cells of population to
// and returns its connections in the order of g's rows, their sources
// numbered from first.
func (b *builder) connectCells(cells []*compartments.Cell, sp *spec.Projection, key []any, g *generated, first, to int) ([]compartments.NetCon, error) {
	at := func(k ...any) []any { return append(slices.Clone(key), k...) }
	post := b.m.Pops[to]
	spread := sp.Region != "" || len(sp.PathDistance) > 0
	var sites *siteSampler
	if spread {
		var err error
		if sites, err = b.sites(cells[post.First].Morph, sp, at()); err != nil {
			return nil, err
		}
	} else if err := b.synapseOn(cells, to, nil, sp.Name, sp.SynapseSettings, sp.At, at("at")); err != nil {
		return nil, err
	}
	csr, weights, delays := g.csr, g.weights, g.delays
	var out []compartments.NetCon
	for src := range len(csr.Start) - 1 {
		for s := csr.Start[src]; s < csr.Start[src+1]; s++ {
			target := post.First + int(csr.Target[s])
			name := sp.Name
			if spread {
				// Each connection has a synapse of its own at a site drawn
				// from the region, uniformly along the cable.
				name = fmt.Sprintf("%s#%d", sp.Name, s)
				c := cells[target]
				c.Synapses = append(c.Synapses, synapse(name, sites.draw(s), sp.SynapseSettings))
			}
			out = append(out, compartments.NetCon{Source: first + src, Target: target,
				Synapse: name, Weight: pick(weights, s), Delay: pick(delays, s)})
		}
	}
	return out, nil
}

// siteSampler draws sites uniformly along stretches of cable.
type siteSampler struct {
	stretches []compartments.Stretch
	cum       []float64 // cumulative lengths
	seed      uint64
}

// sites lists where a projection spreads its synapses: the region and
// path-distance range of the target cells' morphology.
func (b *builder) sites(m *compartments.Morphology, sp *spec.Projection, key []any) (*siteSampler, error) {
	lo, hi := 0.0, math.Inf(1)
	if len(sp.PathDistance) == 2 {
		lo, hi = sp.PathDistance[0], sp.PathDistance[1]
	}
	ss := &siteSampler{seed: b.seed ^ stream("projection", sp.Name, "sites")}
	total := 0.0
	for _, st := range m.Stretches(sp.Region, lo, hi) {
		if l := st.Length(m); l > 0 {
			total += l
			ss.stretches, ss.cum = append(ss.stretches, st), append(ss.cum, total)
		}
	}
	if total == 0 {
		where := "the cells"
		if sp.Region != "" {
			where = "region " + sp.Region
		}
		return nil, b.spec.Errorf(key, "projection %s: %s of %s has no cable between %g and %g µm from the soma", sp.Name, where, sp.To, lo, hi)
	}
	return ss, nil
}

// draw returns the site of connection s.
func (ss *siteSampler) draw(s int64) compartments.Location {
	r := rand.New(dist.NewPCG(ss.seed, 0, uint64(s)))
	at := r.Float64() * ss.cum[len(ss.cum)-1]
	k, _ := slices.BinarySearch(ss.cum, at)
	k = min(k, len(ss.cum)-1)
	st := ss.stretches[k]
	return compartments.Location{Section: st.Section, X: st.X0 + r.Float64()*(st.X1-st.X0)}
}

// synapse makes a point process from a file's synapse settings.
func synapse(name string, at compartments.Location, s spec.SynapseSettings) compartments.Synapse {
	syn := compartments.Synapse{Name: name, At: at, Tau: s.Tau, Tau1: s.TauRise, Tau2: s.TauDecay, E: s.ERev}
	if s.Synapse == "Exp2Syn" {
		syn.Kind = compartments.Exp2Syn
	}
	return syn
}

// cableInput adds input i: spike times and Poisson trains as events on a
// synapse of its own on each target cell, steps as current clamps at the
// soma.
func (b *builder) cableInput(cells []*compartments.Cell, i int) error {
	in := &b.spec.Inputs[i]
	at := func(key ...any) []any { return append([]any{"input", i}, key...) }
	pop := b.pop(in.To)
	p := b.m.Pops[pop]
	mask := neuronMask(in.Neurons, p.N)
	tstop := b.spec.Run.Tstop
	switch in.Kind {
	case "spike_times", "poisson":
		if err := b.synapseOn(cells, pop, mask, in.Name, in.SynapseSettings, in.At, at("at")); err != nil {
			return err
		}
		syn := func(j int) *compartments.Synapse {
			c := cells[p.First+j]
			return &c.Synapses[len(c.Synapses)-1]
		}
		if in.Weight.Dist != spec.DistConst && in.Weight.Given() {
			return b.spec.Errorf(at("weight"), "input %s: an input's weight onto cable cells is one number", in.Name)
		}
		for j := range p.N {
			if mask == nil || mask[j] {
				syn(j).Weight = in.Weight.Const
			}
		}
		if in.Kind == "poisson" {
			for j := range p.N {
				if mask != nil && !mask[j] {
					continue
				}
				r := rand.New(dist.NewPCG(b.seed, stream("input", in.Name), uint64(j)))
				for t := r.ExpFloat64() * 1000 / in.Rate; t < tstop; t += r.ExpFloat64() * 1000 / in.Rate {
					syn(j).Events = append(syn(j).Events, t)
				}
			}
			return nil
		}
		t, err := b.open.ReadColumns(in.File, []string{"neuron", "t_ms"}, []string{"weight"})
		if err != nil {
			return err
		}
		if t.Columns[2] != nil {
			return fmt.Errorf("%s: per-event weights onto cable cells are not available yet; give the input one weight", in.File)
		}
		for r := range t.Columns[0] {
			id := t.Columns[0][r]
			if id < 0 || int(id) >= p.N || id != math.Trunc(id) || mask != nil && !mask[int(id)] {
				return fmt.Errorf("%s:%d: neuron %g is not among the input's neurons of population %s", in.File, t.Lines[r], id, p.Name)
			}
			if err := inputTime(in.File, t.Lines[r], t.Columns[1][r]); err != nil {
				return err
			}
			s := syn(int(id))
			s.Events = append(s.Events, t.Columns[1][r])
		}
		for j := range p.N {
			if mask == nil || mask[j] {
				slices.Sort(syn(j).Events)
			}
		}
	case "step", "cue":
		for j := range p.N {
			if mask == nil || mask[j] {
				c := cells[p.First+j]
				c.IClamps = append(c.IClamps, compartments.IClamp{Name: in.Name, At: c.Morph.SomaMiddle(), Delay: in.Start, Dur: in.Stop - in.Start, Amp: in.Amp})
			}
		}
	default:
		return b.spec.Errorf(at("kind"), "input %s: %s inputs onto cable cells are not available yet (spike_times, poisson, step and cue are)", in.Name, in.Kind)
	}
	return nil
}
