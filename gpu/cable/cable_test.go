package cable

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"neurite/compartments"
	"neurite/compartments/nmodl"
	"neurite/compartments/refrun"
	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/sim"
	"neurite/sim/spec"
)

// benchSettings are NEURON's defaults with a snapshot every ms.
var benchSettings = compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.1, SnapshotInterval: 1}

// runBoth runs a plan on the CPU engine (float64) and on the GPU engine
// in the layout asked for (for a team, of width team; 0 lets it choose).
// The GPU engine comes back closed, to say what it chose.
func runBoth(t *testing.T, build func() *compartments.Plan, tstop float64, layout Layout, team int) (cpu, gpu *sim.Memory, g *Cable, gpuErr error) {
	t.Helper()
	e := compartments.NewEngine(build())
	e.Init()
	cpu = &sim.Memory{}
	if err := e.Run(context.Background(), tstop, cpu, nil); err != nil {
		t.Fatal(err)
	}
	g, err := newCable(devicetest.Shared(t), build(), layout, team)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.Init()
	gpu = &sim.Memory{}
	return cpu, gpu, g, g.Run(context.Background(), tstop, gpu, nil)
}

// runExample runs a reference case's example model (refrun.ExamplePlan)
// on the CPU and on the GPU in layout, as runBoth does, and fails the
// test where the GPU does.
func runExample(t *testing.T, name string, cn bool, layout Layout, team int) (cpu, gpu *sim.Memory, g *Cable) {
	t.Helper()
	_, tstop := refrun.ExamplePlan(t, name, cn)
	build := func() *compartments.Plan {
		p, _ := refrun.ExamplePlan(t, name, cn)
		return p
	}
	cpu, gpu, g, err := runBoth(t, build, tstop, layout, team)
	if err != nil {
		t.Fatal(err)
	}
	return cpu, gpu, g
}

// probeDiff logs and returns probe i's largest |GPU − CPU| and the
// largest |CPU| value, its range.
func probeDiff(t *testing.T, cpu, gpu *sim.Memory, i int, name string) (worst, scale float64) {
	for k := range cpu.T {
		worst = math.Max(worst, math.Abs(cpu.Values[k][i]-gpu.Values[k][i]))
		scale = math.Max(scale, math.Abs(cpu.Values[k][i]))
	}
	t.Logf("%s: max |Δ| %.3g of a range %.3g", name, worst, scale)
	return worst, scale
}

// compare asserts the GPU's records within tolerances of the CPU's.
func compare(t *testing.T, cpu, gpu *sim.Memory, vTol, spikeTol float64) {
	t.Helper()
	if len(cpu.T) != len(gpu.T) || len(cpu.SpikeList) != len(gpu.SpikeList) || len(cpu.Snaps) != len(gpu.Snaps) {
		t.Fatalf("samples %d/%d, spikes %d/%d, snapshots %d/%d", len(cpu.T), len(gpu.T), len(cpu.SpikeList), len(gpu.SpikeList), len(cpu.Snaps), len(gpu.Snaps))
	}
	worstV, worstS := 0.0, 0.0
	for k := range cpu.T {
		for i := range cpu.Values[k] {
			worstV = math.Max(worstV, math.Abs(cpu.Values[k][i]-gpu.Values[k][i]))
		}
	}
	for k := range cpu.Snaps {
		for j := range cpu.Snaps[k] {
			worstV = math.Max(worstV, math.Abs(float64(cpu.Snaps[k][j]-gpu.Snaps[k][j])))
		}
	}
	for k := range cpu.SpikeList {
		a, b := cpu.SpikeList[k], gpu.SpikeList[k]
		// A crossing within the tolerance of a step's end may fall in
		// either step.
		boundary := math.Min(a.Step, b.Step)
		if a.Cell != b.Cell || (a.Step != b.Step && (math.Abs(a.T-boundary) > spikeTol || math.Abs(b.T-boundary) > spikeTol)) {
			t.Fatalf("spike %d: CPU %+v, GPU %+v", k, a, b)
		}
		worstS = math.Max(worstS, math.Abs(a.T-b.T))
	}
	t.Logf("GPU vs CPU: max |Δ| of the records %.2g, of spike times %.2g ms (tolerances %g, %g)", worstV, worstS, vTol, spikeTol)
	if worstV > vTol || worstS > spikeTol {
		t.Errorf("GPU vs CPU: max |Δ| %.3g (tolerance %g), spikes %.3g ms (tolerance %g)", worstV, vTol, worstS, spikeTol)
	}
}

