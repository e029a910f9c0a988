package spiketrain

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"neurite/sim"
)

// regular returns n identical trains firing every period ms from first to
// before stop.
func regular(n int, first, period, stop float64) [][]float64 {
	trains := make([][]float64, n)
	for i := range trains {
		for t := first; t < stop; t += period {
			trains[i] = append(trains[i], t)
		}
	}
	return trains
}

// poisson returns n independent Poisson trains of rate hz over [0, stop).
func poisson(n int, hz, stop float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	trains := make([][]float64, n)
	for i := range trains {
		for t := rng.ExpFloat64() * 1000 / hz; t < stop; t += rng.ExpFloat64() * 1000 / hz {
			trains[i] = append(trains[i], t)
		}
	}
	return trains
}

// spikesOf flattens trains into recorder spikes.
func spikesOf(trains [][]float64) []sim.Spike {
	var out []sim.Spike
	for i, tr := range trains {
		for _, t := range tr {
			out = append(out, sim.Spike{Cell: i, T: t, Step: t})
		}
	}
	return out
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestTrains(t *testing.T) {
	spikes := []sim.Spike{{Cell: 1, T: 5}, {Cell: 0, T: 3}, {Cell: 1, T: 2}, {Cell: 7, T: 1}, {Cell: -1, T: 1}}
	got := Trains(spikes, 3)
	want := [][]float64{{3}, {2, 5}, {}}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("neuron %d: %v, want %v", i, got[i], want[i])
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("neuron %d: %v, want %v", i, got[i], want[i])
			}
		}
	}
}

func TestPopulationRate(t *testing.T) {
	// Two neurons, 1 ms bins over [0, 4): bin 0 holds one spike (500 Hz per
	// neuron), bin 2 two (1000 Hz); neuron 5 and the spike at 4 lie outside.
	spikes := []sim.Spike{{Cell: 0, T: 0.5}, {Cell: 1, T: 2}, {Cell: 0, T: 2.9}, {Cell: 5, T: 1}, {Cell: 0, T: 4}, {Cell: 1, T: -1}}
	tm, hz, err := PopulationRate(spikes, 0, 2, 0, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{500, 0, 1000, 0}
	for k := range want {
		if hz[k] != want[k] || tm[k] != float64(k)+0.5 {
			t.Fatalf("bin %d: %g Hz at %g ms, want %g Hz at %g ms", k, hz[k], tm[k], want[k], float64(k)+0.5)
		}
	}
}

func TestPopulationRateOfPoisson(t *testing.T) {
	trains := poisson(500, 8, 2000, 3)
	_, hz, err := PopulationRate(spikesOf(trains), 0, 500, 0, 2000, 10)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range hz {
		mean += v
	}
	mean /= float64(len(hz))
	// 8000 expected spikes: the mean is within 4 sd of 8 Hz (sd 8/sqrt(8000)).
	if !near(mean, 8, 4*8/math.Sqrt(8000)) {
		t.Errorf("mean rate %g Hz, want 8 Hz", mean)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"no neurons", second(PopulationRate(nil, 3, 3, 0, 1, 1)), "3:3 holds no neuron"},
		{"reversed window", second(PopulationRate(nil, 0, 1, 5, 1, 1)), "from 5 ms to 1 ms is empty"},
		{"zero bin", second(PopulationRate(nil, 0, 1, 0, 1, 0)), "bin width must be a positive number of ms (got 0)"},
		{"NaN bin", second(PopulationRate(nil, 0, 1, 0, 1, math.NaN())), "bin width must be a positive"},
		{"rates window", second(Rates(nil, 1, 1)), "is empty"},
		{"histogram bins", second(NewHistogram(nil, 0, 1, 0)), "at least one bin (got 0)"},
		{"histogram range", second(NewHistogram(nil, 2, 1, 5)), "from 2 to 1 is empty"},
		{"chi silent", second(SpikeChi(make([][]float64, 4), 0, 100, 1, 5)), "no neuron's activity varies"},
		{"chi tau", second(SpikeChi(regular(2, 0, 10, 100), 0, 100, 1, -2)), "filter time constant must be a positive number of ms (got -2)"},
		{"chi traces", second(Chi([][]float64{{1, 2, 3}, {1, 2}})), "trace 1 has 2 samples where the first has 3"},
		{"kuramoto silent", second(Kuramoto([][]float64{{1}, {2}}, 0, 100, 1)), "fewer than two neurons fire twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", c.err, c.want)
			}
		})
	}
}

