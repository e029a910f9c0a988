package gpu

import (
	"fmt"

	"neurite/gpu/device"
	gnet "neurite/gpu/network"
	"neurite/sim"
	"neurite/sim/network"
)

// NetChoice is a point network's simulator with the backend that runs it
// and, where the choice needs saying, why.
type NetChoice struct {
	Sim     sim.Simulator
	Backend string // "cpu" or "gpu"
	Note    string
	// Rates are the neuron-steps per second auto measured on each
	// backend, zero where it measured none.
	CPURate, GPURate float64
}

// autoMinNeurons is the smallest point network auto considers for the
// GPU: below it an epoch's dispatch and read-back cost more than the CPU
// engine takes for the steps.
const autoMinNeurons = 10000

// NewNetSimulator makes a simulator for a point network on the backend
// asked for: "cpu"; "gpu", which fails with the reason where there is no
// usable GPU or the network holds what the GPU engine does not run
// (gpu/network.Supported: point models with a stimulus of their own,
// rate projections); or "auto" (or
// ""), which keeps on the CPU what the GPU does not run, a small network,
// and any network on Mesa's llvmpipe (measured slower than the CPU
// engine: see README), and otherwise times
// a few steps on both and keeps the GPU if it is clearly the faster. A
// run on the GPU carries on on the CPU engine should the device fail.
func NewNetSimulator(n *network.Network, o network.Options, want string) (NetChoice, error) {
	cpu := func(note string) (NetChoice, error) {
		e, err := network.NewEngine(n, o)
		if err != nil {
			return NetChoice{}, err
		}
		return NetChoice{Sim: e, Backend: "cpu", Note: note}, nil
	}
	switch want {
	case "cpu":
		return cpu("")
	case "gpu", "auto", "":
	default:
		return NetChoice{}, fmt.Errorf("unknown backend %q (auto, cpu or gpu)", want)
	}
	auto := want != "gpu"
	if err := gnet.Supported(n, o.Probes); err != nil {
		if !auto {
			return NetChoice{}, fmt.Errorf("backend gpu: %w", err)
		}
		return cpu(fmt.Sprintf("backend: cpu (auto: %v)", err))
	}
	if auto && n.Neurons() < autoMinNeurons {
		return cpu(fmt.Sprintf("backend: cpu (auto: %d neurons are too few to gain on the GPU; --backend gpu forces it)", n.Neurons()))
	}
	dev, err := device.Shared()
	if err == nil && auto && device.Software(dev.Info()) {
		return cpu("backend: cpu (auto: the GPU is Mesa's llvmpipe, on which point networks run slower than on the CPU engine; --backend gpu forces it)")
	}
	var g *gnet.Engine
	if err == nil {
		g, err = gnet.NewEngine(dev, n, o)
	}
	if err != nil {
		if !auto {
			return NetChoice{}, fmt.Errorf("backend gpu: %w", err)
		}
		return cpu(fmt.Sprintf("backend: cpu (auto: %v)", err))
	}
	if !auto {
		return NetChoice{Sim: newNetFallback(g), Backend: "gpu", Note: fmt.Sprintf("backend: gpu (%s; %s)", dev.Info().Renderer, g)}, nil
	}
	cpuRate, gpuRate, err := calibrateNet(g.CPU(), g)
	if err != nil || gpuRate < gpuMargin*cpuRate {
		g.Close()
		why := fmt.Sprintf("measured %.2g neuron-steps/s on the CPU, %.2g on the GPU (%s)", cpuRate, gpuRate, dev.Info().Renderer)
		if err != nil {
			why = err.Error()
		}
		return NetChoice{Sim: g.CPU(), Backend: "cpu", Note: fmt.Sprintf("backend: cpu (auto: %s; --backend gpu forces it)", why),
			CPURate: cpuRate, GPURate: gpuRate}, nil
	}
	return NetChoice{Sim: newNetFallback(g), Backend: "gpu", CPURate: cpuRate, GPURate: gpuRate,
		Note: fmt.Sprintf("backend: gpu (auto: measured %.2g neuron-steps/s, %.2g on the CPU; %s; %s)", gpuRate, cpuRate, dev.Info().Renderer, g)}, nil
}

// SetDelivery chooses where a network run on the GPU delivers its
// spikes (gpu/network.Delivery), from the next Init on; a run on the CPU
// refuses any choice but DeliverAuto.
func (c NetChoice) SetDelivery(d gnet.Delivery) error {
	f, ok := c.Sim.(*netFallback)
	if !ok {
		if d == gnet.DeliverAuto {
			return nil
		}
		return fmt.Errorf("delivery on the %v: the network runs on the CPU", d)
	}
	return f.gpu.SetDelivery(d)
}

// DeviceMemory is what delivery on the device keeps on the device
// (gpu/network.Engine.DeviceMemory); ok is false for a run on the CPU.
func (c NetChoice) DeviceMemory() (m gnet.DeviceMemory, ok bool) {
	f, ok := c.Sim.(*netFallback)
	if !ok {
		return m, false
	}
	return f.gpu.DeviceMemory(), true
}

// calibrateNet times the CPU and GPU engines on their network, a few
// steps to warm up and then about calibrationWork neuron-steps each, and
// leaves both initialised.
func calibrateNet(cpu *network.Engine, g *gnet.Engine) (cpuRate, gpuRate float64, err error) {
	rate := func(s sim.Simulator) (float64, error) {
		return timeRate(s, float64(g.Network().Neurons()), g.Network().Dt)
	}
	if cpuRate, err = rate(cpu); err != nil {
		return 0, 0, fmt.Errorf("the CPU engine failed while measured: %w", err)
	}
	gpuRate, err = rate(g)
	return cpuRate, gpuRate, err
}

// netFallback runs a point network on the GPU engine and, should the
// device fail mid-run, carries on with the CPU engine the GPU engine
// routes its spikes with (its neurons never advanced) from the start,
// nothing recorded lost or repeated (Restart).
type netFallback struct {
	*Restart
	gpu *gnet.Engine
}

// newNetFallback runs g with its own CPU engine as the backup.
func newNetFallback(g *gnet.Engine) *netFallback {
	r := NewRestart(g, func() (sim.Simulator, error) { return g.CPU(), nil })
	r.Keep(KeepSlices(PlasticWeights(g.Network())...))
	return &netFallback{Restart: r, gpu: g}
}

// PlasticWeights are the weights of a network's projections that learn:
// what a run changes in place.
func PlasticWeights(n *network.Network) [][]float32 {
	var ws [][]float32
	for _, pr := range n.Projections {
		if pr.Plastic() {
			ws = append(ws, pr.W)
		}
	}
	return ws
}
