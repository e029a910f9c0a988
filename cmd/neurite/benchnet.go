package main

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"neurite/compartments"
	"neurite/gpu"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	gnet "neurite/gpu/network"
	"neurite/sim"
	"neurite/sim/netbuild"
	"neurite/sim/netmodels"
	"neurite/sim/network"
	"neurite/sim/spec"
)

// The peers' network benchmarks, run by --compare: Brian2 on COBA,
// NEURON on the ring.
var (
	//go:embed peers/brian_coba.py
	brianCOBA []byte
	//go:embed peers/neuron_ring.py
	neuronRing []byte
)

// netRun is a timed run of a point network.
type netRun struct {
	backend string // "cpu" or "gpu"
	wall    float64
	counts  []int             // spikes by neuron
	mem     gnet.DeviceMemory // the GPU's delivery on the device: its memory there
}

// spikes is the number of spikes of neurons [lo, hi).
func (r netRun) spikes(lo, hi int) int {
	n := 0
	for _, c := range r.counts[lo:hi] {
		n += c
	}
	return n
}

// events is the number of synaptic events: each spike times its
// neuron's out-degree.
func (r netRun) events(net *network.Network) float64 {
	var total float64
	for _, pr := range net.Projections {
		for i := range pr.From.N {
			total += float64(r.counts[pr.From.First()+i]) * float64(pr.Start[i+1]-pr.Start[i])
		}
	}
	return total
}

// neuronCounter counts each neuron's spikes.
type neuronCounter struct {
	sim.Discard
	counts []int
}

func (c *neuronCounter) Spikes(s []sim.Spike) error {
	for _, sp := range s {
		c.counts[sp.Cell]++
	}
	return nil
}

// runNet runs a network on a backend (cpu or gpu) for ms milliseconds,
// repeat times from the initial state, and keeps the shortest run's time
// (the machine may be shared): it times the runs only.
func runNet(net *network.Network, backend string, delivery gnet.Delivery, workers int, ms float64, repeat int) (best netRun, err error) {
	var e sim.Simulator
	opts := network.Options{Workers: workers}
	if backend == "gpu" {
		ch, err := gpu.NewNetSimulator(net, opts, "gpu")
		if err != nil {
			return netRun{}, err
		}
		if err := ch.SetDelivery(delivery); err != nil {
			return netRun{}, err
		}
		e = ch.Sim
		defer func() { best.mem, _ = ch.DeviceMemory() }()
	} else {
		cpu, err := network.NewEngine(net, opts)
		if err != nil {
			return netRun{}, err
		}
		e = cpu
	}
	best = netRun{backend: backend, wall: math.Inf(1)}
	for range max(1, repeat) {
		e.Init()
		rec := &neuronCounter{counts: make([]int, net.Neurons())}
		start := time.Now()
		if err := e.Run(context.Background(), ms, rec, nil); err != nil {
			return netRun{}, err
		}
		if wall := time.Since(start).Seconds(); wall < best.wall {
			best = netRun{backend: backend, wall: wall, counts: rec.counts}
		}
	}
	return best, nil
}

// netFlags are the flags every network benchmark takes.
type netFlags struct {
	duration *float64
	threads  *int
	repeat   *int
	backend  *string
	delivery *string
}

func addNetFlags(fs *flag.FlagSet, duration float64) netFlags {
	return netFlags{
		duration: fs.Float64("duration", duration, "simulated time (s)"),
		threads:  threadsFlag(fs, "threads (default: all cores)"),
		repeat:   fs.Int("repeat", 1, "runs of the built network; the fastest is reported"),
		backend:  choiceFlag(fs, "backend", "cpu", "cpu, gpu, or both (side by side, with their ratio)", "cpu", "gpu", "both"),
		delivery: fs.String("delivery", "auto", "where the GPU delivers the spikes: auto, host (the CPU engine's router) or device"),
	}
}

// backends are the backends the flags ask to run, in order.
func (f netFlags) backends() []string {
	b, _ := benchBackends(*f.backend) // checked by parse
	return b
}

