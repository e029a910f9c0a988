package cable

import (
	"fmt"
	"slices"
	"strings"

	"neurite/compartments"
	"neurite/gpu/device"
	"neurite/sim"
)

// The events of NMODL point processes on the device, delivered as the CPU
// engine delivers them (compartments/engine_point.go): at the start of
// each step, every event due by its middle, in order of time and, at one
// time, of queueing; NET_RECEIVE sees the event's exact time. Two kinds:
//
//   - inputs, from the plan's NetCons at known times: each cell's list,
//     sorted by time, is uploaded at Init with a cursor in the cell's
//     header (the CPU engine queues them at initialisation too; they
//     carry exact times and a NetCon, so they do not travel with the
//     ExpSyn inputs of the run's queue);
//   - self-events of net_send: each cell keeps a queue of fixed capacity
//     (sendsPerPoint per point process with NET_RECEIVE), unordered; a
//     delivery takes the earliest due (least time, then least sequence
//     number), so a step scans only the events pending. A net_send into
//     a full queue is dropped and noted, and the run fails naming the
//     mechanism and the instance.
//
// Sequence numbers order events of one time as the CPU engine's queue
// does: INITIAL's net_sends first (numbered at Init), then the inputs
// (numbered by their place in the cell's list after those), then the
// self-events of the run as sent.

// sendsPerPoint is the self-events a cell's queue holds for each of its
// point processes with NET_RECEIVE: a synapse such as AMPA_S keeps one
// pending per NetCon whose pulse is on.
const sendsPerPoint = 16

// The words of a cell's header in the point integers.
const (
	hInLo      = iota // the cell's inputs [hInLo, hInHi)
	hInHi             //
	hCursor           // the next input
	hPending          // self-events queued
	hSeq              // the next sequence number
	hInitSends        // INITIAL's net_sends: the first input's sequence number
	hNcLo             // the cell's NetCons [hNcLo, hNcHi)
	hNcHi             //
	hQueue            // the queue's first entry
	hQueueCap         // and its capacity
	hOverMech         // the mechanism whose net_send found the queue full, -1 for none
	hOverInst         // and its instance
	hdrWords
)

// netConWords are a NetCon's integers (its mechanism, instance and the
// offset of its arguments among the doubles); queueInts and queueDbls a
// queued self-event's (sequence number, mechanism, instance, arguments;
// time and flag).
const (
	netConWords = 4
	queueInts   = 4
	queueDbls   = 2
)

// pointTables is where the point processes' events live in the two point
// buffers, and the GLSL that queues and delivers them.
type pointTables struct {
	ncAt, inAt, qAt int // in the integers: the NetCons, the inputs' NetCons, the queue
	argsAt, qdAt    int // in the doubles: the NetCons' arguments, the queue
	argOf           []int
	queue, queueCap []int // by cell: its queue's first entry and capacity
	ints, dbls      int
	receiveLoops    int    // the most loop iterations of a mechanism's NET_RECEIVE (mechglsl.Layout.Loops)
	head            string // the buffers and MECH_SEND, before the mechanisms
}

// newPointTables lays out the point buffers for the plan.
func (e *Cable) newPointTables() *pointTables {
	p := e.plan
	t := &pointTables{queue: make([]int, len(p.Cells)), queueCap: make([]int, len(p.Cells))}
	t.ncAt = hdrWords * len(p.Cells)
	t.inAt = t.ncAt + netConWords*len(p.NetCons)
	t.qAt = t.inAt + len(p.PointEvents)
	t.argsAt = len(p.PointEvents)
	at := t.argsAt
	for _, nc := range p.NetCons {
		t.argOf = append(t.argOf, at)
		at += len(nc.Args)
	}
	t.qdAt = at
	entries := 0
	for _, mp := range p.Mechs {
		if mp.Mech.NetArgs == nil {
			continue
		}
		for _, c := range mp.Cell {
			t.queueCap[c] += sendsPerPoint
		}
	}
	for ci := range p.Cells {
		t.queue[ci] = entries
		entries += t.queueCap[ci]
	}
	t.ints = t.qAt + queueInts*entries
	t.dbls = t.qdAt + queueDbls*entries
	t.head = fmt.Sprintf(`
// The point processes' events (gpu/cable/points.go): each cell's header
// of %[3]d ints, the NetCons (mechanism, instance, arguments), the inputs'
// NetCons and the queued self-events (sequence number, mechanism,
// instance, arguments); the inputs' times, the NetCons' arguments and the
// queued self-events' times and flags.
layout(std430, binding = %[1]d) coherent buffer PointInts { int ptInt[]; };
layout(std430, binding = %[2]d) coherent buffer PointDbls { double ptDbl[]; };
#define PT_HDR %[3]d
#define PT_NC %[4]d
#define PT_IN %[5]d
#define PT_Q %[6]d
#define PD_Q %[7]d
#define MECH_NETARGS ptDbl
// NEURON's zero-area nodes count as 100 square microns
#define MECH_POINT_AREA(s) (MECH_AREA(s) == 0.0lf ? 100.0lf : MECH_AREA(s))
#define MECH_SEND(t, flag) pointSend(t, flag)

// The event being delivered, or the point process INITIAL runs for: its
// cell, mechanism, instance and NetCon's arguments (-1: none).
int evCell, evMech, evInst, evArgs;

// pointSend queues a self-event for the present one's instance and
// NetCon; into a full queue, it notes the first to find it full.
void pointSend(double t, double flag) {
	int h = evCell * PT_HDR, n = ptInt[h + %[8]d];
	if (n == ptInt[h + %[9]d]) {
		if (ptInt[h + %[10]d] < 0) {
			ptInt[h + %[10]d] = evMech;
			ptInt[h + %[10]d + 1] = evInst;
		}
		return;
	}
	int q = ptInt[h + %[11]d] + n;
	ptInt[PT_Q + 4 * q] = ptInt[h + %[12]d];
	ptInt[PT_Q + 4 * q + 1] = evMech;
	ptInt[PT_Q + 4 * q + 2] = evInst;
	ptInt[PT_Q + 4 * q + 3] = evArgs;
	ptDbl[PD_Q + 2 * q] = t;
	ptDbl[PD_Q + 2 * q + 1] = flag;
	ptInt[h + %[8]d] = n + 1;
	ptInt[h + %[12]d]++;
}
`, bPointInts, bPointDbls, hdrWords, t.ncAt, t.inAt, t.qAt, t.qdAt, hPending, hQueueCap, hOverMech, hQueue, hSeq)
	return t
}

