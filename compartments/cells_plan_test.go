package compartments_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"neurite/compartments"
	"neurite/sim"
)

// TestPlanNumbering spells out the nodes of a plan of two small cells: a
// soma and dendrite, then a soma with a dendrite at either end. Nodes are
// numbered cell by cell, within a cell by depth in the tree (parents
// first), and the second cell's numbers start where the first's end.
func TestPlanNumbering(t *testing.T) {
	hh := compartments.DefaultHH()
	stick := &compartments.Cell{Name: "stick",
		Morph: cylinders(t, compartments.Cylinder{Name: "soma", L: 10, Diam: 10},
			compartments.Cylinder{Name: "dend", Parent: "soma", ParentX: 1, L: 100, Diam: 1}),
		Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &hh}, {Ra: 100, Cm: 1, Nseg: 2}},
	}
	fork := &compartments.Cell{Name: "fork",
		Morph: cylinders(t, compartments.Cylinder{Name: "soma", L: 10, Diam: 10},
			compartments.Cylinder{Name: "d1", Parent: "soma", ParentX: 1, L: 50, Diam: 1},
			compartments.Cylinder{Name: "d2", Parent: "soma", ParentX: 0, L: 50, Diam: 1}),
		Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &hh}, {Ra: 100, Cm: 1, Nseg: 1, HH: &hh}, {Ra: 100, Cm: 1, Nseg: 1}},
	}
	p, err := compartments.Build([]*compartments.Cell{stick, fork}, settings)
	if err != nil {
		t.Fatal(err)
	}
	C, E, R := compartments.Centre, compartments.End, compartments.Root
	wantNodes := []compartments.Node{
		// stick: soma(0), soma(0.5), soma(1), dend(0.25), dend(0.75), dend(1)
		{Cell: 0, Section: 0, X: 0, Kind: R}, {Cell: 0, Section: 0, X: 0.5, Kind: C}, {Cell: 0, Section: 0, X: 1, Kind: E},
		{Cell: 0, Section: 1, X: 0.25, Kind: C}, {Cell: 0, Section: 1, X: 0.75, Kind: C}, {Cell: 0, Section: 1, X: 1, Kind: E},
		// fork by depth: soma(0); soma(0.5), d2(0.5); soma(1), d2(1); d1(0.5); d1(1)
		{Cell: 1, Section: 0, X: 0, Kind: R}, {Cell: 1, Section: 0, X: 0.5, Kind: C}, {Cell: 1, Section: 2, X: 0.5, Kind: C},
		{Cell: 1, Section: 0, X: 1, Kind: E}, {Cell: 1, Section: 2, X: 1, Kind: E}, {Cell: 1, Section: 1, X: 0.5, Kind: C},
		{Cell: 1, Section: 1, X: 1, Kind: E},
	}
	wantParent := []int32{-1, 0, 1, 2, 3, 4, -1, 6, 6, 7, 8, 9, 11}
	if !slices.Equal(p.Nodes, wantNodes) || !slices.Equal(p.Parent, wantParent) {
		t.Errorf("nodes %v\nparents %v\nwant %v\nparents %v", p.Nodes, p.Parent, wantNodes, wantParent)
	}
	if c := p.Cells; c[0].First != 0 || c[0].End != 6 || c[1].First != 6 || c[1].End != 13 {
		t.Errorf("cells span [%d, %d) and [%d, %d)", c[0].First, c[0].End, c[1].First, c[1].End)
	}
	f := p.Cells[1]
	if !slices.Equal(f.Attach, []int32{6, 9, 6}) || !slices.Equal(f.EndNode, []int32{9, 12, 10}) ||
		!slices.Equal(f.SegNodes[0], []int32{7}) || !slices.Equal(f.SegNodes[1], []int32{11}) || !slices.Equal(f.SegNodes[2], []int32{8}) {
		t.Errorf("fork: attach %v, ends %v, segments %v", f.Attach, f.EndNode, f.SegNodes)
	}
	// Segments in cell, section, x order; hh where it was put, ascending.
	if !slices.Equal(p.Segments, []int32{1, 3, 4, 7, 11, 8}) || !slices.Equal(p.HHNode, []int32{1, 7, 11}) {
		t.Errorf("segments %v, hh at %v", p.Segments, p.HHNode)
	}
	// One parameter set serves the three hh instances.
	if len(p.HHParams) != 1 || !slices.Equal(p.HHSet, []int32{0, 0, 0}) {
		t.Errorf("hh sets %v of %v", p.HHSet, p.HHParams)
	}
	if got := p.SegmentName(8); got != "fork d2(0.5)" {
		t.Errorf("node 8 is named %q", got)
	}
}

