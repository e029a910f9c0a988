package network

import (
	"math"
	"strings"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	point "neurite/sim/network"
)

// TestLowBit: the exponent of a number's lowest set bit.
func TestLowBit(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want int
	}{{1, 0}, {2, 1}, {3, 0}, {-6, 1}, {0.5, -1}, {0.75, -2}, {float64(float32(0.1)), -27}, {0.1, -55}, {math.Ldexp(1, -1074), -1074}} {
		if got := lowBit(c.x); got != c.want {
			t.Errorf("lowBit(%g) = %d, want %d", c.x, got, c.want)
		}
	}
}

// TestFixedShift: the ring's fixed point takes the finest weight's
// lowest bit, and is refused where a target's largest sum would reach
// 2^52 of it (the CPU's sums in doubles could then round).
func TestFixedShift(t *testing.T) {
	for _, c := range []struct {
		name    string
		weights []float32
		shift   int
		ok      bool
	}{
		{"one weight", []float32{0.5}, -1, true},
		{"two weights", []float32{0.75, -3}, -2, true},
		{"a fine weight beside a coarse one", []float32{1 << 10, 1.0 / (1 << 30)}, -30, true},
		{"too far apart", []float32{1 << 24, 1.0 / (1 << 30)}, 0, false},
		{"not a number", []float32{0.5, float32(math.NaN())}, 0, false},
		{"infinite", []float32{0.5, float32(math.Inf(1))}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := &point.Population{Name: "A", N: 4}
			pr := &point.Projection{Name: "AA", From: a, To: a, Start: []int64{0, 0, 0, 0, 0}, Delay: []uint16{1}}
			// Neuron 0 reaches neuron 1 through every weight, 40 times.
			for range 40 {
				for _, w := range c.weights {
					pr.Target, pr.W = append(pr.Target, 1), append(pr.W, w)
				}
			}
			for i := 1; i <= 4; i++ {
				pr.Start[i] = int64(len(pr.Target))
			}
			n := &point.Network{Dt: 0.1, Pops: []*point.Population{a}, Projections: []*point.Projection{pr}}
			shift, err := fixedShift(n, a.N, func(*point.Population) int { return 0 }, nil)
			if (err == nil) != c.ok || (c.ok && shift != c.shift) {
				t.Errorf("shift %d, error %v; want %d, ok %v", shift, err, c.shift, c.ok)
			}
		})
	}
}

// TestRingTooLarge: a ring of slots larger than the device holds is
// refused for delivery on the device, with its size and the limits, and
// auto then delivers on the host, with the CPU engine's spikes.
func TestRingTooLarge(t *testing.T) {
	defer func(b int64) { maxRingBytes = b }(maxRingBytes)
	maxRingBytes = 1024
	gn, cn := mixedNet(), mixedNet()
	g, c := bothEngines(t, gn, cn, probedOptions)
	if err := g.SetDelivery(DeliverDevice); err == nil || !strings.Contains(err.Error(), "larger than the device holds") {
		t.Fatalf("delivery on the device of a ring over the limit: %v, want a refusal", err)
	}
	if err := g.SetDelivery(DeliverAuto); err != nil || g.chosen != DeliverHost {
		t.Fatalf("auto: %v, chose %v", err, g.chosen)
	}
	const tstop = 100
	sameSpikesAndSamples(t, run(t, g, tstop), run(t, c, tstop))
}

// TestChunks: connectivity split over many storage buffers (forced
// small, down to a few rows each) is delivered on the device as in one:
// the CPU engine's spikes and traces to the bit.
func TestChunks(t *testing.T) {
	defer func(b int) { maxChunkBytes = b }(maxChunkBytes)
	maxChunkBytes = 1024
	g, c := bothEngines(t, mixedNet(), mixedNet(), probedOptions)
	if err := g.SetDelivery(DeliverDevice); err != nil {
		t.Fatal(err)
	}
	if len(g.dn.chunks) < 50 {
		t.Fatalf("%d chunks of at most %d bytes, want many", len(g.dn.chunks), maxChunkBytes)
	}
	const tstop = 300
	got, want := run(t, g, tstop), run(t, c, tstop)
	if len(want.SpikeList) < 1000 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	sameRun(t, g, c, got, want)
	t.Logf("%d segments in %d chunks", len(g.dn.segs), len(g.dn.chunks))
}

// TestDeliveryRefused: where the weights span too many binary orders,
// delivery on the device is refused, saying why, and the engine delivers
// on the host.
func TestDeliveryRefused(t *testing.T) {
	dev := devicetest.Shared(t)
	n := mixedNet()
	n.Projections[0].W[0] = 1e-12
	g, err := NewEngine(dev, n, point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	err = g.SetDelivery(DeliverDevice)
	if err == nil || !strings.Contains(err.Error(), "binary orders") || g.Delivery() != DeliverHost {
		t.Errorf("delivery on the device: %v, delivering on the %v", err, g.Delivery())
	}
}

// TestAutoDelivery: the automatic choice delivers on the host on a
// software renderer (measured faster there), on the device on a GPU.
func TestAutoDelivery(t *testing.T) {
	dev := devicetest.Shared(t)
	g, err := NewEngine(dev, mixedNet(), point.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	want := DeliverDevice
	if device.Software(dev.Info()) {
		want = DeliverHost
	}
	if g.Delivery() != want {
		t.Errorf("%s: delivery on the %v, want the %v", dev.Info().Renderer, g.Delivery(), want)
	}
}
