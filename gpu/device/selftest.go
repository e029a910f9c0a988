package device

import (
	"fmt"
	"sync"

	"neurite/shaders"
)

// SelfTest runs a small kernel (y = a·x + y over 1000 numbers) and checks
// every result: a device that compiles shaders but computes wrongly is no
// device.
func (d *Device) SelfTest() error {
	const n = 1000
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(i), float32(2*i+1)
	}
	src, err := shaders.Load("saxpy.comp")
	if err != nil {
		return err
	}
	out := make([]float32, n)
	err = d.Do(func() error {
		prog, err := Compile(src)
		if err != nil {
			return err
		}
		defer prog.Delete()
		bx, by := NewBuffer(x, 0), NewBuffer(y, 0)
		defer bx.Delete()
		defer by.Delete()
		bx.Bind(0)
		by.Bind(1)
		prog.Use()
		prog.SetFloat("a", 3)
		prog.SetUint("n", n)
		prog.Dispatch((n + 63) / 64)
		Read(by, 0, out)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range out {
		if want := 3*x[i] + y[i]; out[i] != want {
			return fmt.Errorf("gpu: self-test kernel gave y[%d] = %g, want %g", i, out[i], want)
		}
	}
	return nil
}

var (
	shared     *Device
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the process's device, opened and self-tested on first
// use; the error says why there is none.
func Shared() (*Device, error) {
	sharedOnce.Do(func() {
		shared, sharedErr = Open()
		if sharedErr == nil {
			if sharedErr = shared.SelfTest(); sharedErr != nil {
				shared.Close()
				shared = nil
			}
		}
	})
	return shared, sharedErr
}
