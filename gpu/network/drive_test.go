package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"neurite/gpu/device/devicetest"
	"neurite/sim"
	"neurite/sim/netmodels"
	point "neurite/sim/network"
)

// drivenNet is three populations under Poisson drives,
// each reaching the kernel's drive code another way and the CPU engine's
// another path: C, Brunel's kind (exact, one voltage-jump port, one
// independent train: the CPU's fused pass); A (exact, a jump and a
// current port, an independent train on each and a shared one on the
// current: the CPU's general kernel); B (Euler, two conductances and a
// current, independent trains and a shared one, its neurons' bias
// currents their own). The seed's high word is not zero, so that both
// words of the key matter.
func drivenNet() *point.Network {
	lif := func(n int, tau float64, bias func(i int) float64) *point.LIF {
		col := func(f func(i int) float64) []float64 {
			c := make([]float64, n)
			for i := range c {
				c[i] = f(i)
			}
			return c
		}
		return &point.LIF{Tau: col(func(int) float64 { return tau }), EL: col(func(int) float64 { return -65 }), R: col(func(int) float64 { return 10 }),
			Vth: col(func(int) float64 { return -50 }), Vreset: col(func(int) float64 { return -60 }), Tref: col(func(int) float64 { return 2 }), I: col(bias)}
	}
	c := &point.Population{Name: "C", N: 70, Method: point.Exact, LIF: lif(70, 20, func(int) float64 { return 0 })}
	cJump := c.PortOf(point.Port{Synapse: point.Delta})
	c.Drives = []point.Drive{{Kind: point.Poisson, Port: cJump, Rate: 4000, W: 0.5}}

	a := &point.Population{Name: "A", N: 60, Method: point.Exact, LIF: lif(60, 10, func(int) float64 { return 0.5 })}
	aJump := a.PortOf(point.Port{Synapse: point.Delta})
	aCur := a.PortOf(point.Port{Synapse: point.Current, Shape: point.Exp, TauDecay: 0.5})
	a.Drives = []point.Drive{
		{Kind: point.Poisson, Port: aCur, Rate: 12800, W: 0.0878085},
		{Kind: point.Poisson, Port: aJump, Rate: 900, W: 0.7},
		{Kind: point.Poisson, Port: aCur, Rate: 300, W: 0.4, Shared: true},
	}

	b := &point.Population{Name: "B", N: 50, Method: point.Euler, LIF: lif(50, 10, func(i int) float64 { return 0.3 + 0.01*float64(i) })}
	bExc := b.PortOf(point.Port{Synapse: point.Conductance, Shape: point.Exp, TauDecay: 5, E: 0})
	bInh := b.PortOf(point.Port{Synapse: point.Conductance, Shape: point.Exp, TauDecay: 10, E: -80})
	bCur := b.PortOf(point.Port{Synapse: point.Current, Shape: point.Exp, TauDecay: 3})
	b.Drives = []point.Drive{
		{Kind: point.Poisson, Port: bExc, Rate: 2400, W: 0.004},
		{Kind: point.Poisson, Port: bInh, Rate: 800, W: 0.006},
		{Kind: point.Poisson, Port: bCur, Rate: 150, W: 0.5, Shared: true},
	}
	net := &point.Network{Dt: 0.1, Seed: 0x5eed<<32 | 7, Pops: []*point.Population{c, a, b}}
	// Sparse projections onto driven ports, so that the queue's inputs
	// follow the drives' within a step, and a shortest delay of 7 steps:
	// epochs that begin between two of the generator's calls.
	connect := func(from, to *point.Population, port int, w float32, delay uint16) {
		pr := &point.Projection{Name: from.Name + "->" + to.Name, From: from, To: to, Port: port, Start: make([]int64, from.N+1)}
		for i := range from.N {
			for j := i % 3; j < to.N; j += 7 {
				pr.Target, pr.W, pr.Delay = append(pr.Target, uint32(j)), append(pr.W, w), append(pr.Delay, delay+uint16(i%5))
			}
			pr.Start[i+1] = int64(len(pr.Target))
		}
		net.Projections = append(net.Projections, pr)
	}
	connect(c, a, aJump, 0.3, 7)
	connect(a, a, aCur, -0.02, 9)
	connect(c, b, bExc, 0.001, 11)
	return net
}

