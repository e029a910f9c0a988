package connect

import (
	"fmt"
	"math"

	"neurite/sim"
	"neurite/sim/rng"
)

// Procedural connectivity (GeNN's): a projection whose rows are
// regenerated from its seed whenever they are needed, instead of being
// stored, so that a device delivering spikes keeps no synapses. Row i
// depends only on (the projection's seed, i), never on other rows: its
// targets, weights and delays are Philox draws (sim/rng) keyed by the
// seed, counted by (quantity, row, index), derived with sim/rng's
// portable arithmetic, so that shaders/net_procedural.comp makes the
// same rows to the bit.
//
// The rules whose rows are independent:
//
//   - fixed_probability: a geometric skip to each next target, ⌊log u /
//     log(1 − p)⌋ candidates passed over (a coin per pair, at a cost per
//     synapse): distinct targets, in increasing order. Each block of
//     ProcBlock candidates has its own words, so that a device draws a
//     row's blocks side by side, and a synapse's weight and delay are
//     counted by its target.
//   - fixed_outdegree and fixed_total, with multapses (with replacement,
//     as GeNN's FixedNumberPostWithReplacement and
//     FixedNumberTotalWithReplacement): a row of k targets is k uniform
//     draws in increasing order, made as the partial sums of k + 1
//     exponential spacings over their total (the order statistics of k
//     uniforms), each scaled to the candidates. fixed_total's row lengths
//     are its ordinary multinomial split, drawn on the host.
//
// fixed_indegree draws by column and cannot be procedural; nor the rules
// that visit pairs or the whole graph.

// The Philox inputs (the counter's fourth word) of a procedural row's
// quantities: its targets, its weights and its delays.
const (
	procTargets = iota
	procWeights
	procDelays
)

// Shape is the law of a procedural value.
type Shape uint8

const (
	ConstantShape Shape = iota // A
	UniformShape               // in [A, B)
	NormalShape                // mean A, sd B, drawn again outside [Low, High]
)

// Values is the law of a procedural projection's weights or delays.
// Low and High cut a normal (infinite where open).
type Values struct {
	Shape           Shape
	A, B, Low, High float64
}

// value returns the value of synapse m of row i for quantity q: attempt
// r (a normal drawn again outside the cut) takes call m + r·2³².
func (v Values) value(k rng.Key, q, i, m uint32) float64 {
	switch v.Shape {
	case UniformShape:
		w := rng.Draw(k, q, i, uint64(m))
		return v.A + float64((v.B-v.A)*rng.Uniform(w[0]))
	case NormalShape:
		for r := uint64(0); ; r++ {
			w := rng.Draw(k, q, i, uint64(m)|r<<32)
			x := v.A + float64(v.B*rng.Normal(w, 0))
			if v.Low <= x && x <= v.High {
				return x
			}
		}
	}
	return v.A
}

// Procedural is a projection's rule in the form that regenerates a row.
type Procedural struct {
	Kind   Kind    // FixedProbability, FixedOutdegree or FixedTotal
	Cand   int     // candidate targets of a row: the target population, less the row's own neuron where Self
	Self   bool    // a population onto itself without autapses
	Key    rng.Key // the projection's seed
	LogQ   float64 // fixed_probability: log(1 − p)
	P      float64 // fixed_probability: p
	Counts []int64 // fixed_total: the rows' lengths
	Degree int     // fixed_outdegree: every row's length

	Weight, Delay Values
}

// NewProcedural makes the procedural form of rule r wiring nPre source
// neurons to nPost targets (samePop: a population onto itself), or says
// why the rule cannot be procedural. seed is the projection's, as
// Generate takes it.
func NewProcedural(r Rule, nPre, nPost int, samePop bool, seed uint64, weight, delay Values) (*Procedural, error) {
	if err := r.Check(nPre, nPost, samePop); err != nil {
		return nil, err
	}
	p := &Procedural{Kind: r.Kind, Cand: r.candidates(nPost, samePop), Self: samePop && !r.Autapses, Key: rng.KeyOf(seed), Weight: weight, Delay: delay}
	switch r.Kind {
	case FixedProbability:
		p.P, p.LogQ = r.P, math.Log1p(-r.P)
	case FixedOutdegree, FixedTotal:
		if !r.Multapses {
			return nil, fmt.Errorf("a procedural %s draws its targets with replacement (as GeNN); set multapses = true", r.Kind)
		}
		if r.Kind == FixedOutdegree {
			p.Degree = r.Outdegree
		} else {
			p.Counts = totalCounts(r.Total, nPre, seed)
		}
	default:
		return nil, fmt.Errorf("rule %s cannot be procedural: its rows are not drawn independently of each other (fixed_probability, fixed_outdegree and fixed_total can)", r.Kind)
	}
	return p, nil
}

// RowLen is the length of row i where the rule fixes it before the row
// is drawn (fixed_outdegree, fixed_total); fixed_probability's is known
// only by drawing, and RowLen gives −1.
func (p *Procedural) RowLen(i int) int {
	switch p.Kind {
	case FixedOutdegree:
		return p.Degree
	case FixedTotal:
		return int(p.Counts[i])
	}
	return -1
}

// words is a stream of Philox words: word n is word n mod 4 of call n/4
// (rng.Word), a call drawn once for its four words.
type words struct {
	key      rng.Key
	in, strm uint32
	n        uint64
	w        [4]uint32
}

