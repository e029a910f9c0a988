package main

import (
	_ "embed"
	"fmt"
	"io"
	iofs "io/fs"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/assets"
)

// The peer's script of bench hay: NEURON on the same cells, its mechanisms
// compiled from the example's .mod files.
//
//go:embed peers/neuron_hay.py
var neuronHay []byte

// hayModel is the example bench hay copies: Hay et al.'s eleven NMODL
// mechanisms on a cylinder cell; hayMods its folder of .mod files.
const (
	hayModel = "models/nmodl_hay_cell.toml"
	hayMods  = "models/nmodl_hay_cell"
)

// benchHayCmd times copies of the nmodl_hay_cell example's cell on the CPU
// engine and, with --compare, NEURON on the same cells with the same
// threads. Where the GPU refuses a mechanism it prints the refusal and
// the CPU runs.
func benchHayCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench hay", flag.ContinueOnError)
	cells := countFlag(fs, "cells", 1, 1, 1e4, "copies of the example's cell")
	tstop := fs.Float64("tstop", 0, "simulated time (ms), at the example's dt (default: its tstop)")
	threads := threadsFlag(fs, "cells advanced at once, NEURON's nthread with --compare (default: all cores)")
	repeat := fs.Int("repeat", 1, "runs of each engine; the fastest is reported, all in INFO")
	backend := choiceFlag(fs, "backend", "cpu", "cpu, gpu, or both (side by side, with their ratio; where the GPU refuses a mechanism it says so and the CPU runs)", "cpu", "gpu", "both")
	compare := fs.Bool("compare", false, "also run NEURON (python3-neuron, and neuron-dev's nrnivmodl) on the same cells, same threads")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite bench hay [--cells N] [--tstop MS] [--threads K] [--repeat R] [--backend cpu|gpu|both] [--compare]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	backends, err := benchBackends(*backend)
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, fs.Name(), "unexpected argument %q", fs.Arg(0))
	case err != nil:
		return usageError(stderr, fs.Name(), "%v", err)
	case *repeat < 1:
		return usageError(stderr, fs.Name(), "--repeat %d: give at least 1", *repeat)
	}
	if fs.Changed("tstop") {
		if err := positiveTime("tstop", *tstop); err != nil {
			return usageError(stderr, fs.Name(), "%v", err)
		}
	} else {
		m, err := loadSpec(hayModel)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		*tstop = *m.Run.Tstop
	}
	workers := *threads
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cfg := benchConfig{cells: *cells, model: hayModel, tstop: *tstop}
	walls := map[string]float64{}
	var ran, lines []string
	for i := 0; i < len(backends); i++ { // grows by the CPU where the GPU refuses
		b := backends[i]
		res, times, err := benchHay(cfg, workers, b, *repeat)
		if err != nil && b == "gpu" {
			fmt.Fprintf(stdout, "SKIP backend=gpu: %v\n", err)
			if !slices.Contains(backends, "cpu") {
				backends = append(backends, "cpu")
			}
			continue
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		ran = append(ran, b)
		walls[b] = res.wall
		fmt.Fprintf(stdout, "INFO backend=%s cells=%d model=%q threads=%d spikes_cell0=%d walls=%s\n",
			b, *cells, hayModel, workers, res.spikes, times)
		lines = append(lines, fmt.Sprintf("RESULT name=%s cells=%d compartments=%d wall_s=%.4f rate=%.4e",
			resultName("neurite_hay", b), *cells, res.comps, res.wall, res.rate))
	}
	if len(ran) == 2 {
		fmt.Fprintf(stdout, "RATIO gpu/cpu=%.2f (the CPU's wall time over the GPU's)\n", walls["cpu"]/walls["gpu"])
	}
	if *compare {
		mods, err := iofs.Sub(assets.FS, hayMods)
		var peer peerResult
		if err == nil {
			peer, err = runPeerFiles("neuron_hay.py", neuronHay, mods, "python3-neuron and neuron-dev", stderr, strconv.Itoa(*cells),
				strconv.FormatFloat(*tstop, 'g', -1, 64), "--nthread", strconv.Itoa(workers), "--repeat", strconv.Itoa(*repeat))
		}
		var nwall float64
		if err == nil {
			nwall, err = peerWall(peer)
		}
		if err != nil {
			fmt.Fprintln(stderr, "NEURON comparison:", err)
			return 1
		}
		fmt.Fprintln(stdout, peer.line)
		for _, b := range ran {
			fmt.Fprintf(stdout, "RATIO %s/neuron=%.2f (nthread=%d; NEURON's wall time over Neurite's)\n", resultName("neurite", b), nwall/walls[b], workers)
		}
	}
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	return 0
}

// benchHay runs the cells repeat times on a backend, each run built and
// started afresh and timed alone, and returns the fastest run and every
// run's wall time (s), comma-separated.
func benchHay(cfg benchConfig, workers int, backend string, repeat int) (benchResult, string, error) {
	best := benchResult{wall: math.Inf(1)}
	var times []string
	for range repeat {
		res, err := benchCable(cfg, workers, backend)
		if err != nil {
			return benchResult{}, "", err
		}
		times = append(times, strconv.FormatFloat(res.wall, 'f', 4, 64))
		if res.wall < best.wall {
			best = res
		}
	}
	return best, strings.Join(times, ","), nil
}
