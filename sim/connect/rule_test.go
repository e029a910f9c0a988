package connect

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestCheckErrors(t *testing.T) {
	cases := []struct {
		name        string
		r           Rule
		nPre, nPost int
		samePop     bool
		want        string
	}{
		{"p above 1", Rule{Kind: FixedProbability, P: 1.5}, 10, 10, false, "p (1.5) must be a probability, between 0 and 1"},
		{"p negative", Rule{Kind: FixedProbability, P: -0.1}, 10, 10, false, "p (-0.1) must be a probability"},
		{"p NaN", Rule{Kind: FixedProbability, P: math.NaN()}, 10, 10, false, "must be a probability"},
		{"indegree too high", Rule{Kind: FixedIndegree, Indegree: 900, From: "E", To: "I"}, 800, 200, false,
			"fixed_indegree 900 is more than the 800 neurons of E; allow multapses or lower it"},
		{"indegree too high without autapses", Rule{Kind: FixedIndegree, Indegree: 800, From: "E", To: "E"}, 800, 800, true,
			"fixed_indegree 800 is more than the 799 other neurons of E (autapses are off)"},
		{"outdegree too high", Rule{Kind: FixedOutdegree, Outdegree: 300, From: "E", To: "I"}, 800, 200, false,
			"fixed_outdegree 300 is more than the 200 neurons of I"},
		{"indegree from nobody", Rule{Kind: FixedIndegree, Indegree: 2, Multapses: true, From: "E"}, 1, 1, true,
			"fixed_indegree 2: E has no neuron to connect to"},
		{"outdegree to nobody", Rule{Kind: FixedOutdegree, Outdegree: 2, Multapses: true, To: "I"}, 5, 0, false,
			"fixed_outdegree 2: I has no neuron to connect to"},
		{"negative indegree", Rule{Kind: FixedIndegree, Indegree: -1}, 8, 8, false, "must not be negative"},
		{"total too high", Rule{Kind: FixedTotal, Total: 101, From: "A", To: "B"}, 10, 10, false,
			"fixed_total 101 is more than the 100 distinct pairs from A to B; allow multapses"},
		{"one_to_one sizes", Rule{Kind: OneToOne, From: "A", To: "B"}, 10, 12, false, "one_to_one needs populations of one size: A has 10 neurons and B 12"},
		{"one_to_one onto itself", Rule{Kind: OneToOne, From: "A"}, 10, 10, true, "set autapses = true"},
		{"small_world odd k", Rule{Kind: SmallWorld, K: 3}, 10, 10, true, "small_world k (3) must be even"},
		{"small_world k too big", Rule{Kind: SmallWorld, K: 10}, 10, 10, true, "must be below the 10 neurons"},
		{"small_world two populations", Rule{Kind: SmallWorld, K: 2}, 10, 10, false, "same population"},
		{"small_world beta", Rule{Kind: SmallWorld, K: 2, Beta: 2}, 10, 10, true, "beta (2) must be a probability"},
		{"scale_free m", Rule{Kind: ScaleFree, M: 10}, 10, 10, true, "scale_free m (10) must be at least 1 and below the 10 neurons"},
		{"scale_free two populations", Rule{Kind: ScaleFree, M: 1}, 10, 10, false, "same population"},
		{"distance scale", Rule{Kind: Distance, Scale: 0, PMax: 1}, 10, 10, false, "distance scale (0 µm) must be a positive length"},
		{"distance p_max", Rule{Kind: Distance, Scale: 1, PMax: 2}, 10, 10, false, "p_max (2) must be a probability"},
		{"csv without pairs", Rule{Kind: Explicit}, 10, 10, false, "needs a file of pairs"},
		{"same population sizes", Rule{Kind: AllToAll}, 10, 12, true, "one size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Check(c.nPre, c.nPost, c.samePop)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if _, gerr := Generate(c.r, c.nPre, c.nPost, c.samePop, nil, nil, 1); gerr == nil {
				t.Fatal("Generate accepted what Check refuses")
			}
		})
	}
	ok := []Rule{
		{Kind: FixedIndegree, Indegree: 900, Multapses: true},
		{Kind: FixedIndegree, Indegree: 800, Autapses: true},
		{Kind: FixedTotal, Total: 1000, Multapses: true},
		{Kind: FixedProbability, P: 0},
		{Kind: FixedProbability, P: 1},
	}
	for _, r := range ok {
		if err := r.Check(800, 800, true); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

func TestKindNames(t *testing.T) {
	for _, name := range Names() {
		k, ok := ParseKind(name)
		if !ok || k.String() != name {
			t.Errorf("%q parses to %v, %v", name, k, ok)
		}
	}
	if _, ok := ParseKind("random"); ok {
		t.Error("an unknown rule name parsed")
	}
	for _, k := range []Kernel{Gaussian, Exponential} {
		if got, ok := ParseKernel(k.String()); !ok || got != k {
			t.Errorf("kernel %v parses to %v, %v", k, got, ok)
		}
	}
	if _, ok := ParseKernel("box"); ok {
		t.Error("an unknown kernel name parsed")
	}
}

// TestFixedCounts checks the exact counts of the fixed rules, and that
// autapses and multapses appear only when allowed.
func TestFixedCounts(t *testing.T) {
	const nPre, nPost = 300, 200
	cases := []struct {
		name    string
		r       Rule
		samePop bool
	}{
		{"indegree", Rule{Kind: FixedIndegree, Indegree: 50}, false},
		{"indegree all", Rule{Kind: FixedIndegree, Indegree: nPre}, false},
		{"indegree self", Rule{Kind: FixedIndegree, Indegree: 199}, true},
		{"indegree multapses", Rule{Kind: FixedIndegree, Indegree: 400, Multapses: true}, false},
		{"indegree autapses", Rule{Kind: FixedIndegree, Indegree: 200, Autapses: true}, true},
		{"outdegree", Rule{Kind: FixedOutdegree, Outdegree: 30}, false},
		{"outdegree self", Rule{Kind: FixedOutdegree, Outdegree: 199}, true},
		{"outdegree multapses", Rule{Kind: FixedOutdegree, Outdegree: 500, Multapses: true}, true},
		{"total", Rule{Kind: FixedTotal, Total: 12345, Multapses: true}, false},
		{"total self", Rule{Kind: FixedTotal, Total: 12345, Multapses: true}, true},
		{"total distinct dense", Rule{Kind: FixedTotal, Total: 30000}, false},
		{"total distinct sparse", Rule{Kind: FixedTotal, Total: 500}, true},
		{"total distinct all", Rule{Kind: FixedTotal, Total: 200 * 199}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := nPre
			if c.samePop {
				n = nPost
			}
			csr := mustGenerate(t, c.r, n, nPost, c.samePop, nil, nil, 7)
			out, in := degrees(csr, nPost)
			switch c.r.Kind {
			case FixedIndegree:
				for j, d := range in {
					if d != c.r.Indegree {
						t.Fatalf("neuron %d has in-degree %d, want %d", j, d, c.r.Indegree)
					}
				}
			case FixedOutdegree:
				for i, d := range out {
					if d != c.r.Outdegree {
						t.Fatalf("neuron %d has out-degree %d, want %d", i, d, c.r.Outdegree)
					}
				}
			case FixedTotal:
				if csr.Len() != c.r.Total {
					t.Fatalf("%d synapses, want %d", csr.Len(), c.r.Total)
				}
			}
			aut, mult := autapsesAndMultapses(csr)
			if c.samePop && !c.r.Autapses && aut > 0 {
				t.Errorf("%d autapses with autapses off", aut)
			}
			if c.r.Autapses && aut == 0 {
				t.Errorf("no autapse with autapses on and every neuron reaching every other")
			}
			if !c.r.Multapses && mult > 0 {
				t.Errorf("%d multapses with multapses off", mult)
			}
			if c.r.Multapses && mult == 0 {
				t.Errorf("no multapse with multapses on and more synapses than pairs per neuron")
			}
		})
	}
}

