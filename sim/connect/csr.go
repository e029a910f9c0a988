package connect

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"neurite/sim"
	"neurite/sim/dist"
)

// CSR is a projection's synapses in compressed sparse rows: the synapses
// of presynaptic neuron i are s in [Start[i], Start[i+1]), reaching
// postsynaptic neuron Target[s]. Targets are sorted within a row (equal
// ones are multapses). Synapse s is the index of its weight, delay and
// state in the arrays a backend keeps beside Target.
type CSR struct {
	Start  []int64 // len nPre+1
	Target []uint32
}

// NPre is the number of presynaptic neurons (rows).
func (c *CSR) NPre() int { return len(c.Start) - 1 }

// Len is the number of synapses.
func (c *CSR) Len() int64 { return int64(len(c.Target)) }

// Row is the targets of presynaptic neuron i.
func (c *CSR) Row(i int) []uint32 { return c.Target[c.Start[i]:c.Start[i+1]] }

// Transposed indexes a CSR by postsynaptic neuron: the synapses reaching
// neuron j are Syn[Start[j]:Start[j+1]], indices into the CSR's Target
// (and its weights), in increasing order. STDP uses it to visit a
// neuron's incoming synapses when the neuron fires.
type Transposed struct {
	Start []int64 // len nPost+1
	Syn   []uint32
	Src   []uint32 // the presynaptic neuron of each of Syn
}

// Transpose builds the index of synapses by postsynaptic neuron, for nPost
// postsynaptic neurons, on all cores. Synapse indices are 32-bit: a
// projection of more than 4,294,967,295 synapses cannot be transposed.
func (c *CSR) Transpose(nPost int) (*Transposed, error) {
	if c.Len() > math.MaxUint32 {
		return nil, fmt.Errorf("the projection has %d synapses; plasticity supports at most %d per projection", c.Len(), uint64(math.MaxUint32))
	}
	for _, t := range c.Target {
		if int(t) >= nPost {
			return nil, fmt.Errorf("a synapse reaches neuron %d of %d", t, nPost)
		}
	}
	start, syn := bucketSort(nPost, c.NPre(), func(lo, hi int, emit func(key int, val uint32)) {
		for s := c.Start[lo]; s < c.Start[hi]; s++ {
			emit(int(c.Target[s]), uint32(s))
		}
	})
	_, src := bucketSort(nPost, c.NPre(), func(lo, hi int, emit func(key int, val uint32)) {
		for i := lo; i < hi; i++ {
			for s := c.Start[i]; s < c.Start[i+1]; s++ {
				emit(int(c.Target[s]), uint32(i))
			}
		}
	})
	return &Transposed{Start: start, Syn: syn, Src: src}, nil
}

// bucketSort sorts the items that produce(lo, hi, emit) emits for the
// units (rows, columns) in [lo, hi) into nBuckets buckets by key, keeping
// within a bucket the order of the units and of their emission. produce is
// called twice per range of units (to count, then to place) and must emit
// the same items both times. It runs on all cores; the result does not
// depend on their number.
func bucketSort(nBuckets, nUnits int, produce func(lo, hi int, emit func(key int, val uint32))) ([]int64, []uint32) {
	nBlocks := min(nUnits, 4*runtime.GOMAXPROCS(0))
	if nBlocks == 0 {
		return make([]int64, nBuckets+1), nil
	}
	bounds := func(b int) (int, int) { return b * nUnits / nBlocks, (b + 1) * nUnits / nBlocks }
	counts := make([][]int64, nBlocks)
	sim.ForEach(nBlocks, 0, func() func(int) {
		return func(b int) {
			n := make([]int64, nBuckets)
			lo, hi := bounds(b)
			produce(lo, hi, func(key int, _ uint32) { n[key]++ })
			counts[b] = n
		}
	})
	// Turn the counts into each block's first slot in each bucket.
	start := make([]int64, nBuckets+1)
	var at int64
	for k := range nBuckets {
		start[k] = at
		for b := range nBlocks {
			at, counts[b][k] = at+counts[b][k], at
		}
	}
	start[nBuckets] = at
	out := make([]uint32, at)
	sim.ForEach(nBlocks, 0, func() func(int) {
		return func(b int) {
			next := counts[b]
			lo, hi := bounds(b)
			produce(lo, hi, func(key int, val uint32) {
				out[next[key]] = val
				next[key]++
			})
		}
	})
	return start, out
}

// rowBlock is how many rows a worker takes at a time.
const rowBlock = 64

// rowGen appends the sorted targets of presynaptic neuron i to buf and
// returns it. rng has been seeded for row i; scratch is the worker's own.
type rowGen func(i int, rng *rand.Rand, s *scratch, buf []uint32) []uint32

// scratch is a worker's reusable space.
type scratch struct {
	mark  []uint32 // mark[j] == stamp: j is taken in the current draw
	stamp uint32
	tmp   []uint32 // sortRow's buffer
	count []int    // sortRow's digit counts
}

// reset starts a new draw over n candidates.
func (s *scratch) reset(n int) {
	if len(s.mark) < n {
		s.mark = make([]uint32, n)
		s.stamp = 0
	}
	s.stamp++
	if s.stamp == 0 { // wrapped: clear the stale marks
		clear(s.mark)
		s.stamp = 1
	}
}

func (s *scratch) taken(j uint32) bool { return s.mark[j] == s.stamp }
func (s *scratch) take(j uint32)       { s.mark[j] = s.stamp }
func (s *scratch) free(j uint32)       { s.mark[j] = 0 }

// buildRows builds a CSR row by row on all cores, generating each row twice
// (to count, then to fill) from the same generator state, seeded from
// (seed, streamRows, i). counts, when known, spares the counting pass.
func buildRows(nPre int, seed uint64, counts []int64, gen rowGen) *CSR {
	blocks := (nPre + rowBlock - 1) / rowBlock
	each := func(visit func(i int, row []uint32)) {
		sim.ForEach(blocks, 0, func() func(int) {
			pcg := new(rand.PCG)
			rng := rand.New(pcg)
			s := new(scratch)
			var buf []uint32
			return func(b int) {
				for i := b * rowBlock; i < min((b+1)*rowBlock, nPre); i++ {
					dist.Reseed(pcg, seed, streamRows, uint64(i))
					buf = gen(i, rng, s, buf[:0])
					visit(i, buf)
				}
			}
		})
	}
	start := make([]int64, nPre+1)
	if counts != nil {
		copy(start[1:], counts)
	} else {
		each(func(i int, row []uint32) { start[i+1] = int64(len(row)) })
	}
	for i := range nPre {
		start[i+1] += start[i]
	}
	c := &CSR{Start: start, Target: make([]uint32, start[nPre])}
	each(func(i int, row []uint32) { copy(c.Target[start[i]:start[i+1]], row) })
	return c
}

// fromEdges builds a CSR from an edge list emitted by produce for units
// [lo, hi), sorting each row's targets.
func fromEdges(nPre, nPost, nUnits int, produce func(lo, hi int, emit func(pre int, post uint32))) *CSR {
	start, target := bucketSort(nPre, nUnits, produce)
	c := &CSR{Start: start, Target: target}
	sim.ForEach(nPre, workersFor(nPre > rowBlock), func() func(int) {
		s := new(scratch)
		return func(i int) { s.sortRow(c.Row(i), nPost) }
	})
	return c
}

// workersFor is every core for work worth spreading, else one.
func workersFor(parallel bool) int {
	if parallel {
		return 0
	}
	return 1
}