// runNets runs a network on each backend the flags ask for.
func (f netFlags) runNets(net *network.Network) ([]netRun, error) {
	var runs []netRun
	for _, b := range f.backends() {
		d, _ := gnet.ParseDelivery(*f.delivery) // checked by parseNetBench
		r, err := runNet(net, b, d, f.workers(), *f.duration*1000, *f.repeat)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// resultName is a run's RESULT name: the benchmark's, with _gpu for the
// GPU's.
func (r netRun) resultName(name string) string { return resultName(name, r.backend) }

// resultName is a benchmark's RESULT name on a backend: name, with _gpu
// for the GPU's.
func resultName(name, backend string) string {
	if backend == "gpu" {
		return name + "_gpu"
	}
	return name
}

// printRatio prints, after a run on both backends, the GPU's speed over
// the CPU's and whether they made the same spikes.
func printRatio(stdout io.Writer, runs []netRun) {
	if len(runs) != 2 {
		return
	}
	same := "the same spikes of every neuron"
	if !slices.Equal(runs[0].counts, runs[1].counts) {
		same = "different spike counts"
	}
	fmt.Fprintf(stdout, "RATIO gpu/cpu=%.2f (the CPU's wall time over the GPU's; %s)\n", runs[0].wall/runs[1].wall, same)
}

func (f netFlags) workers() int {
	if *f.threads > 0 {
		return *f.threads
	}
	return runtime.GOMAXPROCS(0)
}

// parseNetBench parses a network benchmark's flags; ok is false when the
// command is done (help, or a usage error with its exit code).
func parseNetBench(fs *flag.FlagSet, f netFlags, args []string, stdout, stderr io.Writer) (int, bool) {
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code, false
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, fs.Name(), "unexpected argument %q", fs.Arg(0)), false
	case !(*f.duration > 0) || *f.duration > 1e4:
		return usageError(stderr, fs.Name(), "--duration %g: give a positive time in s, at most 10000", *f.duration), false
	case *f.repeat < 1:
		return usageError(stderr, fs.Name(), "--repeat %d: give at least 1", *f.repeat), false
	}
	if _, err := benchBackends(*f.backend); err != nil {
		return usageError(stderr, fs.Name(), "%v", err), false
	}
	if _, err := gnet.ParseDelivery(*f.delivery); err != nil {
		return usageError(stderr, fs.Name(), "--%v", err), false
	}
	return 0, true
}

var wallField = regexp.MustCompile(`\bwall_s=([0-9.eE+-]+)`)

// peerWall returns the wall_s of a peer's RESULT line.
func peerWall(p peerResult) (float64, error) {
	m := wallField.FindStringSubmatch(p.line)
	if m == nil {
		return 0, fmt.Errorf("no wall_s in %q", p.line)
	}
	return strconv.ParseFloat(m[1], 64)
}

// buildAndRun builds a network, timing it (s), and runs it as the flags
// say, on each backend asked for.
func buildAndRun(build func() (*network.Network, error), nf netFlags) (*network.Network, []netRun, float64, error) {
	start := time.Now()
	net, err := build()
	if err != nil {
		return nil, nil, 0, err
	}
	seconds := time.Since(start).Seconds()
	runs, err := nf.runNets(net)
	return net, runs, seconds, err
}