// TestAgainstCPU compares the GPU engine, in both layouts, with the CPU
// engine on the example models. The tolerances are those single-precision channel
// kinetics allow: a gate's relative rounding of 6e-8 per step, and the
// float exp's own error (GLSL allows 3 + 2|x| ulp: NVIDIA's is an
// approximation, Mesa's nearly exact), move the upstroke of a spike by
// up to 1e-3 ms, where v changes by 100 mV/ms: 0.1 mV. Measured: 0.003–0.02
// mV and 1e-5–1e-4 ms on llvmpipe, 0.034–0.054 mV and 2.3e-4–2.7e-4 ms
// on an NVIDIA H200. The passive cable, with no channels, agrees to the
// rounding of the recorded float32 snapshots.
func TestAgainstCPU(t *testing.T) {
	for _, c := range []struct {
		name       string
		cn         bool
		vTol, sTol float64
	}{
		{"hh_single", false, 0.1, 1e-3}, {"hh_single", true, 0.1, 1e-3},
		{"passive_cable", false, 1e-4, 0}, {"ball_and_stick", false, 0.1, 1e-3}, {"swc_cell_A", false, 0.1, 1e-3},
	} {
		for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
			name := c.name
			if c.cn {
				name += "/crank-nicolson"
			}
			t.Run(name+"/"+layout.String(), func(t *testing.T) {
				cpu, gpu, _ := runExample(t, c.name, c.cn, layout, 0)
				compare(t, cpu, gpu, c.vTol, c.sTol)
			})
		}
	}
}

// TestNetworkAgainstCPU runs hh_network_det, 20 cells wired by NetCons
// whose spikes travel between the cells by the run driver's queue, in
// both layouts: the spikes and records as on the CPU. Its spikes rise
// slowly out of summed inputs near threshold (case.md), which magnifies
// the single-precision kinetics' rounding: spikes move by up to 8e-4 ms
// on llvmpipe, so the tolerances are twice TestAgainstCPU's in time, 2e-3
// ms, and in v what that shift makes of an upstroke of 100 mV/ms, 0.2 mV.
func TestNetworkAgainstCPU(t *testing.T) {
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			build := func() *compartments.Plan { return refrun.HHNetworkPlan(t) }
			cpu, gpu, _, err := runBoth(t, build, refrun.HHNetworkTstop, layout, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(cpu.SpikeList) != 65 {
				t.Fatalf("%d spikes on the CPU, NEURON 65", len(cpu.SpikeList))
			}
			compare(t, cpu, gpu, 0.2, 2e-3)
		})
	}
}

// TestWideTeam runs the CA1 example with a team of 64 invocations, the
// width on GPUs: on llvmpipe that is eight bundles of lanes taking turns at
// every barrier, which a team of 8 never tests.
func TestWideTeam(t *testing.T) {
	build := func() *compartments.Plan {
		p, _ := refrun.ExamplePlan(t, "swc_cell_A", false)
		return p
	}
	cpu, gpu, g, err := runBoth(t, build, 40, LayoutTeam, 64)
	if err != nil {
		t.Fatal(err)
	}
	if g.team != 64 || len(cpu.SpikeList) == 0 {
		t.Fatalf("team of %d; %d spikes", g.team, len(cpu.SpikeList))
	}
	compare(t, cpu, gpu, 0.02, 1e-3)
}

