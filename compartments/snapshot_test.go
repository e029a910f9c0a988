package compartments_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestSnapshotSchedule: snapshots every interval, at listed times, or at
// both (the union), in steps.
func TestSnapshotSchedule(t *testing.T) {
	for _, c := range []struct {
		name     string
		interval float64
		times    []float64
		want     []int64 // the snapshot steps up to step 20
	}{
		{"none", 0, nil, nil},
		{"interval", 0.1, nil, []int64{0, 4, 8, 12, 16, 20}},
		{"times", 0, []float64{0.05, 0.075, 0.3}, []int64{2, 3, 12}},
		{"time zero", 0, []float64{0, 0.5}, []int64{0, 20}},
		{"both", 0.2, []float64{0.025, 0.2, 0.45}, []int64{0, 1, 8, 16, 18}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := compartments.Settings{Dt: 0.025, RecordInterval: 0.025, SnapshotInterval: c.interval, SnapshotTimes: c.times}
			sc := s.Snapshots()
			var at, next []int64
			for k := int64(0); k <= 20; k++ {
				if sc.At(k) {
					at = append(at, k)
				}
			}
			for k := int64(0); ; {
				if k = sc.Next(k); k > 20 {
					break
				}
				next = append(next, k)
			}
			if !reflect.DeepEqual(at, c.want) || sc.Any() != (len(c.want) > 0) || s.TakesSnapshots() != sc.Any() {
				t.Errorf("At: %v, Any %v; want %v", at, sc.Any(), c.want)
			}
			if after0 := slices.DeleteFunc(slices.Clone(c.want), func(k int64) bool { return k == 0 }); !slices.Equal(next, after0) {
				t.Errorf("Next from 0 on: %v; want %v", next, after0)
			}
		})
	}
}

func TestSnapshotSummary(t *testing.T) {
	for _, c := range []struct {
		interval float64
		times    []float64
		want     string
	}{
		{0, nil, ""},
		{0.5, nil, "every 0.5 ms"},
		{0, []float64{5, 10, 12.5}, "at 5, 10, 12.5 ms"},
		{4, []float64{1, 2, 3, 4, 5, 95}, "every 4 ms and at 6 times from 1 to 95 ms"},
	} {
		s := compartments.Settings{Dt: 0.025, SnapshotInterval: c.interval, SnapshotTimes: c.times}
		if got := s.SnapshotSummary(); got != c.want {
			t.Errorf("%v, %v: %q, want %q", c.interval, c.times, got, c.want)
		}
	}
}

// snapModel is a soma and a dendrite, a clamp into the soma.
const snapModel = `
[[morphology.section]]
name = "soma"
length = 20
diam = 20

[[morphology.section]]
name = "dend"
parent = "soma"
length = 200
diam = 1

[[biophysics]]
where = "soma"
hh = {}

[[biophysics]]
where = "dend"
pas = {}

[[iclamp]]
name = "stim"
at = "soma(0.5)"
delay = 1
amp = 0.5

[[record]]
at = "soma(0.5)"

[[record]]
var = "stim.i"

[run]
tstop = 14
`

// plan builds snapModel with the settings given.
func plan(t *testing.T, sets ...string) *compartments.Plan {
	t.Helper()
	m, err := spec.Parse([]byte(snapModel), "model.toml", nil, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Override(sets...); err != nil {
		t.Fatal(err)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs a plan on the CPU engine to each tstop in turn.
func run(t *testing.T, p *compartments.Plan, tstops ...float64) *sim.Memory {
	t.Helper()
	e := compartments.NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	for _, tstop := range tstops {
		if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

// TestSnapshotTimes: snapshots at listed times are taken at exactly those
// times, with or without an interval, in one run or a run resumed, and
// hold the same voltages as snapshots taken by interval at those times.
func TestSnapshotTimes(t *testing.T) {
	every := run(t, plan(t, "snapshots.interval=0.5"), 14)
	at := func(tm float64) []float32 { return every.Snaps[slices.Index(every.SnapT, tm)] }
	steps := func(ks ...float64) []float64 {
		var ts []float64
		for _, k := range ks {
			ts = append(ts, k*0.025)
		}
		return ts
	}
	for _, c := range []struct {
		name   string
		sets   []string
		tstops []float64
		want   []float64
	}{
		{"times", []string{"snapshots.times=[5, 10, 12.5]"}, []float64{14}, steps(200, 400, 500)},
		{"times from zero", []string{"snapshots.times=[0, 0.025, 14]"}, []float64{14}, steps(0, 1, 560)},
		{"resumed", []string{"snapshots.times=[5, 10, 12.5]"}, []float64{7, 11, 14}, steps(200, 400, 500)},
		{"with an interval", []string{"snapshots.times=[0.1, 5, 10]", "snapshots.interval=4"}, []float64{14}, steps(0, 4, 160, 200, 320, 400, 480)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := run(t, plan(t, c.sets...), c.tstops...)
			if !slices.Equal(rec.SnapT, c.want) {
				t.Fatalf("snapshot times %v, want %v", rec.SnapT, c.want)
			}
			for k, tm := range rec.SnapT {
				if i := slices.Index(every.SnapT, tm); i >= 0 && !slices.Equal(rec.Snaps[k], at(tm)) {
					t.Errorf("the snapshot at %v ms differs from the one taken by interval", tm)
				}
			}
		})
	}
}

// TestSnapshotTimesOffGrid: a listed time off the step grid is an error
// naming the line, the time and the nearest times on the grid.
func TestSnapshotTimesOffGrid(t *testing.T) {
	src := snapModel + "\n[snapshots]\ntimes = [5,\n  12.51]\n"
	m, err := spec.Parse([]byte(src), "model.toml", nil, ".")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = compartments.FromModel(m)
	want := "model.toml:38: snapshots.times: 12.51 ms is not on the step grid: give a multiple of dt = 0.025 ms, such as 12.5 or 12.525"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	s := compartments.Settings{Dt: 0.025, RecordInterval: 0.025, SnapshotTimes: []float64{1, 0.5}}
	if _, err := compartments.Build(nil, s); err == nil || !strings.Contains(err.Error(), "snapshot times must increase") {
		t.Errorf("times out of order: %v", err)
	}
}

// TestClampToEnd: a clamp without dur is on to the end of the run, as one
// with dur = 1e9 ms, and off before its delay.
func TestClampToEnd(t *testing.T) {
	open := run(t, plan(t), 14)
	long := run(t, plan(t, "iclamp.stim.dur=1e9"), 14)
	if !reflect.DeepEqual(open.Values, long.Values) {
		t.Error("a clamp without dur differs from one with dur = 1e9 ms")
	}
	clamp := open.Column(1)
	if clamp[0] != 0 || clamp[len(clamp)-1] != 0.5 {
		t.Errorf("clamp current %v at 0 ms, %v at %v ms; want 0 and 0.5 nA", clamp[0], clamp[len(clamp)-1], open.T[len(open.T)-1])
	}
	if !math.IsInf(plan(t).IClamps[0].Dur, 1) {
		t.Error("the plan's dur is not +Inf")
	}
}
