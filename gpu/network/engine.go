package network

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/gpu/pointmodel"
	"neurite/shaders"
	"neurite/sim"
	point "neurite/sim/network"
)

// ErrUnsupported wraps the reason a network cannot run on the GPU: the
// backend policy then keeps it on the CPU engine.
var ErrUnsupported = errors.New("not supported on the GPU")

// Engine runs a point network of LIF and point-model populations and
// Poisson sources on the GPU (shaders/lif_net.comp, point_net.comp and
// net_source.comp): one invocation per neuron, a whole epoch per dispatch, the state in double
// precision and held in registers across the epoch's steps. The spikes
// come back compacted (step, neuron) and are delivered (delivery.go)
// either on the host by the CPU engine's router, the inputs due in the
// next epoch uploaded from the driver's queue (its slots lie side by
// side, as the kernel reads them), or on the device into a ring the
// kernel reads. It answers like sim/network's Engine, spike for spike.
type Engine struct {
	*sim.Driver
	dev  *device.Device
	net  *point.Network
	cpu  *point.Engine // its router and inputs; its neurons are never advanced
	pops []*pop

	neurons, targets       int
	recordEvery, snapEvery int64
	epochSteps             int64
	spikeWords             int // the spike buffer's: the populations' heads and spikes
	probes                 []point.Probe
	probeVar               []int // by probe: 0 for v, k+1 for port k
	dueSteps               int   // the most steps of inputs uploaded at a time: an epoch's
	currents               int   // the current drives of all populations: the current table's columns
	noise                  int   // the noise currents of all populations (noiseSlots), in the state image after the ports' a
	err                    error // a failure of Reset, returned by Run
	src                    sourceState

	delivery   Delivery   // DeliverHost or DeliverDevice, since the last Init
	chosen     Delivery   // the one SetDelivery chose, for the next Init
	hostRouter sim.Router // the CPU engine's
	dn         *deviceNet // the connectivity for delivery on the device; nil where it cannot
	dnErr      error      // why dn is nil
	learn      *learning  // the plastic projections, learning on the device where it delivers; nil if none
	modelWords int        // the model buffer's: every point-model neuron's record
	// Rate projections: the sums of an epoch's steps go up as a table in
	// the due texture after the current table, rateCols a step; the
	// sources' states come back, outCols a step, for the CPU engine's
	// histories.
	rateCols, outCols int
	// The epoch's tables and the states handed back, reused from epoch
	// to epoch.
	curTable, rateTable, rateStates []float64

	v, ref, syn, par, due, spikes, probeBuf, rec, models, rateOut *device.Buffer
	vTex, refTex, synTex, parTex, dueTex                          uint32 // their buffer textures
}

// pop is a population as the kernel runs it.
type pop struct {
	*point.Population
	first, base int // its first neuron and queue target
	noiseBase   int // its first noise current, from 2·targets in the state image
	curCol      int // its first current drive's column in the current table
	spikeAt     int // its spikes' first word in the spike buffer
	spikeCap    int // the spikes its part of the buffer holds
	prog        *device.Program
	model       *modelPop // a point-model population's model; nil for LIF and sources
	modelAt     int       // its neurons' first word in the model buffer
	// Rate projections into it: the model parameters they feed, whether
	// each is the input current, and its columns in the rate table; from
	// it: the state variables they read, and its columns in the states
	// handed back.
	rateFed   []int
	rateInput []bool
	rateCol   int
	rateVars  []int
	outCol    int
}

const (
	groupSize = 64
	neuronPW  = 9 + maxPorts // a neuron's parameters (shaders/lif_net.comp)
)

// Supported returns nil when the GPU engine runs n, else why not,
// wrapping ErrUnsupported: LIF populations, exact or Euler, and
// populations of the lab's point models (built-in or typed, which
// pointmodel.Network translates; Euler, RK2 or RK4) without a stimulus
// of their own, with
// voltage jumps and exponential, alpha and bi-exponential currents and
// conductances, at most maxPorts ports; of the drives, Poisson trains
// onto whole populations or parts of them, current drives (drive.go,
// the currents evaluated on the host) and noise (drawn on the device);
// Poisson sources, drawn on the device too (source.go; not recorded);
// plastic projections (STDP and synaptic scaling), learning on the
// device where it delivers the spikes (learning.go), else on the host in
// the CPU engine's router; rate projections, their sums formed on the
// host.
func Supported(n *point.Network, probes []point.Probe) error {
	_, err := supported(n, probes)
	return err
}