// partNet is drivenNet with drives onto parts of populations, each
// taking another of the CPU engine's paths: C's one train onto three
// neurons in four (the fused pass, its mask), A's jumps split between
// even and odd neurons at two rates and its shared train onto two
// neurons in three (the general kernel), B's excitatory train split so
// too; and B's synapses shaped (a bi-exponential conductance, an alpha
// conductance and an alpha current), the drives reaching a and b. C's
// neurons start at spread voltages, so that the undriven ones change
// too.
func partNet() *point.Network {
	n := drivenNet()
	c, a, b := n.Pops[0], n.Pops[1], n.Pops[2]
	mask := func(p *point.Population, keep func(i int) bool) []bool {
		m := make([]bool, p.N)
		for i := range m {
			m[i] = keep(i)
		}
		return m
	}
	even := func(i int) bool { return i%2 == 0 }
	odd := func(i int) bool { return i%2 == 1 }
	c.V0 = make([]float64, c.N)
	for i := range c.V0 {
		c.V0[i] = -64.5 + 0.2*float64(i)
	}
	c.Drives[0].Neurons = mask(c, func(i int) bool { return i%4 != 0 })
	a.Drives[1].Neurons = mask(a, even)
	a.Drives[2].Neurons = mask(a, func(i int) bool { return i%3 != 0 })
	a.Drives = append(a.Drives, point.Drive{Kind: point.Poisson, Port: a.Drives[1].Port, Rate: 600, W: 0.9, Neurons: mask(a, odd)})
	b.Drives[0].Neurons = mask(b, even)
	b.Drives = append(b.Drives, point.Drive{Kind: point.Poisson, Port: b.Drives[0].Port, Rate: 1200, W: 0.006, Neurons: mask(b, odd)})
	b.Ports[0].Shape, b.Ports[0].TauRise = point.BiExp, 1
	b.Ports[1].Shape = point.Alpha
	b.Ports[2].Shape = point.Alpha
	return n
}

// noisyNet is drivenNet under noise besides its trains, each reaching
// the kernel another way: C's whole population (the CPU's general
// kernel now, not its fused pass); A's on every neuron and, between two
// current drives on from 30 to 150 ms (so that the sum's order
// matters), on odd neurons from 50 ms on; B's (Euler) on neurons not a
// multiple of three until 120 ms, its mean below zero.
func noisyNet() *point.Network {
	n := drivenNet()
	c, a, b := n.Pops[0], n.Pops[1], n.Pops[2]
	odd := make([]bool, a.N)
	for i := range odd {
		odd[i] = i%2 == 1
	}
	third := make([]bool, b.N)
	for i := range third {
		third[i] = i%3 != 0
	}
	step := func(t float64) float64 { return 0.05 }
	c.Drives = append(c.Drives, point.Drive{Kind: point.Noise, Mean: 0.2, SD: 0.3, Tau: 5})
	a.Drives = append(a.Drives,
		point.Drive{Kind: point.Noise, Mean: 0.1, SD: 0.2, Tau: 2},
		point.Drive{Kind: point.CurrentDrive, I: step, Start: 30, Stop: 150},
		point.Drive{Kind: point.Noise, Mean: 0, SD: 0.5, Tau: 10, Neurons: odd, Start: 50},
		point.Drive{Kind: point.CurrentDrive, I: func(t float64) float64 { return 0.01 * t }, Start: 30, Stop: 150})
	b.Drives = append(b.Drives, point.Drive{Kind: point.Noise, Mean: -0.1, SD: 0.4, Tau: 3, Neurons: third, Stop: 120})
	return n
}

