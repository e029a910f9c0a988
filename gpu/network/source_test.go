package network

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/sim"
	point "neurite/sim/network"
	"neurite/sim/rng"
)

// sourceWaitTest writes, for invocation i and each λ of the lambdas, the
// wait net_source.glsl draws from word words[i] and the step it makes
// due from step i, doubles as two words each.
const sourceWaitTest = `#version 430
#include "philox.glsl"
#include "net_source.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) writeonly buffer Out { uvec2 outd[]; };
layout(std430, binding = 1) readonly buffer Words { uint words[]; };
layout(std430, binding = 2) readonly buffer Lambdas { uvec2 lambdas[]; };
uniform uint n, nl;

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= n) {
		return;
	}
	for (uint l = 0u; l < nl; l++) {
		double wait = sourceWait(words[i], packDouble2x32(lambdas[l]));
		outd[2u * (i * nl + l)] = unpackDouble2x32(wait);
		outd[2u * (i * nl + l) + 1u] = unpackDouble2x32(sourceDue(double(i), wait));
	}
}
`

// TestSourceWaitShader: net_source.glsl draws sim/network's waits
// (SourceWait), bit for bit, and makes the same steps due, from the
// words of sources' streams and the extreme words, at λ from a rate of
// 0.1 Hz under a step of 0.025 ms to 2.5 spikes a step, and at λ so
// small or 0 that the source spikes no more.
func TestSourceWaitShader(t *testing.T) {
	key := rng.KeyOf(0x5eed0000beef)
	ws := []uint32{0, 1, 2, 1 << 31, math.MaxUint32 - 1, math.MaxUint32}
	for len(ws) < 1<<16 {
		k := len(ws)
		ws = append(ws, rng.Word(key, point.SourceInput, uint32(k%997), uint64(k)))
	}
	var lambdas []float64
	for _, dt := range []float64{0.025, 0.1} {
		for _, r := range []float64{0.1, 1, 10, 100, 1000} {
			lambdas = append(lambdas, point.SourceLambda(r, dt))
		}
	}
	lambdas = append(lambdas, 1, 2.5, 1e-12, 1e-19, 0)
	n, nl := len(ws), len(lambdas)
	out := make([]uint32, 4*n*nl)
	devicetest.Kernel(t, "source_wait_test.comp", sourceWaitTest, (n+63)/64, func(prog *device.Program) {
		prog.SetUint("n", uint32(n))
		prog.SetUint("nl", uint32(nl))
	}, out, ws, words(lambdas))
	double := func(k int) float64 { return math.Float64frombits(uint64(out[2*k+1])<<32 | uint64(out[2*k])) }
	never := 0
	for i, w := range ws {
		for l, lambda := range lambdas {
			at := 2 * (i*nl + l)
			want, due := point.SourceWait(w, lambda), float64(point.MaxSourceWait)
			if want < point.MaxSourceWait {
				due = float64(int64(i) + int64(want))
			} else {
				never++
			}
			if lambda == 0 {
				want = point.MaxSourceWait // the GPU's never, where Go's is +Inf
			}
			if got := double(at); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("word %08x, λ %g: the GPU waits %v steps, the CPU %v", w, lambda, got, want)
			}
			if got := double(at + 1); got != due {
				t.Fatalf("word %08x, λ %g, from step %d: the GPU's next spike is due at step %v, the CPU's at %v", w, lambda, i, got, due)
			}
		}
	}
	if never < n {
		t.Errorf("%d draws past any run: the test does not reach them", never)
	}
	t.Logf("%d waits as the CPU's, %d of them past any run", n*nl, never)
}

// ratesNet is 40 Poisson sources at each rate from 0.1 Hz to 1 kHz, 40
// silent ones and 4 at 20 kHz (two spikes a step expected: a spike
// nearly every step); with a target, they project onto 10 LIF neurons
// with delays of 1.5 ms (epochs of 15 steps), else they are the network
// (epochs of thousands of steps).
func ratesNet(target bool) *point.Network {
	var rates []float64
	for _, r := range []float64{0, 0.1, 1, 10, 100, 1000} {
		for range 40 {
			rates = append(rates, r)
		}
	}
	rates = append(rates, 20000, 20000, 20000, 20000)
	s := &point.Population{Name: "S", N: len(rates), Source: rates}
	net := &point.Network{Dt: 0.1, Seed: 0x1234567800000009, Pops: []*point.Population{s}}
	if target {
		col := func(x float64) []float64 { return []float64{x, x, x, x, x, x, x, x, x, x} }
		l := &point.Population{Name: "L", N: 10, Method: point.Exact,
			LIF: &point.LIF{Tau: col(20), EL: col(-65), R: col(10), Vth: col(-50), Vreset: col(-60), Tref: col(2), I: col(0)}}
		jump := l.PortOf(point.Port{Synapse: point.Delta})
		net.Pops = append(net.Pops, l)
		net.Projections = []*point.Projection{randomProjection(rand.New(rand.NewPCG(1, 2)), "S->L", s, l, jump, 2, 0.05, 15, 3)}
	}
	return net
}

