package network

import (
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"neurite/gpu/device/devicetest"
	"neurite/gpu/pointmodel"
	point "neurite/sim/network"
	lab "neurite/sim/point"
)

// typedIzhikevich is Izhikevich's model typed as equations, with its
// reset: a typed model that spikes.
const typedIzhikevich = `name typed-izhikevich
par I=10, a=0.02, b=0.2, c=-65, d=8
init v=-65, u=-13
v' = 0.04*v*v + 5*v + 140 - u + I
u' = a*(b*v - u)
spike v >= 30: v = c, u = u + d
`

// labModel returns a built-in model of the dynamics lab, the typed
// model in a file of assets/models (name.ode), or typedIzhikevich.
func labModel(t *testing.T, name string) *lab.Model {
	t.Helper()
	var src io.Reader
	switch {
	case name == "typed-izhikevich":
		src = strings.NewReader(typedIzhikevich)
	case strings.HasSuffix(name, ".ode"):
		f, err := os.Open("../../assets/models/" + name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		src = f
	default:
		m, err := lab.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m, err := lab.Parse(src, name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// modelNet builds a network of two populations of point models, A
// (model a, method ma) and B (model b, method mb), each neuron with its
// own input current (spread over [lo, hi] of its model's units): A takes
// voltage jumps from A and a current from B, B a current from B and an
// excitatory and an inhibitory conductance from A and B; explicit input
// spikes reach both, and a Poisson drive and a current drive. The
// weights are in each model's units, scaled by the populations' w.
func modelNet(t *testing.T, dt float64, a, b *lab.Model, ma, mb point.Method, wa, wb float64, ia, ib [2]float64) *point.Network {
	r := rand.New(rand.NewPCG(3, 5))
	spread := func(n int, lim [2]float64) []float64 {
		c := make([]float64, n)
		for i := range c {
			c[i] = lim[0] + (lim[1]-lim[0])*r.Float64()
		}
		return c
	}
	pa := &point.Population{Name: "A", N: 120, Method: ma, Model: &point.PointModel{Model: a, Params: map[string][]float64{a.Input: spread(120, ia)}}}
	pb := &point.Population{Name: "B", N: 80, Method: mb, Model: &point.PointModel{Model: b, Params: map[string][]float64{b.Input: spread(80, ib)}}}
	aJump := pa.PortOf(point.Port{Synapse: point.Delta})
	aCur := pa.PortOf(point.Port{Synapse: point.Current, Shape: point.Exp, TauDecay: 5})
	bCur := pb.PortOf(point.Port{Synapse: point.Current, Shape: point.Alpha, TauDecay: 3})
	bExc := pb.PortOf(point.Port{Synapse: point.Conductance, Shape: point.Exp, TauDecay: 5, E: 0})
	bInh := pb.PortOf(point.Port{Synapse: point.Conductance, Shape: point.BiExp, TauRise: 1, TauDecay: 10, E: -80})
	net := &point.Network{Dt: dt, Pops: []*point.Population{pa, pb}}
	connect := func(name string, from, to *point.Population, port, k int, w float64) {
		net.Projections = append(net.Projections, randomProjection(r, name, from, to, port, k, w, 40, 40))
	}
	connect("A->A jumps", pa, pa, aJump, 10, 0.5*wa)
	connect("B->A current", pb, pa, aCur, 10, -0.3*wa)
	connect("A->B exc", pa, pb, bExc, 10, 0.01*wb)
	connect("B->B inh", pb, pb, bInh, 10, 0.01*wb)
	connect("B->B current", pb, pb, bCur, 5, 0.5*wb)
	// A Poisson train onto A's jumps, a current step onto B's even
	// neurons: the drives run in the CPU engine's order for models too.
	half := make([]bool, pb.N)
	for i := range half {
		half[i] = i%2 == 0
	}
	pa.Drives = []point.Drive{{Kind: point.Poisson, Port: aJump, Rate: 300, W: 2 * wa}}
	pb.Drives = []point.Drive{{Kind: point.CurrentDrive, Start: 40, Stop: 110, Neurons: half, I: func(float64) float64 { return 0.3 * (ib[1] - ib[0]) }}}
	for k := range 300 {
		p, port, w := pa, aJump, 5*wa
		if k%2 == 1 {
			p, port, w = pb, bCur, 5*wb
		}
		net.Inputs = append(net.Inputs, point.SpikeInput{Pop: p, Port: port, Neuron: r.IntN(p.N), T: math.Round(r.Float64()*1500) / 10, W: w})
	}
	return net
}

// TestPointModels runs networks of the lab's point models on the GPU and
// on the CPU engine. Where the models' arithmetic is the CPU's operation
// for operation (Izhikevich and FitzHugh–Nagumo: polynomials; Hodgkin–
// Huxley: sim/hh's rates on sim/fastexp, whose GLSL twin is its
// operations, fused where it fuses, on a device whose fma is fused:
// pointmodel.FusedFMA), every spike is at the CPU's step and every sample
// equal to the bit. Where an exponential is math.Exp on the
// CPU (I_Na,p + I_K's Boltzmann functions) or a hyperbolic function is
// formed from fastexp (Morris–Lecar's tanh and cosh), or where fma is not
// fused (llvmpipe: fastexp then an ulp off one call in a thousand), the
// GPU's differs from the CPU's by a few ulp a call: the spikes, counted at a step, are
// the CPU's (a crossing would have to fall within about 1e-12 mV of the
// level in a step to move), and the traces agree to 1e-9 relative
// (measured: 2.3e-12 for Morris–Lecar with I_Na,p + I_K, 2.6e-13 for
// I_Na,p with FitzHugh–Nagumo): such differences, 1e-16 a call, grow
// over the run, and a spike moved by a step would change v by
// millivolts. Hodgkin–Huxley's upstrokes (dv/dt up to about 500 mV/ms)
// turn a shift of 1e-11 ms into 1e-8 mV: where its fastexp is off by an
// ulp now and then (llvmpipe), its traces agree to 1e-7 (measured
// 4.7e-10).
func TestPointModels(t *testing.T) {
	var fused bool
	if err := devicetest.Shared(t).Do(func() (err error) { fused, err = pointmodel.FusedFMA(); return err }); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		a, b           string
		ma, mb         point.Method
		dt             float64
		wa, wb         float64
		ia, ib         [2]float64
		exact          bool    // equal to the bit (where fastexp is used, on a device whose fma is fused)
		fastexp        bool    // the models call fastexp
		tol            float64 // else, or on a device whose fma is not: the traces' relative difference
		probeA, probeB string
	}{
		{"izhikevich euler, hh rk4", "izhikevich", "hh", point.Euler, point.RK4, 0.025, 1, 1, [2]float64{4, 12}, [2]float64{5, 15}, true, true, 1e-7, "u", "n"},
		{"fhn rk2, izhikevich rk4", "fhn", "izhikevich", point.RK2, point.RK4, 0.05, 0.02, 1, [2]float64{0.3, 0.6}, [2]float64{4, 12}, true, false, 0, "w", "u"},
		{"typed izhikevich euler, lab lif rk2", "typed-izhikevich", "lif", point.Euler, point.RK2, 0.05, 1, 1, [2]float64{4, 12}, [2]float64{1.6, 2.6}, true, false, 0, "u", "v"},
		{"inap rk4, fhn euler", "inap", "fhn", point.RK4, point.Euler, 0.02, 1, 0.02, [2]float64{5, 40}, [2]float64{0.3, 0.6}, false, true, 1e-9, "V", "w"},
		{"morris-lecar rk4, inapk euler", "morris_lecar.ode", "inapk", point.RK4, point.Euler, 0.02, 2, 0.1, [2]float64{85, 110}, [2]float64{4, 10}, false, true, 1e-9, "w", "n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func() *point.Network {
				return modelNet(t, c.dt, labModel(t, c.a), labModel(t, c.b), c.ma, c.mb, c.wa, c.wb, c.ia, c.ib)
			}
			modelsAgree(t, build, c.exact && (fused || !c.fastexp), c.tol, c.probeA, c.probeB)
		})
	}
}

// TestPointModelsUnderNoise: Izhikevich (Euler) and FitzHugh–Nagumo
// (RK2) populations under Ornstein–Uhlenbeck noise, on the whole of one
// and in a window of time on the other, give the CPU engine's spikes and
// traces to the bit: the same normals, stepped where the CPU steps them.
func TestPointModelsUnderNoise(t *testing.T) {
	build := func() *point.Network {
		n := modelNet(t, 0.05, labModel(t, "izhikevich"), labModel(t, "fhn"), point.Euler, point.RK2, 1, 0.02, [2]float64{4, 12}, [2]float64{0.3, 0.6})
		n.Pops[0].Drives = append(n.Pops[0].Drives, point.Drive{Kind: point.Noise, Mean: 0.5, SD: 3, Tau: 5})
		n.Pops[1].Drives = append(n.Pops[1].Drives, point.Drive{Kind: point.Noise, Mean: 0.01, SD: 0.05, Tau: 2, Start: 20, Stop: 120})
		return n
	}
	modelsAgree(t, build, true, 0, "u", "w")
}

func modelsAgree(t *testing.T, build func() *point.Network, exact bool, tol float64, varA, varB string) {
	opts := func(n *point.Network) point.Options {
		a, b := n.Pops[0], n.Pops[1]
		return point.Options{Workers: 2, RecordEvery: 0.5, Probes: []point.Probe{
			{Pop: a, Neuron: 3, Var: "v"}, {Pop: a, Neuron: 3, Var: varA}, {Pop: a, Neuron: 5, Var: "g2"},
			{Pop: b, Neuron: 7, Var: "v"}, {Pop: b, Neuron: 7, Var: varB}, {Pop: b, Neuron: 0, Var: "g3"},
		}}
	}
	gn, cn := build(), build()
	if err := Supported(gn, opts(gn).Probes); err != nil {
		t.Fatal(err)
	}
	g, c := bothEngines(t, gn, cn, opts)
	const tstop = 150
	got, want := run(t, g, tstop), run(t, c, tstop)
	if len(want.SpikeList) < 200 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	perPop := func(m []int) [2]int {
		var c [2]int
		for _, id := range m {
			if id >= cn.Pops[1].First() {
				c[1]++
			} else {
				c[0]++
			}
		}
		return c
	}
	var gIDs, wIDs []int
	for _, s := range got.SpikeList {
		gIDs = append(gIDs, s.Cell)
	}
	for _, s := range want.SpikeList {
		wIDs = append(wIDs, s.Cell)
	}
	if pg, pw := perPop(gIDs), perPop(wIDs); pg[0] == 0 || pg[1] == 0 || pw != pg {
		t.Errorf("spikes by population: %v on the GPU, %v on the CPU (both must fire)", pg, pw)
	}
	sameSpikesAndSamples(t, got, want)
	diff := 0.0
	for s := range want.Values {
		for k := range want.Values[s] {
			gv, wv := got.Values[s][k], want.Values[s][k]
			d := math.Abs(gv-wv) / max(1, math.Abs(wv))
			if !(d <= tol) || (exact && gv != wv) {
				t.Fatalf("probe %d at %g ms: %.17g on the GPU, %.17g on the CPU", k, want.T[s], gv, wv)
			}
			diff = max(diff, d)
		}
	}
	if v := g.Voltages(); exact && !slices.Equal(v, c.Voltages()) {
		t.Error("the voltages at the end differ")
	}
	t.Logf("%d spikes (%v by population), all at the CPU engine's steps; %d samples of %d probes, worst relative difference %g",
		len(got.SpikeList), perPop(wIDs), len(want.Values), len(want.Values[0]), diff)
}

// TestShippedWilsonCowan runs the shipped Wilson–Cowan examples on the
// GPU: the oscillator (wilson_cowan, a unit's E and I) and the field of
// rate units coupled by rate projections (wilson_cowan_field: each
// step's sums formed by the CPU engine from the states the GPU hands
// back, the projections' delays bounding the epochs). Their activities
// agree with the CPU's within 1e-9 relative (fastexp within 2 ulp of
// math.Exp; measured 3.5e-13 and 6.2e-15) and do move.
func TestShippedWilsonCowan(t *testing.T) {
	for _, c := range []struct {
		file  string
		vars  []string
		swing float64
	}{
		{"wilson_cowan.toml", []string{"E", "I"}, 0.1},
		{"wilson_cowan_field.toml", []string{"r"}, 0.1},
	} {
		t.Run(c.file, func(t *testing.T) {
			build := func() *point.Network { return loadPoint(t, "../../assets/models/"+c.file) }
			opts := func(n *point.Network) point.Options {
				var probes []point.Probe
				for _, p := range n.Pops {
					for i := range p.N {
						for _, v := range c.vars {
							probes = append(probes, point.Probe{Pop: p, Neuron: i, Var: v})
						}
					}
				}
				return point.Options{RecordEvery: 0.1, Probes: probes}
			}
			g, cpu := bothEngines(t, build(), build(), opts)
			got, want := run(t, g, 100), run(t, cpu, 100)
			if len(got.Values) != len(want.Values) || len(want.Values) != 1001 {
				t.Fatalf("%d samples on the GPU, %d on the CPU, want 1001", len(got.Values), len(want.Values))
			}
			worst, swing := 0.0, 0.0
			for s := range want.Values {
				for k, wv := range want.Values[s] {
					d := math.Abs(got.Values[s][k]-wv) / max(1e-3, math.Abs(wv))
					if !(d <= 1e-9) {
						t.Fatalf("probe %d at %g ms: %.17g on the GPU, %.17g on the CPU", k, want.T[s], got.Values[s][k], wv)
					}
					worst = max(worst, d)
					swing = max(swing, math.Abs(wv-want.Values[0][k]))
				}
			}
			if swing < c.swing {
				t.Errorf("the activities moved by %g at most: the dynamics are missing", swing)
			}
			t.Logf("%d samples of %d probes, worst relative difference %g, swing %.3g", len(want.Values), len(want.Values[0]), worst, swing)
		})
	}
}

// TestLIFWithModels runs mixedNet with its population B made of
// Izhikevich neurons (Euler, each its own input current) under the same
// synapses: a LIF and a point-model population in one network, a
// program each, give the CPU engine's spikes, traces and voltages to the
// bit.
func TestLIFWithModels(t *testing.T) {
	agreesWithCPU(t, func() *point.Network {
		n := mixedNet()
		b := n.Pops[1]
		r := rand.New(rand.NewPCG(2, 9))
		I := make([]float64, b.N)
		for i := range I {
			I[i] = 3 + 9*r.Float64()
		}
		b.LIF, b.Model = nil, &point.PointModel{Model: lab.Izhikevich(), Params: map[string][]float64{"I": I}}
		return n
	})
}