func TestAllToAllAndOneToOne(t *testing.T) {
	c := mustGenerate(t, Rule{Kind: AllToAll}, 5, 5, true, nil, nil, 1)
	if c.Len() != 20 || !slices.Equal(c.Row(2), []uint32{0, 1, 3, 4}) {
		t.Fatalf("all_to_all within 5 neurons: %d synapses, row 2 %v", c.Len(), c.Row(2))
	}
	c = mustGenerate(t, Rule{Kind: AllToAll, Autapses: true}, 5, 5, true, nil, nil, 1)
	if c.Len() != 25 {
		t.Fatalf("all_to_all with autapses: %d synapses", c.Len())
	}
	c = mustGenerate(t, Rule{Kind: OneToOne}, 4, 4, false, nil, nil, 1)
	if !slices.Equal(c.Target, []uint32{0, 1, 2, 3}) || !slices.Equal(c.Start, []int64{0, 1, 2, 3, 4}) {
		t.Fatalf("one_to_one: %+v", c)
	}
}

// TestFixedProbability checks the synapse count against its binomial
// spread (5 sigma), and that no pair repeats.
func TestFixedProbability(t *testing.T) {
	cases := []struct {
		p       float64
		samePop bool
	}{{0.02, false}, {0.5, true}, {0.95, true}, {0, false}, {1, true}}
	const n = 1000
	for _, c := range cases {
		csr := mustGenerate(t, Rule{Kind: FixedProbability, P: c.p}, n, n, c.samePop, nil, nil, 3)
		pairs := float64(n * n)
		if c.samePop {
			pairs -= n
		}
		mean, sd := c.p*pairs, math.Sqrt(pairs*c.p*(1-c.p))
		if got := float64(csr.Len()); math.Abs(got-mean) > 5*sd {
			t.Errorf("p %g: %g synapses, want %g ± %g", c.p, got, mean, 5*sd)
		}
		if aut, mult := autapsesAndMultapses(csr); mult > 0 || (c.samePop && aut > 0) {
			t.Errorf("p %g: %d autapses, %d multapses", c.p, aut, mult)
		}
		// Out- and in-degrees are binomial: their variance is
		// n·p·(1−p) (the sample variance of 1000 has a relative sd of
		// 4.5%; allow 5 of them).
		if c.p > 0 && c.p < 1 {
			out, in := degrees(csr, n)
			cand := float64(n)
			if c.samePop {
				cand--
			}
			want := cand * c.p * (1 - c.p)
			for side, d := range map[string][]int{"out": out, "in": in} {
				if v := variance(d); math.Abs(v/want-1) > 0.23 {
					t.Errorf("p %g: %s-degree variance %g, want %g", c.p, side, v, want)
				}
			}
		}
	}
}