// second returns the error of a call, whatever its other results.
func second(args ...any) error {
	err, _ := args[len(args)-1].(error)
	return err
}

func TestSmooth(t *testing.T) {
	flat := []float64{4, 4, 4, 4, 4, 4, 4, 4}
	for k, v := range Smooth(flat, 1, 2) {
		if !near(v, 4, 1e-12) {
			t.Errorf("smoothed constant at bin %d: %g, want 4", k, v)
		}
	}
	impulse := make([]float64, 101)
	impulse[50] = 1
	s := Smooth(impulse, 0.5, 2)
	var sum float64
	for _, v := range s {
		sum += v
	}
	peak := 0.5 / (2 * math.Sqrt(2*math.Pi)) // bin / (sigma sqrt(2π))
	if !near(sum, 1, 1e-4) || !near(s[50], peak, 1e-4) || !near(s[54], peak*math.Exp(-0.5), 1e-4) {
		t.Errorf("smoothed impulse: sum %g, peak %g, at one sigma %g; want 1, %g, %g", sum, s[50], s[54], peak, peak*math.Exp(-0.5))
	}
}

func TestRates(t *testing.T) {
	trains := [][]float64{regular(1, 0, 100, 1000)[0], {}, {10, 20, 1500}}
	got, err := Rates(trains, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{10, 0, 2} {
		if got[i] != want {
			t.Errorf("neuron %d: %g Hz, want %g", i, got[i], want)
		}
	}
}

func TestCV(t *testing.T) {
	cases := []struct {
		name  string
		train []float64
		want  float64
		tol   float64
		ok    bool
	}{
		{"regular", regular(1, 3, 7, 500)[0], 0, 1e-12, true},
		{"two intervals", []float64{0, 10, 30}, 1.0 / 3, 1e-12, true}, // mean 15, sd 5
		{"poisson", poisson(1, 20, 1e6, 9)[0], 1, 0.03, true},         // 20,000 intervals: sd of the estimate ~0.007
		{"two spikes", []float64{1, 2}, 0, 0, false},
		{"empty", nil, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cv, ok := CV(c.train)
			if ok != c.ok || !near(cv, c.want, c.tol) {
				t.Errorf("CV %g (defined %v), want %g ± %g (defined %v)", cv, ok, c.want, c.tol, c.ok)
			}
		})
	}
	if got := CVs([][]float64{{1, 2}, {0, 10, 30}, {0, 1, 2, 3}}); len(got) != 2 || !near(got[0], 1.0/3, 1e-12) || got[1] != 0 {
		t.Errorf("CVs %v, want [0.333 0]", got)
	}
}

