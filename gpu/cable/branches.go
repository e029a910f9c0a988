package cable

import (
	"cmp"
	"slices"
)

// branchTree is a cell cut into branches for cable_team.comp: chains of
// nodes that end where the tree forks or stops. Branches are listed by
// height (0 for a branch that ends at a tip, else one more than the
// highest branch forking from its end), so that a height's branches can
// be eliminated at once when the lower heights are done; nodes are
// numbered branch by branch from the root, each branch from its proximal
// end.
type branchTree struct {
	local       []int32 // node (counted from the cell's first) → its number
	bounds      []int   // branches of height h: [bounds[h], bounds[h+1])
	first, last []int32 // each branch's first and last node numbers
	kids        [][]int32
}

// newBranchTree cuts a cell whose nodes' parents (counted from its first
// node, -1 for the root) come before them.
func newBranchTree(parent []int32) branchTree {
	n := len(parent)
	children := make([][]int32, n)
	for i, p := range parent {
		if p >= 0 {
			children[p] = append(children[p], int32(i))
		}
	}
	// Walk the chains breadth first from the root: a branch's parent comes
	// before it.
	type branch struct {
		nodes  []int32
		kids   []int // branch indices
		height int
	}
	var bs []branch
	starts := []int32{0}
	startOf := []int{-1} // the branch each start forks from
	for q := 0; q < len(starts); q++ {
		node := starts[q]
		b := branch{nodes: []int32{node}}
		for len(children[node]) == 1 {
			node = children[node][0]
			b.nodes = append(b.nodes, node)
		}
		for _, k := range children[node] {
			starts = append(starts, k)
			startOf = append(startOf, q)
		}
		bs = append(bs, b)
		if up := startOf[q]; up >= 0 {
			bs[up].kids = append(bs[up].kids, q)
		}
	}
	for q := len(bs) - 1; q >= 0; q-- {
		for _, k := range bs[q].kids {
			bs[q].height = max(bs[q].height, bs[k].height+1)
		}
	}
	order := make([]int, len(bs)) // branch table position → branch
	for q := range order {
		order[q] = q
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(bs[a].height, bs[b].height) })
	t := branchTree{local: make([]int32, n)}
	// Number the nodes from the root branch (the highest, last in order).
	next := int32(0)
	for q := len(order) - 1; q >= 0; q-- {
		for _, node := range bs[order[q]].nodes {
			t.local[node] = next
			next++
		}
	}
	t.bounds = []int{0}
	for q, bi := range order {
		b := bs[bi]
		for len(t.bounds)-1 <= b.height {
			t.bounds = append(t.bounds, q)
		}
		t.bounds[b.height+1] = q + 1
		t.first = append(t.first, t.local[b.nodes[0]])
		t.last = append(t.last, t.local[b.nodes[len(b.nodes)-1]])
		var kids []int32
		for _, k := range b.kids {
			kids = append(kids, t.local[bs[k].nodes[0]])
		}
		t.kids = append(t.kids, kids)
	}
	return t
}

// heights is the number of heights, the steps of the solve's two sweeps.
func (t branchTree) heights() int { return len(t.bounds) - 1 }

// record appends the tree as cable_team.comp reads it, placed at offset
// base of the tree buffer, with its forks listed after it.
func (t branchTree) record(w []int32, base int) []int32 {
	nb := len(t.first)
	w = append(w, int32(len(t.local)), int32(t.heights()))
	for _, b := range t.bounds {
		w = append(w, int32(b))
	}
	kid := base + 2 + len(t.bounds) + 4*nb
	for b := range nb {
		w = append(w, t.first[b], t.last[b], int32(kid), int32(kid+len(t.kids[b])))
		kid += len(t.kids[b])
	}
	for _, ks := range t.kids {
		w = append(w, ks...)
	}
	return w
}

// loops returns the most loop iterations an invocation of a team of size
// team makes in the two sweeps of a step, counting the last pass of each
// loop (llvmpipe does): for each height, the height's and the branches'
// loops in both sweeps; for each of its branches, a pass of each sweep,
// the forks and the nodes (twice), each loop passed once more.
func (t branchTree) loops(team int) int {
	per := make([]int, team)
	for h := range t.heights() {
		for q := t.bounds[h]; q < t.bounds[h+1]; q++ {
			lid := (q - t.bounds[h]) % team
			per[lid] += 5 + len(t.kids[q]) + 2*int(t.last[q]-t.first[q]+1)
		}
	}
	return slices.Max(per) + 4*t.heights()
}
