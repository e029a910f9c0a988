package sweep

import (
	"context"
	"errors"
	"math"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/sim/analysis"
	"neurite/sim/ode"
	"neurite/sim/point"
)

// sweep makes a sweep on the shared device for a test that means to run
// on it: the test fails if any of its batches fell back to the CPU, which
// would give the CPU's results, and so pass any comparison with them,
// without the device having run anything.
func sweep(t testing.TB) *Sweep {
	t.Helper()
	s := fallibleSweep(t)
	t.Cleanup(func() {
		if s.Fallbacks != 0 {
			t.Errorf("%d batches fell back to the CPU: the test did not run on the device", s.Fallbacks)
		}
	})
	return s
}

// fallibleSweep makes a sweep on the shared device for a test of falling
// back, which counts its Fallbacks itself.
func fallibleSweep(t testing.TB) *Sweep {
	t.Helper()
	s, err := NewSweep(devicetest.Shared(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// fiOnBoth measures an F–I curve of m's input on the CPU and on the
// device s, at as many currents on both.
func fiOnBoth(t *testing.T, s *Sweep, m *point.Model, from, to float64, n int, o analysis.RunOptions) (cpu, gpu *analysis.FICurve) {
	t.Helper()
	cpu, err := analysis.FI(context.Background(), m, m.Input, from, to, n, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Batch = s
	if gpu, err = analysis.FI(context.Background(), m, m.Input, from, to, n, o); err != nil {
		t.Fatal(err)
	}
	if len(cpu.Points) != len(gpu.Points) {
		t.Fatalf("%s: %d points on the CPU, %d on the GPU", m.Name, len(cpu.Points), len(gpu.Points))
	}
	return cpu, gpu
}

// diagramOnBoth sweeps param for a brute-force diagram of maxima on the
// CPU and on the device s, as many maxima on both.
func diagramOnBoth(t *testing.T, s *Sweep, m *point.Model, param string, from, to float64, n int, o analysis.RunOptions) (cpu, gpu []analysis.SweepPoint) {
	t.Helper()
	cpu, err := analysis.BruteForce(context.Background(), m, param, from, to, n, false, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Batch = s
	if gpu, err = analysis.BruteForce(context.Background(), m, param, from, to, n, false, o); err != nil {
		t.Fatal(err)
	}
	if len(cpu) != len(gpu) || len(cpu) == 0 {
		t.Fatalf("%s: %d maxima on the CPU, %d on the GPU (%d fell back)", m.Name, len(cpu), len(gpu), s.Fallbacks)
	}
	return cpu, gpu
}

// checkMaxima compares diagram maxima one by one, within tol.
func checkMaxima(t *testing.T, name string, cpu, gpu []analysis.SweepPoint, tol float64) (worst float64) {
	t.Helper()
	for i := range cpu {
		worst = math.Max(worst, math.Abs(cpu[i].Value-gpu[i].Value))
		if cpu[i].P != gpu[i].P || math.Abs(cpu[i].Value-gpu[i].Value) > tol {
			t.Errorf("%s maximum %d: CPU %+v, GPU %+v", name, i, cpu[i], gpu[i])
		}
	}
	return worst
}

// checkRates compares F–I rates point by point: within 0.5%, and firing
// at the same currents (with sameSpikes, the same spike counts).
func checkRates(t *testing.T, name string, cpu, gpu *analysis.FICurve, sameSpikes bool) (worst float64) {
	t.Helper()
	for i, p := range cpu.Points {
		q := gpu.Points[i]
		d := math.Abs(p.Rate-q.Rate) / math.Max(1, p.Rate)
		worst = math.Max(worst, d)
		if d > 5e-3 || (p.Spikes == 0) != (q.Spikes == 0) || (sameSpikes && p.Spikes != q.Spikes) {
			t.Errorf("%s, I = %g: CPU %.4g Hz (%d spikes), GPU %.4g Hz (%d)", name, p.I, p.Rate, p.Spikes, q.Rate, q.Spikes)
		}
	}
	return worst
}

// TestSweepFIAgainstCPU measures F–I curves on the device and on the CPU
// with the same integrator (RK4, dt 0.01 ms): the rates agree within
// 0.5% (single against double precision moves a spike by about a
// thousandth of a step), and so do the rheobase and the class. No current
// sits exactly at a rheobase (LIF's 1.5 nA, where v only nears the
// threshold and rounding decides when it gets there).
func TestSweepFIAgainstCPU(t *testing.T) {
	gpuBatch := sweep(t)
	for _, c := range []struct {
		model    string
		from, to float64
	}{{"hh", 0, 20}, {"izhikevich:RS", 0, 20}, {"lif", 0.2, 4.2}, {"inapk:high", 0, 10}, {"inap", 10, 30}, {"fhn", 0, 1.5}} {
		t.Run(c.model, func(t *testing.T) {
			m, err := point.Builtin(c.model)
			if err != nil {
				t.Fatal(err)
			}
			o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 100, Duration: 400}
			cpu, gpu := fiOnBoth(t, gpuBatch, m, c.from, c.to, 9, o)
			worst := checkRates(t, c.model, cpu, gpu, false)
			t.Logf("%s: rates within %.2g relative; rheobase CPU %.5g, GPU %.5g; %s", c.model, worst, cpu.Rheobase, gpu.Rheobase, gpu.Note)
			if worst > 5e-3 || cpu.Class != gpu.Class || math.Abs(cpu.Rheobase-gpu.Rheobase) > 2e-3*(c.to-c.from) {
				t.Errorf("rates within %.3g; class %d/%d; rheobase %g/%g", worst, cpu.Class, gpu.Class, cpu.Rheobase, gpu.Rheobase)
			}
		})
	}
}

// TestSweepMaximaAgainstCPU: brute-force diagrams on both backends: the
// low-threshold I_Na,p + I_K model, whose rest gives way to a cycle at
// I = 14.66; hh below and above its rheobase; FitzHugh–Nagumo forced by a
// sine; Wilson–Cowan's oscillating pair, whose cycle is born and dies
// as P grows; rate units with self-excitation, which settle. The same
// maxima within 1e-4 of each model's range of v.
func TestSweepMaximaAgainstCPU(t *testing.T) {
	for _, c := range []struct {
		model, param        string
		from, to, transient float64
		set                 map[string]float64
		stim                string
	}{
		{"inapk:low", "I", 10, 20, 200, nil, ""},
		// hh's damped oscillations below the rheobase: as they die away
		// single precision flickers about the peaks, which no maximum
		// may be made of.
		{"hh", "I", 0, 10, 100, nil, ""},
		{"wilson-cowan", "P", 0, 3, 200, nil, ""},
		// Long enough for the rate units to settle within the rule's
		// 1e-5 of their range on the CPU too.
		{"rate", "I", -1, 1, 1000, map[string]float64{"w": 1}, ""},
		{"rate-relu", "I", -1, 1, 1000, map[string]float64{"w": 0.5}, ""},
		// FitzHugh–Nagumo forced by a sine: locked and quasi-periodic
		// responses across the offset.
		{"fhn", "I", 0, 1, 200, nil, "sine:amp=0.3,freq=25"},
	} {
		t.Run(c.model, func(t *testing.T) {
			m, err := point.Builtin(c.model)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.set {
				m.SetParam(k, v)
			}
			if c.stim != "" {
				if m.Stim, err = point.ParseStimulus(c.stim); err != nil {
					t.Fatal(err)
				}
			}
			o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: c.transient, Duration: 100}
			s := sweep(t)
			cpu, gpu := diagramOnBoth(t, s, m, c.param, c.from, c.to, 6, o)
			tol := 1e-4 * (m.Vars[m.V].Max - m.Vars[m.V].Min)
			worst := checkMaxima(t, c.model, cpu, gpu, tol)
			t.Logf("%d maxima within %.2g (tolerance %.2g)", len(cpu), worst, tol)
		})
	}
}

// TestSweepFallsBack: a model the device does not run (here one driven by
// two Poisson trains) runs on the CPU, and so does a batch on a device
// that was lost (marked by hand: a reset cannot be caused on purpose),
// with the CPU's results.
func TestSweepFallsBack(t *testing.T) {
	s := fallibleSweep(t)
	m, _ := point.Builtin("fhn")
	m.Stim, _ = point.ParseStimulus("poisson:rate=100,weight=0.1,tau=2,to=70+poisson:rate=50,weight=0.1,tau=2,to=70,seed=3")
	o := analysis.RunOptions{Transient: 20, Duration: 50}
	trs, err := s.Traces(context.Background(), m, "I", []float64{0.5, 1.5}, o)
	if err != nil || len(trs) != 2 || s.Fallbacks != 1 {
		t.Errorf("%d traces, %d fallbacks, %v", len(trs), s.Fallbacks, err)
	}

	d, err := device.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	lost, err := NewSweep(d)
	if err != nil {
		t.Fatal(err)
	}
	d.MarkLost(errors.New("gpu: the context was lost (by hand)"))
	m.Stim = nil
	want, _ := analysis.CPU{}.Traces(context.Background(), m, "I", []float64{0.5, 1.5}, o)
	trs, err = lost.Traces(context.Background(), m, "I", []float64{0.5, 1.5}, o)
	if err != nil || lost.Fallbacks != 1 || len(trs) != 2 || trs[1].Count != want[1].Count || trs[1].Count == 0 {
		t.Errorf("on a lost device: %d fallbacks, %v, %+v (CPU %+v)", lost.Fallbacks, err, trs, want)
	}
}

// izhikevichTyped is Izhikevich's RS neuron typed as equations, u before v
// so that the membrane potential is not the first variable.
const izhikevichTyped = `par I=10, a=0.02, b=0.2, c=-65, d=8
init u=-13, v=-65
u' = a*(b*v - u)
v' = 0.04*v^2 + 5*v + 140 - u + I
spike v >= 30: v = c, u = u + d
range v=-80..40, u=-20..20
`

// TestSweepTypedAgainstCPU: models typed as equations run on the device
// (translated to GLSL), with F–I rates and diagram maxima as on the CPU.
func TestSweepTypedAgainstCPU(t *testing.T) {
	s := sweep(t)
	izh := typedModel(t, izhikevichTyped)
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 100, Duration: 400}
	cpu, gpu := fiOnBoth(t, s, izh, 0, 20, 6, o)
	checkRates(t, "izhikevich typed", cpu, gpu, false)
	if math.Abs(cpu.Rheobase-gpu.Rheobase) > 0.04 {
		t.Errorf("rheobase CPU %g, GPU %g", cpu.Rheobase, gpu.Rheobase)
	}

	ml, err := point.ReadModelFile("../../assets/models/morris_lecar.ode")
	if err != nil {
		t.Fatal(err)
	}
	o = analysis.RunOptions{Method: ode.RK4, Dt: 0.05, Transient: 500, Duration: 300}
	cpuMax, gpuMax := diagramOnBoth(t, s, ml, "I", 80, 120, 5, o)
	checkMaxima(t, "morris-lecar", cpuMax, gpuMax, 0.01)
	// Morris–Lecar's spikes are crossings of its spike level (0 mV).
	o = analysis.RunOptions{Method: ode.RK4, Dt: 0.05, Transient: 200, Duration: 800}
	cpuFI, gpuFI := fiOnBoth(t, s, ml, 80, 120, 5, o)
	checkRates(t, "morris-lecar", cpuFI, gpuFI, false)
	if cpuFI.Class != gpuFI.Class || math.Abs(cpuFI.Rheobase-gpuFI.Rheobase) > 0.1 {
		t.Errorf("morris-lecar: class %d/%d, rheobase %g/%g", cpuFI.Class, gpuFI.Class, cpuFI.Rheobase, gpuFI.Rheobase)
	}
	t.Logf("izhikevich typed: rheobase CPU %g, GPU %g; morris-lecar: %d maxima, rheobase CPU %g, GPU %g, class %d, rates %v",
		cpu.Rheobase, gpu.Rheobase, len(cpuMax), cpuFI.Rheobase, gpuFI.Rheobase, gpuFI.Class, gpuFI.Points)
	// Six variables, more than a vec4: hh with two filters of v, which
	// fires as hh does.
	hh6 := typedModel(t, `par I=10
init v=-65, m=0.0529, h=0.596, n=0.3177, f1=-65, f2=-65
am = 0.1*(v + 40)/(1 - exp(-(v + 40)/10))
v' = I - 120*m^3*h*(v - 50) - 36*n^4*(v + 77) - 0.3*(v + 54.3)
m' = am*(1 - m) - 4*exp(-(v + 65)/18)*m
h' = 0.07*exp(-(v + 65)/20)*(1 - h) - h/(exp(-(v + 35)/10) + 1)
n' = 0.01*(v + 55)/(1 - exp(-(v + 55)/10))*(1 - n) - 0.125*exp(-(v + 65)/80)*n
f1' = (v - f1)/5
f2' = (f1 - f2)/5
spike v >= 0
range v=-90..50
`)
	o = analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 20, Duration: 100}
	cpu6, gpu6 := fiOnBoth(t, s, hh6, 8, 16, 3, o) // above the rheobase: no search for it
	checkRates(t, "six-variable hh", cpu6, gpu6, true)
}

// TestSweepModelShapes: a sweep's programs are told apart by their
// models' sizes as well as their text (two models whose translation is
// the same text, one with a parameter nothing reads, ran on one program
// and moved the wrong parameter), and a model with no parameters
// compiles.
func TestSweepModelShapes(t *testing.T) {
	s := sweep(t)
	ctx := context.Background()
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 40, Duration: 10} // settled: the final x
	one := typedModel(t, "par a=1\ninit x=0\nx' = -x + a\n")
	two := typedModel(t, "par a=1, b=2\ninit x=0\nx' = -x + a\n")
	if _, err := s.Traces(ctx, one, "a", []float64{1, 2, 3}, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.Traces(ctx, two, "b", []float64{1, 2, 3}, o)
	if err != nil {
		t.Fatal(err)
	}
	want, err := analysis.CPU{}.Traces(ctx, two, "b", []float64{1, 2, 3}, o)
	if err != nil || len(want) != 3 || len(got) != 3 {
		t.Fatalf("%d traces on the GPU, %d on the CPU (%v)", len(got), len(want), err)
	}
	for i := range want {
		if len(got[i].Maxima) != 1 || math.Abs(got[i].Maxima[0]-want[i].Maxima[0]) > 1e-5 {
			t.Errorf("b = %d: final x %v on the GPU, %v on the CPU", i+1, got[i].Maxima, want[i].Maxima)
		}
	}
	if err := s.Check(typedModel(t, "init x=1\nx' = -x\n")); err != nil {
		t.Errorf("a model with no parameters: %v", err)
	}
}

// TestSweepMaximaWithoutRange: a typed model whose range of v was left at
// its default, −1..1, still counts no flicker as maxima: the prominence
// scales with v itself there (hh typed without a range line; the GPU
// counted 474 maxima against the CPU's 192).
func TestSweepMaximaWithoutRange(t *testing.T) {
	hh := typedModel(t, `par I=0
init v=-65, m=0.0529, h=0.596, n=0.3177
v' = I - 120*m^3*h*(v - 50) - 36*n^4*(v + 77) - 0.3*(v + 54.3)
m' = 0.1*(v + 40)/(1 - exp(-(v + 40)/10))*(1 - m) - 4*exp(-(v + 65)/18)*m
h' = 0.07*exp(-(v + 65)/20)*(1 - h) - h/(exp(-(v + 35)/10) + 1)
n' = 0.01*(v + 55)/(1 - exp(-(v + 55)/10))*(1 - n) - 0.125*exp(-(v + 65)/80)*n
`)
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 30, Duration: 200}
	diagramOnBoth(t, sweep(t), hh, "I", 0, 6, 13, o) // as many maxima on both
}

