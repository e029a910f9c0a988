package main

import (
	"fmt"
	"io"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
	"neurite/sim/export/neuronexport"
)

// exportCmd is neurite export: a model written for another simulator.
func exportCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "pynn":
			return exportPyNNCmd(args[1:], stdout, stderr)
		case "swc", "neuroml":
			return exportMorphCmd(args[0], args[1:], stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "neuron" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, exportUsage)
			return 0
		}
		return usageError(stderr, "export", "give what to export to: neurite export neuron|pynn|swc|neuroml MODEL --out PATH")
	}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	out := fs.String("out", "", "new (or empty) folder for run.py, the model and its .mod files")
	tstop := fs.Float64("tstop", 0, "override the model's run.tstop (ms)")
	sets := addSetFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args[1:], stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "MODEL"); err != nil {
		return usageError(stderr, "export", "%v", err)
	}
	if *out == "" {
		return usageError(stderr, "export", "--out DIR is required: the folder to write run.py into")
	}
	all, err := tstopSets(fs, *tstop, *sets)
	if err != nil {
		return usageError(stderr, "export", "%v", err)
	}
	file := fs.Arg(0)
	var ex *neuronexport.Export
	if pipeline.IsNetwork(file) {
		n, err := pipeline.LoadNetwork(file, all...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if ex, err = neuronexport.Network(n, *out); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	} else {
		m, err := loadSpec(file, all...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		for _, n := range m.Notes {
			fmt.Fprintln(stderr, "not exported:", n)
		}
		if ex, err = neuronexport.Cell(m, *out); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	cells := "1 cell"
	if ex.Cells != 1 {
		cells = fmt.Sprintf("%d cells", ex.Cells)
	}
	fmt.Fprintf(stdout, "%s: %s written to %s\n", file, cells, ex.Dir)
	if len(ex.Mods) > 0 {
		fmt.Fprintf(stdout, "compile its %d .mod files once: cd %s && python3 run.py --nrnivmodl\n", len(ex.Mods), ex.Dir)
	}
	fmt.Fprintf(stdout, "run: cd %s && python3 run.py, or mpiexec -n 4 nrniv -mpi -python run.py\n", ex.Dir)
	return 0
}

const exportUsage = `usage: neurite export neuron MODEL.toml|NETWORK.toml --out DIR [--tstop MS] [--set KEY=VALUE]
  writes DIR/run.py, which builds the model in NEURON 8.2 and runs it with
  python3 run.py or mpiexec -n K nrniv -mpi -python run.py
       neurite export pynn NETWORK.toml --out DIR [--tstop MS] [--set KEY=VALUE]
  writes DIR/run.py, a network of point neurons in PyNN (mpiexec -n K python3 run.py)
       neurite export swc|neuroml MODEL.toml|CELL.swc|CELL.nml --out FILE
  writes the cell's morphology (NeuroML: with its sections' cm and Ra)`
