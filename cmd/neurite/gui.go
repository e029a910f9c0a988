package main

import (
	"fmt"
	"io"
	"os"

	"neurite/app"
)

// openApp starts the desktop app, on file or on the embedded example.
func openApp(file string, stderr io.Writer) int {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, `neurite: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app cannot open.
Headless commands work anywhere:
  neurite run MODEL.toml --out DIR    simulate and write traces, spikes and snapshots
  neurite check FILE                  validate a model or SWC file
  neurite bench cable                 benchmark the cable engine
Or start a virtual display: xvfb-run -a neurite`)
		return 1
	}
	if err := app.Run(file); err != nil {
		fmt.Fprintln(stderr, "neurite:", err)
		return 1
	}
	return 0
}