// calls writes, after the mechanisms, the dispatch of an event to its
// mechanism's NET_RECEIVE, the NetCons' NET_RECEIVE INITIAL and the
// delivery of a step's events.
func (t *pointTables) calls(p *compartments.Plan, m *mechTables) string {
	var b strings.Builder
	dispatch := func(name, entry string, has func(mp compartments.MechPlan) bool) {
		fmt.Fprintf(&b, "\nvoid %s(int mech, int inst, double t, int args, double flag) {\n", name)
		for k, mp := range p.Mechs {
			if has(mp) {
				fmt.Fprintf(&b, "\tif (mech == %d) {\n\t\tint s = mechIdx[%d + inst];\n\t\t%s_%s(%d, %d, inst, s, vAt(s), t, args, flag);\n\t}\n",
					k, m.slotsAt[k], mp.Mech.Name, entry, m.base[k], len(mp.Node))
			}
		}
		b.WriteString("}\n")
	}
	dispatch("pointReceive", "receive", func(mp compartments.MechPlan) bool { return mp.Mech.NetArgs != nil })
	dispatch("pointNetInit", "netinit", func(mp compartments.MechPlan) bool {
		return mp.Mech.NetArgs != nil && mp.Mech.Mod.NetReceive.Initial != nil
	})
	fmt.Fprintf(&b, `
// pointNetCons runs NET_RECEIVE's INITIAL for each of the cell's NetCons,
// after every INITIAL block, and numbers the cell's inputs after the
// self-events INITIAL sent (NEURON's finitialize; the CPU engine's
// resetPoints).
void pointNetCons(int c, int lid) {
	if (lid == 0) {
		int h = c * PT_HDR;
		for (int k = ptInt[h + %[1]d]; k < ptInt[h + %[2]d]; k++) {
			pointNetInit(ptInt[PT_NC + 4 * k], ptInt[PT_NC + 4 * k + 1], 0.0lf, ptInt[PT_NC + 4 * k + 2], 0.0lf);
		}
		ptInt[h + %[3]d] = ptInt[h + %[4]d];
		ptInt[h + %[4]d] += ptInt[h + %[5]d] - ptInt[h + %[6]d];
	}
	MECH_SYNC();
}

// mechEvents delivers cell c's events due by the middle of step, each at
// its own time, in order of time, then of sequence number: the next
// input or the earliest queued self-event, until none is due (a
// self-event sent now and due by then is delivered too). Invocation 0
// of a team delivers them all.
void mechEvents(int c, int step, int lid, int stride) {
	if (lid == 0) {
		int h = c * PT_HDR, q0 = ptInt[h + %[7]d];
		precise double mid = double(step) * MECH_DT + MECH_DT / 2.0lf;
		evCell = c;
		for (;;) {
			int cur = ptInt[h + %[8]d], n = ptInt[h + %[9]d], pick = -1, seq = 0;
			double t = 0.0lf;
			bool found = cur < ptInt[h + %[5]d] && ptDbl[cur] <= mid;
			if (found) {
				t = ptDbl[cur];
				seq = ptInt[h + %[3]d] + cur - ptInt[h + %[6]d];
			}
			for (int j = 0; j < n; j++) {
				int q = q0 + j, sj = ptInt[PT_Q + 4 * q];
				double tj = ptDbl[PD_Q + 2 * q];
				if (tj <= mid && (!found || tj < t || (tj == t && sj < seq))) {
					found = true;
					pick = j;
					t = tj;
					seq = sj;
				}
			}
			if (!found) {
				break;
			}
			double flag = 0.0lf;
			if (pick < 0) {
				int nc = PT_NC + 4 * ptInt[PT_IN + cur];
				evMech = ptInt[nc];
				evInst = ptInt[nc + 1];
				evArgs = ptInt[nc + 2];
				ptInt[h + %[8]d] = cur + 1;
			} else {
				// the last queued takes the delivered one's place
				int q = q0 + pick, last = q0 + n - 1;
				evMech = ptInt[PT_Q + 4 * q + 1];
				evInst = ptInt[PT_Q + 4 * q + 2];
				evArgs = ptInt[PT_Q + 4 * q + 3];
				flag = ptDbl[PD_Q + 2 * q + 1];
				ptInt[PT_Q + 4 * q] = ptInt[PT_Q + 4 * last];
				ptInt[PT_Q + 4 * q + 1] = ptInt[PT_Q + 4 * last + 1];
				ptInt[PT_Q + 4 * q + 2] = ptInt[PT_Q + 4 * last + 2];
				ptInt[PT_Q + 4 * q + 3] = ptInt[PT_Q + 4 * last + 3];
				ptDbl[PD_Q + 2 * q] = ptDbl[PD_Q + 2 * last];
				ptDbl[PD_Q + 2 * q + 1] = ptDbl[PD_Q + 2 * last + 1];
				ptInt[h + %[9]d] = n - 1;
			}
			pointReceive(evMech, evInst, t, evArgs, flag);
		}
	}
	MECH_SYNC();
}
`, hNcLo, hNcHi, hInitSends, hSeq, hInHi, hInLo, hQueue, hCursor, hPending)
	return b.String()
}

