package compartments

import (
	"math"
	"strings"
	"testing"

	"neurite/sim"
)

// twoCells are two one-compartment hh cells with a synapse "exc" each;
// the second has no spike detector.
func twoCells(t *testing.T) []*Cell {
	t.Helper()
	m, err := BuildCylinders([]Cylinder{{Name: "soma", L: 20, Diam: 20}})
	if err != nil {
		t.Fatal(err)
	}
	hh := DefaultHH()
	props := []SectionProps{{Ra: 100, Cm: 1, Nseg: 1, HH: &hh}}
	soma := Location{Section: 0, X: 0.5}
	cell := func(name string) *Cell {
		return &Cell{Name: name, Morph: m, Props: props, Synapses: []Synapse{{Name: "exc", At: soma, Tau: 2}}}
	}
	a, b := cell("a"), cell("b")
	a.Spike = &Detector{At: soma, Threshold: -20}
	return []*Cell{a, b}
}

var netSettings = Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 1}

// TestBuildNetworkRefuses: bad connections are refused in the user's
// words, naming the connection and what is wrong.
func TestBuildNetworkRefuses(t *testing.T) {
	for _, c := range []struct {
		nc   NetCon
		want string
	}{
		{NetCon{Source: 2, Target: 1, Synapse: "exc", Delay: 1}, "netcon 1: source cell 2 does not exist (cells are numbered 0 to 1)"},
		{NetCon{Source: 0, Target: -1, Synapse: "exc", Delay: 1}, "target cell -1 does not exist"},
		{NetCon{Source: 0, Target: 1, Synapse: "inh", Delay: 1}, `from a to b's synapse inh: b has no synapse named "inh" (it has exc)`},
		{NetCon{Source: 0, Target: 1, Synapse: "exc", Delay: 0.01}, "delay 0.01 ms is shorter than the time step; the shortest delay is dt = 0.025 ms"},
		{NetCon{Source: 0, Target: 1, Synapse: "exc", Delay: -1}, "delay -1 ms must be finite and not negative"},
		{NetCon{Source: 0, Target: 1, Synapse: "exc", Delay: 1, Weight: math.Inf(1)}, "weight +Inf µS must be finite"},
		{NetCon{Source: 0, Target: 1, Synapse: "exc", Delay: 1e9}, "the longest delay, 1e+09 ms, is 4e+10 steps"},
	} {
		_, err := BuildNetwork(twoCells(t), []NetCon{c.nc}, netSettings)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.nc, err, c.want)
		}
	}
}

// TestNetConDelivery: a spike registered at the end of its step reaches
// its target at the first step whose middle is at or after t_netcon +
// delay, for delays on and off the step grid; a source without a
// detector is watched at its soma with threshold 0 mV, and one with a
// detector keeps its threshold.
func TestNetConDelivery(t *testing.T) {
	for _, c := range []struct {
		delay      float64
		step, span int64 // the delivery step of a spike ending step 81 (t_netcon 2.025 ms); MinDelay
	}{
		{0.025, 82, 2},  // one step: due at 2.05 ms, the next step's start
		{1, 121, 41},    // 3.025 ms exactly
		{1.01, 121, 41}, // 3.035 ms: by 3.025 + dt/2
		{1.02, 122, 42}, // 3.045 ms: after 3.025 + dt/2, by 3.05 + dt/2
	} {
		p, err := BuildNetwork(twoCells(t), []NetCon{
			{Source: 0, Target: 1, Synapse: "exc", Weight: 0.5, Delay: c.delay},
			{Source: 1, Target: 0, Synapse: "exc", Weight: 0.25, Delay: 5},
		}, netSettings)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Detectors) != 2 || p.Detectors[0].Threshold != -20 || p.Detectors[1].Threshold != 0 || p.Detectors[1].Node != int32(p.Cells[1].NodeAt(Location{Section: 0, X: 0.5})) {
			t.Fatalf("detectors %+v", p.Detectors)
		}
		w := p.Wiring()
		r := w.Router
		if r.MinDelay() != c.span || r.MaxDelay() != 201 {
			t.Errorf("delay %v ms: MinDelay %d, MaxDelay %d steps; want %d, 201", c.delay, r.MinDelay(), r.MaxDelay(), c.span)
		}
		q := sim.NewQueue(w.Targets, 300)
		r.Route([]sim.Spike{{Cell: 0, T: 2.01, Step: 2.025}, {Cell: 1, T: 2.01, Step: 2.025}}, q)
		for step := int64(0); step < 300; step++ {
			due := q.Due(step)
			want := [2]float64{}
			if step == c.step {
				want[1] = 0.5
			}
			if step == 81+200 {
				want[0] = 0.25
			}
			if due[0] != want[0] || due[1] != want[1] {
				t.Errorf("delay %v ms: step %d has %v due, want %v", c.delay, step, due, want)
			}
		}
	}
}
