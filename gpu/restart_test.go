package gpu

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	"neurite/sim"
	"neurite/sim/netbuild"
	"neurite/sim/network"
	"neurite/sim/spec"
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

// failingAt stands in for a GPU simulator whose device fails at a time:
// it runs to there, then reports the loss.
type failingAt struct {
	sim.Simulator
	at float64
}

func (f failingAt) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress sim.ProgressFunc) error {
	if err := f.Simulator.Run(ctx, math.Min(tstop, f.at), rec, progress); err != nil || tstop <= f.at {
		return err
	}
	return errors.New("gpu: context lost")
}

// TestRestartOfLearningNetwork: a learning network (STDP onto one
// neuron from 200 Poisson inputs) whose device fails half-way starts
// again on the CPU from the weights it began with, not from those learnt
// up to the failure: its spikes and final weights are an uninterrupted
// run's.
func TestRestartOfLearningNetwork(t *testing.T) {
	load := func() *network.Network {
		n, err := spec.LoadNetwork("../app/testdata/stdp.toml")
		if err != nil {
			t.Fatal(err)
		}
		m, err := netbuild.Build(n)
		if err != nil {
			t.Fatal(err)
		}
		return m.Point
	}
	const tstop = 500
	wn := load()
	want := runNet(t, mustEngine(t, wn), tstop)
	n := load()
	e := mustEngine(t, n)
	r := NewRestart(failingAt{e, tstop / 2}, func() (sim.Simulator, error) { return e, nil })
	r.Keep(KeepSlices(PlasticWeights(n)...))
	got := runNet(t, r, tstop)
	if r.Lost() == nil {
		t.Fatal("the stand-in device did not fail")
	}
	if !slices.Equal(got.SpikeList, want.SpikeList) {
		t.Errorf("%d spikes after the restart, %d uninterrupted", len(got.SpikeList), len(want.SpikeList))
	}
	for k, pr := range n.Projections {
		if !slices.Equal(pr.W, wn.Projections[k].W) {
			t.Errorf("projection %s: the final weights differ from an uninterrupted run's", pr.Name)
		}
	}
}

// TestRestartSaysBoth: when the CPU cannot take over either, the error
// names the device's failure and the CPU's.
func TestRestartSaysBoth(t *testing.T) {
	p, _ := refrun.ExamplePlan(t, "hh_single", false)
	r := NewRestart(failingAt{compartments.NewEngine(p), 1}, func() (sim.Simulator, error) { return nil, errors.New("no memory left") })
	r.Init()
	err := r.Run(context.Background(), 5, sim.Discard{}, nil)
	if err == nil || !strings.Contains(err.Error(), "gpu: context lost") || !strings.Contains(err.Error(), "no memory left") {
		t.Errorf("have %v, want both failures named", err)
	}
}

// mustEngine makes the CPU engine of a point network.
func mustEngine(t *testing.T, n *network.Network) *network.Engine {
	t.Helper()
	e, err := network.NewEngine(n, network.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
