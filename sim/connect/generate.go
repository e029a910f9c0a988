package connect

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"neurite/sim"
	"neurite/sim/dist"
	"neurite/sim/fastexp"
)

// Generator streams under a projection's seed (dist.NewPCG's stream).
const (
	streamRows  = 1 + iota // one generator per presynaptic neuron
	streamCols             // one generator per postsynaptic neuron (fixed_indegree)
	streamSplit            // fixed_probability, fixed_total: the number of synapses of each row
	streamGraph            // scale_free and fixed_total without multapses: one sequential generator
)

// Generate wires nPre source neurons to nPost target neurons by rule r
// (samePop: a population onto itself, where autapses are possible). pre
// and post are the positions, read only by the distance rule. seed fixes
// the result, whatever the number of threads; give each projection its
// own. Large projections are built on all cores. Every rule costs time
// in proportion to the synapses made, but distance, which visits every
// pair.
//
// Generate sorts r.Pairs (rule csv) by pre then post, so that synapse s
// of the CSR is row s of the pairs.
func Generate(r Rule, nPre, nPost int, samePop bool, pre, post []Pos, seed uint64) (*CSR, error) {
	if err := r.Check(nPre, nPost, samePop); err != nil {
		return nil, err
	}
	self := samePop && !r.Autapses // exclude i -> i
	switch r.Kind {
	case AllToAll:
		return buildRows(nPre, seed, sameCount(nPre, r.candidates(nPost, samePop)), func(i int, _ *rand.Rand, _ *scratch, buf []uint32) []uint32 {
			for j := range nPost {
				if !self || j != i {
					buf = append(buf, uint32(j))
				}
			}
			return buf
		}), nil
	case OneToOne:
		return buildRows(nPre, seed, sameCount(nPre, 1), func(i int, _ *rand.Rand, _ *scratch, buf []uint32) []uint32 {
			return append(buf, uint32(i))
		}), nil
	case FixedProbability:
		return fixedProbability(r.P, nPre, nPost, self, seed), nil
	case FixedOutdegree:
		return buildRows(nPre, seed, sameCount(nPre, r.Outdegree), func(i int, rng *rand.Rand, s *scratch, buf []uint32) []uint32 {
			buf = drawTargets(r.Outdegree, nPost, i, self, r.Multapses, rng, s, buf)
			s.sortRow(buf, nPost)
			return buf
		}), nil
	case FixedIndegree:
		return fixedIndegree(r, nPre, nPost, self, seed), nil
	case FixedTotal:
		if r.Multapses {
			return fixedTotal(r.Total, nPre, nPost, self, seed), nil
		}
		return fixedTotalDistinct(r.Total, nPre, nPost, self, seed), nil
	case SmallWorld:
		return buildRows(nPre, seed, sameCount(nPre, r.K), smallWorldRow(r, nPre)), nil
	case ScaleFree:
		return scaleFree(r.M, nPre, seed), nil
	case Distance:
		if len(pre) != nPre || len(post) != nPost {
			return nil, fmt.Errorf("the distance rule needs the positions of %s and %s; give them positions", r.from(), r.to())
		}
		k := r.kernel(pre, post)
		return buildRows(nPre, seed, nil, func(i int, rng *rand.Rand, _ *scratch, buf []uint32) []uint32 {
			for j := range nPost {
				if (!self || j != i) && rng.Float64() < k.prob(pre[i], post[j]) {
					buf = append(buf, uint32(j))
				}
			}
			return buf
		}), nil
	case Explicit:
		return r.Pairs.csr(nPre), nil
	}
	return nil, fmt.Errorf("unknown rule %s", r.Kind)
}

// sameCount is the row lengths of a rule that gives every row n synapses.
func sameCount(nPre, n int) []int64 {
	counts := make([]int64, nPre)
	for i := range counts {
		counts[i] = int64(n)
	}
	return counts
}

// partner maps candidate c in [0, n−1) to a neuron other than self when
// the neuron itself is excluded, and is the identity otherwise.
func partner(c, self int, exclude bool) uint32 {
	if exclude && c >= self {
		c++
	}
	return uint32(c)
}

