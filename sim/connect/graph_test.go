package connect

import (
	"math"
	"slices"
	"testing"
)

// undirected is the graph's adjacency with directions forgotten.
func undirected(c *CSR) []map[int]bool {
	adj := make([]map[int]bool, c.NPre())
	for i := range adj {
		adj[i] = map[int]bool{}
	}
	for i := range adj {
		for _, j := range c.Row(i) {
			adj[i][int(j)], adj[j][i] = true, true
		}
	}
	return adj
}

// clustering is the mean local clustering coefficient.
func clustering(adj []map[int]bool) float64 {
	var sum float64
	for _, nb := range adj {
		ks := make([]int, 0, len(nb))
		for j := range nb {
			ks = append(ks, j)
		}
		if len(ks) < 2 {
			continue
		}
		var links int
		for a := range ks {
			for b := a + 1; b < len(ks); b++ {
				if adj[ks[a]][ks[b]] {
					links++
				}
			}
		}
		sum += float64(links) / float64(len(ks)*(len(ks)-1)/2)
	}
	return sum / float64(len(adj))
}

// pathLength is the mean shortest path length from every 50th neuron.
func pathLength(adj []map[int]bool) float64 {
	var sum, count float64
	for src := 0; src < len(adj); src += 50 {
		d := make([]int, len(adj))
		for i := range d {
			d[i] = -1
		}
		d[src] = 0
		queue := []int{src}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for w := range adj[v] {
				if d[w] < 0 {
					d[w] = d[v] + 1
					sum += float64(d[w])
					count++
					queue = append(queue, w)
				}
			}
		}
	}
	return sum / count
}

// TestSmallWorld checks that beta = 0 is the ring lattice, and that
// rewiring shortens paths long before it destroys clustering.
func TestSmallWorld(t *testing.T) {
	const n, k = 1000, 10
	lattice := mustGenerate(t, Rule{Kind: SmallWorld, K: k}, n, n, true, nil, nil, 1)
	for i := range n {
		var want []uint32
		for d := 1; d <= k/2; d++ {
			want = append(want, uint32((i+d)%n), uint32((i-d+n)%n))
		}
		slices.Sort(want)
		if !slices.Equal(lattice.Row(i), want) {
			t.Fatalf("beta 0: neuron %d reaches %v, want %v", i, lattice.Row(i), want)
		}
	}
	measure := func(beta float64) (c, l float64) {
		g := mustGenerate(t, Rule{Kind: SmallWorld, K: k, Beta: beta}, n, n, true, nil, nil, 1)
		out, _ := degrees(g, n)
		for i, d := range out {
			if d != k {
				t.Fatalf("beta %g: neuron %d has out-degree %d, want %d", beta, i, d, k)
			}
		}
		if aut, mult := autapsesAndMultapses(g); aut+mult > 0 {
			t.Fatalf("beta %g: %d autapses, %d multapses", beta, aut, mult)
		}
		adj := undirected(g)
		return clustering(adj), pathLength(adj)
	}
	c0, l0 := measure(0)
	c1, l1 := measure(0.1)
	cr, lr := measure(1)
	t.Logf("clustering %.3f %.3f %.3f, path length %.1f %.1f %.1f (beta 0, 0.1, 1)", c0, c1, cr, l0, l1, lr)
	if want := 3.0 * (k - 2) / (4 * (k - 1)); math.Abs(c0-want) > 1e-9 {
		t.Errorf("beta 0: clustering %g, want the lattice's %g", c0, want)
	}
	if l0 < 40 {
		t.Errorf("beta 0: mean path %g, want about n/2k = 50", l0)
	}
	if c1 < 0.5*c0 || l1 > 0.2*l0 {
		t.Errorf("beta 0.1: clustering %g (lattice %g) should stay high and path %g (lattice %g) fall", c1, c0, l1, l0)
	}
	if cr > 0.05 || lr > l1 {
		t.Errorf("beta 1: clustering %g should be near k/n and path %g the shortest", cr, lr)
	}
}