// supported is Supported, returning the point-model populations' models
// as translated for the device.
func supported(n *point.Network, probes []point.Probe) (map[*point.Population]*modelPop, error) {
	no := func(format string, a ...any) (map[*point.Population]*modelPop, error) {
		return nil, fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), ErrUnsupported)
	}
	models := map[*point.Population]*modelPop{}
	for _, p := range n.Pops {
		if p.Model != nil {
			mp, err := newModelPop(p)
			if err != nil {
				return no("population %s: %v", p.Name, err)
			}
			models[p] = mp
		}
		why := driveSupported(p, n.Dt)
		switch {
		case why != "":
			return no("population %s: %s", p.Name, why)
		case len(p.Ports) > maxPorts:
			return no("population %s: %d synapse ports, the GPU kernel takes at most %d", p.Name, len(p.Ports), maxPorts)
		}
	}
	for _, pr := range probes {
		if pr.Pop.Source != nil {
			return no("population %s: the GPU records nothing of Poisson sources", pr.Pop.Name)
		}
		if pr.Var != "v" && !isPortVar(pr.Var) && !isModelVar(pr.Pop, pr.Var) {
			return no("population %s: the GPU records v, g1, g2, … and a model's variables, not %q", pr.Pop.Name, pr.Var)
		}
	}
	return models, nil
}

// isPortVar reports whether a probe's variable names a port: g1, g2, ….
func isPortVar(name string) bool {
	_, ok := portVar(name)
	return ok
}

// portVar returns the port k a probe's variable gk names (from 1).
func portVar(name string) (int, bool) {
	var k int
	_, err := fmt.Sscanf(name, "g%d", &k)
	return k, err == nil && k >= 1
}

// isModelVar reports whether a probe's variable is one of a point-model
// population's variables.
func isModelVar(p *point.Population, name string) bool {
	if p.Model == nil {
		return false
	}
	_, ok := p.Model.Model.VarIndex(name)
	return ok
}

