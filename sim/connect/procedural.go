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
//     synapse): distinct targets, in increasing order. The row's
//     candidates are cut into chunks (Chunk), each with its own words,
//     so that a device draws a row's chunks side by side, and a synapse's
//     weight and delay are counted by its target.
//   - fixed_outdegree and fixed_total, with multapses (with replacement,
//     as GeNN's FixedNumberPostWithReplacement and
//     FixedNumberTotalWithReplacement): a row of k targets is k uniform
//     draws in increasing order, made as the partial sums of k + 1
//     exponential spacings over their total (the order statistics of k
//     uniforms), each scaled to the candidates. The spacings are cut into
//     ProcGroup chunks (GapChunk) that a device's work group sums side by
//     side, and the sums are made in the order of that tree, on the CPU
//     as well: floating-point sums depend on their order. fixed_total's
//     row lengths are its ordinary multinomial split, drawn on the host.
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
		// fixed_probability's targets are distinct and drawn chunk by
		// chunk: a synapse's values are its target's, which a chunk
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

// ProcGroup is how many invocations of a device (a work group of
// shaders/net_procedural.comp) draw a row together: the row is cut into
// chunks, an invocation's each, and the order of its sums follows them.
// Part of the definition of the rows drawn.
const ProcGroup = 64

// ProcChunkMax is the most candidates of a fixed_probability chunk: a
// row over ProcGroup·ProcChunkMax candidates is drawn by several work
// groups (ProcBlocks), and no invocation draws more than this many coins.
const ProcChunkMax = 1024

// Chunk is how many candidates of a fixed_probability row each of its
// streams covers: the row spread over ProcGroup chunks, at most
// ProcChunkMax each. The coins being independent, any cut gives the row
// the same law.
func (p *Procedural) Chunk() int {
	return min(ProcChunkMax, max(1, (p.Cand+ProcGroup-1)/ProcGroup))
}

// ProcBlocks is the number of work groups that draw a fixed_probability
// row, ProcGroup chunks each.
func (p *Procedural) ProcBlocks() int {
	chunks := (p.Cand + p.Chunk() - 1) / p.Chunk()
	return max(1, (chunks+ProcGroup-1)/ProcGroup)
}

// bernoulliRow appends the targets of a coin of probability p per
// candidate: each next target lies ⌊log u / log(1 − p)⌋ candidates on, a
// geometric skip, in each chunk of Chunk candidates from the chunk's
// words (calls b·2³² on for chunk b).
func (p *Procedural) bernoulliRow(i int, targets []uint32) []uint32 {
	if p.P == 0 {
		return targets
	}
	size := p.Chunk()
	for b := 0; b*size < p.Cand; b++ {
		s := words{key: p.Key, in: procTargets, strm: uint32(i), n: uint64(b) << 34}
		end := min((b+1)*size, p.Cand)
		for c := b * size; ; c++ {
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

// GapChunk is how many of the k + 1 exponential spacings of a row of k
// targets each of ProcGroup invocations sums: the spacings spread over
// the group, a whole number of Philox calls (four words) each.
func GapChunk(k int) int {
	return 4 * ((k + 4*ProcGroup) / (4 * ProcGroup))
}

// sortedUniformRow appends k targets drawn uniformly with replacement, in
// increasing order: the row's sorted uniforms scaled to the candidates.
func (p *Procedural) sortedUniformRow(i, k int, targets []uint32) []uint32 {
	if k == 0 {
		return targets
	}
	cand := float64(p.Cand)
	for _, u := range p.SortedUniforms(i, k) {
		c := int(math.Floor(u * cand))
		targets = append(targets, partner(min(c, p.Cand-1), i, p.Self))
	}
	return targets
}

// SortedUniforms returns the k sorted uniforms in [0, 1] whose scaled
// candidates are row i's targets (fixed_outdegree, fixed_total; k its
// length), the numbers a device compares to the bit: with E_0 … E_k
// exponential (−log u), the partial sums E_0 + … + E_m over the whole
// sum are k sorted uniforms. The sums are made as a work group makes
// them: the spacings in chunks of GapChunk(k), each chunk's sum from 0
// in order; the chunks' sums added in order, giving the total and each
// chunk's offset (the sum of those before it); a partial sum is its
// chunk's offset plus its running sum within the chunk. The offsets
// being the running sum of the chunks' own sums, the uniforms increase
// across chunks as they do within one.
func (p *Procedural) SortedUniforms(i, k int) []float64 {
	s := words{key: p.Key, in: procTargets, strm: uint32(i)}
	logs := make([]float64, k+1) // the shader draws them twice instead
	for m := range logs {
		logs[m] = rng.Log(rng.Uniform(s.next()))
	}
	size := GapChunk(k)
	var offsets [ProcGroup]float64
	var total float64
	for c := 0; c*size <= k; c++ {
		offsets[c] = total
		var sum float64
		for _, l := range logs[c*size : min((c+1)*size, k+1)] {
			sum -= l
		}
		total += sum
	}
	u := logs[:k] // each spacing's log, read before its uniform takes its place
	var sum float64
	for m, l := range u {
		if m%size == 0 {
			sum = 0
		}
		sum -= l
		u[m] = (offsets[m/size] + sum) / total
	}
	return u
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
