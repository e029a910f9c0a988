package main

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"neurite/sim/sonata"
)

// TestMain lets a test run the command line in a child process, so that a
// signal can be sent to it: NEURITE_TEST_MAIN=1 makes the test binary act
// as neurite with the arguments after "--".
func TestMain(m *testing.M) {
	if sonata.Child() {
		return
	}
	if os.Getenv("NEURITE_TEST_MAIN") == "1" {
		args := os.Args
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(mainCode(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestInterruptLeavesCompleteFiles interrupts a long run with SIGINT and
// checks that it stops with status 130 and that every file it wrote is
// complete: CSV rows whole, NPY headers matching their data.
func TestInterruptLeavesCompleteFiles(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "long.toml")
	swc, err := filepath.Abs("../../assets/models/morph_ca1_n120.swc")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(model, []byte(`
[morphology]
swc = "`+swc+`"
[[biophysics]]
where = "all"
hh = {}
[[iclamp]]
at = "soma[0](0.5)"
amp = 2
dur = 1e9
[snapshots]
interval = 0.5
[run]
tstop = 1e6
`), 0o644)
	out := filepath.Join(dir, "out")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "run", model, "--out", out)
	cmd.Env = append(os.Environ(), "NEURITE_TEST_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the run is under way (its temporary files exist).
	deadline := time.Now().Add(30 * time.Second)
	for {
		matches, _ := filepath.Glob(filepath.Join(out, ".traces.csv.part-*"))
		if len(matches) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
	}
	m := regexp.MustCompile(`interrupted at t = ([0-9.]+) ms`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("stderr: %s", stderr.String())
	}
	tStop, _ := strconv.ParseFloat(m[1], 64)
	traces := readCSV(t, filepath.Join(out, "traces.csv"))
	last, _ := strconv.ParseFloat(traces[len(traces)-1][0], 64)
	if tStop <= 0 || last != tStop {
		t.Errorf("traces end at %v ms, the run stopped at %v ms", last, tStop)
	}
	segments := len(readCSV(t, filepath.Join(out, "segments.csv"))) - 1
	for _, f := range []struct {
		name string
		cols int
		size int
	}{{"traces.npy", 2, 8}, {"snapshots.npy", segments, 4}} {
		b, err := os.ReadFile(filepath.Join(out, f.name))
		if err != nil {
			t.Fatal(err)
		}
		hlen := int(binary.LittleEndian.Uint16(b[8:10]))
		shape := regexp.MustCompile(`'shape': \((\d+), (\d+)\)`).FindSubmatch(b[10 : 10+hlen])
		rows, _ := strconv.Atoi(string(shape[1]))
		cols, _ := strconv.Atoi(string(shape[2]))
		if cols != f.cols || len(b) != 10+hlen+rows*cols*f.size {
			t.Errorf("%s: header says %d×%d, file holds %d data bytes", f.name, rows, cols, len(b)-10-hlen)
		}
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
