package netmodels

import (
	"path/filepath"

	"context"
	"neurite/sim/netbuild"
	"neurite/sim/spec"
	"testing"

	"neurite/sim"
	"neurite/sim/network"
)

// counter counts spikes.
type counter struct {
	sim.Discard
	n int
}

func (c *counter) Spikes(s []sim.Spike) error { c.n += len(s); return nil }

func benchNet(b *testing.B, build func() (*network.Network, error), ms float64) {
	benchNetWorkers(b, build, ms, 0)
}

func benchNetWorkers(b *testing.B, build func() (*network.Network, error), ms float64, workers int) {
	net, err := build()
	if err != nil {
		b.Fatal(err)
	}
	e, err := network.NewEngine(net, network.Options{Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	rec := &counter{}
	for b.Loop() {
		rec.n = 0
		e.Init()
		if err := e.Run(context.Background(), ms, rec, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rec.n)/float64(net.Neurons())/ms*1000, "Hz")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/ms*1000, "rtf")
}

// BenchmarkCOBA runs brian_coba.py's network for 1 s (Brian2 2.5.1 C++
// standalone, one thread: 0.112 s, 21.1 Hz; ../shared/peers/RESULTS.md).
func BenchmarkCOBA(b *testing.B) {
	benchNet(b, func() (*network.Network, error) { return COBA(4000, 1) }, 1000)
}

// BenchmarkBrunel runs Brunel's model A in the AI regime (g 5, eta 2),
// 10,000 neurons for 200 ms.
func BenchmarkBrunel(b *testing.B) {
	benchNet(b, func() (*network.Network, error) { return Brunel(10000, 5, 2, 1) }, 200)
}

// BenchmarkCOBA1 is BenchmarkCOBA on one worker.
func BenchmarkCOBA1(b *testing.B) {
	benchNetWorkers(b, func() (*network.Network, error) { return COBA(4000, 1) }, 1000, 1)
}

// BenchmarkMicrocircuitSmall runs microcircuit_small.toml (7,718 neurons,
// 3e7 synapses) for 200 ms on one worker.
func BenchmarkMicrocircuitSmall(b *testing.B) {
	n, err := spec.LoadNetwork(filepath.Join("..", "..", "assets", "models", "microcircuit_small.toml"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := netbuild.Build(n)
	if err != nil {
		b.Fatal(err)
	}
	benchNetWorkers(b, func() (*network.Network, error) { return m.Point, nil }, 200, 1)
}
