package main

import (
	"fmt"
	"io"

	"neurite/gpu/device"
)

// gpuinfoCmd describes the GPU device and checks it computes right.
func gpuinfoCmd(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) > 0 && (args[0] == "--help" || args[0] == "-h"):
		fmt.Fprintln(stdout, "usage: neurite gpuinfo\nDescribes the GPU and checks that it computes right.")
		return 0
	case len(args) > 0:
		return usageError(stderr, "gpuinfo", "unexpected argument %q: gpuinfo takes none", args[0])
	}
	d, err := device.Open()
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintln(stderr, "no GPU backend: runs use the CPU")
		return 1
	}
	defer d.Close()
	fmt.Fprint(stdout, d.Info())
	if err := d.SelfTest(); err != nil {
		fmt.Fprintln(stdout, "self-test  FAILED:", err)
		return 1
	}
	fmt.Fprintln(stdout, "self-test  passed (a·x + y over 1000 numbers, exact)")
	return 0
}
