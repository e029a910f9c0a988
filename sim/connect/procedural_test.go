package connect

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func mustProcedural(t *testing.T, r Rule, nPre, nPost int, samePop bool, w, d Values) *Procedural {
	t.Helper()
	p, err := NewProcedural(r, nPre, nPost, samePop, 11, w, d)
	if err != nil {
		t.Fatalf("%s: %v", r.Kind, err)
	}
	return p
}

// TestProceduralDegrees: a procedural projection's rows have the rule's
// law: fixed_probability's synapse count and in- and out-degree
// variances are binomial, without multapses (or autapses, off); every
// row of fixed_outdegree has its degree; fixed_total's rows have the
// stored rule's lengths; with replacement, each in-degree is binomial
// over all the synapses with probability 1/candidates.
func TestProceduralDegrees(t *testing.T) {
	const n = 1000
	for _, c := range []struct {
		rule    Rule
		samePop bool
	}{
		{Rule{Kind: FixedProbability, P: 0.02}, false}, {Rule{Kind: FixedProbability, P: 0.5}, true},
		{Rule{Kind: FixedProbability, P: 1}, true}, {Rule{Kind: FixedProbability, P: 0}, false},
		{Rule{Kind: FixedOutdegree, Outdegree: 100, Multapses: true}, true},
		{Rule{Kind: FixedTotal, Total: 150000, Multapses: true, Autapses: true}, true},
		{Rule{Kind: FixedTotal, Total: 80000, Multapses: true}, false},
	} {
		p := mustProcedural(t, c.rule, n, n, c.samePop, Values{}, Values{})
		csr, w, d := p.Build(n)
		checkShape(t, csr, n, n)
		if w != nil || d != nil {
			t.Fatalf("%s: constant weights and delays drawn", c.rule.Kind)
		}
		cand := float64(p.Cand)
		out, in := degrees(csr, n)
		aut, mult := autapsesAndMultapses(csr)
		if p.Self && aut > 0 {
			t.Errorf("%s: %d autapses", c.rule.Kind, aut)
		}
		var q float64 // the probability of a pair per draw
		var draws float64
		switch c.rule.Kind {
		case FixedProbability:
			pairs := float64(n) * cand
			mean, sd := c.rule.P*pairs, math.Sqrt(pairs*c.rule.P*(1-c.rule.P))
			if got := float64(csr.Len()); math.Abs(got-mean) > 5*sd {
				t.Errorf("p %g: %g synapses, want %g ± %g", c.rule.P, got, mean, 5*sd)
			}
			if mult > 0 {
				t.Errorf("p %g: %d multapses", c.rule.P, mult)
			}
			q, draws = c.rule.P, cand
			if c.rule.P > 0 && c.rule.P < 1 {
				if v, want := variance(out), cand*q*(1-q); math.Abs(v/want-1) > 0.23 {
					t.Errorf("p %g: out-degree variance %g, want %g", c.rule.P, v, want)
				}
			}
		case FixedOutdegree:
			for i, k := range out {
				if k != c.rule.Outdegree {
					t.Fatalf("row %d has %d synapses, want %d", i, k, c.rule.Outdegree)
				}
			}
			q, draws = 1/cand, float64(n*c.rule.Outdegree)
		case FixedTotal:
			stored := mustGenerate(t, c.rule, n, n, c.samePop, nil, nil, 11)
			if !slices.Equal(csr.Start, stored.Start) {
				t.Errorf("fixed_total: the rows' lengths differ from the stored rule's")
			}
			q, draws = 1/cand, float64(c.rule.Total)
		}
		if q == 0 || q == 1 {
			if want := int64(q * float64(n) * cand); csr.Len() != want {
				t.Errorf("%s: %d synapses, want %d", c.rule.Kind, csr.Len(), want)
			}
			continue
		}
		mean := 0.0
		for _, k := range in {
			mean += float64(k) / n
		}
		if want := draws * q; math.Abs(mean-want) > 0.01*want {
			t.Errorf("%s: in-degree mean %g, want %g", c.rule.Kind, mean, want)
		}
		if v, want := variance(in), draws*q*(1-q); math.Abs(v/want-1) > 0.23 {
			t.Errorf("%s: in-degree variance %g, want %g", c.rule.Kind, v, want)
		}
	}
}