// NewEngine prepares a network for the device; call Init before Run. A
// network the engine does not run is refused with ErrUnsupported, before
// anything is allocated on the device.
func NewEngine(dev *device.Device, n *point.Network, o point.Options) (*Engine, error) {
	models, err := supported(n, o.Probes)
	if err != nil {
		return nil, err
	}
	for _, p := range n.Pops {
		for d, dr := range p.Drives {
			if dr.Neurons != nil && len(dr.Neurons) != p.N {
				return nil, fmt.Errorf("population %s: drive %d reaches %d neurons' worth of mask, the population has %d", p.Name, d+1, len(dr.Neurons), p.N)
			}
		}
	}
	cpu, err := point.NewEngine(n, o)
	if err != nil {
		return nil, err
	}
	e := &Engine{dev: dev, net: n, cpu: cpu, neurons: n.Neurons(), probes: o.Probes}
	e.recordEvery = max(1, int64(math.Round(o.RecordEvery/n.Dt)))
	if o.SnapEvery > 0 {
		e.snapEvery = max(1, int64(math.Round(o.SnapEvery/n.Dt)))
	}
	for _, p := range n.Pops {
		ep := &pop{Population: p, first: p.First(), base: e.targets, noiseBase: e.noise, model: models[p]}
		if ep.model != nil {
			ep.modelAt = e.modelWords
			e.modelWords += p.N * ep.model.words()
		}
		e.pops = append(e.pops, ep)
		e.targets += p.N * len(p.Ports)
		e.noise += noiseSlots(p)
		ep.curCol = e.currents
		for _, d := range p.Drives {
			if d.Kind == point.CurrentDrive {
				e.currents++
			}
		}
	}
	for k, p := range e.pops {
		p.rateFed, p.rateInput = cpu.RateFed(k)
		p.rateCol = e.rateCols
		e.rateCols += len(p.rateFed) * p.N
		p.rateVars = cpu.RateVars(k)
		p.outCol = e.outCols
		e.outCols += len(p.rateVars) * p.N
	}
	_, wiring := cpu.Part()
	if wiring.Targets != e.targets {
		return nil, fmt.Errorf("gpu: %d queue targets, the CPU engine has %d", e.targets, wiring.Targets)
	}
	perNeuron := make([]int, e.neurons)
	for _, pr := range e.probes {
		if pr.Neuron < 0 || pr.Neuron >= pr.Pop.N {
			return nil, fmt.Errorf("a probe names neuron %d, which is not in population %s", pr.Neuron, pr.Pop.Name)
		}
		// What it records, in sim/network's probeFunc's order: v, a
		// port, a model variable.
		what := 0
		if pr.Var != "v" {
			k, isPort := portVar(pr.Var)
			what = k
			if !isPort || k > len(pr.Pop.Ports) {
				j, ok := 0, false
				if pr.Pop.Model != nil {
					j, ok = pr.Pop.Model.Model.VarIndex(pr.Var)
				}
				if !ok {
					return nil, fmt.Errorf("population %s has no variable %q to record", pr.Pop.Name, pr.Var)
				}
				what = -(j + 1)
			}
		}
		e.probeVar = append(e.probeVar, what)
		perNeuron[pr.Pop.First()+pr.Neuron]++
	}
	e.epochSteps = max(1, int64(4e6/float64(e.neurons+1)))
	if device.Software(dev.Info()) {
		// llvmpipe's loop guard: the step loop's passes, and the probe
		// loop's entry and passes at each record step, well under
		// 65,535 a dispatch.
		loops := 1
		if m := slices.Max(perNeuron); m > 0 {
			loops = 2 + m
		}
		e.epochSteps = min(e.epochSteps, int64(40000/loops))
	}
	steps := e.epochSteps
	if wiring.Router != nil {
		steps = min(steps, max(1, wiring.Router.MinDelay()))
	}
	if d := cpu.RateDelay(); d > 0 {
		// The driver knows no rate delays: they bound the epoch here.
		e.epochSteps = min(e.epochSteps, d)
		steps = min(steps, d)
	}
	e.dueSteps = int(steps)
	// A neuron spikes at most once a step; a device's storage blocks may
	// be smaller than that bound (16 MiB at the least), and then an
	// epoch of more spikes than fit is reported, not lost.
	room := (dev.Info().MaxStorageBlockSize/4 - 4*len(e.pops)) / 2
	e.spikeWords = 4 * len(e.pops)
	for _, p := range e.pops {
		p.spikeAt, p.spikeCap = e.spikeWords, min(p.N*e.dueSteps, room*p.N/e.neurons)
		e.spikeWords += 2 * p.spikeCap
	}
	texels := max((e.targets+e.currents+e.rateCols)*e.dueSteps, e.neurons*neuronPW, 2*e.targets+e.noise)
	if limit := dev.Info().MaxTextureBufferSize; texels > limit {
		return nil, fmt.Errorf("gpu: %d neurons need buffer textures of %d texels, more than the device's %d: %w", e.neurons, texels, limit, device.ErrTooLarge)
	}
	e.hostRouter = wiring.Router
	if e.learn, e.dnErr = newLearning(n, func(p *point.Population) int { return e.pops[e.popOfNeuron(p.First())].base }, cpu.LearningIndex); e.dnErr == nil {
		e.dn, e.dnErr = e.newDeviceNet(wiring.Router, wiring.Inputs)
	}
	if err := e.compile(); err != nil {
		return nil, err
	}
	if err := dev.Do(func() error { e.alloc(); return nil }); err != nil {
		return nil, err
	}
	if wiring.Router != nil {
		wiring.Router = (*deliverer)(e)
	}
	e.Driver = sim.NewDriver((*backend)(e), wiring)
	if err := e.SetDelivery(DeliverAuto); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// compile makes each population's program: its ports, method and
// drives, and its model, are compiled in; the sources' is
// net_source.comp (source.go).
func (e *Engine) compile() error {
	return e.dev.Do(func() error {
		for k, p := range e.pops {
			if p.Source != nil {
				if err := e.compileSource(k, p); err != nil {
					return fmt.Errorf("population %s: %w", p.Name, err)
				}
				continue
			}
			text := popShader(p.Population, e.net.Dt) + driveShader(p.Population, e.net.Seed, e.net.Dt, p.noiseBase)
			if hasCurrents(p.Population) {
				text += currentShader(p.Population, p.curCol)
			}
			if p.model != nil {
				text += modelShader(p, p.model)
				src, err := shaders.Load("point_net.comp", shaders.Generated{Name: "lif_pop.glsl", Text: text}, shaders.Generated{Name: "model.glsl", Text: p.model.Text})
				if err != nil {
					return err
				}
				if p.prog, err = device.Compile(src.Define("GROUP_SIZE", groupSize).Define("MAX_PORTS", maxPorts).Define("NV", p.model.NV).Define("NP", p.model.NP)); err != nil {
					return fmt.Errorf("population %s: %w", p.Name, err)
				}
				e.setUniforms(k, p)
				continue
			}
			src, err := shaders.Load("lif_net.comp", shaders.Generated{Name: "lif_pop.glsl", Text: text})
			if err != nil {
				return err
			}
			if p.prog, err = device.Compile(src.Define("GROUP_SIZE", groupSize).Define("MAX_PORTS", maxPorts)); err != nil {
				return err
			}
			e.setUniforms(k, p)
		}
		return nil
	})
}

// setUniforms sets the uniforms of population k's program that keep
// their value from epoch to epoch (a program keeps its uniforms; Advance
// sets those of the epoch).
func (e *Engine) setUniforms(k int, p *pop) {
	p.prog.Use()
	for name, x := range map[string]int{
		"parTex": 0, "dueTex": 1,
		"popFirst": p.first, "popBase": p.base, "popN": p.N, "neurons": e.neurons, "targets": e.targets,
		"popIndex": k, "spikeAt": p.spikeAt, "spikeCap": p.spikeCap,
		"recordEvery": int(e.recordEvery), "nProbes": len(e.probes),
		"curBase": e.targets * e.dueSteps, "curCols": e.currents, "modelAt": p.modelAt,
		"rateBase": (e.targets + e.currents) * e.dueSteps, "rateCols": e.rateCols, "outCols": e.outCols,
	} {
		p.prog.SetInt(name, x)
	}
}

// Close frees the engine's buffers and programs.
func (e *Engine) Close() {
	e.dev.Do(func() error {
		e.free()
		for _, p := range e.pops {
			if p.prog != nil {
				p.prog.Delete()
			}
		}
		return nil
	})
}

func (e *Engine) free() {
	for _, t := range []uint32{e.vTex, e.refTex, e.synTex, e.parTex, e.dueTex} {
		if t != 0 {
			gl.DeleteTextures(1, &t)
		}
	}
	for _, b := range []*device.Buffer{e.v, e.ref, e.syn, e.par, e.due, e.spikes, e.probeBuf, e.rec, e.models, e.rateOut} {
		if b != nil {
			b.Delete()
		}
	}
	if e.dn != nil {
		e.dn.free()
	}
	if e.learn != nil {
		e.learn.free()
	}
	e.src.free()
}

// Run advances the network to tstop as sim.Driver's Run does; where the
// device learns, the learnt weights then come back into the projections
// (also after a cancelled run, as far as it went; not after a device
// failure, which leaves them as they were for a restart on the CPU).
func (e *Engine) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress sim.ProgressFunc) error {
	err := e.Driver.Run(ctx, tstop, rec, progress)
	if e.delivery == DeliverDevice && e.learn != nil && e.err == nil {
		if perr := e.dev.Do(func() error { e.learn.pull(); return nil }); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

// CPU returns the CPU engine of the same network whose router and
// inputs the GPU engine uses (its neurons are not advanced by the GPU
// engine's runs): the engine to carry a run on with should the device
// fail, or to compare with.
func (e *Engine) CPU() *point.Engine { return e.cpu }

// Network returns the network run.
func (e *Engine) Network() *point.Network { return e.net }

// String describes the engine's layout for people.
func (e *Engine) String() string {
	return fmt.Sprintf("%s in %s, a thread each, up to %s a dispatch", count(e.neurons, "neuron"), count(len(e.pops), "population"), count(e.dueSteps, "step"))
}

// count writes n things, in the plural unless one.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// words views doubles or ints as the 32-bit words the device takes.
func words[T float64 | int32](x []T) []uint32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&x[0])), len(x)*int(unsafe.Sizeof(x[0]))/4)
}