// fixedProbability draws each row's number of synapses, binomial over the
// candidates, then that many distinct targets: the same law as a coin per
// pair, at a cost per synapse rather than per pair.
func fixedProbability(p float64, nPre, nPost int, self bool, seed uint64) *CSR {
	cand := nPost
	if self {
		cand--
	}
	counts := make([]int64, nPre)
	sim.ForEach((nPre+rowBlock-1)/rowBlock, 0, func() func(int) {
		pcg := new(rand.PCG)
		return func(b int) {
			for i := b * rowBlock; i < min((b+1)*rowBlock, nPre); i++ {
				dist.Reseed(pcg, seed, streamSplit, uint64(i))
				counts[i] = binomial(int64(cand), p, pcg)
			}
		}
	})
	return buildRows(nPre, seed, counts, func(i int, rng *rand.Rand, s *scratch, buf []uint32) []uint32 {
		buf = drawTargets(int(counts[i]), nPost, i, self, false, rng, s, buf)
		s.sortRow(buf, nPost)
		return buf
	})
}

// binomial draws the number of successes in n trials of probability p.
func binomial(n int64, p float64, src rand.Source) int64 {
	switch {
	case n == 0 || p == 0:
		return 0
	case p == 1:
		return n
	}
	return int64(distuv.Binomial{N: float64(n), P: p, Src: src}.Rand())
}

// drawTargets appends k partners of neuron i drawn uniformly among n
// (other than i when self), distinct unless multapses, in no order.
// Distinct draws use Floyd's algorithm: O(k) whatever k/n.
func drawTargets(k, n, i int, self, multapses bool, rng *rand.Rand, s *scratch, buf []uint32) []uint32 {
	if self {
		n--
	}
	if multapses {
		for range k {
			buf = append(buf, partner(int(rng.Uint32N(uint32(n))), i, self))
		}
		return buf
	}
	s.reset(n)
	for t := n - k; t < n; t++ {
		c := rng.Uint32N(uint32(t + 1))
		if s.taken(c) {
			c = uint32(t)
		}
		s.take(c)
		buf = append(buf, partner(int(c), i, self))
	}
	return buf
}

// fixedIndegree draws the sources of each target from the target's own
// generator and sorts them into rows by counting, on all cores.
func fixedIndegree(r Rule, nPre, nPost int, self bool, seed uint64) *CSR {
	return fromColumns(nPre, nPost, func(lo, hi int, emit func(pre int, post uint32)) {
		pcg := new(rand.PCG)
		rng := rand.New(pcg)
		s := new(scratch)
		var buf []uint32
		for j := lo; j < hi; j++ {
			dist.Reseed(pcg, seed, streamCols, uint64(j))
			buf = drawTargets(r.Indegree, nPre, j, self, r.Multapses, rng, s, buf[:0])
			for _, i := range buf {
				emit(int(i), uint32(j))
			}
		}
	})
}

// fromColumns builds a CSR from synapses emitted column by column in
// increasing order, so that rows come out sorted without sorting.
func fromColumns(nPre, nPost int, produce func(lo, hi int, emit func(pre int, post uint32))) *CSR {
	start, target := bucketSort(nPre, nPost, produce)
	return &CSR{Start: start, Target: target}
}

// fixedTotal splits total among the rows by a multinomial draw (a binomial
// per row, in order), then draws each row's targets uniformly.
func fixedTotal(total int64, nPre, nPost int, self bool, seed uint64) *CSR {
	counts := totalCounts(total, nPre, seed)
	return buildRows(nPre, seed, counts, func(i int, rng *rand.Rand, s *scratch, buf []uint32) []uint32 {
		buf = drawTargets(int(counts[i]), nPost, i, self, true, rng, s, buf)
		s.sortRow(buf, nPost)
		return buf
	})
}

// totalCounts splits total among nPre rows by a multinomial draw: a
// binomial per row, in order, from the projection's split stream.
func totalCounts(total int64, nPre int, seed uint64) []int64 {
	counts := make([]int64, nPre)
	split := dist.NewPCG(seed, streamSplit, 0)
	left := total
	for i := range nPre {
		if left == 0 {
			break
		}
		if i == nPre-1 {
			counts[i] = left
			break
		}
		counts[i] = binomial(left, 1/float64(nPre-i), split)
		left -= counts[i]
	}
	return counts
}

