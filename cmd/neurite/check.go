package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/compartments"
)

func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: neurite check MODEL.toml|CELL.swc")
		fmt.Fprintln(stderr, "Validates the file and prints what it describes; exit status 0 if valid, 1 if not.")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)
	m, cell, settings, err := loadModel(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	plan, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return 1
	}
	fmt.Fprint(stdout, describe(file, m.Morphology.SWC, cell, plan))
	return 0
}

// describe summarises a cell and its discretisation for check.
func describe(file, swcName string, cell *compartments.Cell, plan *compartments.Plan) string {
	var b strings.Builder
	morph := cell.Morph
	fmt.Fprintf(&b, "%s: valid\n", file)
	if swcName != "" {
		fmt.Fprintf(&b, "  morphology   %s (soma: %s)\n", morph.Source, morph.Soma)
	} else {
		fmt.Fprintf(&b, "  morphology   built-in cylinders\n")
	}
	counts := map[string]int{}
	for _, s := range morph.Sections {
		counts[s.Region]++
	}
	var parts []string
	for _, r := range morph.Regions() {
		parts = append(parts, fmt.Sprintf("%s %d", r, counts[r]))
	}
	fmt.Fprintf(&b, "  sections     %d (%s)\n", len(morph.Sections), strings.Join(parts, ", "))
	total, soma := 0.0, 0.0
	length := 0.0
	cp := &plan.Cells[0]
	for i, s := range morph.Sections {
		length += s.L()
		for _, a := range cp.Geometry(i).Area {
			total += a
			if s.Region == "soma" {
				soma += a
			}
		}
	}
	fmt.Fprintf(&b, "  compartments %d\n", plan.Compartments())
	fmt.Fprintf(&b, "  length       %.1f µm of cable\n", length)
	fmt.Fprintf(&b, "  membrane     %.3f µm² (soma %.3f µm²)\n", total, soma)
	mechs := map[string]int{}
	for _, pr := range cell.Props {
		if pr.HH != nil {
			mechs["hh"] += pr.Nseg
		}
		if pr.Pas != nil {
			mechs["pas"] += pr.Nseg
		}
	}
	fmt.Fprintf(&b, "  mechanisms   hh in %d compartments, pas in %d\n", mechs["hh"], mechs["pas"])
	fmt.Fprintf(&b, "  stimuli      %d current clamps, %d synapses (%d events)\n", len(plan.IClamps), len(plan.Syns), len(plan.Events))
	fmt.Fprintf(&b, "  recording    %d probes every %g ms", len(plan.Probes), plan.RecordInterval)
	if plan.TakesSnapshots() {
		fmt.Fprintf(&b, ", snapshots %s", plan.SnapshotSummary())
	}
	fmt.Fprintf(&b, "\n  run          dt %g ms, %s, %g °C, v_init %g mV\n", plan.Dt, plan.Method, plan.Celsius, plan.VInit)
	if math.IsNaN(total) {
		fmt.Fprintln(&b, "  warning: membrane area is not a number")
	}
	return b.String()
}