// params returns the parameter buffer: each neuron's parameters (a
// point model's: the drives' bits alone), by global id.
func (e *Engine) params() []float64 {
	par := make([]float64, e.neurons*neuronPW)
	for _, p := range e.pops {
		if p.Source != nil {
			continue
		}
		for i := range p.N {
			x := neuronParams(p.Population, i, e.net.Dt)
			copy(par[(p.first+i)*neuronPW:], x[:])
		}
	}
	return par
}

// neuronParams returns neuron i's parameters as the kernel takes them,
// formed as the CPU engine forms them (sim/network/engine.go): vinf =
// E_L + R·I (exact without current drives; else E_L, vinf formed each step), exp(−dt/τ), R, I, τ, threshold,
// reset, refractory steps, each port's exact current weight, and the
// drives that pass the neuron by (skipBits).
func neuronParams(p *point.Population, i int, dt float64) [neuronPW]float64 {
	l := p.LIF
	var x [neuronPW]float64
	x[neuronPW-1] = float64(skipBits(p, i))
	if l == nil {
		return x // a point model's: its own are in the model buffer
	}
	x[0] = l.EL[i]
	if p.Method == point.Exact && !hasCurrents(p) {
		x[0] = l.EL[i] + float64(l.R[i]*(l.I[i]+0.0)) // the bias plus no drive, the product rounded as the CPU engine rounds it
	}
	x[1], x[2], x[3], x[4] = math.Exp(-dt/l.Tau[i]), l.R[i], l.I[i], l.Tau[i]
	x[5], x[6], x[7] = l.Vth[i], l.Vreset[i], math.Round(l.Tref[i]/dt)
	for k, q := range p.Ports {
		if p.Method == point.Exact && q.Synapse == point.Current {
			x[8+k] = point.ExactCurrent(l.R[i], l.Tau[i], q.TauDecay, dt)
		}
	}
	return x
}

