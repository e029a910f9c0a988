// Package devicetest gives tests the shared GPU device. On the CI machines
// (Mesa's llvmpipe under Xvfb) and the development machines there is one,
// so not having one fails the test rather than skipping it.
package devicetest

import (
	"testing"
	"unsafe"

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
	Run(t, src, groups, set, append([][]uint32{out}, ins...)...)
}

// Run runs a loaded shader on the shared device: each of bufs is
// uploaded to storage binding 0, 1, …, set (if not nil) sets the
// uniforms, groups work groups run, and every buffer is read back into
// its slice.
func Run(t testing.TB, src shaders.Shader, groups int, set func(*device.Program), bufs ...[]uint32) {
	t.Helper()
	err := Shared(t).Do(func() error {
		prog, err := device.Compile(src)
		if err != nil {
			return err
		}
		defer prog.Delete()
		dev := make([]*device.Buffer, len(bufs))
		for k, data := range bufs {
			dev[k] = device.NewBuffer(data, 0)
			defer dev[k].Delete()
			dev[k].Bind(uint32(k))
		}
		prog.Use()
		if set != nil {
			set(prog)
		}
		prog.Dispatch(groups)
		for k, data := range bufs {
			device.Read(dev[k], 0, data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Words views doubles as the 32-bit words a storage buffer takes (and
// Run reads back into them).
func Words(x []float64) []uint32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&x[0])), 2*len(x))
}