// TestDeterminism builds every rule with 1 and 4 threads: the same seed
// gives the same CSR, another seed another.
func TestDeterminism(t *testing.T) {
	const n = 2000
	pos := Sheet(50, 40, 10)
	pairs := &Pairs{File: "p.csv", Pre: []uint32{3, 1, 2}, Post: []uint32{1, 2, 0}, Lines: []int{2, 3, 4}}
	rules := []Rule{
		{Kind: AllToAll},
		{Kind: OneToOne, Autapses: true},
		{Kind: FixedProbability, P: 0.05},
		{Kind: FixedIndegree, Indegree: 40},
		{Kind: FixedOutdegree, Outdegree: 40},
		{Kind: FixedTotal, Total: 50000, Multapses: true},
		{Kind: FixedTotal, Total: 50000},
		{Kind: SmallWorld, K: 10, Beta: 0.2},
		{Kind: ScaleFree, M: 3},
		{Kind: Distance, Kernel: Gaussian, Scale: 30, PMax: 0.5, Periodic: true},
		{Kind: Explicit, Pairs: pairs},
	}
	build := func(procs int, r Rule, seed uint64) *CSR {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return mustGenerate(t, r, n, n, true, pos, pos, seed)
	}
	for _, r := range rules {
		t.Run(r.Kind.String(), func(t *testing.T) {
			a, b := build(1, r, 11), build(4, r, 11)
			if !slices.Equal(a.Start, b.Start) || !slices.Equal(a.Target, b.Target) {
				t.Fatal("1 and 4 threads built different projections")
			}
			random := r.Kind != AllToAll && r.Kind != OneToOne && r.Kind != Explicit
			if c := build(4, r, 12); random && slices.Equal(a.Target, c.Target) {
				t.Fatal("another seed built the same projection")
			}
		})
	}
}

