package compartments_test

import (
	"context"
	"testing"

	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
	"neurite/sim"
)

// stampMod is a point process that notes when its self-events arrive:
// an input event sends one Cdur = 0.3 ms later with flag = the NetCon's
// own count of inputs (per-NetCon storage k), and INITIAL sends one at
// 0.5 ms with flag 3.
const stampMod = `
NEURON {
	POINT_PROCESS Stamp
	RANGE tself, fself, n, tinit, finit
}
ASSIGNED { tself fself n tinit finit }
INITIAL {
	n = 0
	net_send(0.5, 3)
}
NET_RECEIVE(w, k) {
	if (flag == 0) {
		k = k + 1
		net_send(0.3, k)
	} else if (flag == 3) {
		tinit = t
		finit = flag
	} else {
		tself = t
		fself = flag
		n = n + w
	}
}
`

// TestPointSelfEvents: net_send self-events arrive with their flag at the
// sending event's exact time plus the delay (off the step grid), in the
// step whose middle is at or after that time; each NetCon keeps its own
// NET_RECEIVE arguments; INITIAL's net_send arrives too.
func TestPointSelfEvents(t *testing.T) {
	mod, err := nmodl.Parse("stamp.mod", []byte(stampMod))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mech.Compile(mod)
	if err != nil {
		t.Fatal(err)
	}
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 10, Diam: 10}})
	if err != nil {
		t.Fatal(err)
	}
	at := compartments.Location{Section: 0, X: 0.5}
	cell := &compartments.Cell{
		Name: "cell", Morph: morph, Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1}},
		Mechanisms: []*mech.Mechanism{m},
		Points: []compartments.PointProcess{{Name: "stamp", Mech: "Stamp", At: at, NetCons: []compartments.PointNetCon{
			{Weight: 2, Events: []float64{1.01, 1.6}},
			{Weight: 5, Events: []float64{1.05}},
		}}},
	}
	vars := []string{"tself", "fself", "n", "tinit", "finit"}
	for _, v := range vars {
		cell.Probes = append(cell.Probes, compartments.Probe{Name: v, At: at, Var: "stamp." + v})
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, compartments.Settings{Dt: 0.025, RecordInterval: 0.025, Celsius: 6.3, VInit: -65})
	if err != nil {
		t.Fatal(err)
	}
	e := compartments.NewEngine(p)
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 2, &rec, nil); err != nil {
		t.Fatal(err)
	}
	// Event times add in float64 at run time, as in the engine.
	at03 := func(t float64) float64 { return t + 0.3 }
	for _, c := range []struct {
		step int // the sample after this many steps
		want [5]float64
	}{
		{20, [5]float64{0, 0, 0, 0, 0}},            // 0.5: due in the step starting at 0.5
		{21, [5]float64{0, 0, 0, 0.5, 3}},          // INITIAL's self-event
		{52, [5]float64{0, 0, 0, 0.5, 3}},          // 1.31 is due in the step starting at 1.3
		{53, [5]float64{at03(1.01), 1, 2, 0.5, 3}}, // the first NetCon's first
		{54, [5]float64{at03(1.01), 1, 2, 0.5, 3}}, // 1.35 is due in the step starting at 1.35
		{55, [5]float64{at03(1.05), 1, 7, 0.5, 3}}, // the second NetCon's first: its own k = 1
		{76, [5]float64{at03(1.05), 1, 7, 0.5, 3}},
		{77, [5]float64{at03(1.6), 2, 9, 0.5, 3}}, // the first NetCon's second: k = 2
	} {
		for i, v := range vars {
			if got := rec.Values[c.step][i]; got != c.want[i] {
				t.Errorf("t = %g ms: %s = %v, want %v", rec.T[c.step], v, got, c.want[i])
			}
		}
	}
}