// severalCells are the cells of TestSeveralCells, each made anew.
func severalCells(t *testing.T) []*compartments.Cell {
	return []*compartments.Cell{ballAndStick(t), passive(t), forked(t), ballAndStick(t)}
}

// TestSeveralCellsPlan: a plan of several cells (of different shapes and
// mechanisms, one of them twice) holds each cell's plan alone, moved to
// the cell's first node: nodes, coefficients, mechanisms, clamps,
// synapses and their events, detectors and probes all land on their own
// cell.
func TestSeveralCellsPlan(t *testing.T) {
	cells := severalCells(t)
	p, err := compartments.Build(cells, settings)
	if err != nil {
		t.Fatal(err)
	}
	var at planOffsets
	for ci := range cells {
		alone, err := compartments.Build(severalCells(t)[ci:ci+1], settings)
		if err != nil {
			t.Fatal(err)
		}
		if p.Cells[ci].First != at.node {
			t.Errorf("cell %d starts at node %d, after %d nodes", ci, p.Cells[ci].First, at.node)
		}
		checkMoved(t, p, ci, alone, at)
		at = at.add(alone)
	}
	if at.node != len(p.Nodes) || at.hh != len(p.HHNode) || at.pas != len(p.PasNode) || at.syn != len(p.Syns) ||
		at.clamp != len(p.IClamps) || at.probe != len(p.Probes) || at.segment != len(p.Segments) || len(p.Detectors) != 3 {
		t.Errorf("the cells alone have %+v; together %d nodes, %d hh, %d pas, %d synapses, %d clamps, %d probes, %d segments, %d detectors",
			at, len(p.Nodes), len(p.HHNode), len(p.PasNode), len(p.Syns), len(p.IClamps), len(p.Probes), len(p.Segments), len(p.Detectors))
	}
	// The ball and stick's hh parameters and the fork's dendrites' are
	// hh.mod's defaults, one set; the fork's soma has its own.
	if len(p.HHParams) != 2 {
		t.Errorf("%d hh parameter sets: %v", len(p.HHParams), p.HHParams)
	}
}

// planOffsets counts what the cells before one put in a plan.
type planOffsets struct{ node, hh, pas, syn, clamp, probe, segment int }

func (o planOffsets) add(p *compartments.Plan) planOffsets {
	return planOffsets{o.node + len(p.Nodes), o.hh + len(p.HHNode), o.pas + len(p.PasNode), o.syn + len(p.Syns),
		o.clamp + len(p.IClamps), o.probe + len(p.Probes), o.segment + len(p.Segments)}
}

