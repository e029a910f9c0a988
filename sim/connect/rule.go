package connect

import (
	"fmt"
	"math"
)

// Kind is a connectivity rule.
type Kind uint8

// The rules; String gives their names in a network file.
const (
	AllToAll Kind = iota
	OneToOne
	FixedProbability
	FixedIndegree
	FixedOutdegree
	FixedTotal
	SmallWorld
	ScaleFree
	Distance
	Explicit // pairs from a CSV file (rule = "csv")
)

var kindNames = [...]string{"all_to_all", "one_to_one", "fixed_probability", "fixed_indegree",
	"fixed_outdegree", "fixed_total", "small_world", "scale_free", "distance", "csv"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("rule %d", k)
}

// Names is the rule names, as a network file writes them.
func Names() []string { return kindNames[:] }

// ParseKind finds a rule by its name in a network file.
func ParseKind(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), true
		}
	}
	return 0, false
}

// Kernel is the shape of the distance rule's probability.
type Kernel uint8

const (
	Gaussian    Kernel = iota // p_max·exp(−d²/2σ²), σ = Scale
	Exponential               // p_max·exp(−d/λ), λ = Scale
)

var kernelNames = [...]string{"gaussian", "exponential"}

func (k Kernel) String() string { return kernelNames[k] }

// ParseKernel finds a distance kernel by its name in a network file.
func ParseKernel(name string) (Kernel, bool) {
	for k, n := range kernelNames {
		if n == name {
			return Kernel(k), true
		}
	}
	return 0, false
}

// Rule is a connectivity rule and its parameters; only those of Kind are
// read.
type Rule struct {
	Kind Kind

	P         float64 // fixed_probability
	Indegree  int     // fixed_indegree
	Outdegree int     // fixed_outdegree
	Total     int64   // fixed_total

	K    int     // small_world: neighbours on the ring (even)
	Beta float64 // small_world: rewiring probability

	M int // scale_free: links per added neuron

	Kernel   Kernel  // distance
	Scale    float64 // distance: σ (gaussian) or λ (exponential), µm
	PMax     float64 // distance: probability at distance 0
	Periodic bool    // distance: wrap around the positions' bounding box
	Period   Pos     // distance: the period of each axis (µm) when periodic; zero: from the positions

	Pairs *Pairs // csv

	Autapses  bool // allow a neuron onto itself (within one population)
	Multapses bool // allow several synapses on one pair (fixed_total: set it, as NEST does by default)

	From, To string // the populations' names, for messages; empty: "the source", "the target"
}

func (r Rule) from() string { return nameOr(r.From, "the source population") }
func (r Rule) to() string   { return nameOr(r.To, "the target population") }

func nameOr(name, dflt string) string {
	if name == "" {
		return dflt
	}
	return name
}

// candidates is how many distinct partners a neuron of one side can have
// among n of the other: one fewer within a population without autapses.
func (r Rule) candidates(n int, samePop bool) int {
	if samePop && !r.Autapses {
		return n - 1
	}
	return n
}

// Check tells, in the words of a network file, why the rule cannot wire
// nPre source neurons to nPost target neurons (samePop: a population onto
// itself); nil when it can.
func (r Rule) Check(nPre, nPost int, samePop bool) error {
	if nPre < 0 || nPost < 0 {
		return fmt.Errorf("population sizes must not be negative (got %d and %d)", nPre, nPost)
	}
	if samePop && nPre != nPost {
		return fmt.Errorf("a population onto itself must have one size (got %d and %d)", nPre, nPost)
	}
	for _, pop := range []struct {
		name string
		n    int
	}{{r.from(), nPre}, {r.to(), nPost}} {
		if pop.n > math.MaxUint32 {
			return fmt.Errorf("%s has %d neurons; a projection connects at most %d", pop.name, pop.n, uint64(math.MaxUint32))
		}
	}
	switch r.Kind {
	case AllToAll, Explicit:
	case OneToOne:
		if nPre != nPost {
			return fmt.Errorf("one_to_one needs populations of one size: %s has %d neurons and %s %d", r.from(), nPre, r.to(), nPost)
		}
		if samePop && !r.Autapses {
			return fmt.Errorf("one_to_one from %s onto itself connects each neuron to itself; set autapses = true", r.from())
		}
	case FixedProbability:
		return checkProbability("p", r.P)
	case FixedIndegree:
		return r.checkDegree("fixed_indegree", r.Indegree, nPre, samePop, r.from())
	case FixedOutdegree:
		return r.checkDegree("fixed_outdegree", r.Outdegree, nPost, samePop, r.to())
	case FixedTotal:
		return r.checkTotal(nPre, nPost, samePop)
	case SmallWorld:
		return r.checkSmallWorld(nPre, samePop)
	case ScaleFree:
		if !samePop {
			return fmt.Errorf("scale_free wires a population to itself; from and to must name the same population")
		}
		if r.M < 1 || r.M >= nPre {
			return fmt.Errorf("scale_free m (%d) must be at least 1 and below the %d neurons of %s", r.M, nPre, r.from())
		}
	case Distance:
		if !(r.Scale > 0) || math.IsInf(r.Scale, 0) {
			return fmt.Errorf("distance scale (%g µm) must be a positive length", r.Scale)
		}
		if r.Kernel > Exponential {
			return fmt.Errorf("distance kernel must be gaussian or exponential")
		}
		return checkProbability("p_max", r.PMax)
	default:
		return fmt.Errorf("unknown rule %s", r.Kind)
	}
	if r.Kind == Explicit {
		if r.Pairs == nil {
			return fmt.Errorf("rule csv needs a file of pairs")
		}
		return r.Pairs.check(nPre, nPost, samePop, r)
	}
	return nil
}

