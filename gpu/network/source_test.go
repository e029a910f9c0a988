package network

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"neurite/gpu/device/devicetest"
	"neurite/sim"
	point "neurite/sim/network"
)

// sourceHeavyNet is n Poisson sources at 5 to 45 Hz onto n/20 LIF
// neurons (exact, one voltage-jump port), each source reaching 10 of
// them with delays of 1.5 ms: epochs of 15 steps whose spikes are
// almost all the sources'.
func sourceHeavyNet(n int) *point.Network {
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
	pr := randomProjection(r, "S->L", s, l, jump, 10, 0.3, 15, 1)
	return &point.Network{Dt: 0.1, Seed: 11, Pops: []*point.Population{s, l}, Projections: []*point.Projection{pr}}
}

// BenchmarkSources times sourceHeavyNet for 200 ms on the GPU, the
// spikes delivered on the host and on the device, runs of each in turn;
// source-steps per second of each reported.
func BenchmarkSources(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, n := range []int{20000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			net := sourceHeavyNet(n)
			g, err := NewEngine(dev, net, point.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			const ms = 200
			deliveries := []Delivery{DeliverHost, DeliverDevice}
			took := make([]time.Duration, len(deliveries))
			for b.Loop() {
				for k, d := range deliveries {
					if err := g.SetDelivery(d); err != nil {
						b.Fatal(err)
					}
					g.Init()
					start := time.Now()
					if err := g.Run(context.Background(), ms, sim.Discard{}, nil); err != nil {
						b.Fatal(err)
					}
					took[k] += time.Since(start)
				}
			}
			for k, d := range deliveries {
				b.ReportMetric(float64(n)*ms/net.Dt*float64(b.N)/took[k].Seconds(), d.String()+"-source-steps/s")
			}
		})
	}
}
