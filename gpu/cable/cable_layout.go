package cable

import (
	"fmt"
	"slices"

	"neurite/compartments"
)

// Layout is how a Cable lays its cells out on the device.
type Layout int

const (
	// LayoutAuto chooses: a work group per cell where the cells are too
	// few to fill the device's lanes and large enough to share out.
	LayoutAuto Layout = iota
	// LayoutLanes runs one cell per invocation (cable.comp).
	LayoutLanes
	// LayoutTeam runs one cell per work group (cable_team.comp).
	LayoutTeam
)

func (l Layout) String() string {
	return [...]string{"auto", "one cell per invocation", "one cell per work group"}[l]
}

// String says how the engine lays the cells out, e.g. "one cell per work
// group of 64 invocations".
func (e *Cable) String() string {
	if e.team > 0 {
		return fmt.Sprintf("one cell per work group of %d invocations", e.team)
	}
	return fmt.Sprintf("one cell per invocation, %d to a work group", e.group)
}

// Layout reports the layout the engine chose.
func (e *Cable) Layout() Layout {
	if e.team > 0 {
		return LayoutTeam
	}
	return LayoutLanes
}

// The automatic layout gives a cell a work group when it has at least
// teamCellNodes nodes, enough to share out, and the cells are too few to
// keep the device busy one to an invocation: fewer than a thousand on a
// GPU, which needs thousands of invocations in flight; on llvmpipe, fewer
// than the eight lanes of a core (BenchmarkCable: with 100 cells one to
// an invocation runs 1.6 times as fast as a work group each, with 10 the
// same).
const teamCellNodes = 1000

// teamMechNodes is teamCellNodes for cells with NMODL mechanisms, whose
// work a node is many times hh's: the Hay cell's 49 compartments run 2.2
// times as fast as a work group of eight on llvmpipe as in one invocation
// (BenchmarkHayCell).
const teamMechNodes = 32

// numberLanes interleaves the cells of each work group: node k of the
// cell in lane l of group g at slot (g·perCell + k)·group + l, so that a
// group's lanes read neighbouring words and a group's cells lie together.
// A cell's nodes are numbered breadth first (k), so that every node's
// children are numbered consecutively after it, as the sweeps need:
// compartments.Build numbers nodes so already, an imported morphology
// need not.
func (e *Cable) numberLanes() {
	p := e.plan
	e.local = make([]int32, len(p.Nodes))
	e.slot = make([]int, len(p.Nodes))
	children := make([][]int, len(p.Nodes))
	for i, par := range p.Parent {
		if par >= 0 {
			children[par] = append(children[par], i)
		}
	}
	for ci, c := range p.Cells {
		g, l := ci/e.group, ci%e.group
		queue := []int{c.First}
		for k := 0; k < len(queue); k++ {
			i := queue[k]
			queue = append(queue, children[i]...)
			e.local[i] = int32(k)
			e.slot[i] = (g*e.perCell+k)*e.group + l
		}
	}
	e.slots = (len(p.Cells) + e.group - 1) / e.group * e.group * e.perCell
}

// cutBranches numbers each cell's nodes branch by branch, cell c's at
// slots from c·perCell, and builds the tree buffer.
func (e *Cable) cutBranches() {
	p := e.plan
	e.local = make([]int32, len(p.Nodes))
	e.slot = make([]int, len(p.Nodes))
	e.trees = make([]branchTree, len(p.Cells))
	w := make([]int32, len(p.Cells))
	for ci, c := range p.Cells {
		parent := make([]int32, c.End-c.First)
		for i := c.First; i < c.End; i++ {
			parent[i-c.First] = -1
			if par := p.Parent[i]; par >= 0 {
				parent[i-c.First] = par - int32(c.First)
			}
		}
		t := newBranchTree(parent)
		e.trees[ci] = t
		for i := c.First; i < c.End; i++ {
			e.local[i] = t.local[i-c.First]
			e.slot[i] = ci*e.perCell + int(e.local[i])
		}
		w[ci] = int32(len(w))
		w = t.record(w, len(w))
	}
	e.treeWords = w
	e.slots = len(p.Cells) * e.perCell
}

// countLoops counts, for each cell, the loop iterations its busiest
// invocation makes in a step.
func (e *Cable) countLoops() {
	p := e.plan
	per := make([]int, len(p.Cells))   // the cell's own work: invocation 0 in a team
	solve := make([]int, len(p.Cells)) // the nodes: shared out in a team
	for ci, c := range p.Cells {
		solve[ci] = 4 * e.perCell // the sweeps, and a pass of each node's loop over its children
		if e.team > 0 {
			solve[ci] = 2*((c.End-c.First+e.team-1)/e.team+1) + e.trees[ci].loops(e.team)
		}
		// Every loop's last pass counts too, even a loop of no iterations:
		// a step has about ten besides the solve's.
		per[ci] = 16
		if p.Method != compartments.CrankNicolson {
			continue
		}
		// The algebraic nodes: twice each, their neighbours' loop and
		// once each neighbour.
		for _, a := range p.AlgebraicNodes(c) {
			per[ci] += 3 + len(a.Nbrs)
		}
	}
	for _, s := range p.Syns {
		per[s.Cell] += 3
	}
	for _, c := range p.IClamps {
		per[c.Cell] += 2
	}
	for _, pr := range p.Probes {
		per[pr.Cell]++
	}
	for ci := range per {
		per[ci] += solve[ci]
		if e.mechs != nil {
			per[ci] += e.mechs.loops(p, e.perCell, ci, max(1, e.team))
		}
	}
	e.perStep = per
	if e.evSteps == nil {
		e.evSteps = make([][]int, len(p.Cells))
	}
}

// budgetSteps shortens a chunk starting at from so that no invocation
// exceeds the loop budget, events included.
func (e *Cable) budgetSteps(from, steps int64) int64 {
	// events in steps [from, from+steps) of a cell's sorted steps
	within := func(of [][]int, ci int, steps int64) int64 {
		if of == nil {
			return 0
		}
		lo, _ := slices.BinarySearch(of[ci], int(from))
		hi, _ := slices.BinarySearch(of[ci], int(from+steps))
		return int64(hi - lo)
	}
	for ci, per := range e.perStep {
		perInput := 0
		if e.mechs != nil && e.mechs.points != nil {
			_, perInput = e.mechs.points.loops(ci)
		}
		for steps > 1 {
			events := within(e.evSteps, ci, steps) + int64(perInput)*within(e.inputSteps, ci, steps)
			if events+steps*int64(per) <= int64(e.loopBudget) {
				break
			}
			steps = max(1, min(steps-1, (int64(e.loopBudget)-events)/int64(per)))
		}
	}
	return steps
}
