package compartments

import "testing"

// TestAlgebraicNodes: on the benchmark cell (a soma whose 1-end carries
// four dendrites), every zero-area node is listed once, linked to exactly
// its parent and children with their axial conductances.
func TestAlgebraicNodes(t *testing.T) {
	cells, err := BenchmarkCells(2, 5, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(cells, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cells {
		algs := p.AlgebraicNodes(c)
		var zero []int32
		for i := c.First; i < c.End; i++ {
			if p.Cap[i] == 0 {
				zero = append(zero, int32(i))
			}
		}
		if len(zero) == 0 || len(algs) != len(zero) {
			t.Fatalf("%d algebraic nodes listed, %d nodes without capacitance", len(algs), len(zero))
		}
		for k, a := range algs {
			if a.Node != zero[k] {
				t.Fatalf("node %d listed, want %d", a.Node, zero[k])
			}
			want := map[int32]float64{}
			if par := p.Parent[a.Node]; par >= 0 {
				want[par] = p.GAxial[a.Node]
			}
			for i := c.First; i < c.End; i++ {
				if p.Parent[i] == a.Node {
					want[int32(i)] = p.GAxial[i]
				}
			}
			if len(a.Nbrs) != len(want) {
				t.Errorf("node %d: %d neighbours, want %d", a.Node, len(a.Nbrs), len(want))
			}
			for _, l := range a.Nbrs {
				if g, ok := want[l.Node]; !ok || g != l.G || !(g > 0) {
					t.Errorf("node %d: link to %d with %g µS, want %v", a.Node, l.Node, l.G, want)
				}
			}
		}
	}
}
