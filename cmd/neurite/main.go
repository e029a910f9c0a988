// Command neurite is the Neurite workstation: with no arguments it opens
// the desktop app on the embedded example cell; with a subcommand it works
// headless.
//
//	neurite                       open the app (needs a display)
//	neurite run MODEL --out DIR   simulate a model file or a bare SWC
//	neurite check FILE            validate a model file or an SWC file
//	neurite render MODEL ...      make a video of the heatmap
//	neurite bifurcation MODEL ... continuation of a point model
//	neurite fi MODEL ...          F–I curve of a point model
//	neurite integrators MODEL ... compare the integrators
//	neurite lyapunov MODEL        largest Lyapunov exponent
//	neurite bench cable ...       measure the cable engine
//	neurite bench sweep ...       measure a sweep of a point model
//	neurite bench hay ...         measure the Hay NMODL cell, against NEURON
//	neurite bench coba|ring|brunel|microcircuit ...
//	                              measure the network engines
//	neurite gpuinfo               describe and test the GPU
//	neurite version               print the version
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"neurite/sim/sonata"
	"neurite/sim/spec"
)

const version = "0.1.0"

const usage = `Neurite %s: neural dynamics on the desktop.

Usage:
  neurite                         open the app on the example cell (needs a display)
  neurite open FILE [--play]      open the app on a model file, an SWC or a NeuroML cell
  neurite open DIR [--model M]    open the app on a results folder: traces, raster, snapshots
  neurite render MODEL --video out.mp4 [--gif out.gif] [--fps 30] [--view AZ,EL] [--size 1280x720]
                                  a video of the voltage over the cell, without a window
  neurite run MODEL --out DIR     simulate a model file (.toml), a bare SWC or NeuroML cell
  neurite check FILE              validate a model, SWC, NeuroML file or SONATA spike report
  neurite export neuron MODEL --out DIR
                                  the model as a NEURON script, for MPI clusters
  neurite export pynn NETWORK --out DIR
                                  a network of point neurons as a PyNN script
  neurite export swc|neuroml MODEL --out FILE
                                  the cell's morphology as SWC or NeuroML 2
  neurite bifurcation MODEL --param I --from A --to B --out DIR
                                  continuation: branches, folds, Hopf points, cycles
  neurite fi MODEL --param I --from A --to B --out DIR
                                  F–I curve, Hodgkin's class, integrator or resonator
  neurite integrators MODEL --out DIR
                                  accuracy against cost of Euler, RK4, RK45, exp. Euler
  neurite lyapunov MODEL          largest Lyapunov exponent: chaos or not
  neurite bench cable [flags]     benchmark the cable engine (NEURON's benchmark cell)
  neurite bench sweep [flags]     benchmark an F–I sweep of a point model, CPU and GPU
  neurite bench hay [flags]       benchmark copies of the Hay NMODL cell, against NEURON
  neurite bench coba|ring|brunel|microcircuit [flags]
                                  benchmark networks: COBA against Brian2, the ring
                                  against NEURON, Brunel, the cortical microcircuit
  neurite gpuinfo                 the GPU: vendor, renderer, limits, self-test
  neurite version                 print the version

Run "neurite COMMAND --help" for a command's flags.
`

func main() {
	if sonata.Child() { // a spike report read apart (sonata.ReadSpikesApart)
		return
	}
	os.Exit(mainCode(os.Args[1:], os.Stdout, os.Stderr))
}

// mainCode runs the command line and returns the exit status. A panic
// below a command becomes one line naming the command, never a stack
// trace (written only with NEURITE_TRACE=1, for a bug report).
func mainCode(args []string, stdout, stderr io.Writer) (code int) {
	if len(args) == 0 {
		return openApp(nil, stderr)
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "neurite %s: internal error: %v (please report it, with the command; NEURITE_TRACE=1 adds the trace)\n", args[0], r)
			if os.Getenv("NEURITE_TRACE") == "1" {
				stderr.Write(debug.Stack())
			}
			code = 70
		}
	}()
	return command(args, stdout, stderr)
}

// command runs one subcommand.
func command(args []string, stdout, stderr io.Writer) int {
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "check":
		return checkCmd(args[1:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "open":
		return openApp(args[1:], stderr)
	case "render":
		return renderCmd(args[1:], stdout, stderr)
	case "bifurcation":
		return bifurcationCmd(args[1:], stdout, stderr)
	case "fi":
		return fiCmd(args[1:], stdout, stderr)
	case "integrators":
		return integratorsCmd(args[1:], stdout, stderr)
	case "lyapunov":
		return lyapunovCmd(args[1:], stdout, stderr)
	case "export":
		return exportCmd(args[1:], stdout, stderr)
	case "gpuinfo":
		return gpuinfoCmd(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "neurite %s\n", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, version)
		return 0
	}
	msg := fmt.Sprintf("neurite: unknown command %q", args[0])
	if near := spec.Closest(args[0], commands); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	}
	fmt.Fprintf(stderr, "%s\nrun \"neurite help\" for the commands\n", msg)
	return 2
}

// commands are the commands neurite takes, for a mistyped one's hint.
var commands = []string{"open", "run", "check", "bench", "render", "bifurcation", "fi", "integrators", "lyapunov", "export", "gpuinfo", "version", "help"}
