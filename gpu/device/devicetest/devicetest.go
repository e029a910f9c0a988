// Package devicetest gives tests the shared GPU device. On the CI machines
// (Mesa's llvmpipe under Xvfb) and the development machines there is one,
// so not having one fails the test rather than skipping it.
package devicetest

import (
	"testing"

	"neurite/gpu/device"
	"neurite/shaders"
)

// Shared returns the process's shared device, failing t without one.
func Shared(t testing.TB) *device.Device {
	t.Helper()
	d, err := device.Shared()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Kernel runs a test's compute shader on the shared device: text (its
// includes resolved as the engines' are) is compiled under name, out is
// bound to storage binding 0 and ins to 1, 2, …, set (if not nil) sets
// the uniforms, groups work groups run, and out is read back.
func Kernel(t testing.TB, name, text string, groups int, set func(*device.Program), out []uint32, ins ...[]uint32) {
	t.Helper()
	src, err := shaders.Load(name, shaders.Generated{Name: name, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	err = Shared(t).Do(func() error {
		prog, err := device.Compile(src)
		if err != nil {
			return err
		}
		defer prog.Delete()
		bufs := []*device.Buffer{device.NewBuffer[uint32](nil, 4*len(out))}
		for _, in := range ins {
			bufs = append(bufs, device.NewBuffer(in, 0))
		}
		for k, b := range bufs {
			defer b.Delete()
			b.Bind(uint32(k))
		}
		prog.Use()
		if set != nil {
			set(prog)
		}
		prog.Dispatch(groups)
		device.Read(bufs[0], 0, out)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
