//go:build goexperiment.simd && amd64

package compartments

import (
	"context"
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"

	"neurite/sim"
	"neurite/sim/fastexp"
)

// TestExp4Accuracy checks the exponential of each hh kernel this
// processor runs, four arguments at a time as the kernels take them: the
// scalar kernel's fastexp.Exp always, the avx2 kernel's fastexp.Core4 where the
// processor has AVX2 and FMA (and there only: elsewhere the scalar kernel
// must have been chosen).
func TestExp4Accuracy(t *testing.T) {
	type kernel struct {
		name string
		exp  func(in, out *[4]float64)
	}
	kernels := []kernel{{"scalar", func(in, out *[4]float64) {
		for j, x := range in {
			out[j] = fastexp.Exp(x)
		}
	}}}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		kernels = append(kernels, kernel{"avx2", func(in, out *[4]float64) { fastexp.Core4(archsimd.LoadFloat64x4(in)).Store(out) }})
	} else if hhKernelName != "scalar" {
		t.Fatalf("kernel %q chosen on a processor without AVX2 and FMA", hhKernelName)
	}
	for _, k := range kernels {
		rng := rand.New(rand.NewPCG(3, 4))
		worst := 0.0
		for range 100000 {
			var in, out [4]float64
			for j := range in {
				in[j] = (rng.Float64()*2 - 1) * 700
				if j%2 == 0 {
					in[j] /= 100
				}
			}
			k.exp(&in, &out)
			for j := range in {
				want := math.Exp(in[j])
				worst = math.Max(worst, math.Abs(out[j]-want)/(math.Nextafter(want, math.Inf(1))-want))
			}
		}
		t.Logf("%s kernel's exponential: within %.2f ulp of math.Exp", k.name, worst)
		if worst > 4 {
			t.Errorf("%s kernel's exponential off by up to %.1f ulp", k.name, worst)
		}
	}
}

// TestAVX2KernelMatchesScalar runs NEURON's benchmark cells (hh in every
// compartment, each dendrite with its own gnabar so that vector blocks mix
// parameter sets) with both hh kernels and compares voltages and spikes.
func TestAVX2KernelMatchesScalar(t *testing.T) {
	if !archsimd.X86.AVX2() || !archsimd.X86.FMA() {
		if hhKernelName != "scalar" {
			t.Fatalf("kernel %q chosen on a processor without AVX2 and FMA", hhKernelName)
		}
		// What can be checked here is checked: the choice. The scalar
		// kernel itself is checked against NEURON by the reference cases.
		t.Log("no AVX2 and FMA here: the scalar kernel was chosen, as it must be; the avx2 kernel cannot run")
		return
	}
	run := func(kernel func(*Engine, int, int)) (*sim.Memory, []float64) {
		saved := hhKernel
		hhKernel = kernel
		defer func() { hhKernel = saved }()
		cells, err := BenchmarkCells(3, 25, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		props := cells[0].Props
		for k := 1; k < len(props); k++ {
			hh := *props[k].HH
			hh.GNaBar -= 0.01 * float64(k)
			props[k].HH = &hh
		}
		p, err := Build(cells, Settings{Dt: 0.025, Celsius: 6.3, VInit: -65, RecordInterval: 0.025})
		if err != nil {
			t.Fatal(err)
		}
		e := NewEngine(p)
		e.Init()
		rec := &sim.Memory{}
		if err := e.Run(context.Background(), 60, rec, nil); err != nil {
			t.Fatal(err)
		}
		return rec, e.SegmentVoltages()
	}
	scalarRec, scalarV := run((*Engine).gatesScalar)
	vecRec, vecV := run((*Engine).gatesAVX2)
	worst := 0.0
	for i := range scalarV {
		worst = math.Max(worst, math.Abs(scalarV[i]-vecV[i]))
	}
	if worst > 1e-6 {
		t.Errorf("voltages differ by up to %.3g mV after 60 ms", worst)
	}
	if len(scalarRec.SpikeList) != len(vecRec.SpikeList) || len(scalarRec.SpikeList) < 10 {
		t.Fatalf("%d spikes with the scalar kernel, %d with avx2", len(scalarRec.SpikeList), len(vecRec.SpikeList))
	}
	for i, s := range scalarRec.SpikeList {
		if d := math.Abs(s.T - vecRec.SpikeList[i].T); d > 1e-9 {
			t.Errorf("spike %d differs by %.3g ms", i, d)
		}
	}
	t.Logf("%d spikes; max |Δv| %.2g mV", len(scalarRec.SpikeList), worst)
}

// TestVectorKernelsSameBits compares the avx2 membrane and blow-up kernels
// with the scalar ones on random runs of every length up to 13 (whole
// vectors and tails), voltages out of range, infinite and NaN included.
func TestVectorKernelsSameBits(t *testing.T) {
	if !archsimd.X86.AVX2() || !archsimd.X86.FMA() {
		t.Log("no AVX2 and FMA here: only the scalar kernels run")
		if hhKernelName != "scalar" {
			t.Fatalf("kernel %q chosen on a processor without AVX2 and FMA", hhKernelName)
		}
		return
	}
	rng := rand.New(rand.NewPCG(5, 6))
	odd := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 2e4, -2e4, sim.MaxAbsV, -sim.MaxAbsV}
	for n := range 14 {
		for trial := range 200 {
			arrays := make([][]float64, 8)
			for a := range arrays {
				arrays[a] = make([]float64, n)
				for i := range n {
					arrays[a][i] = rng.NormFloat64() * 100
				}
			}
			if n > 0 && trial%3 == 0 {
				arrays[5][rng.IntN(n)] = odd[rng.IntN(len(odd))]
			}
			want := make([][]float64, 2)
			want[0], want[1] = make([]float64, n), make([]float64, n)
			membraneScalar(want[0], want[1], arrays[2], arrays[3], arrays[4], arrays[5], arrays[6], arrays[7])
			membraneAVX2(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], arrays[5], arrays[6], arrays[7])
			for k := range 2 {
				for i := range n {
					if math.Float64bits(arrays[k][i]) != math.Float64bits(want[k][i]) && !(math.IsNaN(want[k][i]) && math.IsNaN(arrays[k][i])) {
						t.Fatalf("n=%d: membrane kernels differ at %d: %v against %v", n, i, arrays[k][i], want[k][i])
					}
				}
			}
			if got, want := withinAVX2(arrays[5]), withinScalar(arrays[5]); got != want {
				t.Fatalf("n=%d: blow-up check %v, scalar %v, on %v", n, got, want, arrays[5])
			}
		}
	}
}
