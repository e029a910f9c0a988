package network

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/gpu/device/devicetest"
	"neurite/sim"
	point "neurite/sim/network"
)

// plasticNet is sourcedNet with learning: additive STDP (all-to-all) on
// the sources' projection onto A's jumps, multiplicative
// nearest-neighbour STDP on A's recurrent jumps, and synaptic scaling
// with STDP on the sources' projection onto B.
func plasticNet() *point.Network {
	n := sourcedNet()
	for _, c := range []struct {
		name    string
		stdp    *point.STDP
		scaling *point.Scaling
	}{
		{"S->A", &point.STDP{TauPlus: 20, TauMinus: 20, APlus: 0.01, AMinus: 0.0105, WMax: 3}, nil},
		{"A->A jumps", &point.STDP{TauPlus: 15, TauMinus: 30, APlus: 0.02, AMinus: 0.01, WMax: 0.8, Multiplicative: true, Nearest: true}, nil},
		{"S->B", &point.STDP{TauPlus: 20, TauMinus: 20, APlus: 0.005, AMinus: 0.006, WMax: 0.01}, &point.Scaling{Target: 5, Tau: 200, Rate: 1e-3, WMax: 0.02}},
	} {
		i := slices.IndexFunc(n.Projections, func(pr *point.Projection) bool { return pr.Name == c.name })
		if err := n.Projections[i].SetPlasticity(c.stdp, c.scaling); err != nil {
			panic(err)
		}
	}
	return n
}

// stdpExample is the STDP network of the app's tests (app/testdata:
// Song, Miller and Abbott's 200 Poisson inputs onto one neuron).
func stdpExample(t *testing.T) *point.Network {
	t.Helper()
	return loadPoint(t, "../../app/testdata/stdp.toml")
}

