package main

import (
	"fmt"
	"io"

	"neurite/gpu"
)

// gpuinfoCmd describes the GPU device and checks it computes right.
func gpuinfoCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: neurite gpuinfo")
		return 2
	}
	d, err := gpu.Open()
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
