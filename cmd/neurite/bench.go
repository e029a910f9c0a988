package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"neurite/compartments"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	"neurite/gpu/sweep"
	"neurite/sim"
	"neurite/sim/analysis"
	"neurite/sim/ode"
)

// The peers' scripts, run by --compare: NEURON on the benchmark cells,
// Brian2 on the runs of an F–I curve.
var (
	//go:embed peers/neuron_cable.py
	neuronCable []byte
	//go:embed peers/brian_fi.py
	brianFI []byte
)

func benchCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := map[string]func([]string, io.Writer, io.Writer) int{
			"sweep": benchSweepCmd, "coba": benchCOBACmd, "brunel": benchBrunelCmd,
			"microcircuit": benchMicrocircuitCmd, "ring": benchRingCmd, "hay": benchHayCmd,
		}[args[0]]; ok {
			return cmd(args[1:], stdout, stderr)
		}
	}
	const benchUsage = "usage: neurite bench cable [--cells N] [--nseg M | --model FILE] [--tstop MS] [--threads K] [--backend cpu|gpu|both] [--layout auto|lanes|team] [--compare]\n       neurite bench sweep [--model hh|FILE] [--n 2000] [--from 0 --to 20] [--tstop MS] [--backend cpu|gpu|both] [--set NAME=VALUE] [--stim SPEC] [--compare]\n       neurite bench coba [--duration S] [--neurons N] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--compare]\n       neurite bench ring --cells N [--ring-size K] [--tstop MS] [--threads K] [--compare]\n       neurite bench hay [--cells N] [--tstop MS] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--compare]\n       neurite bench brunel [--neurons N] [--g G] [--eta ETA] [--duration S] [--threads K] [--repeat R] [--backend cpu|gpu|both]\n       neurite bench microcircuit [--scale F] [--procedural] [--duration S] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--delivery auto|host|device]"
	switch {
	case len(args) > 0 && (args[0] == "--help" || args[0] == "-h"):
		fmt.Fprintln(stdout, benchUsage)
		return 0
	case len(args) == 0:
		return usageError(stderr, "bench", "give what to measure: cable, sweep, coba, ring, hay, brunel or microcircuit")
	case args[0] != "cable":
		return usageError(stderr, "bench", "unknown benchmark %q (cable, sweep, coba, ring, hay, brunel or microcircuit)", args[0])
	}
	fs := flag.NewFlagSet("bench cable", flag.ContinueOnError)
	cells := countFlag(fs, "cells", 1, 1, 1e6, "number of cells")
	nseg := countFlag(fs, "nseg", 250, 1, 1e6, "segments per dendrite (each cell: soma + 4 dendrites)")
	tstop := fs.Float64("tstop", 100, "simulated time (ms), at dt = 0.025 ms")
	threads := threadsFlag(fs, "cells advanced at once (default: all cores)")
	compare := fs.Bool("compare", false, "also run NEURON (python3 with the neuron module) on the same model, same threads")
	backend := choiceFlag(fs, "backend", "cpu", "cpu, gpu, or both (side by side, with their ratio)", "cpu", "gpu", "both")
	model := fs.String("model", "", "a model or SWC file to time instead of the benchmark cells (--cells copies of its cell)")
	layoutName := fs.String("layout", "auto", "the GPU's layout: lanes (a cell per invocation), team (a cell per work group) or auto")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench cable [--cells N] [--nseg M | --model FILE] [--tstop MS] [--threads K] [--backend cpu|gpu|both] [--layout auto|lanes|team] [--compare]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args[1:], stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fs.Name(), "unexpected argument %q", fs.Arg(0))
	}
	layout, ok := map[string]cable.Layout{"auto": cable.LayoutAuto, "lanes": cable.LayoutLanes, "team": cable.LayoutTeam}[*layoutName]
	switch {
	case !ok:
		return usageError(stderr, fs.Name(), "--layout %q: give auto, lanes or team", *layoutName)
	case *compare && *model != "":
		return usageError(stderr, fs.Name(), "--compare runs NEURON's benchmark cells, not --model")
	case float64(*cells)*float64(4**nseg+1) > maxBenchCompartments:
		return usageError(stderr, fs.Name(), "--cells %d of --nseg %d are %.3g compartments: give at most %.0e", *cells, *nseg, float64(*cells)*float64(4**nseg+1), float64(maxBenchCompartments))
	}
	if err := positiveTime("tstop", *tstop); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	cfg := benchConfig{cells: *cells, nseg: *nseg, model: *model, tstop: *tstop, layout: layout}
	workers := *threads
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	backends, err := benchBackends(*backend)
	if err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	rates := map[string]float64{}
	var lines []string
	var res benchResult
	for _, b := range backends {
		var err error
		res, err = benchCable(cfg, workers, b)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		rates[b] = res.rate
		kernel := "hh_kernel=" + compartments.HHKernel()
		if b == "gpu" {
			kernel = "device=" + strconv.Quote(res.device)
		}
		what := fmt.Sprintf("nseg=%d", *nseg)
		if *model != "" {
			what = "model=" + strconv.Quote(*model)
		}
		fmt.Fprintf(stdout, "INFO backend=%s cells=%d %s threads=%d %s spikes_cell0=%d bytes_per_compartment=%.0f\n",
			b, *cells, what, workers, kernel, res.spikes, res.bytesPerComp)
		lines = append(lines, fmt.Sprintf("RESULT name=%s cells=%d compartments=%d wall_s=%.4f rate=%.4e",
			resultName("neurite_cable", b), *cells, res.comps, res.wall, res.rate))
	}
	if len(backends) == 2 {
		fmt.Fprintf(stdout, "RATIO gpu/cpu=%.2f\n", rates["gpu"]/rates["cpu"])
	}
	line := strings.Join(lines, "\n")
	if *compare {
		peer, err := runNeuron(*cells, *nseg, *tstop, workers, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "NEURON comparison:", err)
			return 1
		}
		fmt.Fprintln(stdout, peer.line)
		for _, b := range backends {
			fmt.Fprintf(stdout, "RATIO neurite_%s/neuron=%.2f (nthread=%d)\n", b, rates[b]/peer.rate, workers)
		}
	}
	fmt.Fprintln(stdout, line)
	return 0
}