// TestLargeCell runs the CA1 cell cut into 10,140 compartments, hh
// everywhere, a work group sharing out its 156 branches: it chooses that
// layout itself, and its spikes and snapshots are the CPU's.
func TestLargeCell(t *testing.T) {
	build := func() *compartments.Plan {
		return refrun.FilePlan(t, "../../cmd/neurite/testdata/ca1_10k.toml", func(m *spec.Model) {
			m.Run.RecordInterval = ptr(0.1)
			m.Snapshots.Interval = 1
		})
	}
	cpu, gpu, g, err := runBoth(t, build, 12, LayoutAuto, 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Layout() != LayoutTeam {
		t.Errorf("one cell of %d nodes: %s", len(g.plan.Nodes), g.Layout())
	}
	if len(cpu.SpikeList) == 0 {
		t.Fatal("the cell did not fire")
	}
	compare(t, cpu, gpu, 0.02, 1e-3)
}

func ptr[T any](x T) *T { return &x }

// TestSnapshotTimesAndOpenClamp: snapshots at listed times as well as
// every interval, and a clamp without dur (on to the end of the run), as
// on the CPU in both layouts: the same snapshot times exactly, the same
// records within the tolerances of TestAgainstCPU.
func TestSnapshotTimesAndOpenClamp(t *testing.T) {
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			build := func() *compartments.Plan {
				p, _ := refrun.ExamplePlan(t, "ball_and_stick", false, func(m *spec.Model) {
					m.Snapshots = spec.Snapshots{Interval: 7, Times: []float64{0.025, 5, 12.5, 30}}
					m.IClamps = []spec.IClamp{{Name: "stim", At: "soma(0.5)", Delay: 20, Amp: ptr(0.3)}}
					m.Records = append(m.Records, spec.Record{Name: "i_stim", Var: "stim.i"})
				})
				return p
			}
			cpu, gpu, _, err := runBoth(t, build, 40, layout, 0)
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			for _, k := range []float64{0, 1, 200, 280, 500, 560, 840, 1120, 1200, 1400} {
				want = append(want, k*0.025)
			}
			if !slices.Equal(cpu.SnapT, want) || !slices.Equal(gpu.SnapT, want) {
				t.Fatalf("snapshot times: CPU %v, GPU %v; want %v", cpu.SnapT, gpu.SnapT, want)
			}
			clamp := gpu.Column(len(gpu.Values[0]) - 1)
			if clamp[len(clamp)-1] != 0.3 {
				t.Errorf("the clamp's current at the end of the run: %v nA on the GPU", clamp[len(clamp)-1])
			}
			compare(t, cpu, gpu, 0.02, 1e-3)
		})
	}
}

// TestManyCells runs 1000 copies of NEURON's benchmark cell (101
// compartments each) at currents from 0.002 to 2 nA as one job: every
// cell's spikes and snapshots as on the CPU, the cells near threshold
// included.
func TestManyCells(t *testing.T) {
	const n = 1000
	build := func() *compartments.Plan {
		cells, err := compartments.BenchmarkCells(n, 25, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cells {
			c.IClamps[0].Amp = 2 * float64(i+1) / n
		}
		p, err := compartments.Build(cells, benchSettings)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cpu, gpu, _, err := runBoth(t, build, 30, LayoutAuto, 0)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[int]bool{}
	for _, s := range cpu.SpikeList {
		fired[s.Cell] = true
	}
	if len(fired) < n/2 || len(fired) == n {
		t.Fatalf("%d of %d cells fired: the currents should span the threshold", len(fired), n)
	}
	// Cells just above their threshold turn rounding into latency (3.4e-4
	// ms here), which the upstroke, 100 mV/ms, turns into 0.04 mV: the
	// voltage bound is the spike-time bound times that slope.
	compare(t, cpu, gpu, 0.1, 1e-3)
}

// TestBlowUp: a model that blows up is stopped at the same time and
// segment as on the CPU, with what came before recorded.
func TestBlowUp(t *testing.T) {
	build := func() *compartments.Plan { return refrun.FilePlan(t, "../../cmd/neurite/testdata/blowup.toml") }
	e := compartments.NewEngine(build())
	e.Init()
	cpuErr := e.Run(context.Background(), 100, &sim.Memory{}, nil)
	var a *sim.BlowUpError
	if !errors.As(cpuErr, &a) {
		t.Fatalf("CPU: %v", cpuErr)
	}
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			g, err := NewCableLayout(devicetest.Shared(t), build(), layout)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			g.Init()
			rec := &sim.Memory{}
			gpuErr := g.Run(context.Background(), 100, rec, nil)
			var b *sim.BlowUpError
			if !errors.As(gpuErr, &b) {
				t.Fatalf("GPU: %v", gpuErr)
			}
			if math.Abs(a.T-b.T) > 0.1 || a.Where != b.Where {
				t.Errorf("CPU: %v; GPU: %v", a, b)
			}
			if len(rec.Values) == 0 {
				t.Fatal("nothing was recorded before the blow-up")
			}
			for _, row := range rec.Values {
				for _, v := range row {
					if !(math.Abs(v) <= sim.MaxAbsV) {
						t.Fatalf("a recorded value %v is not finite data", v)
					}
				}
			}
		})
	}
}

