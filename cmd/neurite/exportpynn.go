package main

import (
	"fmt"
	"io"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
	"neurite/sim/export/pynnexport"
)

// exportPyNNCmd is neurite export pynn: a network of point neurons as a
// PyNN script.
func exportPyNNCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export pynn", flag.ContinueOnError)
	out := fs.String("out", "", "new (or empty) folder for run.py, network.json and the connections")
	tstop := fs.Float64("tstop", 0, "override the network's run.tstop (ms)")
	sets := addSetFlag(fs)
	const usage = "usage: neurite export pynn NETWORK.toml --out DIR [--tstop MS] [--set KEY=VALUE]"
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "NETWORK"); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	if *out == "" {
		return usageError(stderr, fs.Name(), "--out DIR is required: the folder to write run.py into")
	}
	all, err := tstopSets(fs, *tstop, *sets)
	if err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	file := fs.Arg(0)
	if !pipeline.IsNetwork(file) {
		return usageError(stderr, fs.Name(), "%s is a cell: PyNN takes networks of point neurons; a cell exports with neurite export neuron", file)
	}
	n, err := pipeline.LoadNetwork(file, all...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ex, err := pynnexport.Network(n, *out)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d neurons in %d populations, %d synapses written to %s\nrun it: python3 %s/run.py, or mpiexec -n 2 python3 %s/run.py\n",
		file, ex.Neurons, ex.Populations, ex.Synapses, ex.Dir, ex.Dir, ex.Dir)
	return 0
}
