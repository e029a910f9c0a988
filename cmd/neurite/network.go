package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"neurite/app/pipeline"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/output"
	"neurite/sim/spec"
	"neurite/views"
)

// runNetwork is neurite run on a network file; with figure, it also
// draws the raster of every spike into that PNG or SVG file.
func runNetwork(file, out, figure, backend string, threads int, quiet bool, sets []string, stdout, stderr io.Writer) int {
	spec, err := pipeline.LoadNetwork(file, sets...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	stop := spec.Run.Tstop
	ctx, cancel := interruptible()
	defer cancel()
	building, built := labelledBar(stderr, "connecting", 1, quiet)
	net, err := pipeline.NewNetworkContext(ctx, spec, backend, threads, building)
	built()
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "interrupted while connecting the network; nothing written")
		return 130
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 1
	}
	if net.Note != "" {
		fmt.Fprintln(stderr, net.Note)
	}
	var raster *views.Raster
	if figure != "" {
		raster = views.NewRaster(populations(net))
		net.Watch = raster.Add
	}
	progress, finish := progressBar(stderr, stop, quiet)
	start := time.Now()
	reached, runErr := pipeline.RunNetworkToDirectory(ctx, net, stop, out, progress)
	finish()
	if note := gpu.LostNote(net.Sim); note != "" {
		fmt.Fprintln(stderr, note)
	}
	var blowUp *sim.BlowUpError
	switch {
	case errors.Is(runErr, context.Canceled):
		fmt.Fprintf(stderr, "interrupted at t = %g ms; results up to then are complete in %s\n", output.GridTime(reached, net.Dt()), out)
		return 130
	case errors.As(runErr, &blowUp):
		fmt.Fprintf(stderr, "%s: %v\nresults up to then are in %s\n", spec.File(), blowUp, out)
		return 1
	case runErr != nil:
		fmt.Fprintln(stderr, runErr)
		return 1
	}
	if raster != nil {
		raster.Fit(reached)
		if err := writePlotFile(figure, views.RasterFigure(raster)); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "%s: %s, %g ms in %.2f s; results in %s\n", spec.File(), describeSize(net), stop, time.Since(start).Seconds(), out)
	return 0
}

// populations are a network's populations as the raster colours them.
func populations(net *pipeline.Network) []views.Population {
	var out []views.Population
	for k, p := range net.Pops {
		out = append(out, views.Population{Name: p.Name, Start: p.First, End: p.First + p.N, Color: views.ProbeColor(k)})
	}
	return out
}

// describeSize says how big a network is in a few words.
func describeSize(net *pipeline.Network) string {
	s := fmt.Sprintf("%d neurons", net.Neurons())
	if net.Cable != nil {
		conns := int64(len(net.Cable.Connections))
		if net.Point != nil {
			conns += net.Point.Synapses()
		}
		if net.Links != nil {
			for _, pr := range net.Links.Projections {
				conns += pr.Synapses()
			}
		}
		return s + fmt.Sprintf(" (%d compartments), %d connections", net.Compartments(), conns)
	}
	return s + fmt.Sprintf(", %d synapses", net.Point.Synapses())
}

// checkNetwork is neurite check on a network file: it builds the network
// (so that every error of the file and its CSV files shows) and says
// what it holds.
func checkNetwork(file string, sets []string, stdout, stderr io.Writer) int {
	ns, err := pipeline.LoadNetwork(file, sets...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	net, err := pipeline.NewNetwork(ns, "cpu", 1)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: a network of %s\n", file, describeSize(net))
	for i, p := range net.Pops {
		sp := ns.Populations[i]
		what := sp.Model
		switch {
		case sp.Cell != "":
			what = "cells of " + sp.Cell
		case sp.Equations != "":
			what = sp.Equations
		}
		fmt.Fprintf(&b, "  population %s: %d × %s, neurons %d–%d\n", p.Name, p.N, what, p.First, p.First+p.N-1)
	}
	for _, pr := range ns.Projections {
		fmt.Fprintf(&b, "  projection %s: %s → %s, %s, %s", pr.Name, pr.From, pr.To, pr.Rule, pr.Synapse)
		if pr.Synapse == spec.RateSynapse {
			// What it carries, defaults filled: the source's variable
			// and the target's parameter that takes the sum.
			fmt.Fprintf(&b, " of %s.%s into %s.%s", pr.From, pr.Var, pr.To, pr.Input)
		}
		if pr.Procedural {
			b.WriteString(", procedural")
		}
		b.WriteString("\n")
	}
	for _, in := range ns.Inputs {
		fmt.Fprintf(&b, "  input %s: %s onto %s\n", in.Name, in.Kind, in.To)
	}
	fmt.Fprintf(&b, "  dt %g ms, tstop %g ms, seed %d\n", ns.Run.Dt, ns.Run.Tstop, ns.Seed)
	fmt.Fprint(stdout, b.String())
	return 0
}