func TestISIsAndHistogram(t *testing.T) {
	isis := ISIs([]float64{1, 3, 7, 8})
	if len(isis) != 3 || isis[0] != 2 || isis[1] != 4 || isis[2] != 1 {
		t.Fatalf("ISIs %v, want [2 4 1]", isis)
	}
	all := AllISIs([][]float64{{1, 3, 7, 8}, {5}, {0, 10}})
	h, err := NewHistogram(append(all, math.NaN(), -1, 11), 0, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Intervals 2, 4, 1, 10 in bins of 2: [0,2) holds 1, [2,4) 2, [4,6) 4,
	// and 10 (the top) falls in the last bin.
	want := []int{1, 1, 1, 0, 1}
	for k := range want {
		if h.Counts[k] != want[k] {
			t.Fatalf("counts %v, want %v", h.Counts, want)
		}
	}
	if h.Lo != 0 || h.Width != 2 || h.Total() != 4 {
		t.Errorf("histogram from %g, width %g, %d values; want 0, 2, 4", h.Lo, h.Width, h.Total())
	}
}

func TestSynchrony(t *testing.T) {
	const stop = 2000
	half := regular(100, 5, 25, stop)
	halfSilent := append(regular(50, 5, 25, stop), make([][]float64, 50)...)
	antiphase := append(regular(50, 5, 20, stop), regular(50, 15, 20, stop)...)
	quarter := append(regular(50, 5, 20, stop), regular(50, 10, 20, stop)...)
	indep := poisson(400, 20, stop, 5)
	cases := []struct {
		name          string
		trains        [][]float64
		chi, chiTol   float64
		kura, kuraTol float64
		checkKura     bool
	}{
		// Identical trains: every trace is the population's.
		{name: "identical regular", trains: half, chi: 1, chiTol: 1e-9, kura: 1, kuraTol: 1e-9, checkKura: true},
		// Half identical, half silent: the population trace is half of
		// one neuron's, its variance a quarter, the mean variance a half.
		{name: "half silent", trains: halfSilent, chi: 1 / math.Sqrt2, chiTol: 1e-9, kura: 1, kuraTol: 1e-9, checkKura: true},
		// Two groups a quarter period apart: R = |cos(π/4)|.
		{name: "quarter period apart", trains: quarter, chi: -1, kura: math.Cos(math.Pi / 4), kuraTol: 1e-9, checkKura: true},
		// Two equal groups half a period apart: R = 0.
		{name: "antiphase", trains: antiphase, chi: -1, kura: 0, kuraTol: 1e-9, checkKura: true},
		// Independent trains: χ and R of order 1/sqrt(N) = 0.05.
		{name: "independent poisson", trains: indep, chi: 0, chiTol: 2 / math.Sqrt(400), kura: 0, kuraTol: 2 / math.Sqrt(400), checkKura: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.chi >= 0 {
				chi, err := SpikeChi(c.trains, 100, stop, 0.5, 3)
				if err != nil {
					t.Fatal(err)
				}
				if !near(chi, c.chi, c.chiTol) {
					t.Errorf("χ = %g, want %g ± %g", chi, c.chi, c.chiTol)
				}
			}
			if c.checkKura {
				_, r, mean, err := Kuramoto(c.trains, 100, stop-100, 0.5)
				if err != nil {
					t.Fatal(err)
				}
				if !near(mean, c.kura, c.kuraTol) {
					t.Errorf("Kuramoto R = %g (first %g), want %g ± %g", mean, r[0], c.kura, c.kuraTol)
				}
			}
		})
	}
}

func TestChiOfTraces(t *testing.T) {
	sine := func(phase float64) []float64 {
		out := make([]float64, 1000)
		for k := range out {
			out[k] = -60 + 10*math.Sin(2*math.Pi*float64(k)/100+phase)
		}
		return out
	}
	cases := []struct {
		name   string
		traces [][]float64
		want   float64
	}{
		{"identical", [][]float64{sine(0), sine(0), sine(0)}, 1},
		{"opposite", [][]float64{sine(0), sine(math.Pi)}, 0},
		// Two sines a quarter period apart: their mean has amplitude
		// 1/sqrt(2) of each.
		{"quarter", [][]float64{sine(0), sine(math.Pi / 2)}, 1 / math.Sqrt2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			chi, err := Chi(c.traces)
			if err != nil || !near(chi, c.want, 1e-6) {
				t.Errorf("χ = %g (%v), want %g", chi, err, c.want)
			}
		})
	}
}

func BenchmarkPopulationRate(b *testing.B) {
	spikes := spikesOf(poisson(10000, 10, 10000, 1)) // 1e6 spikes
	for b.Loop() {
		if _, _, err := PopulationRate(spikes, 0, 10000, 0, 10000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSpikeChi(b *testing.B) {
	trains := poisson(1000, 10, 1000, 1) // 10,000 samples of 1000 neurons
	for b.Loop() {
		if _, err := SpikeChi(trains, 0, 1000, 0.1, 3); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKuramoto(b *testing.B) {
	trains := poisson(1000, 10, 1000, 1)
	for b.Loop() {
		if _, _, _, err := Kuramoto(trains, 0, 1000, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}