// benchCOBACmd times brian_coba.py's network and, with --compare, Brian2's
// C++ standalone run of it.
func benchCOBACmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench coba", flag.ContinueOnError)
	neurons := countFlag(fs, "neurons", 4000, 5, 1e8, "neurons (80% excitatory)")
	compare := fs.Bool("compare", false, "also run Brian2's C++ standalone mode on the same network (python3 with brian2)")
	nf := addNetFlags(fs, 1)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench coba [--duration S] [--neurons N] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--compare]")
		fs.PrintDefaults()
	}
	if code, ok := parseNetBench(fs, nf, args, stdout, stderr); !ok {
		return code
	}
	if err := netbuild.Fits(*neurons, 0.02*float64(*neurons)*float64(*neurons), 1); err != nil { // p = 0.02, delays of a step
		return usageError(stderr, fs.Name(), "--neurons %d: %v", *neurons, err)
	}
	net, runs, build, err := buildAndRun(func() (*network.Network, error) { return netmodels.COBA(*neurons, 1) }, nf)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "INFO neurons=%d synapses=%d threads=%d duration_s=%g build_s=%.3f\n", *neurons, net.Synapses(), nf.workers(), *nf.duration, build)
	if *compare {
		peer, err := runPeer("brian_coba.py", brianCOBA, "python3-brian", stderr, "cpp_standalone",
			"--duration", strconv.FormatFloat(*nf.duration, 'g', -1, 64), "--N", strconv.Itoa(*neurons))
		if err == nil {
			var wall float64
			if wall, err = peerWall(peer); err == nil {
				fmt.Fprintln(stdout, peer.line)
				fmt.Fprintf(stdout, "RATIO neurite/brian=%.2f (Brian2's wall time over Neurite's)\n", wall/runs[0].wall)
			}
		}
		if err != nil {
			fmt.Fprintln(stdout, "INFO no Brian2 comparison:", err)
		}
	}
	for _, r := range runs {
		spikes, events := r.spikes(0, net.Neurons()), r.events(net)
		fmt.Fprintf(stdout, "RESULT name=%s neurons=%d wall_s=%.4f events_per_s=%.4e spikes=%d rate_hz=%.2f\n",
			r.resultName("neurite_coba"), *neurons, r.wall, events/r.wall, spikes, float64(spikes)/float64(*neurons) / *nf.duration)
	}
	printRatio(stdout, runs)
	return 0
}

// benchBrunelCmd times Brunel's model A in the asynchronous irregular
// regime.
func benchBrunelCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench brunel", flag.ContinueOnError)
	neurons := countFlag(fs, "neurons", 10000, 50, 1e8, "neurons (80% excitatory; each receives 10% of the excitatory ones)")
	g := fs.Float64("g", 5, "relative inhibitory strength")
	eta := fs.Float64("eta", 2, "external rate over the threshold rate")
	nf := addNetFlags(fs, 1)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench brunel [--neurons N] [--g G] [--eta ETA] [--duration S] [--threads K] [--repeat R] [--backend cpu|gpu|both]")
		fs.PrintDefaults()
	}
	if code, ok := parseNetBench(fs, nf, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case !(*g >= 0) || math.IsInf(*g, 0):
		return usageError(stderr, fs.Name(), "--g %g: give a relative inhibitory strength, 0 or more", *g)
	case !(*eta > 0) || *eta > 1e6:
		return usageError(stderr, fs.Name(), "--eta %g: give an external rate over the threshold rate, above 0 and at most 1e6", *eta)
	}
	if err := netbuild.Fits(*neurons, 0.1*float64(*neurons)*float64(*neurons), 15); err != nil { // C_E + C_I = 0.1 N, 1.5 ms delays
		return usageError(stderr, fs.Name(), "--neurons %d: %v", *neurons, err)
	}
	net, runs, build, err := buildAndRun(func() (*network.Network, error) { return netmodels.Brunel(*neurons, *g, *eta, 1) }, nf)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "INFO neurons=%d synapses=%d threads=%d g=%g eta=%g build_s=%.3f\n", *neurons, net.Synapses(), nf.workers(), *g, *eta, build)
	for _, r := range runs {
		spikes := r.spikes(0, net.Neurons())
		fmt.Fprintf(stdout, "RESULT name=%s neurons=%d wall_s=%.4f sim_s=%g rtf=%.4f events_per_s=%.4e spikes=%d rate_hz=%.2f\n",
			r.resultName("neurite_brunel"), *neurons, r.wall, *nf.duration, r.wall / *nf.duration, r.events(net)/r.wall, spikes, float64(spikes)/float64(*neurons) / *nf.duration)
	}
	printRatio(stdout, runs)
	return 0
}