// TestDrives: each neuron's Poisson inputs and noise on the GPU are the
// CPU engine's, to the bit: v and every current and conductance of every
// neuron, recorded every step, and the spikes; with drives onto whole
// populations and onto parts of them.
func TestDrives(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func() *point.Network
	}{{"whole populations", drivenNet}, {"parts of populations, shaped synapses", partNet}, {"noise", noisyNet}} {
		t.Run(c.name, func(t *testing.T) { drivesAgree(t, c.build) })
	}
}

func drivesAgree(t *testing.T, build func() *point.Network) {
	opts := func(n *point.Network) point.Options {
		var probes []point.Probe
		for _, p := range n.Pops {
			for i := range p.N {
				probes = append(probes, point.Probe{Pop: p, Neuron: i, Var: "v"})
				for k, q := range p.Ports {
					if q.Synapse == point.Delta {
						continue // no variable: the jumps go onto v
					}
					probes = append(probes, point.Probe{Pop: p, Neuron: i, Var: fmt.Sprintf("g%d", k+1)})
				}
			}
		}
		return point.Options{Probes: probes}
	}
	gn, cn := build(), build()
	g, c := bothEngines(t, gn, cn, opts)
	const tstop = 200
	got, want := run(t, g, tstop), run(t, c, tstop)
	if len(want.Values) != 1+int(tstop/gn.Dt) || len(got.Values) != len(want.Values) {
		t.Fatalf("%d samples on the GPU, %d on the CPU", len(got.Values), len(want.Values))
	}
	changed := make([]bool, len(want.Values[0]))
	for s := range want.Values {
		for k, wv := range want.Values[s] {
			if gv := got.Values[s][k]; gv != wv {
				pr := g.probes[k]
				t.Fatalf("population %s, neuron %d, %s at %g ms: %.17g on the GPU, %.17g on the CPU", pr.Pop.Name, pr.Neuron, pr.Var, want.T[s], gv, wv)
			}
			changed[k] = changed[k] || (s > 0 && wv != want.Values[s-1][k])
		}
	}
	if k := slices.Index(changed, false); k >= 0 {
		pr := g.probes[k]
		t.Fatalf("population %s, neuron %d, %s never changed: the drives do not reach it", pr.Pop.Name, pr.Neuron, pr.Var)
	}
	for _, p := range gn.Pops {
		spiked := 0
		for _, s := range want.SpikeList {
			if s.Cell >= p.First() && s.Cell < p.First()+p.N {
				spiked++
			}
		}
		if spiked < p.N {
			t.Errorf("population %s: %d spikes in %d ms, too few to test the drives with the threshold", p.Name, spiked, tstop)
		}
	}
	if !slices.Equal(got.SpikeList, want.SpikeList) {
		t.Errorf("%d spikes on the GPU, %d on the CPU, not the same", len(got.SpikeList), len(want.SpikeList))
	}
	t.Logf("%d spikes and %d samples of %d probes as the CPU's", len(got.SpikeList), len(got.Values), len(got.Values[0]))
}

// TestBrunel: the shipped Brunel network, scaled down (500 neurons, a
// fifth of the indegrees, the recurrent coupling kept by five times the
// weights), gives on the GPU the CPU engine's spikes exactly.
func TestBrunel(t *testing.T) {
	build := func() *point.Network {
		return loadPoint(t, "../../assets/models/brunel.toml", "population.E.size=400", "population.I.size=100",
			"projection.EE.indegree=40", "projection.EI.indegree=40", "projection.IE.indegree=10", "projection.II.indegree=10",
			"projection.EE.weight=2.5", "projection.EI.weight=2.5", "projection.IE.weight=-12.5", "projection.II.weight=-12.5")
	}
	g, c := bothEngines(t, build(), build(), noOptions)
	const tstop = 200
	want := run(t, c, tstop)
	if len(want.SpikeList) < 1000 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	eachDelivery(t, g, func(t *testing.T) { sameSpikesAndVoltages(t, g, c, run(t, g, tstop), want) })
}

