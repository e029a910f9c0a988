package network

import (
	"context"
	"fmt"
	"testing"
	"time"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/sim"
	"neurite/sim/netmodels"
	point "neurite/sim/network"
)

// BenchmarkCOBA times Vogels and Abbott's network (deterministic once
// built) for 100 ms on the CPU engine and on the GPU; b.N runs,
// neuron-steps per second reported. Its delay is one step, so an epoch
// of one step; delay15 sets every delay to 15 steps (Brunel's 1.5 ms),
// so epochs of 15 steps, the shape of the networks with drives that do
// not run on the GPU yet. The GPU delivers the spikes on the host
// (gpu-host) or on the device (gpu-device).
func BenchmarkCOBA(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, delay := range []uint16{1, 15} {
		for _, n := range []int{10000, 100000} {
			for _, backend := range []string{"cpu", "gpu-host", "gpu-device"} {
				b.Run(fmt.Sprintf("delay%d/%s/%d", delay, backend, n), func(b *testing.B) {
					net, err := netmodels.COBA(n, 1)
					if err != nil {
						b.Fatal(err)
					}
					for _, pr := range net.Projections {
						pr.Delay = []uint16{delay}
					}
					benchRun(b, dev, net, backend, 100)
				})
			}
		}
	}
}

// BenchmarkDelivery times the two deliveries of the spikes on one
// engine, runs of each in turn (the machine may be shared: each pair
// sees the same load), on COBA with one-step and 15-step epochs and on
// Brunel's network under its Poisson drive (1.5 ms delays, about 40 Hz);
// neuron-steps per second of each reported.
func BenchmarkDelivery(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, c := range []struct {
		name  string
		n     int
		delay uint16
		ms    float64
	}{
		{"coba-delay1", 10000, 1, 100}, {"coba-delay1", 100000, 1, 100},
		{"coba-delay15", 10000, 15, 100}, {"coba-delay15", 100000, 15, 100},
		{"brunel", 10000, 0, 100},
	} {
		b.Run(fmt.Sprintf("%s/%d", c.name, c.n), func(b *testing.B) {
			var net *point.Network
			var err error
			if c.name == "brunel" {
				net, err = netmodels.Brunel(c.n, 5, 2, 1)
			} else {
				net, err = netmodels.COBA(c.n, 1)
				for _, pr := range net.Projections {
					pr.Delay = []uint16{c.delay}
				}
			}
			if err != nil {
				b.Fatal(err)
			}
			g, err := NewEngine(dev, net, point.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			deliveries := []Delivery{DeliverHost, DeliverDevice}
			took := make([]time.Duration, len(deliveries))
			for b.Loop() {
				for k, d := range deliveries {
					if err := g.SetDelivery(d); err != nil {
						b.Fatal(err)
					}
					g.Init()
					start := time.Now()
					if err := g.Run(context.Background(), c.ms, sim.Discard{}, nil); err != nil {
						b.Fatal(err)
					}
					took[k] += time.Since(start)
				}
			}
			for k, d := range deliveries {
				b.ReportMetric(float64(c.n)*c.ms/net.Dt*float64(b.N)/took[k].Seconds(), d.String()+"-neuron-steps/s")
			}
		})
	}
}

// BenchmarkPlasticity times Vogels and Abbott's network of 10,000
// neurons with its delays at 15 steps and additive STDP on every
// excitatory projection, 100 ms: on the CPU engine, on the GPU learning
// on the host (gpu-host), and on the GPU learning on the device
// (gpu-device, two dispatches a step with spikes).
func BenchmarkPlasticity(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, backend := range []string{"cpu", "gpu-host", "gpu-device"} {
		b.Run(backend, func(b *testing.B) {
			const n, ms = 10000, 100
			net, err := netmodels.COBA(n, 1)
			if err != nil {
				b.Fatal(err)
			}
			for _, pr := range net.Projections {
				pr.Delay = []uint16{15}
				if pr.From.Name == "E" {
					w := float64(pr.W[0])
					if err := pr.SetPlasticity(&point.STDP{TauPlus: 20, TauMinus: 20, APlus: 0.01, AMinus: 0.0105, WMax: 2 * w}, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			benchRun(b, dev, net, backend, ms)
		})
	}
}

// benchRun times a network for ms on backend — cpu, gpu-host (the GPU,
// spikes delivered on the host) or gpu-device — and reports
// neuron-steps per second.
func benchRun(b *testing.B, dev *device.Device, net *point.Network, backend string, ms float64) {
	var s sim.Simulator
	if backend != "cpu" {
		g, err := NewEngine(dev, net, point.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
		if err := g.SetDelivery(map[string]Delivery{"gpu-host": DeliverHost, "gpu-device": DeliverDevice}[backend]); err != nil {
			b.Fatal(err)
		}
		s = g
	} else {
		var err error
		if s, err = point.NewEngine(net, point.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		s.Init()
		if err := s.Run(context.Background(), ms, sim.Discard{}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(net.Neurons())*ms/net.Dt*float64(b.N)/b.Elapsed().Seconds(), "neuron-steps/s")
}
