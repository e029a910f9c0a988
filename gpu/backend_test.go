package gpu

import (
	"context"
	"neurite/gpu/cable"
	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/sim"
)

// failing is a simulator that runs the CPU engine and fails, as a lost
// device would, once past a time.
type failing struct {
	*compartments.Engine
	at float64
}

func (f failing) Run(ctx context.Context, tstop float64, rec sim.Recorder, progress sim.ProgressFunc) error {
	return failingAt{f.Engine, f.at}.Run(ctx, tstop, rec, progress)
}

// TestFallbackKeepsRecords: when the device fails mid-run the CPU carries
// on and the records are those of an uninterrupted run, none lost or
// repeated.
func TestFallbackKeepsRecords(t *testing.T) {
	want := &sim.Memory{}
	p, tstop := refrun.ExamplePlan(t, "ball_and_stick", false)
	e := compartments.NewEngine(p)
	e.Init()
	if err := e.Run(context.Background(), tstop, want, nil); err != nil {
		t.Fatal(err)
	}
	p2, _ := refrun.ExamplePlan(t, "ball_and_stick", false)
	f := newFallback(failing{compartments.NewEngine(p2), 37.5})
	f.Init()
	got := &sim.Memory{}
	if err := f.Run(context.Background(), tstop, got, nil); err != nil {
		t.Fatal(err)
	}
	if f.Lost() == nil || !strings.Contains(f.Lost().Error(), "context lost") || !strings.Contains(LostNote(f), "the run went on on the CPU") {
		t.Errorf("lost: %v; note %q", f.Lost(), LostNote(f))
	}
	if len(got.T) != len(want.T) || len(got.Snaps) != len(want.Snaps) || len(got.SpikeList) != len(want.SpikeList) {
		t.Fatalf("samples %d/%d, snapshots %d/%d, spikes %d/%d", len(got.T), len(want.T), len(got.Snaps), len(want.Snaps), len(got.SpikeList), len(want.SpikeList))
	}
	for k := range want.T {
		if got.T[k] != want.T[k] || got.Values[k][0] != want.Values[k][0] {
			t.Fatalf("sample %d: %v %v, want %v %v", k, got.T[k], got.Values[k][0], want.T[k], want.Values[k][0])
		}
	}
}

// runOnDevice runs a simulator NewSimulator chose the GPU for, failing t
// if the run moved to the CPU (which gives the CPU's records, and says so
// only through Lost).
func runOnDevice(t *testing.T, s compartments.Simulator, tstop float64) *sim.Memory {
	t.Helper()
	f, ok := s.(*fallback)
	if !ok {
		t.Fatalf("the GPU's simulator is a %T", s)
	}
	f.Init()
	rec := &sim.Memory{}
	if err := f.Run(context.Background(), tstop, rec, nil); err != nil {
		t.Fatal(err)
	}
	if f.Lost() != nil {
		t.Errorf("the run moved to the CPU: %v", f.Lost())
	}
	return rec
}

// TestChooseBackend: cpu is the CPU; gpu the GPU (here llvmpipe), which
// runs there; auto the CPU for a small model, and on llvmpipe for any,
// saying why.
func TestChooseBackend(t *testing.T) {
	small, tstop := refrun.ExamplePlan(t, "hh_single", false)
	for _, c := range []struct {
		want, got, note string
	}{{"cpu", "cpu", ""}, {"gpu", "gpu", "backend: gpu ("}, {"auto", "cpu", "too few to gain"}} {
		ch, err := NewSimulator(small, c.want)
		if err != nil || ch.Backend != c.got || !strings.Contains(ch.Note, c.note) {
			t.Errorf("%s: %+v, %v", c.want, ch, err)
		}
		if err == nil && ch.Backend == "gpu" {
			if rec := runOnDevice(t, ch.Sim, tstop); len(rec.SpikeList) == 0 {
				t.Errorf("%s: hh_single did not fire on the GPU", c.want)
			}
		}
	}
	large := largePlan(t)
	want := "llvmpipe, on which cable cells run slower"
	if !device.Software(devicetest.Shared(t).Info()) {
		want = "measured"
	}
	if ch, err := NewSimulator(large, "auto"); err != nil || !strings.Contains(ch.Note, want) {
		t.Errorf("auto on %d compartments: %+v, %v", large.Compartments(), ch, err)
	}
	if _, err := NewSimulator(small, "tpu"); err == nil {
		t.Error("no error for an unknown backend")
	}
}

// largePlan is ten benchmark cells, 2,010 compartments: enough for auto
// to consider the GPU.
func largePlan(t *testing.T) *compartments.Plan {
	t.Helper()
	cells, err := compartments.BenchmarkCells(10, 50, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compartments.Build(cells, compartments.Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChooseMeasures: where auto measures (a hardware GPU; here called
// directly on llvmpipe), it takes the GPU only if it measured it clearly
// the faster, says at what rates, leaves its engine ready to run from the
// start, and remembers the rates for the model's shape.
func TestChooseMeasures(t *testing.T) {
	dev := devicetest.Shared(t)
	g, err := cable.NewCable(dev, largePlan(t))
	if err != nil {
		t.Fatal(err)
	}
	ch := choose(dev, g)
	faster := "cpu"
	if ch.GPURate >= gpuMargin*ch.CPURate {
		faster = "gpu"
	}
	if ch.Backend != faster || ch.CPURate <= 0 || ch.GPURate <= 0 || !strings.Contains(ch.Note, "measured") || ch.Sim.Time() != 0 {
		t.Errorf("%s at t = %g, CPU %.3g, GPU %.3g compartment-steps/s: %s", ch.Backend, ch.Sim.Time(), ch.CPURate, ch.GPURate, ch.Note)
	}
	t.Log(ch.Note)
	g2, err := cable.NewCable(dev, largePlan(t))
	if err != nil {
		t.Fatal(err)
	}
	again := choose(dev, g2)
	if again.CPURate != ch.CPURate || again.GPURate != ch.GPURate || !strings.Contains(again.Note, "measured earlier") {
		t.Errorf("again: %+v", again)
	}
}