// benchMicrocircuitCmd times the Potjans–Diesmann microcircuit, built
// from the model file Microcircuit writes at the scale asked for (at
// scale 1, assets/models/microcircuit.toml).
func benchMicrocircuitCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench microcircuit", flag.ContinueOnError)
	scale := fs.Float64("scale", 1, "fraction of the neurons (in-degrees stay the full model's)")
	procedural := fs.Bool("procedural", false, "procedural connectivity: every projection's rows drawn again at each spike on the device (with --delivery device), not stored there")
	nf := addNetFlags(fs, 1)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench microcircuit [--scale F] [--procedural] [--duration S] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--delivery auto|host|device]")
		fs.PrintDefaults()
	}
	if code, ok := parseNetBench(fs, nf, args, stdout, stderr); !ok {
		return code
	}
	if !(*scale > 0 && *scale <= 1) {
		return usageError(stderr, fs.Name(), "--scale %g: give a fraction in (0, 1]", *scale)
	}
	dir, err := os.MkdirTemp("", "neurite-bench-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "microcircuit.toml")
	if err := os.WriteFile(file, []byte(netmodels.MicrocircuitProcedural(*scale, *nf.duration*1000, *procedural)), 0o644); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	n, err := spec.LoadNetwork(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	m, err := netbuild.Build(n)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	build := time.Since(start).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&after)
	net := m.Point
	syn := net.Synapses()
	fmt.Fprintf(stdout, "INFO neurons=%d synapses=%d threads=%d build_s=%.1f bytes_per_synapse=%.2f heap_bytes_per_synapse=%.2f\n",
		net.Neurons(), syn, nf.workers(), build, float64(synapseBytes(net))/float64(syn), float64(after.HeapAlloc-before.HeapAlloc)/float64(syn))
	runs, err := nf.runNets(net)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for k, p := range net.Pops {
		rate := float64(runs[0].spikes(p.First(), p.First()+p.N)) / float64(p.N) / *nf.duration
		fmt.Fprintf(stdout, "RATE population=%s neurons=%d rate_hz=%.3f published_hz=%.3f\n", p.Name, p.N, rate, netmodels.MicrocircuitRates[k])
	}
	for _, r := range runs {
		if r.mem.Ring > 0 {
			fmt.Fprintf(stdout, "DEVICE procedural=%v synapse_bytes=%d procedural_bytes=%d ring_bytes=%d\n", *procedural, r.mem.Synapses, r.mem.Procedural, r.mem.Ring)
		}
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "RESULT name=%s scale=%g neurons=%d synapses=%d wall_s=%.3f sim_s=%g rtf=%.3f events_per_s=%.4e\n",
			r.resultName("neurite_microcircuit"), *scale, net.Neurons(), syn, r.wall, *nf.duration, r.wall / *nf.duration, r.events(net)/r.wall)
	}
	printRatio(stdout, runs)
	return 0
}

// synapseBytes is the memory of a network's connections: targets,
// weights and delays (one of each where a projection shares it) and the
// row offsets.
func synapseBytes(net *network.Network) int64 {
	var b int64
	for _, pr := range net.Projections {
		b += int64(len(pr.Target))*4 + int64(len(pr.W))*4 + int64(len(pr.Delay))*2 + int64(len(pr.Start))*8
	}
	return b
}