// benchBackends reads --backend of a benchmark: the backends to time, in
// the order they run.
func benchBackends(s string) ([]string, error) {
	switch s {
	case "cpu", "gpu":
		return []string{s}, nil
	case "both":
		return []string{"cpu", "gpu"}, nil
	}
	return nil, fmt.Errorf("--backend %q: give cpu, gpu or both", s)
}

type benchResult struct {
	comps        int
	wall, rate   float64
	spikes       int
	bytesPerComp float64
	device       string
}

// maxBenchCompartments bounds bench cable's cells: a few hundred bytes
// each, 10⁸ of them fill a large workstation.
const maxBenchCompartments = 1e8

// benchConfig is what bench cable times: cells copies of NEURON's
// benchmark cell with nseg segments per dendrite, or of a model's cell.
type benchConfig struct {
	cells, nseg int
	model       string
	tstop       float64
	layout      cable.Layout
}

// plan builds the cells with the benchmark's settings, or the model's.
func (c benchConfig) plan() (*compartments.Plan, error) {
	s := compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025}
	var cells []*compartments.Cell
	if c.model == "" {
		var err error
		if cells, err = compartments.BenchmarkCells(c.cells, c.nseg, 0.5); err != nil {
			return nil, err
		}
	} else {
		_, cell, ms, err := loadModel(c.model)
		if err != nil {
			return nil, err
		}
		s = ms
		s.SnapshotInterval, s.SnapshotTimes = 0, nil
		for range c.cells {
			cells = append(cells, cell)
		}
	}
	return compartments.Build(cells, s)
}