// TestProceduralValues: weights and delays drawn per synapse have their
// law's mean and sd (uniform, normal), stay within a cut, and are the
// same for any number of threads and again when drawn row by row.
func TestProceduralValues(t *testing.T) {
	const n = 400
	for _, c := range []struct {
		v         Values
		mean, sd  float64
		low, high float64
	}{
		{Values{Shape: UniformShape, A: -1, B: 3}, 1, 4 / math.Sqrt(12), -1, 3},
		{Values{Shape: NormalShape, A: 2, B: 0.5, Low: math.Inf(-1), High: math.Inf(1)}, 2, 0.5, math.Inf(-1), math.Inf(1)},
		// A normal cut at its mean: the half-normal's mean σ√(2/π).
		{Values{Shape: NormalShape, A: 0, B: 1, Low: 0, High: math.Inf(1)}, math.Sqrt(2 / math.Pi), math.Sqrt(1 - 2/math.Pi), 0, math.Inf(1)},
	} {
		p := mustProcedural(t, Rule{Kind: FixedProbability, P: 0.2}, n, n, false, c.v, c.v)
		csr, w, d := p.Build(n)
		if int64(len(w)) != csr.Len() || len(d) != len(w) {
			t.Fatalf("%d synapses, %d weights, %d delays", csr.Len(), len(w), len(d))
		}
		var sum, sq float64
		for _, x := range w {
			if x < c.low || x > c.high {
				t.Fatalf("%+v: a value %g outside [%g, %g]", c.v, x, c.low, c.high)
			}
			sum += x
			sq += x * x
		}
		m := sum / float64(len(w))
		sd := math.Sqrt(sq/float64(len(w)) - m*m)
		if se := c.sd / math.Sqrt(float64(len(w))); math.Abs(m-c.mean) > 5*se || math.Abs(sd/c.sd-1) > 0.02 {
			t.Errorf("%+v: mean %g sd %g, want %g and %g", c.v, m, sd, c.mean, c.sd)
		}
		if slices.Equal(w, d) {
			t.Errorf("%+v: weights and delays drew the same numbers", c.v)
		}
		was := runtime.GOMAXPROCS(1)
		csr1, w1, _ := p.Build(n)
		runtime.GOMAXPROCS(was)
		if !slices.Equal(csr1.Target, csr.Target) || !slices.Equal(w1, w) {
			t.Errorf("%+v: one thread draws other rows", c.v)
		}
		tg, wr, _ := p.Row(n/2, nil, nil, nil)
		s := csr.Start[n/2]
		if !slices.Equal(tg, csr.Row(n/2)) || !slices.Equal(wr, w[s:s+int64(len(tg))]) {
			t.Errorf("%+v: row %d drawn alone differs", c.v, n/2)
		}
	}
}

// TestProceduralRefused: the rules whose rows are not independent, and
// fixed_outdegree or fixed_total without replacement, cannot be
// procedural, and say so.
func TestProceduralRefused(t *testing.T) {
	for _, c := range []struct {
		rule Rule
		want string
	}{
		{Rule{Kind: FixedIndegree, Indegree: 10}, "fixed_indegree cannot be procedural"},
		{Rule{Kind: AllToAll}, "all_to_all cannot be procedural"},
		{Rule{Kind: SmallWorld, K: 4, Beta: 0.1}, "small_world cannot be procedural"},
		{Rule{Kind: FixedOutdegree, Outdegree: 10}, "set multapses = true"},
		{Rule{Kind: FixedTotal, Total: 10}, "set multapses = true"},
		{Rule{Kind: FixedProbability, P: 1.5}, "must be a probability"},
	} {
		_, err := NewProcedural(c.rule, 100, 100, true, 1, Values{}, Values{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.rule.Kind, err, c.want)
		}
	}
}
