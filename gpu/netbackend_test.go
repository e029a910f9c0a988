package gpu

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	gnet "neurite/gpu/network"
	"neurite/sim"
	"neurite/sim/netmodels"
	"neurite/sim/network"
)

// cobaNet builds Vogels and Abbott's network, deterministic once built
// (LIF, conductances, no drives).
func cobaNet(t *testing.T, n int) *network.Network {
	t.Helper()
	net, err := netmodels.COBA(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// runNet runs a simulator from its initial state to tstop.
func runNet(t *testing.T, s sim.Simulator, tstop float64) *sim.Memory {
	t.Helper()
	s.Init()
	rec := &sim.Memory{}
	if err := s.Run(context.Background(), tstop, rec, nil); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestChooseNetBackend: cpu is the CPU engine; gpu the GPU engine, which
// gives the CPU engine's spikes; auto the CPU for a small network, for
// one with what the GPU does not run, and for any on llvmpipe, saying
// why; gpu runs Brunel's Poisson-driven network, and under noise too,
// and refuses one with more synapse ports than its kernel keeps, naming
// the population.
func TestChooseNetBackend(t *testing.T) {
	dev := devicetest.Shared(t)
	brunel, err := netmodels.Brunel(200, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := netmodels.Brunel(200, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	noisy.Pops[0].Drives = append(noisy.Pops[0].Drives, network.Drive{Kind: network.Noise, Mean: 0.1, SD: 0.1, Tau: 5})
	wide, err := netmodels.Brunel(200, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 4 { // five ports with Brunel's jumps: one more than the kernel keeps
		wide.Pops[0].PortOf(network.Port{Synapse: network.Current, Shape: network.Exp, TauDecay: float64(k + 1)})
	}
	large := "llvmpipe"
	if !device.Software(dev.Info()) {
		large = "neuron-steps/s" // a hardware GPU: auto measured both
	}
	for _, c := range []struct {
		name, want string
		net        *network.Network
		got, note  string
	}{
		{"cpu", "cpu", cobaNet(t, 500), "cpu", ""},
		{"gpu", "gpu", cobaNet(t, 500), "gpu", "backend: gpu ("},
		{"auto small", "auto", cobaNet(t, 500), "cpu", "too few to gain"},
		{"gpu drives", "gpu", brunel, "gpu", "backend: gpu ("},
		{"gpu noise", "gpu", noisy, "gpu", "backend: gpu ("},
		{"auto unsupported", "auto", wide, "cpu", "synapse ports"},
		{"auto large", "auto", cobaNet(t, 10000), "", large},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch, err := NewNetSimulator(c.net, network.Options{}, c.want)
			if err != nil || c.got != "" && ch.Backend != c.got || !strings.Contains(ch.Note, c.note) {
				t.Fatalf("%+v, %v", ch, err)
			}
			if ch.Backend != "gpu" || c.net.Neurons() > 1000 {
				return
			}
			got := runNet(t, ch.Sim, 100)
			if Lost(ch.Sim) != nil {
				t.Errorf("the run moved to the CPU: %v", Lost(ch.Sim))
			}
			cpu, err := network.NewEngine(c.net, network.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := runNet(t, cpu, 100); len(want.SpikeList) == 0 || !slices.Equal(got.SpikeList, want.SpikeList) {
				t.Errorf("%d spikes on the GPU, %d on the CPU, not the same", len(got.SpikeList), len(want.SpikeList))
			}
		})
	}
	_, err = NewNetSimulator(wide, network.Options{}, "gpu")
	if !errors.Is(err, gnet.ErrUnsupported) || !strings.Contains(err.Error(), "population E: 5 synapse ports") {
		t.Errorf("gpu on a network of too many ports: %v, want a refusal naming the population", err)
	}
	if _, err := NewNetSimulator(brunel, network.Options{}, "tpu"); err == nil || !strings.Contains(err.Error(), `unknown backend "tpu"`) {
		t.Errorf("an unknown backend: %v", err)
	}
}

// sourcedCOBA is cobaNet with 200 Poisson sources at 30 Hz exciting
// every fifth neuron of E, each source ten of them.
func sourcedCOBA(t *testing.T, n int) *network.Network {
	net := cobaNet(t, n)
	e := net.Pops[0]
	rates := make([]float64, 200)
	for i := range rates {
		rates[i] = 30
	}
	s := &network.Population{Name: "S", N: len(rates), Source: rates}
	pr := &network.Projection{Name: "S->E", From: s, To: e, Port: 0, Start: make([]int64, s.N+1), W: []float32{0.6}, Delay: []uint16{1}}
	for i := range s.N {
		for j := range 10 {
			pr.Target = append(pr.Target, uint32((i*10+j)*5%e.N))
		}
		pr.Start[i+1] = int64(len(pr.Target))
	}
	net.Pops = append(net.Pops, s)
	net.Projections = append(net.Projections, pr)
	return net
}

// TestNetFallbackKeepsRecords: when the device is lost mid-run, the run
// goes on on the CPU engine and the records are those of an
// uninterrupted run, none lost or repeated; with Poisson sources too,
// which the GPU draws on the device and the CPU engine draws again
// from the start.
func TestNetFallbackKeepsRecords(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(t *testing.T, n int) *network.Network
	}{{"coba", cobaNet}, {"coba and sources", sourcedCOBA}} {
		t.Run(c.name, func(t *testing.T) { fallbackKeepsRecords(t, c.build) })
	}
}

func fallbackKeepsRecords(t *testing.T, build func(t *testing.T, n int) *network.Network) {
	dev, err := device.Open() // a device of its own, to lose
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	opts := func(n *network.Network) network.Options {
		return network.Options{RecordEvery: 1, Probes: []network.Probe{{Pop: n.Pops[0], Neuron: 5, Var: "v"}}}
	}
	cn := build(t, 500)
	cpu, err := network.NewEngine(cn, opts(cn))
	if err != nil {
		t.Fatal(err)
	}
	want := runNet(t, cpu, 200)
	gn := build(t, 500)
	g, err := gnet.NewEngine(dev, gn, opts(gn))
	if err != nil {
		t.Fatal(err)
	}
	f := newNetFallback(g)
	f.Init()
	got := &sim.Memory{}
	if err := f.Run(context.Background(), 80, got, nil); err != nil {
		t.Fatal(err)
	}
	dev.MarkLost(errors.New("gpu: context lost"))
	if err := f.Run(context.Background(), 200, got, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(LostNote(f), "the run went on on the CPU") {
		t.Errorf("lost: %v", f.Lost())
	}
	if !slices.Equal(got.T, want.T) || !slices.Equal(got.SpikeList, want.SpikeList) {
		t.Fatalf("samples %d, spikes %d; an uninterrupted run's %d and %d", len(got.T), len(got.SpikeList), len(want.T), len(want.SpikeList))
	}
	for k := range want.Values {
		if got.Values[k][0] != want.Values[k][0] {
			t.Fatalf("sample %d: %g, want %g", k, got.Values[k][0], want.Values[k][0])
		}
	}
	t.Logf("%d spikes, an uninterrupted run's", len(want.SpikeList))
}