// TestSourceRates: Poisson sources at rates from 0 to 20 kHz, drawn on
// the device over 2 s, give the CPU engine's spikes, every source's at
// its steps, and every rate spikes about as often as it should; in
// epochs of 15 steps, the spikes delivered on the host and on the
// device, and alone in epochs of thousands of steps. After the GPU's
// runs, the GPU engine's CPU engine (the one a run falls back on,
// gpu.Restart) still gives the same spikes: the GPU draws nothing from
// it.
func TestSourceRates(t *testing.T) {
	const tstop = 2000
	for _, target := range []bool{true, false} {
		t.Run(map[bool]string{true: "epochs of 15 steps", false: "sources alone"}[target], func(t *testing.T) {
			cn := ratesNet(target)
			g, c := bothEngines(t, ratesNet(target), cn, noOptions)
			want := run(t, c, tstop)
			count := map[float64]int{}
			for _, sp := range want.SpikeList {
				if p, i := cn.PopulationOf(sp.Cell); p.Source != nil {
					count[p.Source[i]]++
				}
			}
			for _, r := range []float64{0, 0.1, 1, 10, 100, 1000, 20000} {
				sources := 40.0
				if r == 20000 {
					sources = 4
				}
				// A spike every 1 + ⌊−log(u)/λ⌋ steps: 1 − exp(−λ) a step.
				expect := sources * tstop / cn.Dt * -math.Expm1(-point.SourceLambda(r, cn.Dt))
				if n := float64(count[r]); math.Abs(n-expect) > 5*math.Sqrt(expect) {
					t.Errorf("sources at %g Hz spiked %g times, about %.0f expected", r, n, expect)
				}
			}
			deliveries := []Delivery{DeliverHost}
			if target {
				deliveries = append(deliveries, DeliverDevice)
			}
			for _, d := range deliveries {
				if err := g.SetDelivery(d); err != nil {
					t.Fatal(err)
				}
				t.Run(d.String(), func(t *testing.T) { sameSpikesAndVoltages(t, g, c, run(t, g, tstop), want) })
			}
			if again := run(t, g.CPU(), tstop); !slices.Equal(again.SpikeList, want.SpikeList) {
				t.Errorf("the GPU engine's CPU engine, after its runs: %d spikes, the CPU engine's %d", len(again.SpikeList), len(want.SpikeList))
			}
		})
	}
}

// sourceHeavyNet is n Poisson sources at 5 to 45 Hz onto n/20 LIF
// neurons (exact, one voltage-jump port), each source reaching k of
// them with delays of 1.5 ms: epochs of 15 steps whose spikes are
// almost all the sources'.
func sourceHeavyNet(n, k int) *point.Network {
	r := rand.New(rand.NewPCG(3, 5))
	rates := make([]float64, n)
	for i := range rates {
		rates[i] = 5 + 40*r.Float64()
	}
	s := &point.Population{Name: "S", N: n, Source: rates}
	m := n / 20
	col := func(x float64) []float64 {
		c := make([]float64, m)
		for i := range c {
			c[i] = x
		}
		return c
	}
	l := &point.Population{Name: "L", N: m, Method: point.Exact,
		LIF: &point.LIF{Tau: col(20), EL: col(-65), R: col(10), Vth: col(-50), Vreset: col(-60), Tref: col(2), I: col(0)}}
	jump := l.PortOf(point.Port{Synapse: point.Delta})
	pr := randomProjection(r, "S->L", s, l, jump, k, 0.3, 15, 1)
	return &point.Network{Dt: 0.1, Seed: 11, Pops: []*point.Population{s, l}, Projections: []*point.Projection{pr}}
}

// BenchmarkSources times sourceHeavyNet for 200 ms on the CPU engine
// and on the GPU, the spikes delivered on the host and on the device,
// runs of each in turn (the machine may be shared: each sees the same
// load); source-steps per second of each reported. With one target a
// source, the time is mostly the sources' draw; with ten, their
// delivery's too.
func BenchmarkSources(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, c := range []struct{ n, k int }{{20000, 1}, {20000, 10}, {100000, 10}} {
		b.Run(fmt.Sprintf("%d/targets%d", c.n, c.k), func(b *testing.B) {
			net := sourceHeavyNet(c.n, c.k)
			g, err := NewEngine(dev, net, point.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			const ms = 200
			backends := []string{"cpu", "host", "device"}
			took := make([]time.Duration, len(backends))
			for b.Loop() {
				for k, name := range backends {
					var s sim.Simulator = g
					switch name {
					case "cpu":
						s = g.CPU()
					case "host":
						err = g.SetDelivery(DeliverHost)
					case "device":
						err = g.SetDelivery(DeliverDevice)
					}
					if err != nil {
						b.Fatal(err)
					}
					s.Init()
					start := time.Now()
					if err := s.Run(context.Background(), ms, sim.Discard{}, nil); err != nil {
						b.Fatal(err)
					}
					took[k] += time.Since(start)
				}
			}
			for k, name := range backends {
				b.ReportMetric(float64(c.n)*ms/net.Dt*float64(b.N)/took[k].Seconds(), name+"-source-steps/s")
			}
		})
	}
}
