package cable

import (
	"context"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/compartments/nrnmech"
	"neurite/gpu/device/devicetest"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestBuiltinsAsNMODL runs example models with their hh and pas as
// hh.mod and pas.mod (nrnmech.AsNMODL) on the device, where gpu/mechglsl
// writes them as GLSL in double precision, against the CPU engine's
// built-in kinds (hh's own kernel, pas folded): one model, the
// specialised kernels on one side and the generic path on the other.
// Measured on llvmpipe: hh_single within 2.7e-9 mV and 6.1e-10 ms;
// ball_and_stick, whose ExpSyn is single precision on the device (as in
// TestAgainstCPU), within 5.2e-4 mV and 2.2e-6 ms. The tolerances leave
// a factor of ten there, and of hundreds for hh_single, whose rounding a
// GPU's fused multiply-adds may change (not yet measured on one).
func TestBuiltinsAsNMODL(t *testing.T) {
	for _, c := range []struct {
		name       string
		vTol, sTol float64
	}{{"hh_single", 1e-6, 1e-7}, {"ball_and_stick", 5e-3, 2e-5}} {
		for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
			t.Run(c.name+"/"+layout.String(), func(t *testing.T) {
				m, err := spec.LoadFS(assets.FS, "models/"+c.name+".toml")
				if err != nil {
					t.Fatal(err)
				}
				cell, s, err := compartments.FromModel(m)
				if err != nil {
					t.Fatal(err)
				}
				generic, err := nrnmech.AsNMODL(cell)
				if err != nil {
					t.Fatal(err)
				}
				plan := func(c *compartments.Cell) *compartments.Plan {
					p, err := compartments.Build([]*compartments.Cell{c}, s)
					if err != nil {
						t.Fatal(err)
					}
					return p
				}
				e := compartments.NewEngine(plan(cell))
				e.Init()
				cpu := &sim.Memory{}
				if err := e.Run(context.Background(), *m.Run.Tstop, cpu, nil); err != nil {
					t.Fatal(err)
				}
				g, err := NewCableLayout(devicetest.Shared(t), plan(generic), layout)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				g.Init()
				gpu := &sim.Memory{}
				if err := g.Run(context.Background(), *m.Run.Tstop, gpu, nil); err != nil {
					t.Fatal(err)
				}
				if len(cpu.SpikeList) == 0 {
					t.Fatal("no spikes")
				}
				compare(t, cpu, gpu, c.vTol, c.sTol)
			})
		}
	}
}
