package compartments_test

import (
	"context"
	"math"
	"strings"
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

// stampCell is a one-compartment cell with the Stamp point process and a
// density mechanism, leak, among its mechanisms.
func stampCell(t *testing.T, pts ...compartments.PointProcess) *compartments.Cell {
	t.Helper()
	var ms []*mech.Mechanism
	for _, src := range []string{stampMod, "NEURON { SUFFIX leak NONSPECIFIC_CURRENT i RANGE g }\nPARAMETER { g = 0.001 }\nASSIGNED { v i }\nBREAKPOINT { i = g*v }\n"} {
		mod, err := nmodl.Parse("x.mod", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mech.Compile(mod)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 10, Diam: 10}})
	if err != nil {
		t.Fatal(err)
	}
	return &compartments.Cell{Name: "cell", Morph: morph, Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1}}, Mechanisms: ms, Points: pts}
}

// TestPointPlanErrors: point processes the plan cannot place are refused
// naming the synapse and what is wrong.
func TestPointPlanErrors(t *testing.T) {
	at := compartments.Location{Section: 0, X: 0.5}
	settings := compartments.Settings{Dt: 0.025, RecordInterval: 0.025, Celsius: 6.3, VInit: -65}
	for _, c := range []struct {
		name string
		pt   compartments.PointProcess
		want string
	}{
		{"unknown mechanism", compartments.PointProcess{Name: "s", Mech: "AMPA", At: at}, "cell: synapse s: no mechanism AMPA"},
		{"density mechanism", compartments.PointProcess{Name: "s", Mech: "leak", At: at}, "synapse s: leak is a density mechanism, not a POINT_PROCESS"},
		{"unknown parameter", compartments.PointProcess{Name: "s", Mech: "Stamp", At: at, Params: map[string]float64{"gmax": 1}}, "synapse s: Stamp has no RANGE parameter gmax"},
		{"bad event", compartments.PointProcess{Name: "s", Mech: "Stamp", At: at, NetCons: []compartments.PointNetCon{{Weight: 1, Events: []float64{-1}}}}, "synapse s: event time -1 must be finite and not negative"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := compartments.Build([]*compartments.Cell{stampCell(t, c.pt)}, settings)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	cells := []*compartments.Cell{stampCell(t), stampCell(t, compartments.PointProcess{Name: "s", Mech: "Stamp", At: at})}
	cells[0].Spike = &compartments.Detector{At: at}
	_, err := compartments.BuildNetwork(cells, []compartments.NetCon{{Source: 0, Target: 1, Synapse: "s", Delay: 1}}, settings)
	if want := "it is a point process of a .mod file (Stamp), which takes no network connections yet"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a network connection onto a point process: got %v, want %q", err, want)
	}
}

// TestPointIonCurrent: an ion current a point process writes (nA) counts
// in the ion's total as 100/area mA/cm², beside a density mechanism's.
func TestPointIonCurrent(t *testing.T) {
	var ms []*mech.Mechanism
	for _, src := range []string{
		"NEURON { POINT_PROCESS Pump USEION na WRITE ina RANGE amp }\nPARAMETER { amp = 0.5 }\nASSIGNED { ina }\nBREAKPOINT { ina = amp }\n",
		"NEURON { SUFFIX nad USEION na WRITE ina }\nASSIGNED { ina }\nBREAKPOINT { ina = 0.25 }\n",
	} {
		mod, err := nmodl.Parse("x.mod", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mech.Compile(mod)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	morph, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: 10, Diam: 10}})
	if err != nil {
		t.Fatal(err)
	}
	at := compartments.Location{Section: 0, X: 0.5}
	cell := &compartments.Cell{Name: "cell", Morph: morph, Mechanisms: ms,
		Props: []compartments.SectionProps{{Ra: 100, Cm: 1, Nseg: 1, Mechs: map[string]map[string]float64{"nad": {}}}},
		Points: []compartments.PointProcess{
			{Name: "p1", Mech: "Pump", At: at},
			{Name: "p2", Mech: "Pump", At: at, Params: map[string]float64{"amp": 1.5}},
		},
		Probes: []compartments.Probe{{Name: "ina", At: at, Var: "ina"}},
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, compartments.Settings{Dt: 0.025, RecordInterval: 0.025, Celsius: 6.3, VInit: -65})
	if err != nil {
		t.Fatal(err)
	}
	e := compartments.NewEngine(p)
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 0.05, &rec, nil); err != nil {
		t.Fatal(err)
	}
	area := p.Area[p.Mechs[0].Node[0]]
	want := 0.25 + (0.5+1.5)*100/area
	for k, row := range rec.Values {
		if math.Abs(row[0]-want) > 1e-12 {
			t.Errorf("t = %g ms: ina = %v mA/cm², want %v (area %v µm²)", rec.T[k], row[0], want, area)
		}
	}
}
