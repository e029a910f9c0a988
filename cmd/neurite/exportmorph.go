package main

import (
	"fmt"
	"io"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/compartments"
	"neurite/compartments/neuroml"
	"neurite/compartments/swc"
	"neurite/sim/output"
)

// exportMorphCmd is neurite export swc|neuroml: a model's morphology as an
// SWC file, or as a NeuroML 2 cell with its sections' capacitance, axial
// resistivity, nseg and pas.
func exportMorphCmd(format string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export "+format, flag.ContinueOnError)
	out := fs.String("out", "", "the file to write")
	sets := addSetFlag(fs)
	usage := fmt.Sprintf("usage: neurite export %s MODEL.toml|CELL.swc|CELL.nml --out FILE [--set KEY=VALUE]", format)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "MODEL"); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	if *out == "" {
		return usageError(stderr, fs.Name(), "--out FILE is required: the %s file to write", format)
	}
	m, cell, _, err := loadModel(fs.Arg(0), *sets...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var left []string
	err = output.WriteFile(*out, func(w io.Writer) error {
		if format == "swc" {
			return swc.Write(w, cell.Morph.SWC())
		}
		c, l := compartments.ToNeuroML(cell.Morph, ncID(m.Name), cell.Props)
		left = l
		return neuroml.Write(w, c)
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// The file is written, and runs without these: say so, so that a
	// cell exported and read back is not taken for the model.
	for _, what := range left {
		fmt.Fprintf(stderr, "not written: %s: Neurite writes of NeuroML only cm, Ra, nseg and pas\n", what)
	}
	fmt.Fprintf(stdout, "%s: %d sections written to %s\n", fs.Arg(0), len(cell.Morph.Sections), *out)
	return 0
}

// ncID makes a NeuroML id of a model's name.
func ncID(name string) string {
	id := strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, name)
	if id == "" || id[0] >= '0' && id[0] <= '9' || id[0] == '-' {
		id = "cell_" + id
	}
	return id
}
