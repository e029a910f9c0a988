package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	flag "github.com/spf13/pflag"
	"golang.org/x/term"

	"neurite/app/pipeline"
	"neurite/compartments"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/output"
)

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("out", "results", "directory for the results")
	tstop := fs.Float64("tstop", 0, "override the model's run.tstop (ms)")
	backend := choiceFlag(fs, "backend", "", "auto, cpu or gpu (default: the model's run.backend)", "auto", "cpu", "gpu")
	threads := threadsFlag(fs, "cells advanced at once (default: all cores)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	snapshots := fs.String("snapshots", "", "off, or every MS ms instead of the model's [snapshots]")
	figure := fs.String("figure", "", "networks: also draw the raster into this PNG or SVG file")
	sets := addSetFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite run MODEL.toml|NETWORK.toml|CELL.swc [--out DIR] [--tstop MS] [--backend B] [--threads N] [--snapshots off|MS] [--figure RASTER.png] [--set KEY=VALUE]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "MODEL"); err != nil {
		return usageError(stderr, "run", "%v", err)
	}
	all, err := tstopSets(fs, *tstop, *sets)
	if err != nil {
		return usageError(stderr, "run", "%v", err)
	}
	if pipeline.IsNetwork(fs.Arg(0)) {
		if fs.Changed("snapshots") {
			return usageError(stderr, "run", "--snapshots is for cells; a network records what its [record] says")
		}
		if *figure != "" {
			if err := outputFile("figure", *figure, ".png", ".svg"); err != nil {
				return usageError(stderr, "run", "%v", err)
			}
		}
		return runNetwork(fs.Arg(0), *out, *figure, *backend, *threads, *quiet, all, stdout, stderr)
	}
	if *figure != "" {
		return usageError(stderr, "run", "--figure draws a network's raster; for a cell use neurite render")
	}
	m, cell, settings, err := loadModel(fs.Arg(0), all...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, n := range m.Notes {
		fmt.Fprintln(stderr, "not run:", n)
	}
	if fs.Changed("snapshots") {
		settings.SnapshotTimes = nil
		if settings.SnapshotInterval = 0; *snapshots != "off" {
			every, err := strconv.ParseFloat(*snapshots, 64)
			if err != nil || !(every > 0) || math.IsInf(every, 0) {
				return usageError(stderr, "run", "--snapshots %q: give off, or an interval in ms such as 1", *snapshots)
			}
			settings.SnapshotInterval = every
		}
	}
	want := m.Run.Backend
	if *backend != "" {
		want = *backend
	}
	stop := *m.Run.Tstop
	plan, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", m.File(), err)
		return 1
	}
	ch, err := pipeline.NewSimulator(plan, want, *threads)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if ch.Note != "" {
		fmt.Fprintln(stderr, ch.Note)
	}
	if size := pipeline.OutputSize(plan, stop); size > largeOutput {
		why := fmt.Sprintf("traces of %d probes", len(plan.Probes))
		if plan.TakesSnapshots() {
			why = fmt.Sprintf("most of it snapshots of %d segments %s; --snapshots off, or a longer interval such as --snapshots 1, writes less",
				len(plan.Segments), plan.SnapshotSummary())
		}
		fmt.Fprintf(stderr, "this run writes about %s into %s: %s\n", megabytes(size), *out, why)
	}
	ctx, cancel := interruptible()
	defer cancel()
	progress, finish := progressBar(stderr, stop, *quiet)
	start := time.Now()
	reached, runErr := pipeline.RunToDirectory(ctx, ch.Sim, stop, *out, progress)
	finish()
	if note := gpu.LostNote(ch.Sim); note != "" {
		fmt.Fprintln(stderr, note)
	}
	var blowUp *sim.BlowUpError
	switch {
	case errors.Is(runErr, context.Canceled):
		fmt.Fprintf(stderr, "interrupted at t = %g ms; results up to then are complete in %s\n", output.GridTime(reached, plan.Dt), *out)
		return 130
	case errors.As(runErr, &blowUp):
		fmt.Fprintf(stderr, "%s: %v\nresults up to then are in %s\n", m.File(), blowUp, *out)
		return 1
	case runErr != nil:
		fmt.Fprintln(stderr, runErr)
		return 1
	}
	comps := fmt.Sprintf("%d compartments", plan.Compartments())
	if plan.Compartments() == 1 {
		comps = "1 compartment"
	}
	fmt.Fprintf(stdout, "%s: %s, %g ms in %.2f s; results in %s\n", m.File(), comps, stop, time.Since(start).Seconds(), *out)
	return 0
}

// largeOutput is the size of results, in bytes, above which run says
// how much it will write before it starts.
const largeOutput = 100e6

// megabytes writes a size for people: "230 MB", "1.4 GB".
func megabytes(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// progressBar returns a progress callback and a function that ends the
// bar; on anything but a terminal, or with quiet, both do nothing.
func progressBar(w io.Writer, tstop float64, quiet bool) (sim.ProgressFunc, func()) {
	return labelledBar(w, "simulating", tstop, quiet)
}

// labelledBar is a progress bar on a terminal, saying what it measures,
// for a quantity that goes from 0 to total.
func labelledBar(w io.Writer, label string, total float64, quiet bool) (sim.ProgressFunc, func()) {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	const ticks = 1000
	bar := progressbar.NewOptions(ticks,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return func(t float64) { bar.Set(int(ticks * t / total)) }, func() { bar.Finish(); bar.Exit() }
}
