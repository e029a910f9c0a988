// Package h5pytest reads HDF5 files with h5py, for tests that check what
// Neurite writes against the reference Python reader: Dump runs
// dump_h5.py beside this file with Debian's python3 (python3-h5py, which
// make deps installs).
package h5pytest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Python is the interpreter that has h5py: Debian's, as the benchmarks'
// peers use, not whichever python3 comes first on the PATH.
const Python = "/usr/bin/python3"

// Node is a group or dataset as h5py reads it.
type Node struct {
	Kind       string            // "group" or "dataset"
	Dtype      string            // NumPy's dtype string ("<f8"), or "str:ENCODING:vlen" or "str:ENCODING:LENGTH"
	Shape      []int             // none for a scalar
	Value      any               // numbers, strings, or lists of them
	Attrs      map[string]any    // an enumeration as {"enum": {...}, "value": v}, a reference as {"ref": path}
	AttrDtypes map[string]string `json:"attr_dtypes"`
}

// Script is the path of a script that sits beside this file.
func Script(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), name)
}

// Run runs a Python script with args and returns its standard output,
// failing the test, with the script's standard error, if it fails.
func Run(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(Python, append([]string{script}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s(the tests need python3-h5py: make deps installs it)", Python, filepath.Base(script), err, stderr.String())
	}
	return stdout.Bytes()
}

// Dump reads the HDF5 file at path with h5py: every object by its path.
func Dump(t testing.TB, path string) map[string]Node {
	t.Helper()
	out := Run(t, Script("dump_h5.py"), path)
	var tree map[string]Node
	if err := json.Unmarshal(out, &tree); err != nil {
		t.Fatalf("dump_h5.py %s: %v", path, err)
	}
	return tree
}