// checkMoved asserts that cell ci of p is the plan alone, of that cell
// only, moved by the offsets at.
func checkMoved(t *testing.T, p *compartments.Plan, ci int, alone *compartments.Plan, at planOffsets) {
	t.Helper()
	cell := int32(ci)
	node := func(n int32) int32 { return n + int32(at.node) }
	name := p.Cells[ci].Name
	for n, want := range alone.Nodes {
		k := at.node + n
		want.Cell = cell
		par := alone.Parent[n]
		if par >= 0 {
			par = node(par)
		}
		if p.Nodes[k] != want || p.Parent[k] != par || p.Area[k] != alone.Area[n] || p.Cap[k] != alone.Cap[n] || p.GAxial[k] != alone.GAxial[n] {
			t.Errorf("%s node %d (%d alone): %+v parent %d, area %g, cap %g, g %g; alone %+v parent %d, area %g, cap %g, g %g", name, k, n,
				p.Nodes[k], p.Parent[k], p.Area[k], p.Cap[k], p.GAxial[k], alone.Nodes[n], alone.Parent[n], alone.Area[n], alone.Cap[n], alone.GAxial[n])
		}
	}
	c, a := p.Cells[ci], alone.Cells[0]
	moved := func(ns []int32) []int32 {
		out := make([]int32, len(ns))
		for i, n := range ns {
			out[i] = node(n)
		}
		return out
	}
	if c.End != at.node+len(alone.Nodes) || !slices.Equal(c.Attach, moved(a.Attach)) || !slices.Equal(c.EndNode, moved(a.EndNode)) {
		t.Errorf("%s: ends at %d, attach %v, ends %v; alone %v, %v", name, c.End, c.Attach, c.EndNode, a.Attach, a.EndNode)
	}
	for s := range a.SegNodes {
		if !slices.Equal(c.SegNodes[s], moved(a.SegNodes[s])) {
			t.Errorf("%s section %d: segments %v, alone %v", name, s, c.SegNodes[s], a.SegNodes[s])
		}
	}
	if got := p.Segments[at.segment : at.segment+len(alone.Segments)]; !slices.Equal(got, moved(alone.Segments)) {
		t.Errorf("%s: segments %v, alone %v", name, got, alone.Segments)
	}
	for k, n := range alone.HHNode {
		if got := p.HHNode[at.hh+k]; got != node(n) || p.HHParams[p.HHSet[at.hh+k]] != alone.HHParams[alone.HHSet[k]] {
			t.Errorf("%s hh %d: at node %d with %+v; alone at %d with %+v", name, k, got, p.HHParams[p.HHSet[at.hh+k]], n, alone.HHParams[alone.HHSet[k]])
		}
	}
	for k, n := range alone.PasNode {
		if got := p.PasNode[at.pas+k]; got != node(n) || p.Pas[at.pas+k] != alone.Pas[k] {
			t.Errorf("%s pas %d: at node %d with %+v; alone at %d with %+v", name, k, got, p.Pas[at.pas+k], n, alone.Pas[k])
		}
	}
	for k, want := range alone.Syns {
		want.Cell, want.Node = cell, node(want.Node)
		if got := p.Syns[at.syn+k]; got != want {
			t.Errorf("%s synapse %d: %+v, want %+v", name, k, got, want)
		}
	}
	for k, want := range alone.IClamps {
		want.Cell, want.Node = cell, node(want.Node)
		if got := p.IClamps[at.clamp+k]; got != want {
			t.Errorf("%s clamp %d: %+v, want %+v", name, k, got, want)
		}
	}
	events := p.Events[p.EventStart[ci]:p.EventStart[ci+1]]
	if len(events) != len(alone.Events) {
		t.Errorf("%s: %d events, %d alone", name, len(events), len(alone.Events))
	}
	for k, want := range alone.Events {
		want.Syn += int32(at.syn)
		if k < len(events) && events[k] != want {
			t.Errorf("%s event %d: %+v, want %+v", name, k, events[k], want)
		}
	}
	var dets []compartments.DetectorPlan
	for _, d := range p.Detectors {
		if d.Cell == cell {
			dets = append(dets, d)
		}
	}
	if len(dets) != len(alone.Detectors) || (len(dets) == 1 && dets[0].Node != node(alone.Detectors[0].Node)) {
		t.Errorf("%s: detectors %+v, alone %+v", name, dets, alone.Detectors)
	}
	for k, want := range alone.Probes {
		want.Cell, want.Node = cell, node(want.Node)
		switch want.Var {
		case compartments.ProbeHHm, compartments.ProbeHHh, compartments.ProbeHHn:
			want.Index += int32(at.hh)
		case compartments.ProbeSynI, compartments.ProbeSynG:
			want.Index += int32(at.syn)
		case compartments.ProbeIClampI:
			want.Index += int32(at.clamp)
		}
		if got := p.Probes[at.probe+k]; got != want {
			t.Errorf("%s probe %d: %+v, want %+v", name, k, got, want)
		}
	}
}

