package connect

import (
	"os"
	"path/filepath"
	"testing"
)

// mustGenerate is Generate that fails the test on an error.
func mustGenerate(t testing.TB, r Rule, nPre, nPost int, samePop bool, pre, post []Pos, seed uint64) *CSR {
	t.Helper()
	c, err := Generate(r, nPre, nPost, samePop, pre, post, seed)
	if err != nil {
		t.Fatalf("%s: %v", r.Kind, err)
	}
	checkShape(t, c, nPre, nPost)
	return c
}

// checkShape checks the CSR invariants: Start runs from 0 to len(Target)
// without decreasing, targets are in range and sorted within rows.
func checkShape(t testing.TB, c *CSR, nPre, nPost int) {
	t.Helper()
	if len(c.Start) != nPre+1 || c.Start[0] != 0 || c.Start[nPre] != c.Len() {
		t.Fatalf("Start has %d entries from %d to %d for %d rows and %d synapses", len(c.Start), c.Start[0], c.Start[len(c.Start)-1], nPre, c.Len())
	}
	for i := range nPre {
		if c.Start[i+1] < c.Start[i] {
			t.Fatalf("row %d ends before it starts", i)
		}
		row := c.Row(i)
		for s, j := range row {
			if int(j) >= nPost {
				t.Fatalf("row %d reaches neuron %d of %d", i, j, nPost)
			}
			if s > 0 && row[s-1] > j {
				t.Fatalf("row %d is not sorted: %v", i, row)
			}
		}
	}
}

// degrees counts each row's synapses and each target's.
func degrees(c *CSR, nPost int) (out, in []int) {
	out = make([]int, c.NPre())
	in = make([]int, nPost)
	for i := range out {
		out[i] = len(c.Row(i))
		for _, j := range c.Row(i) {
			in[j]++
		}
	}
	return out, in
}

// autapsesAndMultapses counts synapses of a neuron onto itself and
// repeats of a pair.
func autapsesAndMultapses(c *CSR) (aut, mult int) {
	for i := range c.NPre() {
		row := c.Row(i)
		for s, j := range row {
			if int(j) == i {
				aut++
			}
			if s > 0 && row[s-1] == j {
				mult++
			}
		}
	}
	return aut, mult
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