// TestTooLargeRefused: on llvmpipe a cell whose step would exceed an
// invocation's loop budget, even shared out by branch (four unbranched
// dendrites of 30,000 compartments, each a serial recurrence), is refused
// before anything is allocated; a hardware GPU, which has no such
// budget, takes it.
func TestTooLargeRefused(t *testing.T) {
	d := devicetest.Shared(t)
	cells, err := compartments.BenchmarkCells(1, 30000, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compartments.Build(cells, benchSettings)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCable(d, p)
	if device.Software(d.Info()) {
		if !errors.Is(err, device.ErrTooLarge) {
			t.Errorf("a cell of %d nodes on %s: %v, want a refusal", len(p.Nodes), d.Info().Renderer, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("a cell of %d nodes on %s: %v", len(p.Nodes), d.Info().Renderer, err)
	}
	c.Close()
}

// BenchmarkCable runs NEURON's cable benchmark model for 10 ms in both
// layouts and reports compartment-steps per second, as
// compartments.BenchmarkCable does for the CPU engine.
func BenchmarkCable(b *testing.B) {
	dev := devicetest.Shared(b)
	for _, size := range []struct{ cells, nseg int }{{10, 250}, {100, 250}} {
		for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
			b.Run(fmt.Sprintf("cells=%d/nseg=%d/%s", size.cells, size.nseg, layout), func(b *testing.B) {
				cells, err := compartments.BenchmarkCells(size.cells, size.nseg, 0.5)
				if err != nil {
					b.Fatal(err)
				}
				p, err := compartments.Build(cells, compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025})
				if err != nil {
					b.Fatal(err)
				}
				e, err := NewCableLayout(dev, p, layout)
				if err != nil {
					b.Fatal(err)
				}
				defer e.Close()
				const tstop = 10.0
				for b.Loop() {
					e.Init()
					if err := e.Run(context.Background(), tstop, &sim.Memory{}, nil); err != nil {
						b.Fatal(err)
					}
				}
				rate := float64(p.Compartments()) * tstop / p.Dt * float64(b.N) / b.Elapsed().Seconds()
				b.ReportMetric(rate, "comp-steps/s")
			})
		}
	}
}

// TestMechsAgainstCPU runs the Hay cell, its eleven NMODL mechanisms on
// the device (gpu/mechglsl) in double precision, in both layouts (auto
// gives it a work group), against the CPU engine's closures: every
// record within 2e-4 of its range, spikes within 1e-4 ms. The device's
// exp and log are within a few ulp of the CPU's, so
// the differences come from the synapse, single precision on the device
// (i_syn differs by 7e-6 of its range): it moves the spikes by 6e-6 ms
// on llvmpipe, and their upstrokes (500 mV/ms) v by 0.0034 mV, 4e-5 of
// its range, the largest relative difference of any record (cai 7e-7,
// the gates up to 4e-5); the tolerances leave a factor of five.
func TestMechsAgainstCPU(t *testing.T) {
	for _, c := range []struct {
		layout Layout
		team   int
	}{{LayoutLanes, 0}, {LayoutAuto, 0}, {LayoutTeam, 64}} {
		layout := c.layout
		// A team of 64 is eight bundles of lanes on llvmpipe, taking turns
		// at every barrier: it tests that each mechanism's instances are
		// shared out without races, which a team of one bundle cannot.
		t.Run(fmt.Sprintf("%s/%d", layout, c.team), func(t *testing.T) {
			cpu, gpu, g := runExample(t, "nmodl_hay_cell", false, layout, c.team)
			// auto gives the one cell with mechanisms a work group
			if want := cmp.Or(layout, LayoutTeam); g.Layout() != want || (c.team > 0 && g.team != c.team) || len(cpu.SpikeList) == 0 {
				t.Fatalf("%s; %d spikes", g.Layout(), len(cpu.SpikeList))
			}
			compare(t, cpu, gpu, 0.02, 1e-4)
			for i, name := range g.Plan().ProbeNames() {
				worst, scale := probeDiff(t, cpu, gpu, i, name)
				if !(worst <= 2e-4*scale) {
					t.Errorf("%s: GPU vs CPU max |Δ| %.3g, more than 2e-4 of its range %.3g", name, worst, scale)
				}
			}
		})
	}
}

// BenchmarkHayCell runs the Hay cell (eleven NMODL mechanisms, 600 ms of
// its reference case) on the GPU engine in both layouts and on the CPU
// engine.
func BenchmarkHayCell(b *testing.B) {
	for _, backend := range []string{"gpu-lanes", "gpu-team", "cpu"} {
		b.Run(backend, func(b *testing.B) {
			p, tstop := refrun.ExamplePlan(b, "nmodl_hay_cell", false)
			var e compartments.Simulator
			if backend == "cpu" {
				e = compartments.NewEngine(p)
			} else {
				g, err := NewCableLayout(devicetest.Shared(b), p, map[string]Layout{"gpu-lanes": LayoutLanes, "gpu-team": LayoutTeam}[backend])
				if err != nil {
					b.Fatal(err)
				}
				defer g.Close()
				e = g
			}
			for b.Loop() {
				e.Init()
				if err := e.Run(context.Background(), tstop, &sim.Memory{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.Compartments())*tstop/p.Dt*float64(b.N)/b.Elapsed().Seconds(), "comp-steps/s")
		})
	}
}

// TestSolversAgainstCPU adds to the Hay cell a KINETIC mechanism SOLVEd
// by sparse (na8st, of the kinetics reference case, whose INITIAL solves
// its steady state) in the soma and one SOLVEd by derivimplicit in the
// dendrites, and runs it on the device in both layouts against the CPU
// engine for 150 ms, before the single-precision synapse's events: with
// every mechanism in double precision, only the ulps of the device's
// exp, log and pow differ, and v agrees to 3.5e-8 mV, the spikes to
// 4e-10 ms on llvmpipe. The tolerances, 1e-5 mV and 1e-7 ms, leave room
// for other devices' rounding (NVIDIA's fused fma in fastexp) while
// catching any difference of scheme.
func TestSolversAgainstCPU(t *testing.T) {
	na8st, err := nmodl.ReadFile("../../assets/models/nmodl_kinetics_point/mod/na8st.mod")
	if err != nil {
		t.Fatal(err)
	}
	kdi, err := nmodl.Parse("kdi.mod", []byte("NEURON { SUFFIX kdi USEION k READ ek WRITE ik RANGE gbar }\nPARAMETER { gbar = 0.001 }\n"+
		"STATE { m h }\nASSIGNED { ik ek v minf mtau }\nBREAKPOINT {\n\tSOLVE s METHOD derivimplicit\n\tik = gbar*m*m*h*(v - ek)\n}\n"+
		"INITIAL {\n\tm = 0.1\n\th = 0.9\n}\nDERIVATIVE s {\n\tminf = 1/(1 + exp(-(v + 40)/7))\n\tmtau = 0.5 + 5*exp(-((v + 50)/20)^2)\n"+
		"\tm' = (minf - m)/mtau\n\th' = -h*m*m/(0.5 + m) + (1 - h)*(1 - h)/20\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	const tstop = 150 // the clamp starts at 100 ms
	build := func() *compartments.Plan {
		p, _ := refrun.ExamplePlan(t, "nmodl_hay_cell", false, func(m *spec.Model) {
			m.Mods = append(m.Mods, na8st, kdi)
			m.Biophysics = append(m.Biophysics,
				spec.Biophysics{Where: "soma", Mechanisms: map[string]map[string]float64{"na8st": {"gbar": 5}}},
				spec.Biophysics{Where: "dend", Mechanisms: map[string]map[string]float64{"kdi": {}}})
		})
		return p
	}
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			cpu, gpu, g, err := runBoth(t, build, tstop, layout, 0)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, mp := range g.Plan().Mechs {
				names = append(names, mp.Mech.Name)
			}
			if !slices.Contains(names, "na8st") || !slices.Contains(names, "kdi") || len(cpu.SpikeList) == 0 {
				t.Fatalf("mechanisms %v; %d spikes", names, len(cpu.SpikeList))
			}
			compare(t, cpu, gpu, 1e-5, 1e-7)
		})
	}
}
