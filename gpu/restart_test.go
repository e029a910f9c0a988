package gpu

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	"neurite/sim"
)

// TestRestartKeepsRecords: hh_network_det (20 cells wired by NetCons) on
// the GPU, its device lost a third of the way, finishes on the CPU from
// the start, handing on only what comes after what the GPU handed on: its
// 65 spikes are the all-CPU run's, each once, within the GPU cable
// engine's 2e-3 ms before the loss and equal after it.
func TestRestartKeepsRecords(t *testing.T) {
	dev, err := device.Open() // a device of its own, to lose
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	want := runNet(t, compartments.NewEngine(refrun.HHNetworkPlan(t)), refrun.HHNetworkTstop)
	g, err := cable.NewCable(dev, refrun.HHNetworkPlan(t))
	if err != nil {
		t.Fatal(err)
	}
	r := NewRestart(g, func() (sim.Simulator, error) { return compartments.NewEngine(refrun.HHNetworkPlan(t)), nil })
	r.Init()
	got := &sim.Memory{}
	lostAt := float64(refrun.HHNetworkTstop) / 3
	if err := r.Run(context.Background(), lostAt, got, nil); err != nil {
		t.Fatal(err)
	}
	dev.MarkLost(errors.New("gpu: context lost"))
	if err := r.Run(context.Background(), refrun.HHNetworkTstop, got, nil); err != nil {
		t.Fatal(err)
	}
	if r.Lost() == nil || !strings.Contains(LostNote(r), "the run went on on the CPU") {
		t.Errorf("lost: %v", r.Lost())
	}
	if len(got.SpikeList) != len(want.SpikeList) || len(want.SpikeList) != 65 {
		t.Fatalf("%d spikes, the CPU alone %d (NEURON 65)", len(got.SpikeList), len(want.SpikeList))
	}
	for k, w := range want.SpikeList {
		s := got.SpikeList[k]
		if s.Cell != w.Cell || math.Abs(s.T-w.T) > 2e-3 || (s.T > lostAt && s.T != w.T) {
			t.Errorf("spike %d: %+v after the restart, %+v on the CPU alone", k, s, w)
		}
	}
	if len(got.Values) != len(want.Values) {
		t.Errorf("%d samples, the CPU alone %d", len(got.Values), len(want.Values))
	}
}
