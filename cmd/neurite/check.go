package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/sim/point"
)

func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	sets := addSetFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite check MODEL.toml|NETWORK.toml|CELL.swc|MODEL.ode|SPIKES.h5 [--set KEY=VALUE]")
		fmt.Fprintln(fs.Output(), "Validates the file and prints what it describes; exit status 0 if valid, 1 if not.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "FILE"); err != nil {
		return usageError(stderr, "check", "%v", err)
	}
	file := fs.Arg(0)
	if isSpikeReport(file) {
		return checkSpikeReport(file, stdout, stderr)
	}
	if isEquations(file) {
		if len(*sets) > 0 {
			return usageError(stderr, "check", "--set overrides keys of model files; %s is a file of equations", file)
		}
		return checkPoint(file, stdout, stderr)
	}
	if pipeline.IsNetwork(file) {
		return checkNetwork(file, *sets, stdout, stderr)
	}
	m, cell, settings, err := loadModel(file, *sets...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	plan, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return 1
	}
	fmt.Fprint(stdout, describe(file, m.Morphology.File(), cell, plan))
	for _, n := range m.Notes {
		fmt.Fprintf(stdout, "  not run      %s\n", n)
	}
	return 0
}

// isEquations tells a point model's file of equations (.ode, or any
// text whose first meaningful line is not TOML) from a model file.
func isEquations(file string) bool {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".ode":
		return true
	case ".toml", ".swc":
		return false
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return odeLine.MatchString(line)
	}
	return false
}

// odeLine matches the lines that open a file of equations and never a
// model file: an equation v' = ..., dv/dt = ..., or a keyword line.
var odeLine = regexp.MustCompile(`^(\w+'\s*=|d\w+/dt\s*=|(name|par|init|spike|input|range)\s+\w)`)

// checkPoint validates a point model's file of equations and describes it.
func checkPoint(file string, stdout, stderr io.Writer) int {
	m, err := point.ReadModelFile(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprint(stdout, describePoint(file, m))
	return 0
}

// describePoint summarises a point model for check.
func describePoint(file string, m *point.Model) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: valid point model %q\n", file, m.Name)
	var vars, params []string
	for i, v := range m.Vars {
		vars = append(vars, fmt.Sprintf("%s (init %g)", v.Name, m.Init[i]))
	}
	for _, p := range m.Params {
		params = append(params, fmt.Sprintf("%s=%g", p.Name, p.Value))
	}
	fmt.Fprintf(&b, "  variables    %s\n", strings.Join(vars, ", "))
	fmt.Fprintf(&b, "  parameters   %s\n", strings.Join(params, ", "))
	input := m.Input
	if input == "" {
		input = "none"
	}
	fmt.Fprintf(&b, "  input        %s\n", input)
	v := m.Vars[m.V].Name
	switch {
	case m.Spiking():
		fmt.Fprintf(&b, "  spikes       %s >= %g, then a reset\n", v, m.SpikeAt)
	case math.IsInf(m.SpikeAt, 1):
		fmt.Fprintf(&b, "  spikes       none counted\n")
	default:
		fmt.Fprintf(&b, "  spikes       %s crossing %g upwards\n", v, m.SpikeAt)
	}
	return b.String()
}

// describeNMODL lists the cell's NMODL mechanisms, one line each: its
// kind, where it is inserted, its ions, states, parameters and method.
func describeNMODL(cell *compartments.Cell, plan *compartments.Plan) string {
	var b strings.Builder
	for _, m := range cell.Mechanisms {
		where := "not inserted"
		if k := slices.IndexFunc(plan.Mechs, func(mp compartments.MechPlan) bool { return mp.Mech == m }); k >= 0 {
			where = fmt.Sprintf("in %d compartments", len(plan.Mechs[k].Node))
		}
		kind := "SUFFIX"
		if m.Point {
			kind = "POINT_PROCESS"
		}
		var ions []string
		for _, ion := range m.Ions {
			rw := ""
			if len(ion.Read) > 0 {
				rw += " reads " + strings.Join(ion.Read, " ")
			}
			if len(ion.Write) > 0 {
				rw += " writes " + strings.Join(ion.Write, " ")
			}
			ions = append(ions, ion.Name+rw)
		}
		names := func(vs []mech.Var) string {
			var out []string
			for _, v := range vs {
				if v.Global {
					out = append(out, v.Name+" (global)")
				} else {
					out = append(out, v.Name)
				}
			}
			if len(out) == 0 {
				return "none"
			}
			return strings.Join(out, " ")
		}
		method := m.Method
		if method == "" {
			method = "none"
		}
		fmt.Fprintf(&b, "    %-14s %s %s; ions: %s; states: %s; parameters: %s; method: %s\n", m.Name, kind, where,
			cmp.Or(strings.Join(ions, ", "), "none"), names(m.States), names(m.Params), method)
	}
	return b.String()
}

// describe summarises a cell and its discretisation for check.
func describe(file, morphFile string, cell *compartments.Cell, plan *compartments.Plan) string {
	var b strings.Builder
	morph := cell.Morph
	fmt.Fprintf(&b, "%s: valid\n", file)
	if morphFile != "" {
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
	// The built-in mechanisms' instances (the NMODL mechanisms' are
	// described below).
	fmt.Fprintf(&b, "  mechanisms   hh in %d compartments, pas in %d\n", len(plan.HHNode), len(plan.PasNode))
	b.WriteString(describeNMODL(cell, plan))
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
