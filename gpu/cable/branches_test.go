package cable

import (
	"slices"
	"testing"
)

func TestBranchTree(t *testing.T) {
	for _, c := range []struct {
		name     string
		parent   []int32
		branches int
		heights  int
		longest  int // nodes on the longest branch
	}{
		{"one node", []int32{-1}, 1, 1, 1},
		{"chain", []int32{-1, 0, 1, 2}, 1, 1, 4},
		{"fork at the end", []int32{-1, 0, 1, 1, 3, 2}, 3, 2, 2},
		// Node 1 has two children: the chain 0-1 ends there, though the
		// section it was cut from goes on.
		{"fork mid-section", []int32{-1, 0, 1, 2, 1, 4}, 3, 2, 2},
		{"star", []int32{-1, 0, 0, 0, 0, 1, 2, 3, 4}, 5, 2, 2},
		{"two levels", []int32{-1, 0, 0, 1, 1, 2, 2}, 7, 3, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := newBranchTree(c.parent)
			if len(tr.first) != c.branches || tr.heights() != c.heights {
				t.Fatalf("%d branches in %d heights, want %d in %d", len(tr.first), tr.heights(), c.branches, c.heights)
			}
			// The numbering is a permutation with the root first and every
			// parent before its children.
			seen := make([]bool, len(c.parent))
			for i, k := range tr.local {
				seen[k] = true
				if p := c.parent[i]; p >= 0 && tr.local[p] >= k {
					t.Errorf("node %d (number %d) comes before its parent %d (number %d)", i, k, p, tr.local[p])
				}
			}
			if slices.Contains(seen, false) || tr.local[0] != 0 {
				t.Fatalf("numbering %v", tr.local)
			}
			// Each branch is a run of numbers, each node's parent the one
			// before it; its forks start branches whose parent is its last
			// node, of lower height.
			parentOf := make([]int32, len(c.parent))
			for i, p := range c.parent {
				parentOf[tr.local[i]] = -1
				if p >= 0 {
					parentOf[tr.local[i]] = tr.local[p]
				}
			}
			heightOf := func(b int) int {
				for h := range tr.heights() {
					if b < tr.bounds[h+1] {
						return h
					}
				}
				return -1
			}
			longest := 0
			for b := range tr.first {
				for k := tr.first[b] + 1; k <= tr.last[b]; k++ {
					if parentOf[k] != k-1 {
						t.Errorf("branch %d: node %d's parent is %d", b, k, parentOf[k])
					}
				}
				longest = max(longest, int(tr.last[b]-tr.first[b]+1))
				for _, kid := range tr.kids[b] {
					kb := slices.Index(tr.first, kid)
					if parentOf[kid] != tr.last[b] || heightOf(kb) >= heightOf(b) {
						t.Errorf("branch %d forks into %d (height %d, its own %d)", b, kb, heightOf(kb), heightOf(b))
					}
				}
			}
			if longest != c.longest {
				t.Errorf("longest branch %d nodes, want %d", longest, c.longest)
			}
		})
	}
}