// benchRingCmd times the ring network of neuron_ring.py on the cable
// engine, the CPU's or the GPU's or both, and, with --compare, NEURON on
// it with the same threads.
func benchRingCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench ring", flag.ContinueOnError)
	cells := countFlag(fs, "cells", 100, 1, 1e6, "ball-and-stick cells")
	size := fs.Int("ring-size", 0, "cells per ring, a divisor of --cells (default: one ring of all)")
	tstop := fs.Float64("tstop", 1000, "simulated time (ms), at dt = 0.025 ms")
	threads := threadsFlag(fs, "threads (default: all cores)")
	backend := choiceFlag(fs, "backend", "cpu", "cpu, gpu, or both (side by side, with their ratio)", "cpu", "gpu", "both")
	compare := fs.Bool("compare", false, "also run NEURON (python3 with the neuron module) on the same rings, same threads")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench ring --cells N [--ring-size K] [--tstop MS] [--threads K] [--backend cpu|gpu|both] [--compare]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fs.Name(), "unexpected argument %q", fs.Arg(0))
	}
	if err := positiveTime("tstop", *tstop); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	backends, err := benchBackends(*backend)
	if err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	workers := *threads
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	plan, err := compartments.RingNetwork(compartments.Ring{Cells: *cells, Size: *size},
		compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: *tstop})
	if err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	ring := cmp.Or(*size, *cells)
	comps := plan.Compartments()
	walls := map[string]float64{}
	var lines []string
	for _, b := range backends {
		wall, spikes, onDevice, err := runRing(plan, b, workers, *tstop)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		walls[b] = wall
		name := resultName("neurite_ring", b)
		fmt.Fprintf(stdout, "INFO backend=%s cells=%d ring_size=%d compartments=%d threads=%d spikes=%d%s\n", b, *cells, ring, comps, workers, spikes, onDevice)
		lines = append(lines, fmt.Sprintf("RESULT name=%s cells=%d ring_size=%d compartments=%d wall_s=%.4f spikes=%d comp_steps_per_s=%.4e rtf=%.4f",
			name, *cells, ring, comps, wall, spikes, float64(comps)**tstop/0.025/wall, wall/(*tstop/1000)))
	}
	if len(backends) == 2 {
		fmt.Fprintf(stdout, "RATIO gpu/cpu=%.2f (the CPU's wall time over the GPU's)\n", walls["cpu"]/walls["gpu"])
	}
	if *compare {
		peer, err := runPeer("neuron_ring.py", neuronRing, "python3-neuron", stderr, strconv.Itoa(*cells),
			strconv.FormatFloat(*tstop, 'g', -1, 64), "--ring-size", strconv.Itoa(ring), "--nthread", strconv.Itoa(workers))
		if err != nil {
			fmt.Fprintln(stderr, "NEURON comparison:", err)
			return 1
		}
		nwall, err := peerWall(peer)
		if err != nil {
			fmt.Fprintln(stderr, "NEURON comparison:", err)
			return 1
		}
		fmt.Fprintln(stdout, peer.line)
		for _, b := range backends {
			fmt.Fprintf(stdout, "RATIO %s/neuron=%.2f (nthread=%d; NEURON's wall time over Neurite's)\n", resultName("neurite", b), nwall/walls[b], workers)
		}
	}
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	return 0
}

// runRing runs the ring's plan on a backend from its initial state and
// returns the run's wall time, its spikes and, on the GPU, the device.
func runRing(plan *compartments.Plan, backend string, workers int, tstop float64) (wall float64, spikes int, onDevice string, err error) {
	var eng compartments.Simulator
	if backend == "gpu" {
		dev, err := device.Shared()
		if err != nil {
			return 0, 0, "", err
		}
		g, err := cable.NewCable(dev, plan)
		if err != nil {
			return 0, 0, "", err
		}
		defer g.Close()
		eng, onDevice = g, fmt.Sprintf(" device=%q", fmt.Sprintf("%s; %s", dev.Info().Renderer, g))
	} else {
		cpu := compartments.NewEngine(plan)
		cpu.SetWorkers(workers)
		eng = cpu
	}
	eng.Init()
	rec := &allSpikes{}
	start := time.Now()
	if err := eng.Run(context.Background(), tstop, rec, nil); err != nil {
		return 0, 0, "", err
	}
	return time.Since(start).Seconds(), rec.n, onDevice, nil
}

// allSpikes counts every spike.
type allSpikes struct {
	sim.Discard
	n int
}

func (a *allSpikes) Spikes(s []sim.Spike) error { a.n += len(s); return nil }