// benchCable builds and runs the cells, timing the run only.
func benchCable(cfg benchConfig, workers int, backend string) (benchResult, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	plan, err := cfg.plan()
	if err != nil {
		return benchResult{}, err
	}
	tstop := cfg.tstop
	var eng compartments.Simulator
	var onDevice string
	if backend == "gpu" {
		dev, err := device.Shared()
		if err != nil {
			return benchResult{}, err
		}
		g, err := cable.NewCableLayout(dev, plan, cfg.layout)
		if err != nil {
			return benchResult{}, err
		}
		defer g.Close()
		eng, onDevice = g, fmt.Sprintf("%s; %s", dev.Info().Renderer, g)
	} else {
		cpu := compartments.NewEngine(plan)
		cpu.SetWorkers(workers)
		eng = cpu
	}
	eng.Init()
	runtime.GC()
	runtime.ReadMemStats(&after)
	rec := &spikeCounter{}
	start := time.Now()
	if err := eng.Run(context.Background(), tstop, rec, nil); err != nil {
		return benchResult{}, err
	}
	wall := time.Since(start).Seconds()
	comps := plan.Compartments()
	steps := tstop / plan.Dt
	runtime.KeepAlive(eng)
	return benchResult{
		comps: comps, wall: wall, rate: float64(comps) * steps / wall, spikes: rec.cell0,
		bytesPerComp: float64(after.HeapAlloc-before.HeapAlloc) / float64(comps), device: onDevice,
	}, nil
}

// spikeCounter is a Recorder that counts cell 0's spikes.
type spikeCounter struct{ cell0 int }

func (*spikeCounter) Sample(float64, []float64) error   { return nil }
func (*spikeCounter) Snapshot(float64, []float64) error { return nil }
func (s *spikeCounter) Spikes(spikes []sim.Spike) error {
	for _, sp := range spikes {
		if sp.Cell == 0 {
			s.cell0++
		}
	}
	return nil
}

type peerResult struct {
	line string
	rate float64
}

var rateField = regexp.MustCompile(`\brate=([0-9.eE+-]+)`)

// runNeuron runs the NEURON benchmark script with cache_efficient on.
func runNeuron(ncells, nseg int, tstop float64, threads int, stderr io.Writer) (peerResult, error) {
	return runPeer("neuron_cable.py", neuronCable, "python3-neuron", stderr, strconv.Itoa(ncells), strconv.Itoa(nseg),
		strconv.FormatFloat(tstop, 'g', -1, 64), "--nthread", strconv.Itoa(threads), "--cache", "1")
}

// runPeer runs a peer's script with the system's python3 and returns its
// RESULT line and rate; pkg is the Debian package it needs.
func runPeer(name string, script []byte, pkg string, stderr io.Writer, args ...string) (peerResult, error) {
	return runPeerFiles(name, script, nil, pkg, stderr, args...)
}