// BenchmarkSweep reports the model-steps per second of a sweep of 256
// currents over 50 ms (RK4, dt 0.01) on the device and on the CPU, for a
// built-in model and one typed as equations.
func BenchmarkSweep(b *testing.B) {
	ml, err := point.ReadModelFile("../../assets/models/morris_lecar.ode")
	if err != nil {
		b.Fatal(err)
	}
	hh, _ := point.Builtin("hh")
	s := sweep(b)
	values := make([]float64, 256)
	for i := range values {
		values[i] = 20 * float64(i) / 255
	}
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 25, Duration: 25}
	for _, m := range []*point.Model{hh, ml} {
		for _, batch := range []struct {
			name string
			b    analysis.Batch
		}{{"gpu", s}, {"cpu", analysis.CPU{}}} {
			b.Run(m.Name+"/"+batch.name, func(b *testing.B) {
				if _, err := batch.b.Traces(context.Background(), m, m.Input, values[:1], o); err != nil { // the driver compiles at the first dispatch
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					if _, err := batch.b.Traces(context.Background(), m, m.Input, values, o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*len(values))*(o.Transient+o.Duration)/o.Dt/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}

// TestSweepPoissonAgainstCPU: hh driven by a Poisson train of kicks on top
// of its current fires at the CPU's rates. The CPU ends its steps at the
// kicks, the device's fixed steps straddle them (a kick moves by under a
// step), so a run near threshold may fire a spike more or less: the test
// keeps to currents of regular firing, at 1% of the rate.
func TestSweepPoissonAgainstCPU(t *testing.T) {
	m, _ := point.Builtin("hh")
	var err error
	if m.Stim, err = point.ParseStimulus("poisson:rate=100,weight=2,tau=2,to=1000,seed=9"); err != nil {
		t.Fatal(err)
	}
	o := analysis.RunOptions{Method: ode.RK4, Dt: 0.01, Transient: 50, Duration: 300}
	values := []float64{8, 12, 16}
	cpu, err := analysis.CPU{}.Traces(context.Background(), m, "I", values, o)
	if err != nil {
		t.Fatal(err)
	}
	s := sweep(t)
	gpu, err := s.Traces(context.Background(), m, "I", values, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range values {
		c, g := cpu[i], gpu[i]
		rc, rg := float64(c.Late-1)/(c.LastLate-c.FirstLate), float64(g.Late-1)/(g.LastLate-g.FirstLate)
		if c.Late < 3 || math.Abs(rc-rg) > 0.01*rc {
			t.Errorf("I = %g: %d spikes on the CPU (%.4g /ms), %d on the GPU (%.4g /ms)", values[i], c.Late, rc, g.Late, rg)
		}
	}
}