// probeTable returns the probe buffer: for each neuron the first of its
// probes and their number, then the probes grouped by neuron, each its
// index and what it records (0: v, k: port k).
func (e *Engine) probeTable() []int32 {
	probes := make([]int32, 2*e.neurons)
	order := make([]int, len(e.probes))
	for k := range order {
		order[k] = k
	}
	gid := func(k int) int { return e.probes[k].Pop.First() + e.probes[k].Neuron }
	slices.SortStableFunc(order, func(a, b int) int { return gid(a) - gid(b) })
	for j, k := range order {
		g := gid(k)
		if probes[2*g+1] == 0 {
			probes[2*g] = int32(j)
		}
		probes[2*g+1]++
	}
	for _, k := range order {
		probes = append(probes, int32(k), int32(e.probeVar[k]))
	}
	return probes
}

// alloc makes the buffers and their textures, and uploads the
// parameters and the probes (on the device thread).
func (e *Engine) alloc() {
	e.v = device.NewBuffer[uint32](nil, 8*e.neurons)
	e.ref = device.NewBuffer[uint32](nil, 4*e.neurons)
	e.syn = device.NewBuffer[uint32](nil, 8*max(2, 2*e.targets+e.noise)) // b, then a, then the noise currents
	e.par = device.NewBuffer(words(e.params()), 0)
	e.due = device.NewBuffer[uint32](nil, 8*max(1, (e.targets+e.currents+e.rateCols)*e.dueSteps)) // the queue's slots, the current table, the rate table
	e.rateOut = device.NewBuffer[uint32](nil, 8*max(1, e.outCols*e.dueSteps))
	e.probeBuf = device.NewBuffer(words(e.probeTable()), 0)
	e.spikes = device.NewBuffer[uint32](nil, 4*e.spikeWords)
	e.rec = device.NewBuffer[uint32](nil, 8)
	e.models = device.NewBuffer[uint32](nil, 8*max(1, e.modelWords))
	e.vTex = device.BufferTexture(e.v, gl.RG32UI)
	e.refTex = device.BufferTexture(e.ref, gl.R32I)
	e.synTex = device.BufferTexture(e.syn, gl.RG32UI)
	e.parTex = device.BufferTexture(e.par, gl.RG32UI)
	e.dueTex = device.BufferTexture(e.due, gl.RG32UI)
	e.src.alloc()
}

// upload sets the initial state (on the device thread).
func (e *Engine) upload() error {
	v := make([]float64, e.neurons)
	models := make([]float64, max(1, e.modelWords))
	syn := make([]float64, max(2, 2*e.targets+e.noise))
	for _, p := range e.pops {
		slot := 2*e.targets + p.noiseBase
		for _, d := range p.Drives {
			if d.Kind == point.Noise {
				// Every noise current starts at its mean, as the CPU's.
				for i := range p.N {
					syn[slot+i] = d.Mean
				}
				slot += p.N
			}
		}
		for k := range p.Ports {
			if k < len(p.G0) && p.G0[k] != nil {
				copy(syn[p.base+k*p.N:], p.G0[k])
			}
		}
		for i := range p.N {
			if p.Source != nil {
				break // v 0, as on the CPU
			}
			if p.model != nil {
				start, err := p.ModelStart(i)
				if err != nil {
					return err
				}
				r := models[p.modelAt+i*p.model.words():]
				copy(r, pointmodel.NetworkParams(p.Model.Model, start.Params, p.model.NP))
				copy(r[p.model.NP:], start.X)
				r[p.model.NP+p.model.NV] = math.Inf(-1) // not refractory (sim/point's Restart)
				if start.Below {
					r[p.model.NP+p.model.NV+1] = 1
				}
				v[p.first+i] = start.X[p.Model.V()]
				continue
			}
			v[p.first+i] = p.LIF.EL[i]
			if p.V0 != nil {
				v[p.first+i] = p.V0[i]
			}
		}
	}
	device.Write(e.v, words(v))
	device.Write(e.ref, make([]uint32, e.neurons))
	device.Write(e.syn, words(syn))
	device.Write(e.models, words(models))
	e.src.reset()
	return nil
}
