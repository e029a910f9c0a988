package sonata

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// childArg makes the running binary a reader of one spike report
// (ReadSpikesApart's child).
const childArg = "__neurite-read-spike-report"

// apartTimeout bounds a child's reading: a report of millions of spikes
// reads in a second.
var apartTimeout = time.Minute

// apartResult is what the child sends back, gob-encoded on its output.
type apartResult struct {
	Report []PopulationSpikes
	Err    string
}

// ReadSpikesApart is ReadSpikes in a child process (the running binary
// again): libhdf5 1.10 crashes on some damaged files and loops on others
// (h5py too), and a file from elsewhere may be one. The child's crash or
// hang becomes an error naming the file; this process goes on. The
// binary's main (and a test binary's TestMain) calls Child first.
func ReadSpikesApart(path string) ([]PopulationSpikes, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%s: finding this program to read it apart: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), apartTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, exe, childArg, path).Output()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%s: libhdf5 did not finish reading it in %v: the file is damaged", path, apartTimeout)
	case errors.As(err, &exit):
		// The library's fault kills the child: by a signal, or by Go's
		// runtime, which reports it ("fatal error: unexpected signal")
		// and exits with status 2.
		why, _, _ := strings.Cut(strings.TrimSpace(string(exit.Stderr)), "\n")
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			why = ws.Signal().String()
		}
		return nil, fmt.Errorf("%s: libhdf5 crashed reading it (%s): the file is damaged", path, cmp.Or(why, exit.String()))
	case err != nil:
		return nil, fmt.Errorf("%s: reading it apart: %w", path, err)
	}
	var r apartResult
	if err := gob.NewDecoder(bytes.NewReader(out)).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: reading it apart: %w", path, err)
	}
	if r.Err != "" {
		return nil, errors.New(r.Err)
	}
	return r.Report, nil
}

// Child reads the spike report its arguments name and writes the result
// for ReadSpikesApart, when this process was started as such a child; it
// reports whether it was, and the caller then exits.
func Child() bool {
	if len(os.Args) != 3 || os.Args[1] != childArg {
		return false
	}
	report, err := ReadSpikes(os.Args[2])
	r := apartResult{Report: report}
	if err != nil {
		r.Err = err.Error()
	}
	if err := gob.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return true
}