// TestMicrocircuit: Potjans and Diesmann's microcircuit at 1% of full
// scale (its in-degrees kept), exponential currents under the Poisson
// background of every population, gives on the GPU the CPU engine's
// spikes exactly.
func TestMicrocircuit(t *testing.T) {
	file := filepath.Join(t.TempDir(), "microcircuit.toml")
	if err := os.WriteFile(file, []byte(netmodels.Microcircuit(0.01, 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	g, c := bothEngines(t, loadPoint(t, file), loadPoint(t, file), noOptions)
	const tstop = 100
	want := run(t, c, tstop)
	if len(want.SpikeList) < 100 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	eachDelivery(t, g, func(t *testing.T) { sameSpikesAndVoltages(t, g, c, run(t, g, tstop), want) })
}

// sourcedNet is mixedNet with a population of Poisson sources (rates 0
// to 98 Hz) projecting onto both populations' jump and conductance
// ports.
func sourcedNet() *point.Network {
	n := mixedNet()
	a, b := n.Pops[0], n.Pops[1]
	rates := make([]float64, 50)
	for i := range rates {
		rates[i] = 2 * float64(i)
	}
	s := &point.Population{Name: "S", N: len(rates), Source: rates}
	n.Pops = append(n.Pops, s)
	n.Seed = 42
	for _, to := range []struct {
		pop  *point.Population
		port int
		w    float32
	}{{a, 0, 1.5}, {b, 1, 0.004}} {
		pr := &point.Projection{Name: "S->" + to.pop.Name, From: s, To: to.pop, Port: to.port, Start: make([]int64, s.N+1)}
		for i := range s.N {
			for j := i % 5; j < to.pop.N; j += 9 {
				pr.Target, pr.W, pr.Delay = append(pr.Target, uint32(j)), append(pr.W, to.w), append(pr.Delay, uint16(10+i%7))
			}
			pr.Start[i+1] = int64(len(pr.Target))
		}
		n.Projections = append(n.Projections, pr)
	}
	return n
}

// TestSources: a network with Poisson sources runs on the GPU, the
// sources' spikes drawn on the device (TestSourceRates: at many rates):
// the CPU engine's spikes, the sources' among them, and voltages
// exactly; a probe of a source is refused.
func TestSources(t *testing.T) {
	cn := sourcedNet()
	g, c := bothEngines(t, sourcedNet(), cn, noOptions)
	const tstop = 300
	want := run(t, c, tstop)
	eachDelivery(t, g, func(t *testing.T) { sourcesAgree(t, g, c, cn, want) })
	pn := sourcedNet()
	if _, err := NewEngine(devicetest.Shared(t), pn, point.Options{Probes: []point.Probe{{Pop: pn.Pops[2], Neuron: 0, Var: "v"}}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a probe of a source: %v, want a refusal", err)
	}
}

func sourcesAgree(t *testing.T, g *Engine, c *point.Engine, cn *point.Network, want *sim.Memory) {
	const tstop = 300
	got := run(t, g, tstop)
	s := cn.Pops[2]
	sources := 0
	for _, sp := range want.SpikeList {
		if sp.Cell >= s.First() {
			sources++
		}
	}
	if sources < 500 || len(want.SpikeList)-sources < 1000 {
		t.Fatalf("the CPU engine made %d spikes of sources and %d of neurons: too few to compare", sources, len(want.SpikeList)-sources)
	}
	if !slices.Equal(got.SpikeList, want.SpikeList) || !slices.Equal(g.Voltages(), c.Voltages()) {
		t.Errorf("%d spikes on the GPU, %d on the CPU, not the same (or the voltages at the end differ)", len(got.SpikeList), len(want.SpikeList))
	}
	// A second run from the start draws the same sources again.
	if again := run(t, g, tstop); !slices.Equal(again.SpikeList, want.SpikeList) {
		t.Errorf("a second run: %d spikes, the first %d", len(again.SpikeList), len(want.SpikeList))
	}
	t.Logf("%d spikes, %d of them the sources', as the CPU's", len(got.SpikeList), sources)
}
