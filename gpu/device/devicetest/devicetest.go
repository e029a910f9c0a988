// Package devicetest gives tests the shared GPU device. On the CI machines
// (Mesa's llvmpipe under Xvfb) and the development machines there is one,
// so not having one fails the test rather than skipping it.
package devicetest

import (
	"testing"

	"neurite/gpu/device"
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