// TestSeveralCellsRun: each cell of a plan of several gives, to the bit,
// the records it gives alone (its probes, its spikes, its segments in the
// snapshots), whether the cells run on one worker or are shared out, with
// either method.
func TestSeveralCellsRun(t *testing.T) {
	const tstop = 30
	for _, method := range []compartments.Method{compartments.BackwardEuler, compartments.CrankNicolson} {
		s := settings
		s.Method = method
		run := func(cells []*compartments.Cell, workers int) *sim.Memory {
			p, err := compartments.Build(cells, s)
			if err != nil {
				t.Fatal(err)
			}
			e := compartments.NewEngine(p)
			e.SetWorkers(workers)
			e.Init()
			rec := &sim.Memory{}
			if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
				t.Fatal(err)
			}
			return rec
		}
		n := len(severalCells(t))
		alone := make([]*sim.Memory, n)
		for ci := range alone {
			alone[ci] = run(severalCells(t)[ci:ci+1], 1)
		}
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d workers", method, workers), func(t *testing.T) {
				together := run(severalCells(t), workers)
				probe, segment := 0, 0
				for ci, a := range alone {
					checkSameRecords(t, ci, together, a, probe, segment)
					probe, segment = probe+len(a.Values[0]), segment+len(a.Snaps[0])
				}
				if probe != len(together.Values[0]) || segment != len(together.Snaps[0]) {
					t.Errorf("%d probes and %d segments alone, %d and %d together", probe, segment, len(together.Values[0]), len(together.Snaps[0]))
				}
			})
		}
		// The cells that have detectors fire, so that spikes are compared.
		for ci, a := range alone {
			if (ci != 1) != (len(a.SpikeList) > 0) {
				t.Errorf("%s: cell %d fired %d spikes alone", method, ci, len(a.SpikeList))
			}
		}
	}
}

// checkSameRecords asserts that cell ci's records in together, its probes
// from column probe and its segments from column segment, are alone's.
func checkSameRecords(t *testing.T, ci int, together, alone *sim.Memory, probe, segment int) {
	t.Helper()
	if !slices.Equal(together.T, alone.T) || !slices.Equal(together.SnapT, alone.SnapT) {
		t.Fatalf("cell %d: %d samples and %d snapshots together, %d and %d alone", ci, len(together.T), len(together.SnapT), len(alone.T), len(alone.SnapT))
	}
	for k, row := range alone.Values {
		if got := together.Values[k][probe : probe+len(row)]; !slices.Equal(got, row) {
			t.Fatalf("cell %d at t = %g: probes %v together, %v alone", ci, alone.T[k], got, row)
		}
	}
	for k, snap := range alone.Snaps {
		if got := together.Snaps[k][segment : segment+len(snap)]; !slices.Equal(got, snap) {
			t.Fatalf("cell %d at t = %g: segments %v together, %v alone", ci, alone.SnapT[k], got, snap)
		}
	}
	var spikes []sim.Spike
	for _, s := range together.SpikeList {
		if s.Cell == ci {
			s.Cell = 0
			spikes = append(spikes, s)
		}
	}
	if !slices.Equal(spikes, alone.SpikeList) {
		t.Errorf("cell %d: spikes %v together, %v alone", ci, spikes, alone.SpikeList)
	}
}