// buffers returns the point buffers' contents at Init: the headers, the
// NetCons, the inputs and their arguments as the plan starts them, the
// queues empty.
func (t *pointTables) buffers(p *compartments.Plan) (ints []int32, dbls []float64) {
	ints = make([]int32, t.ints)
	dbls = make([]float64, t.dbls)
	for ci := range p.Cells {
		h := ints[ci*hdrWords : (ci+1)*hdrWords]
		h[hInLo], h[hInHi] = int32(p.PointEventStart[ci]), int32(p.PointEventStart[ci+1])
		h[hCursor] = h[hInLo]
		h[hQueue], h[hQueueCap] = int32(t.queue[ci]), int32(t.queueCap[ci])
		h[hOverMech] = -1
	}
	for k, nc := range p.NetCons {
		h := ints[int(nc.Cell)*hdrWords:]
		if h[hNcLo] == h[hNcHi] {
			h[hNcLo] = int32(k)
		}
		h[hNcHi] = int32(k + 1)
		copy(ints[t.ncAt+netConWords*k:], []int32{nc.Mech, nc.Inst, int32(t.argOf[k])})
		copy(dbls[t.argOf[k]:], nc.Args)
	}
	for j, ev := range p.PointEvents {
		ints[t.inAt+j] = ev.NetCon
		dbls[j] = ev.T
	}
	return ints, dbls
}

// overflow reads the cells' headers after a chunk and names the first
// point process whose net_send found its cell's queue full (on the
// device thread).
func (t *pointTables) overflow(e *Cable) error {
	p := e.plan
	hdr := make([]int32, hdrWords*len(p.Cells))
	device.Read(e.pointInts, 0, hdr)
	for ci := range p.Cells {
		h := hdr[ci*hdrWords:]
		if k := h[hOverMech]; k >= 0 {
			mp := &p.Mechs[k]
			return fmt.Errorf("gpu: %s %s (cell %d): net_send found the cell's queue of self-events full (%d pending, %d for each point process with NET_RECEIVE)",
				mp.Mech.Name, mp.Names[h[hOverInst]], ci, h[hQueueCap], sendsPerPoint)
		}
	}
	return nil
}

// loops is the loop iterations a cell's events cost an invocation: each
// step's delivery scans the pending self-events (about two for each
// point process); an input and the self-event it sends cost a delivery
// each, a scan and a NET_RECEIVE's own loops.
func (t *pointTables) loops(ci int) (perStep, perInput int) {
	k := t.queueCap[ci] / sendsPerPoint
	return 3 + 2*k, 2 * (2 + 2*k + t.receiveLoops)
}

// inputSteps lists each cell's input steps (sim.DeliveryStep), for the
// loop budget.
func inputSteps(p *compartments.Plan) [][]int {
	steps := make([][]int, len(p.Cells))
	for ci := range p.Cells {
		for _, ev := range p.PointEvents[p.PointEventStart[ci]:p.PointEventStart[ci+1]] {
			steps[ci] = append(steps[ci], int(sim.DeliveryStep(ev.T, p.Dt)))
		}
		slices.Sort(steps[ci])
	}
	return steps
}