// TestPlasticity: plastic networks run on the GPU. Learning on the host
// (the CPU engine's router) where the host delivers, they give the CPU
// engine's spikes and every weight to the bit, after a run and again
// after a second that goes on learning from what the first learnt.
// Learning on the device (shaders/net_learn.comp) where the device
// delivers, they give the same for as long as every delivered sum is the
// CPU engine's: a learnt weight is delivered rounded to the ring's fixed
// point (2^-46 and 2^-48 here), the CPU engine adds it in doubles as it
// is, and once the two sums differ in a last bit at a threshold the
// spikes part (after 209 ms and 242 ms in these networks); so 150 ms,
// and the statistics of longer runs (TestDeviceSTDPDistribution).
func TestPlasticity(t *testing.T) {
	dev := devicetest.Shared(t)
	for _, c := range []struct {
		name  string
		build func() *point.Network
	}{{"plasticNet", plasticNet}, {"app/testdata/stdp.toml", func() *point.Network { return stdpExample(t) }}} {
		for _, d := range []struct {
			delivery Delivery
			tstop    float64
			rounds   int
		}{{DeliverHost, 500, 2}, {DeliverDevice, 150, 1}} {
			t.Run(c.name+"/"+d.delivery.String(), func(t *testing.T) {
				gn, cn := c.build(), c.build()
				g, err := NewEngine(dev, gn, point.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				if err := g.SetDelivery(d.delivery); err != nil {
					t.Fatal(err)
				}
				initial := c.build()
				cpu, err := point.NewEngine(cn, point.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for round := range d.rounds {
					got, want := run(t, g, d.tstop), run(t, cpu, d.tstop)
					if len(want.SpikeList) < 100 {
						t.Fatalf("the CPU engine made %d spikes: too few to learn from", len(want.SpikeList))
					}
					if !slices.Equal(got.SpikeList, want.SpikeList) {
						t.Fatalf("run %d: %d spikes on the GPU, %d on the CPU, not the same", round+1, len(got.SpikeList), len(want.SpikeList))
					}
					changed := sameWeights(t, gn, cn, initial)
					t.Logf("run %d: %d spikes and %d weights changed, the CPU engine's", round+1, len(got.SpikeList), changed)
				}
			})
		}
	}
}

// sameWeights fails unless every plastic projection of got has want's
// weights to the bit, and some differ from initial's; it returns how
// many.
func sameWeights(t *testing.T, got, want, initial *point.Network) int {
	t.Helper()
	changed := 0
	for k, pr := range want.Projections {
		if !pr.Plastic() {
			continue
		}
		for s, w := range pr.W {
			if g := got.Projections[k].W[s]; g != w {
				t.Fatalf("projection %s, synapse %d: weight %.9g on the GPU, %.9g on the CPU", pr.Name, s, g, w)
			}
			if w != initial.Projections[k].W[s] {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("no weight learnt")
	}
	return changed
}

// learningOnSources is a network whose spikes do not depend on its
// weights: Poisson sources onto Poisson sources, through additive
// all-to-all STDP with scaling (S1->S2), multiplicative
// nearest-neighbour STDP with delays of their own (S2->S2, recurrent),
// and scaling alone (S1->S2 scaled). Rates up to 100 Hz at dt 0.1 make
// many pairs of spikes in one step.
func learningOnSources() *point.Network {
	rates := func(n int, top float64) []float64 {
		r := make([]float64, n)
		for i := range r {
			r[i] = top * float64(i+1) / float64(n)
		}
		return r
	}
	s1 := &point.Population{Name: "S1", N: 40, Source: rates(40, 100)}
	s2 := &point.Population{Name: "S2", N: 30, Source: rates(30, 60)}
	port := s2.PortOf(point.Port{Synapse: point.Delta})
	n := &point.Network{Dt: 0.1, Seed: 9, Pops: []*point.Population{s1, s2}}
	for _, c := range []struct {
		name     string
		from     *point.Population
		stdp     *point.STDP
		scaling  *point.Scaling
		delayMod int
	}{
		{"S1->S2", s1, &point.STDP{TauPlus: 17, TauMinus: 34, APlus: 0.01, AMinus: 0.012, WMax: 0.5}, &point.Scaling{Target: 20, Tau: 300, Rate: 1e-3, WMax: 0.5}, 1},
		{"S2->S2", s2, &point.STDP{TauPlus: 15, TauMinus: 30, APlus: 0.05, AMinus: 0.04, WMin: 0.01, WMax: 0.4, Multiplicative: true, Nearest: true}, nil, 7},
		{"S1->S2 scaled", s1, nil, &point.Scaling{Target: 5, Tau: 100, Rate: 2e-3, WMax: 1}, 1},
	} {
		pr := &point.Projection{Name: c.name, From: c.from, To: s2, Port: port, Start: make([]int64, c.from.N+1)}
		for i := range c.from.N {
			for j := i % 3; j < s2.N; j += 2 {
				pr.Target = append(pr.Target, uint32(j))
				pr.W = append(pr.W, 0.05+0.2*float32((i*7+j)%11)/11)
				pr.Delay = append(pr.Delay, uint16(10+(i+j)%c.delayMod))
			}
			pr.Start[i+1] = int64(len(pr.Target))
		}
		if err := pr.SetPlasticity(c.stdp, c.scaling); err != nil {
			panic(err)
		}
		n.Projections = append(n.Projections, pr)
	}
	return n
}

// TestDeviceLearningExact: from the same spikes, the device learns the
// CPU engine's weights to the bit over a long run (a network whose
// spikes its weights do not change, learningOnSources), same-step pairs,
// a recurrent projection, per-synapse delays and scaling at every epoch
// included; and a second run goes on from what the first learnt.
func TestDeviceLearningExact(t *testing.T) {
	gn, cn, initial := learningOnSources(), learningOnSources(), learningOnSources()
	g, err := NewEngine(devicetest.Shared(t), gn, point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.SetDelivery(DeliverDevice); err != nil {
		t.Fatal(err)
	}
	cpu, err := point.NewEngine(cn, point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		got, want := run(t, g, 600), run(t, cpu, 600)
		if !slices.Equal(got.SpikeList, want.SpikeList) {
			t.Fatalf("run %d: the sources' spikes differ", round+1)
		}
		t.Logf("run %d: %d spikes, %d weights changed, the CPU engine's", round+1, len(want.SpikeList), sameWeights(t, gn, cn, initial))
	}
}

// TestUnboundedScalingStaysOnHost: a projection that scales with no
// w_max has no bound for the device's fixed point: delivery on the device
// is refused, saying so, and the host learns.
func TestUnboundedScalingStaysOnHost(t *testing.T) {
	n := plasticNet()
	i := slices.IndexFunc(n.Projections, func(pr *point.Projection) bool { return pr.Name == "S->B" })
	if err := n.Projections[i].SetPlasticity(nil, &point.Scaling{Target: 5, Tau: 200, Rate: 1e-3}); err != nil {
		t.Fatal(err)
	}
	g, err := NewEngine(devicetest.Shared(t), n, point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	err = g.SetDelivery(DeliverDevice)
	if err == nil || !strings.Contains(err.Error(), "S->B scales with no w_max") {
		t.Fatalf("delivery on the device: %v, want a refusal naming S->B's missing w_max", err)
	}
	if g.Delivery() != DeliverHost {
		t.Fatalf("delivery on the %v", g.Delivery())
	}
}

// stdpStats are the statistics of the STDP example's weights (in units
// of w_max) and output after a run: the mean weight, the fractions in
// the lowest and highest tenths, and the output neuron's rate (Hz).
func stdpStats(n *point.Network, rec *sim.Memory, tstop float64) [4]float64 {
	const wmax = 0.05 // app/testdata/stdp.toml's
	w := n.Projections[0].W
	var s [4]float64
	for _, x := range w {
		u := float64(x) / wmax
		s[0] += u / float64(len(w))
		if u < 0.1 {
			s[1] += 1 / float64(len(w))
		}
		if u > 0.9 {
			s[2] += 1 / float64(len(w))
		}
	}
	out := n.Pops[1].First()
	for _, sp := range rec.SpikeList {
		if sp.Cell == out {
			s[3] += 1000 / tstop
		}
	}
	return s
}

// TestDeviceSTDPDistribution: learning on the device, the STDP example's
// weight distribution and output rate after 2 s are the CPU engine's
// within four standard deviations of their spread over five seeds on
// the CPU (the runs part after 242 ms: TestPlasticity). Its delay is 1
// ms here, not a step, for epochs of ten steps.
func TestDeviceSTDPDistribution(t *testing.T) {
	const tstop, seeds = 2000, 5
	var mean, sq [4]float64
	for seed := range seeds {
		n := loadPoint(t, "../../app/testdata/stdp.toml", fmt.Sprintf("seed=%d", 3+seed), "projection.ff.delay=1")
		cpu, err := point.NewEngine(n, point.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := stdpStats(n, run(t, cpu, tstop), tstop)
		for k, x := range s {
			mean[k] += x / seeds
			sq[k] += x * x / seeds
		}
	}
	gn := loadPoint(t, "../../app/testdata/stdp.toml", "seed=3", "projection.ff.delay=1")
	g, err := NewEngine(devicetest.Shared(t), gn, point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.SetDelivery(DeliverDevice); err != nil {
		t.Fatal(err)
	}
	got := stdpStats(gn, run(t, g, tstop), tstop)
	for k, name := range []string{"mean weight", "lowest tenth", "highest tenth", "output rate"} {
		sd := math.Sqrt(max(0, sq[k]-mean[k]*mean[k]) * seeds / (seeds - 1))
		if math.Abs(got[k]-mean[k]) > 4*sd {
			t.Errorf("%s: %.4g on the device, the CPU's %.4g ± %.2g over %d seeds", name, got[k], mean[k], sd, seeds)
		}
		t.Logf("%s: %.4g on the device, the CPU's %.4g ± %.2g", name, got[k], mean[k], sd)
	}
}
