package network

import (
	"context"
	"math"
	"testing"

	"neurite/sim"
	"neurite/sim/ode"
	"neurite/sim/point"
)

// TestPointModelPopulation: Izhikevich neurons under a constant current
// fire as the dynamics lab integrates one of them (counts within one
// spike: the lab resets at the start of a step, the network after it),
// and a neuron given a larger current fires more.
func TestPointModelPopulation(t *testing.T) {
	m, err := point.Builtin("izhikevich:RS")
	if err != nil {
		t.Fatal(err)
	}
	pop := &Population{Name: "RS", N: 2, Method: Euler,
		Model: &PointModel{Model: m, Params: map[string][]float64{"I": {10, 15}}}}
	net := &Network{Dt: 0.1, Pops: []*Population{pop}}
	e, err := NewEngine(net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 1000, &rec, nil); err != nil {
		t.Fatal(err)
	}
	count := [2]int{}
	for _, s := range rec.SpikeList {
		count[s.Cell]++
	}
	lab := m.Clone()
	lab.SetParam("I", 10)
	x := lab.InitialState()
	res, err := ode.Integrate(context.Background(), lab, x, 0, 1000, ode.Settings{Method: ode.Euler, Dt: 0.1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("I = 10: %d spikes in the network, %d in the lab; I = 15: %d", count[0], len(res.Spikes), count[1])
	if math.Abs(float64(count[0]-len(res.Spikes))) > 1 || count[1] <= count[0] || count[0] < 5 {
		t.Errorf("spikes: %v in the network, %d in the lab at I = 10", count, len(res.Spikes))
	}
}