func checkProbability(key string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%s (%g) must be a probability, between 0 and 1", key, p)
	}
	return nil
}

func (r Rule) checkDegree(key string, k, n int, samePop bool, other string) error {
	if k < 0 {
		return fmt.Errorf("%s (%d) must not be negative", key, k)
	}
	cand := r.candidates(n, samePop)
	if k > 0 && cand == 0 {
		return fmt.Errorf("%s %d: %s has no neuron to connect to", key, k, other)
	}
	if r.Multapses || k <= cand {
		return nil
	}
	if samePop && !r.Autapses {
		return fmt.Errorf("%s %d is more than the %d other neurons of %s (autapses are off); allow multapses or lower it", key, k, n-1, other)
	}
	return fmt.Errorf("%s %d is more than the %d neurons of %s; allow multapses or lower it", key, k, n, other)
}

func (r Rule) checkTotal(nPre, nPost int, samePop bool) error {
	if r.Total < 0 {
		return fmt.Errorf("fixed_total (%d) must not be negative", r.Total)
	}
	if r.Total > 0 && (nPre == 0 || r.candidates(nPost, samePop) == 0) {
		return fmt.Errorf("fixed_total %d: there is no pair of neurons to connect", r.Total)
	}
	if pairs := int64(nPre) * int64(r.candidates(nPost, samePop)); !r.Multapses && r.Total > pairs {
		return fmt.Errorf("fixed_total %d is more than the %d distinct pairs from %s to %s; allow multapses or lower it", r.Total, pairs, r.from(), r.to())
	}
	return nil
}

func (r Rule) checkSmallWorld(n int, samePop bool) error {
	if !samePop {
		return fmt.Errorf("small_world wires a population to itself; from and to must name the same population")
	}
	if r.K < 0 || r.K%2 != 0 {
		return fmt.Errorf("small_world k (%d) must be even and not negative: k/2 neighbours on each side", r.K)
	}
	if r.K >= n {
		return fmt.Errorf("small_world k (%d) must be below the %d neurons of %s", r.K, n, r.from())
	}
	return checkProbability("beta", r.Beta)
}

// Expected is the expected number of synapses Generate makes for the same
// arguments, cheap to compute, so that a builder can estimate memory
// before building. Exact for every rule but distance, whose sum over pairs
// is taken over at most 256 evenly spaced source neurons and scaled.
// Positions are read only by distance. The rule must pass Check.
func Expected(r Rule, nPre, nPost int, samePop bool, pre, post []Pos) float64 {
	fPre, cand := float64(nPre), float64(r.candidates(nPost, samePop))
	switch r.Kind {
	case AllToAll:
		return fPre * cand
	case OneToOne:
		return fPre
	case FixedProbability:
		return r.P * fPre * cand
	case FixedIndegree:
		return float64(r.Indegree) * float64(nPost)
	case FixedOutdegree:
		return float64(r.Outdegree) * fPre
	case FixedTotal:
		return float64(r.Total)
	case SmallWorld:
		return float64(r.K) * fPre
	case ScaleFree:
		return 2 * float64(r.M) * float64(nPre-r.M)
	case Distance:
		return expectedDistance(r, samePop, pre, post)
	case Explicit:
		if r.Pairs != nil {
			return float64(len(r.Pairs.Pre))
		}
	}
	return 0
}

func expectedDistance(r Rule, samePop bool, pre, post []Pos) float64 {
	const rows = 256
	if len(pre) == 0 {
		return 0
	}
	step := max(1, len(pre)/rows)
	k := r.kernel(pre, post)
	var sum float64
	var n int
	for i := 0; i < len(pre); i += step {
		for j := range post {
			if samePop && !r.Autapses && i == j {
				continue
			}
			sum += k.prob(pre[i], post[j])
		}
		n++
	}
	return sum * float64(len(pre)) / float64(n)
}
