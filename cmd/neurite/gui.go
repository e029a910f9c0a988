package main

import (
	"fmt"
	"io"
	"os"
	"time"

	flag "github.com/spf13/pflag"

	"neurite/app"
)

// openCmd opens the app on a file, with options for demonstrations and
// measurements.
func openCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("open", flag.ContinueOnError)
	fs.SetOutput(stderr)
	play := fs.Bool("play", false, "start playing at once")
	dynamics := fs.String("dynamics", "", "open the Dynamics tab on this point model (e.g. fhn, inapk:high, a file of equations)")
	fps := fs.Duration("report-fps", 0, "play for this long, print the frame rate the window kept and quit")
	speed := fs.Float64("speed", -1, "model ms per second (0: as fast as possible; default: the model's view.speed or 5)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: neurite open [MODEL.toml|CELL.swc] [--play] [--speed MS] [--report-fps 10s] [--dynamics MODEL]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		return 2
	}
	return openApp(fs.Arg(0), app.Options{Play: *play, ReportFPS: *fps, Report: stdout, Speed: *speed, Dynamics: *dynamics}, stderr)
}

// openApp starts the desktop app, on file or on the embedded example.
func openApp(file string, opts app.Options, stderr io.Writer) int {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, `neurite: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app cannot open.
Headless commands work anywhere:
  neurite run MODEL.toml --out DIR    simulate and write traces, spikes and snapshots
  neurite render MODEL.toml --video out.mp4
                                      make a video of the voltage over the cell
  neurite check FILE                  validate a model or SWC file
  neurite bench cable                 benchmark the cable engine
Or start a virtual display: xvfb-run -a neurite`)
		return 1
	}
	if opts.ReportFPS > 0 && opts.ReportFPS < 2*time.Second {
		fmt.Fprintln(stderr, "neurite: --report-fps needs at least 2s")
		return 2
	}
	if err := app.Run(file, opts); err != nil {
		fmt.Fprintln(stderr, "neurite:", err)
		return 1
	}
	return 0
}
