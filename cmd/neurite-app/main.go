// Command neurite-app is Neurite's desktop app. Users start it through
// `neurite` or `neurite open`, which look for it beside themselves and
// start it with a locale Fyne can read; it is a binary of its own so that
// the headless commands never link, or initialise, Fyne.
//
//	neurite-app [MODEL.toml|CELL.swc] [--play] [--speed MS] [--report-fps 10s] [--dynamics MODEL]
//	neurite-app RESULTS_DIR [--model MODEL.toml]
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	flag "github.com/spf13/pflag"

	"neurite/app"

	"neurite/sim/sonata"
)

func main() {
	if sonata.Child() { // a spike report read apart (sonata.ReadSpikesApart)
		return
	}
	os.Exit(openCmd(os.Args[1:], os.Stdout, os.Stderr))
}

// openCmd opens the app on a file, with options for demonstrations and
// measurements.
func openCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("open", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	play := fs.Bool("play", false, "start playing at once")
	dynamics := fs.String("dynamics", "", "open the Dynamics tab on this point model (e.g. fhn, inapk:high, a file of equations)")
	fps := fs.Duration("report-fps", 0, "play for this long, print the frame rate the window kept and quit")
	speed := fs.Float64("speed", -1, "model ms per second (0: as fast as possible; default: the model's view.speed or 5)")
	model := fs.String("model", "", "with a results folder: the model file the run was of, whose cell replays the snapshots")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: neurite open [MODEL.toml|CELL.swc] [--play] [--speed MS] [--report-fps 10s] [--dynamics MODEL]")
		fmt.Fprintln(w, "       neurite open RESULTS_DIR [--model MODEL.toml]")
		fmt.Fprint(w, fs.FlagUsages())
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "neurite open: %v\nrun \"neurite open --help\" for the flags\n", err)
		return 2
	case fs.NArg() > 1:
		fmt.Fprintf(stderr, "neurite open: one file at most, not %d\nrun \"neurite open --help\" for the flags\n", fs.NArg())
		return 2
	case *fps > 0 && *fps < 2*time.Second:
		fmt.Fprintln(stderr, "neurite open: --report-fps needs at least 2s")
		return 2
	}
	if err := app.Run(fs.Arg(0), app.Options{Play: *play, ReportFPS: *fps, Report: stdout, Speed: *speed, Dynamics: *dynamics, Model: *model}); err != nil {
		fmt.Fprintln(stderr, "neurite:", err)
		return 1
	}
	return 0
}
