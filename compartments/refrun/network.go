package refrun

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"neurite/compartments"
	"neurite/compartments/reftest"
	"neurite/sim"
)

// HHNetworkTstop is the reference case's run time (ms).
const HHNetworkTstop = 300

// HHNetworkPlan builds the reference case hh_network_det (its case.md):
// 20 one-compartment hh cells with an excitatory and an inhibitory ExpSyn
// each, wired by connections.csv, driven by the events of inputs.csv, and
// recording v of cells 0, 1, 8 and 16 every 0.1 ms (traces.csv's).
func HHNetworkPlan(t testing.TB) *compartments.Plan {
	t.Helper()
	const cells = 20
	diam := math.Sqrt(1000 / math.Pi) // area 1000 µm²
	m, err := compartments.BuildCylinders([]compartments.Cylinder{{Name: "soma", L: diam, Diam: diam}})
	if err != nil {
		t.Fatal(err)
	}
	hh := compartments.DefaultHH()
	props := []compartments.SectionProps{{Ra: 35.4, Cm: 1, Nseg: 1, HH: &hh}}
	soma := compartments.Location{Section: 0, X: 0.5}
	net := make([]*compartments.Cell, cells)
	for i := range net {
		net[i] = &compartments.Cell{
			Name: fmt.Sprintf("cell%d", i), Morph: m, Props: props,
			Synapses: []compartments.Synapse{
				{Name: "exc", Kind: compartments.ExpSyn, At: soma, Tau: 2, E: 0},
				{Name: "inh", Kind: compartments.ExpSyn, At: soma, Tau: 6, E: -75},
			},
			Spike: &compartments.Detector{At: soma, Threshold: 0},
		}
		if i == 0 || i == 1 || i == 8 || i == 16 {
			net[i].Probes = []compartments.Probe{{Name: "v" + strconv.Itoa(i), At: soma, Var: "v"}}
		}
	}
	addInputs(t, net)
	conns := reftest.Read(t, "hh_network_det", "connections.csv")
	pre, post := conns.Floats(t, "pre"), conns.Floats(t, "post")
	syn, w, delay := conns.Strings(t, "synapse"), conns.Floats(t, "weight_uS"), conns.Floats(t, "delay_ms")
	netcons := make([]compartments.NetCon, len(pre))
	for k := range netcons {
		netcons[k] = compartments.NetCon{Source: int(pre[k]), Target: int(post[k]), Synapse: syn[k], Weight: w[k], Delay: delay[k]}
	}
	p, err := compartments.BuildNetwork(net, netcons, compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// addInputs gives each synapse the events inputs.csv lists for it, with
// their weight: one weight per synapse, as the case has.
func addInputs(t testing.TB, cells []*compartments.Cell) {
	t.Helper()
	in := reftest.Read(t, "hh_network_det", "inputs.csv")
	post, times, w, syn := in.Floats(t, "post"), in.Floats(t, "t_ms"), in.Floats(t, "weight_uS"), in.Strings(t, "synapse")
	for k := range post {
		c := cells[int(post[k])]
		i := 0
		for i < len(c.Synapses) && c.Synapses[i].Name != syn[k] {
			i++
		}
		if i == len(c.Synapses) {
			t.Fatalf("inputs.csv row %d: no synapse %q", k+2, syn[k])
		}
		s := &c.Synapses[i]
		if len(s.Events) > 0 && s.Weight != w[k] {
			t.Fatalf("inputs.csv row %d: weight %v µS onto %s's %s, which has inputs of %v µS", k+2, w[k], c.Name, s.Name, s.Weight)
		}
		s.Weight = w[k]
		s.Events = append(s.Events, times[k])
	}
}

// runHHNetwork runs hh_network_det on the engine newSim makes and holds
// its spikes to NEURON's.
func runHHNetwork(t *testing.T, newSim func(t *testing.T, p *compartments.Plan) compartments.Simulator) {
	e := newSim(t, HHNetworkPlan(t))
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), HHNetworkTstop, rec, nil); err != nil {
		t.Fatal(err)
	}
	reftest.CompareNetworkSpikes(t, rec.SpikeList)
}