func (s *words) next() uint32 {
	if s.n%4 == 0 {
		s.w = rng.Draw(s.key, s.in, s.strm, s.n/4)
	}
	x := s.w[s.n%4]
	s.n++
	return x
}

// Row appends row i's targets, in increasing order, to targets, and
// their weights and delays (ms) to w and d where these are drawn (not
// constant).
func (p *Procedural) Row(i int, targets []uint32, w, d []float64) ([]uint32, []float64, []float64) {
	first := len(targets)
	switch p.Kind {
	case FixedProbability:
		targets = p.bernoulliRow(i, targets)
	default:
		targets = p.sortedUniformRow(i, p.RowLen(i), targets)
	}
	for m, t := range targets[first:] {
		// fixed_probability's targets are distinct and drawn block by
		// block: a synapse's values are its target's, which a block
		// knows; the others' are the m-th of the row's.
		at := uint32(m)
		if p.Kind == FixedProbability {
			at = t
		}
		if p.Weight.Shape != ConstantShape {
			w = append(w, p.Weight.value(p.Key, procWeights, uint32(i), at))
		}
		if p.Delay.Shape != ConstantShape {
			d = append(d, p.Delay.value(p.Key, procDelays, uint32(i), at))
		}
	}
	return targets, w, d
}

// ProcBlock is how many candidates of a fixed_probability row one
// stream covers: each block of the row is drawn on its own (a device
// draws them side by side), and the coins being independent, the row
// has the same law. Part of the definition of the rows drawn.
const ProcBlock = 1024

// ProcBlocks is the number of blocks of a fixed_probability row.
func (p *Procedural) ProcBlocks() int { return (p.Cand + ProcBlock - 1) / ProcBlock }

// bernoulliRow appends the targets of a coin of probability p per
// candidate: each next target lies ⌊log u / log(1 − p)⌋ candidates on, a
// geometric skip, in each block of ProcBlock candidates from the block's
// words (calls b·2³² on).
func (p *Procedural) bernoulliRow(i int, targets []uint32) []uint32 {
	if p.P == 0 {
		return targets
	}
	for b := range p.ProcBlocks() {
		s := words{key: p.Key, in: procTargets, strm: uint32(i), n: uint64(b) << 34}
		end := min((b+1)*ProcBlock, p.Cand)
		for c := b * ProcBlock; ; c++ {
			skip := math.Floor(rng.Log(rng.Uniform(s.next())) / p.LogQ)
			if skip >= float64(end-c) {
				break
			}
			c += int(skip)
			targets = append(targets, partner(c, i, p.Self))
		}
	}
	return targets
}

// sortedUniformRow appends k targets drawn uniformly with replacement, in
// increasing order: with E_0 … E_k exponential (−log u), the partial
// sums E_0 + … + E_m over the whole sum are k sorted uniforms.
func (p *Procedural) sortedUniformRow(i, k int, targets []uint32) []uint32 {
	if k == 0 {
		return targets
	}
	s := words{key: p.Key, in: procTargets, strm: uint32(i)}
	logs := make([]float64, k+1) // the shader draws them twice instead
	var total float64
	for m := range logs {
		logs[m] = rng.Log(rng.Uniform(s.next()))
		total -= logs[m]
	}
	var sum float64
	cand := float64(p.Cand)
	for _, l := range logs[:k] {
		sum -= l
		c := int(math.Floor(sum / total * cand))
		targets = append(targets, partner(min(c, p.Cand-1), i, p.Self))
	}
	return targets
}

// Build regenerates every row of nPre into a CSR, with the synapses'
// weights and delays (ms; nil where constant), on all cores: the
// procedural projection as an engine that stores its synapses holds it.
// fixed_probability's rows are drawn twice, their targets first to count
// them; each row is then drawn in place.
func (p *Procedural) Build(nPre int) (c *CSR, w, d []float64) {
	blocks := (nPre + rowBlock - 1) / rowBlock
	each := func(row func(i int)) {
		sim.ForEach(blocks, 0, func() func(int) {
			return func(b int) {
				for i := b * rowBlock; i < min((b+1)*rowBlock, nPre); i++ {
					row(i)
				}
			}
		})
	}
	start := make([]int64, nPre+1)
	if p.Kind == FixedProbability {
		each(func(i int) { start[i+1] = int64(len(p.bernoulliRow(i, nil))) })
	} else {
		for i := range nPre {
			start[i+1] = int64(p.RowLen(i))
		}
	}
	for i := range nPre {
		start[i+1] += start[i]
	}
	n := start[nPre]
	c = &CSR{Start: start, Target: make([]uint32, n)}
	if p.Weight.Shape != ConstantShape {
		w = make([]float64, n)
	}
	if p.Delay.Shape != ConstantShape {
		d = make([]float64, n)
	}
	// A row appends to empty slices of its own part of the arrays, whose
	// capacity is its length: it is drawn in place.
	part := func(x []float64, lo, hi int64) []float64 {
		if x == nil {
			return nil
		}
		return x[lo:lo:hi]
	}
	each(func(i int) {
		lo, hi := start[i], start[i+1]
		p.Row(i, c.Target[lo:lo:hi], part(w, lo, hi), part(d, lo, hi))
	})
	return c, w, d
}
