package gpu

import (
	"fmt"

	"neurite/gpu/device"
	"neurite/gpu/sweep"
	"neurite/sim/analysis"
	"neurite/sim/point"
)

// NewBatch chooses where a sweep of m runs: "cpu"; "gpu", which fails
// with the reason when there is no usable device; or "auto" (or ""), the
// device when it works and runs the model, else the CPU. The note says
// which, and how the device integrates.
func NewBatch(want string, m *point.Model) (analysis.Batch, string, error) {
	switch want {
	case "cpu":
		return analysis.CPU{}, "", nil
	case "gpu", "auto", "":
	default:
		return nil, "", fmt.Errorf("unknown backend %q (auto, cpu or gpu)", want)
	}
	dev, err := device.Shared()
	var s *sweep.Sweep
	if err == nil {
		s, err = sweep.Shared(dev)
	}
	if err == nil {
		err = s.Check(m)
	}
	if err != nil {
		if want == "gpu" {
			return nil, "", fmt.Errorf("backend gpu: %w", err)
		}
		return analysis.CPU{}, fmt.Sprintf("backend: cpu (auto: %v)", err), nil
	}
	// Unlike the cable and network engines, sweeps gain even on llvmpipe
	// (8× the CPU engine for 2000 hh instances, bench sweep): auto keeps
	// a software device for them.
	return s, fmt.Sprintf("backend: gpu (%s): RK4 at a fixed step, or Euler where Euler is chosen, in single precision; another integrator's tolerances do not apply there", dev.Info().Renderer), nil
}