func TestTranspose(t *testing.T) {
	const nPre, nPost = 300, 250
	c := mustGenerate(t, Rule{Kind: FixedProbability, P: 0.1, Multapses: true}, nPre, nPost, false, nil, nil, 5)
	tr, err := c.Transpose(nPost)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Start) != nPost+1 || int64(len(tr.Syn)) != c.Len() {
		t.Fatalf("transpose has %d starts and %d synapses", len(tr.Start), len(tr.Syn))
	}
	want := make([][]uint32, nPost)
	for s, j := range c.Target {
		want[j] = append(want[j], uint32(s))
	}
	for j := range nPost {
		if got := tr.Syn[tr.Start[j]:tr.Start[j+1]]; !slices.Equal(got, want[j]) {
			t.Fatalf("neuron %d: synapses %v, want %v", j, got, want[j])
		}
	}
	for k, s := range tr.Syn {
		if i := tr.Src[k]; int64(s) < c.Start[i] || int64(s) >= c.Start[i+1] {
			t.Fatalf("synapse %d is given source %d, whose row is [%d, %d)", s, i, c.Start[i], c.Start[i+1])
		}
	}
	if _, err := c.Transpose(10); err == nil {
		t.Fatal("transposing onto too few neurons gave no error")
	}
}

// TestExpected compares the estimate with the count built.
func TestExpected(t *testing.T) {
	const n = 1500
	pos := Sheet(50, 30, 10)
	rules := []Rule{
		{Kind: AllToAll},
		{Kind: OneToOne, Autapses: true},
		{Kind: FixedProbability, P: 0.05},
		{Kind: FixedIndegree, Indegree: 40},
		{Kind: FixedOutdegree, Outdegree: 40},
		{Kind: FixedTotal, Total: 5000, Multapses: true},
		{Kind: SmallWorld, K: 10, Beta: 0.2},
		{Kind: ScaleFree, M: 3},
		{Kind: Distance, Kernel: Exponential, Scale: 20, PMax: 0.8},
		{Kind: Distance, Kernel: Gaussian, Scale: 20, PMax: 0.8, Periodic: true},
	}
	for _, r := range rules {
		got := float64(mustGenerate(t, r, n, n, true, pos, pos, 2).Len())
		want := Expected(r, n, n, true, pos, pos)
		if math.Abs(got-want) > 0.03*want+5*math.Sqrt(want) {
			t.Errorf("%s: built %g synapses, expected %g", r.Kind, got, want)
		}
	}
}

// TestTinyPopulations builds every rule the checks accept on populations
// of 0 to 4 neurons, with every choice of autapses and multapses: no
// panic, a well-formed CSR, and the fixed rules' exact counts.
func TestTinyPopulations(t *testing.T) {
	for nPre := range 5 {
		for nPost := range 5 {
			for flags := range 8 {
				for k := range 6 {
					samePop := flags&4 != 0
					if samePop && nPre != nPost {
						continue
					}
					base := Rule{Autapses: flags&1 != 0, Multapses: flags&2 != 0}
					rules := []Rule{
						{Kind: AllToAll}, {Kind: OneToOne}, {Kind: FixedProbability, P: float64(k) / 5},
						{Kind: FixedIndegree, Indegree: k}, {Kind: FixedOutdegree, Outdegree: k},
						{Kind: FixedTotal, Total: int64(k)}, {Kind: SmallWorld, K: k, Beta: 0.5},
						{Kind: ScaleFree, M: k},
					}
					pre, post := Line(nPre, 1), Line(nPost, 1)
					rules = append(rules, Rule{Kind: Distance, Scale: 1, PMax: float64(k) / 5, Periodic: k%2 == 0})
					for _, r := range rules {
						r.Autapses, r.Multapses = base.Autapses, base.Multapses
						if r.Check(nPre, nPost, samePop) != nil {
							continue
						}
						c := mustGenerate(t, r, nPre, nPost, samePop, pre, post, uint64(k))
						if exp := Expected(r, nPre, nPost, samePop, pre, post); r.Kind != FixedProbability && r.Kind != Distance &&
							r.Kind != SmallWorld && float64(c.Len()) != exp {
							t.Fatalf("%s %d -> %d (%+v): %d synapses, expected %g", r.Kind, nPre, nPost, r, c.Len(), exp)
						}
					}
				}
			}
		}
	}
}

func variance(x []int) float64 {
	var sum, sum2 float64
	for _, v := range x {
		sum += float64(v)
	}
	mean := sum / float64(len(x))
	for _, v := range x {
		sum2 += (float64(v) - mean) * (float64(v) - mean)
	}
	return sum2 / float64(len(x)-1)
}