// fixedTotalDistinct draws total distinct pairs by Floyd's algorithm over
// the pair indices (row × candidates + column), in one sequence: a bit set
// when the pairs are dense, a hash set when they are sparse.
func fixedTotalDistinct(total int64, nPre, nPost int, self bool, seed uint64) *CSR {
	cand := int64(nPost)
	if self {
		cand--
	}
	pairs := int64(nPre) * cand
	rng := rand.New(dist.NewPCG(seed, streamGraph, 0))
	var picked []int64
	if pairs <= 64*total {
		set := make([]uint64, (pairs+63)/64)
		for t := pairs - total; t < pairs; t++ {
			c := rng.Int64N(t + 1)
			if set[c/64]&(1<<(c%64)) != 0 {
				c = t
			}
			set[c/64] |= 1 << (c % 64)
		}
		picked = make([]int64, 0, total)
		for w, word := range set {
			for ; word != 0; word &= word - 1 {
				picked = append(picked, int64(w)*64+int64(bits.TrailingZeros64(word)))
			}
		}
	} else {
		seen := make(map[int64]struct{}, total)
		picked = make([]int64, 0, total)
		for t := pairs - total; t < pairs; t++ {
			c := rng.Int64N(t + 1)
			if _, dup := seen[c]; dup {
				c = t
			}
			seen[c] = struct{}{}
			picked = append(picked, c)
		}
		slices.Sort(picked)
	}
	c := &CSR{Start: make([]int64, nPre+1), Target: make([]uint32, len(picked))}
	for s, p := range picked {
		i := int(p / cand)
		c.Start[i+1]++
		c.Target[s] = partner(int(p%cand), i, self)
	}
	for i := range nPre {
		c.Start[i+1] += c.Start[i]
	}
	return c
}

// smallWorldRow gives neuron i its k ring neighbours, each moved with
// probability beta to a uniformly drawn neuron that is not yet a target
// (unless multapses) and not i (unless autapses).
func smallWorldRow(r Rule, n int) rowGen {
	h := r.K / 2
	free := n - r.K - 1 // neurons a synapse can move to: neither i nor a neighbour
	if r.Autapses {
		free++
	}
	return func(i int, rng *rand.Rand, s *scratch, buf []uint32) []uint32 {
		s.reset(n)
		for d := 1; d <= h; d++ {
			buf = append(buf, uint32((i+d)%n), uint32((i-d+n)%n))
		}
		for _, t := range buf {
			s.take(t)
		}
		if r.Beta == 0 || (!r.Multapses && free <= 0) {
			slices.Sort(buf)
			return buf
		}
		for e, t := range buf {
			if rng.Float64() >= r.Beta {
				continue
			}
			j := rng.Uint32N(uint32(n))
			for (int(j) == i && !r.Autapses) || (!r.Multapses && s.taken(j)) {
				j = rng.Uint32N(uint32(n))
			}
			s.free(t)
			s.take(j)
			buf[e] = j
		}
		slices.Sort(buf)
		return buf
	}
}

// scaleFree grows a Barabási–Albert graph: neuron v ≥ m links to m
// distinct earlier neurons drawn with probability proportional to their
// degree (by drawing from the list of link ends), the first to neurons
// 0..m−1. Each link is two synapses, one each way.
func scaleFree(m, n int, seed uint64) *CSR {
	rng := rand.New(dist.NewPCG(seed, streamGraph, 0))
	s := new(scratch)
	links := make([][2]uint32, 0, m*(n-m))
	ends := make([]uint32, 0, 2*m*(n-m))
	targets := make([]uint32, m)
	for t := range targets {
		targets[t] = uint32(t)
	}
	for v := m; v < n; v++ {
		for _, t := range targets {
			links = append(links, [2]uint32{uint32(v), t})
			ends = append(ends, t, uint32(v))
		}
		s.reset(n)
		targets = targets[:0]
		for len(targets) < m {
			t := ends[rng.IntN(len(ends))]
			if !s.taken(t) {
				s.take(t)
				targets = append(targets, t)
			}
		}
	}
	return fromEdges(n, n, len(links), func(lo, hi int, emit func(pre int, post uint32)) {
		for _, l := range links[lo:hi] {
			emit(int(l[0]), l[1])
			emit(int(l[1]), l[0])
		}
	})
}

// kernel is the distance rule's connection probability.
type kernel struct {
	metric
	shape     Kernel
	pMax, inv float64 // inv: 1/(2σ²) or 1/λ
}

func (r Rule) kernel(pre, post []Pos) kernel {
	k := kernel{shape: r.Kernel, pMax: r.PMax}
	if r.Kernel == Gaussian {
		k.inv = 1 / (2 * r.Scale * r.Scale)
	} else {
		k.inv = 1 / r.Scale
	}
	if r.Periodic {
		k.period = r.Period
		if k.period == (Pos{}) {
			k.period = boxPeriod(pre, post)
		}
	}
	return k
}

func (k kernel) prob(a, b Pos) float64 {
	d2 := k.dist2(a, b)
	if k.shape == Gaussian {
		return k.pMax * fastexp.Exp(-d2*k.inv)
	}
	return k.pMax * fastexp.Exp(-math.Sqrt(d2)*k.inv)
}