// runPeerFiles is runPeer with files (nil: none) copied beside the script
// in its scratch folder.
func runPeerFiles(name string, script []byte, files fs.FS, pkg string, stderr io.Writer, args ...string) (peerResult, error) {
	dir, err := os.MkdirTemp("", "neurite-bench-")
	if err != nil {
		return peerResult{}, err
	}
	defer os.RemoveAll(dir)
	if files != nil {
		if err := os.CopyFS(dir, files); err != nil {
			return peerResult{}, err
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, script, 0o644); err != nil {
		return peerResult{}, err
	}
	cmd := exec.Command("/usr/bin/python3", append([]string{path}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return peerResult{}, fmt.Errorf("%s: %v (is %s installed?)", name, err, pkg)
	}
	for _, line := range bytes.Split(out.Bytes(), []byte("\n")) {
		if bytes.HasPrefix(line, []byte("RESULT")) {
			m := rateField.FindSubmatch(line)
			if m == nil {
				break
			}
			rate, err := strconv.ParseFloat(string(m[1]), 64)
			return peerResult{line: string(line), rate: rate}, err
		}
	}
	return peerResult{}, fmt.Errorf("no RESULT line from %s:\n%s", name, out.String())
}

// benchSweepCmd times a parameter sweep of a point model (the runs of an
// F–I curve) on the CPU and the GPU with the same integrator, RK4 at dt
// 0.01 ms.
func benchSweepCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench sweep", flag.ContinueOnError)
	model := fs.String("model", "hh", "a built-in point model (NAME or NAME:PRESET) or a file of equations")
	n := countFlag(fs, "n", 2000, 1, 1e8, "instances, at currents evenly from --from to --to")
	from := fs.Float64("from", 0, "the first instance's input current")
	to := fs.Float64("to", 20, "the last instance's input current")
	tstop := fs.Float64("tstop", 200, "simulated time per instance (ms)")
	backend := choiceFlag(fs, "backend", "both", "cpu, gpu, or both", "cpu", "gpu", "both")
	compare := fs.Bool("compare", false, "also run Brian2 (python3 with brian2) on the same sweep of hh")
	pf := addPointFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench sweep [--model hh|FILE] [--n 2000] [--from 0 --to 20] [--tstop MS] [--backend cpu|gpu|both] [--set NAME=VALUE] [--stim SPEC] [--compare]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case *compare && (*model != "hh" || len(*pf.set) > 0 || *pf.stim != ""):
		err = errors.New("--compare runs Brian2 on the built-in hh at its defaults, without a stimulus")
	default:
		err = positiveTime("tstop", *tstop)
	}
	if err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	m, err := loadPoint(*model, pf)
	if err == nil && m.Input == "" {
		err = badValue{fmt.Errorf("%s has no input parameter to sweep", m.Name)}
	}
	var bad badValue
	switch {
	case errors.As(err, &bad):
		return usageError(stderr, fs.Name(), "%v", err)
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 1
	}
	values := make([]float64, *n)
	for i := range values {
		values[i] = *from + (*to-*from)*float64(i)/float64(max(1, *n-1))
	}
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: *tstop / 2, Duration: *tstop / 2}
	steps := float64(*n) * *tstop / o.Dt
	rates := map[string]float64{}
	var lines []string
	for _, b := range []string{"cpu", "gpu"} {
		if *backend != b && *backend != "both" {
			continue
		}
		var batch analysis.Batch = analysis.CPU{}
		if b == "gpu" {
			dev, err := device.Shared()
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			sw, err := sweep.NewSweep(dev)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			defer sw.Close()
			if err := sw.Check(m); err != nil { // time the device, not its fallback
				fmt.Fprintln(stderr, err)
				return 1
			}
			// The driver compiles a shader at its first dispatch: one step
			// first, so that the compiler is not timed.
			warm := analysis.RunOptions{Method: o.Method, Dt: o.Dt, Transient: o.Dt, Duration: o.Dt}
			if _, err := sw.Traces(context.Background(), m, m.Input, values[:1], warm); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			batch = sw
		}
		start := time.Now()
		trs, err := batch.Traces(context.Background(), m, m.Input, values, o)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		wall := time.Since(start).Seconds()
		if sw, ok := batch.(*sweep.Sweep); ok && sw.Fallbacks > 0 {
			fmt.Fprintf(stderr, "bench sweep: %d batches fell back to the CPU during the GPU's run, so its rate would not be the GPU's\n", sw.Fallbacks)
			return 1
		}
		spikes, maxima := 0, 0
		for _, tr := range trs {
			spikes += tr.Count
			maxima += len(tr.Maxima)
		}
		rates[b] = steps / wall
		fmt.Fprintf(stdout, "INFO backend=%s model=%s instances=%d steps=%.0f spikes=%d maxima=%d\n", b, m.Name, *n, steps, spikes, maxima)
		lines = append(lines, fmt.Sprintf("RESULT name=neurite_sweep_%s model=%s instances=%d wall_s=%.4f rate=%.4e", b, m.Name, *n, wall, rates[b]))
	}
	if len(rates) == 2 {
		fmt.Fprintf(stdout, "RATIO gpu/cpu=%.2f\n", rates["gpu"]/rates["cpu"])
	}
	if *compare {
		peer, err := runPeer("brian_fi.py", brianFI, "python3-brian", stderr, strconv.Itoa(*n), strconv.FormatFloat(*tstop, 'g', -1, 64),
			"--from", strconv.FormatFloat(*from, 'g', -1, 64), "--to", strconv.FormatFloat(*to, 'g', -1, 64))
		if err != nil {
			fmt.Fprintln(stderr, "Brian2 comparison:", err)
			return 1
		}
		fmt.Fprintln(stdout, peer.line)
		for _, b := range []string{"cpu", "gpu"} {
			if r, ok := rates[b]; ok {
				fmt.Fprintf(stdout, "RATIO neurite_%s/brian2=%.2f\n", b, r/peer.rate)
			}
		}
	}
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	return 0
}
