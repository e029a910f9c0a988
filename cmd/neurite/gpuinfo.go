package main

import (
	"fmt"
	"io"

	flag "github.com/spf13/pflag"

	"neurite/gpu/device"
)

// gpuinfoCmd describes the GPU device and checks it computes right.
func gpuinfoCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gpuinfo", flag.ContinueOnError)
	context := fs.String("context", "auto", "how to make the OpenGL context: auto (EGL, else a hidden GLFW window), egl or glfw")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite gpuinfo [--context auto|egl|glfw]")
		fmt.Fprintln(fs.Output(), "Describes the GPU and checks that it computes right; platform says how the context was made.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "gpuinfo", "unexpected argument %q: gpuinfo takes only --context", fs.Arg(0))
	}
	kind := device.Context(*context)
	switch kind {
	case device.Auto, device.EGL, device.GLFW:
	default:
		return usageError(stderr, "gpuinfo", "--context %q: auto, egl or glfw", *context)
	}
	d, err := device.OpenContext(kind)
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
