package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// appBinary is the desktop app, a binary of its own (cmd/neurite-app) so
// that the headless commands never link Fyne.
const appBinary = "neurite-app"

// openApp replaces this process with the desktop app, given args (a file
// and the open command's flags, which the app reads). It returns only on
// failure.
func openApp(args []string, stderr io.Writer) int {
	help := slices.Contains(args, "--help") || slices.Contains(args, "-h")
	if !help && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
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
	bin, err := findApp()
	if err != nil {
		fmt.Fprintln(stderr, "neurite:", err)
		return 1
	}
	err = syscall.Exec(bin, append([]string{bin}, args...), appEnv(os.Environ()))
	fmt.Fprintf(stderr, "neurite: starting %s: %v\n", bin, err)
	return 1
}

// findApp looks for the app beside this binary, then on the PATH.
func findApp() (string, error) {
	if self, err := os.Executable(); err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			bin := filepath.Join(filepath.Dir(self), appBinary)
			if fi, err := os.Stat(bin); err == nil && !fi.IsDir() {
				return bin, nil
			}
		}
	}
	if bin, err := exec.LookPath(appBinary); err == nil {
		return bin, nil
	}
	return "", fmt.Errorf("the desktop app (%s) is neither beside this binary nor on the PATH: build both with `make build`, or install both with `go install ./cmd/...`", appBinary)
}

// appEnv returns env with a language Fyne can parse. Fyne reads the locale
// from LC_ALL, LC_MESSAGES or LANG and logs an error at start-up for the C
// locale with a codeset ("C.UTF-8", Debian's default), which it cannot
// parse; LANGUAGE, which it consults in that case, names English for it.
// LANGUAGE only chooses translations of messages, and none apply in the C
// locale, so nothing else changes.
func appEnv(env []string) []string {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var locale string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = vars[k]; locale != "" {
			break
		}
	}
	base, _, _ := strings.Cut(locale, ".")
	if (base == "C" || base == "POSIX") && locale != base && vars["LANGUAGE"] == "" {
		// An empty LANGUAGE= would be read first: drop it.
		env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return kv == "LANGUAGE=" })
		return append(env, "LANGUAGE=en")
	}
	return env
}