// TestScaleFree checks that links go both ways without repeats, the mean
// degree is 2m, and the largest degree is far above it (a heavy tail),
// unlike a random graph of the same mean.
func TestScaleFree(t *testing.T) {
	const n, m = 5000, 3
	g := mustGenerate(t, Rule{Kind: ScaleFree, M: m}, n, n, true, nil, nil, 4)
	if aut, mult := autapsesAndMultapses(g); aut+mult > 0 {
		t.Fatalf("%d autapses, %d multapses", aut, mult)
	}
	out, in := degrees(g, n)
	if !slices.Equal(out, in) {
		t.Fatal("in- and out-degrees differ")
	}
	for i := range n {
		for _, j := range g.Row(i) {
			if _, found := slices.BinarySearch(g.Row(int(j)), uint32(i)); !found {
				t.Fatalf("%d -> %d has no synapse back", i, j)
			}
		}
	}
	mean := float64(g.Len()) / n
	if want := 2.0 * m * (n - m) / n; math.Abs(mean-want) > 1e-9 {
		t.Fatalf("mean degree %g, want %g", mean, want)
	}
	random := mustGenerate(t, Rule{Kind: FixedProbability, P: mean / n}, n, n, true, nil, nil, 4)
	rOut, _ := degrees(random, n)
	t.Logf("largest degree %d (random graph of the same mean: %d), mean %g", slices.Max(out), slices.Max(rOut), mean)
	if float64(slices.Max(out)) < 10*mean || slices.Max(out) < 5*slices.Max(rOut) {
		t.Errorf("largest degree %d is not far above the mean %g (random graph: %d)", slices.Max(out), mean, slices.Max(rOut))
	}
}

// TestDistance checks the connection probability at distances of 1 to 4
// grid steps against the kernel (5 binomial sigma), and that periodic
// wrapping connects the neurons across the edges of a sheet.
func TestDistance(t *testing.T) {
	const nx, ny, step = 40, 40, 10.0
	pos := Sheet(nx, ny, step)
	cases := []struct {
		name   string
		r      Rule
		kernel func(d float64) float64
	}{
		{"gaussian", Rule{Kind: Distance, Kernel: Gaussian, Scale: 20, PMax: 0.8},
			func(d float64) float64 { return 0.8 * math.Exp(-d*d/800) }},
		{"exponential", Rule{Kind: Distance, Kernel: Exponential, Scale: 15, PMax: 0.9},
			func(d float64) float64 { return 0.9 * math.Exp(-d/15) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, periodic := range []bool{false, true} {
				r := c.r
				r.Periodic = periodic
				g := mustGenerate(t, r, nx*ny, nx*ny, true, pos, pos, 9)
				connected := func(i, j int) bool {
					_, ok := slices.BinarySearch(g.Row(i), uint32(j))
					return ok
				}
				last := 1.0
				for s := 1; s <= 4; s++ {
					// Pairs s steps apart along x, not across the edge.
					var hits, pairs int
					for y := range ny {
						for x := 0; x+s < nx; x++ {
							pairs++
							if connected(y*nx+x, y*nx+x+s) {
								hits++
							}
						}
					}
					p := c.kernel(float64(s) * step)
					frac := float64(hits) / float64(pairs)
					if sd := math.Sqrt(p * (1 - p) / float64(pairs)); math.Abs(frac-p) > 5*sd {
						t.Errorf("periodic %v, %g µm: connected %.3f, want %.3f ± %.3f", periodic, float64(s)*step, frac, p, 5*sd)
					}
					if frac >= last {
						t.Errorf("periodic %v: probability %g at %g µm does not fall", periodic, frac, float64(s)*step)
					}
					last = frac
				}
				// Pairs across the edge: first and last of each row, one
				// step apart on the torus.
				var across int
				for y := range ny {
					if connected(y*nx, y*nx+nx-1) {
						across++
					}
				}
				p := c.kernel(step)
				switch {
				case !periodic && across > 0:
					t.Errorf("not periodic: %d pairs connected across the sheet", across)
				case periodic && math.Abs(float64(across)-p*ny) > 5*math.Sqrt(p*(1-p)*ny):
					t.Errorf("periodic: %d of %d pairs across the edge connected, want about %.0f", across, ny, p*ny)
				}
			}
		})
	}
	if _, err := Generate(cases[0].r, 10, 10, true, nil, nil, 1); err == nil {
		t.Error("distance without positions gave no error")
	}
}
