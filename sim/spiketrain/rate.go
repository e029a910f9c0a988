package spiketrain

import (
	"fmt"
	"math"
	"slices"

	"neurite/sim"
)

// Trains splits spikes into the spike times of neurons 0..n-1, each sorted;
// spikes of other neurons are ignored.
func Trains(spikes []sim.Spike, n int) [][]float64 {
	counts := make([]int, n)
	for _, s := range spikes {
		if s.Cell >= 0 && s.Cell < n {
			counts[s.Cell]++
		}
	}
	trains := make([][]float64, n)
	for i, c := range counts {
		trains[i] = make([]float64, 0, c)
	}
	for _, s := range spikes {
		if s.Cell >= 0 && s.Cell < n {
			trains[s.Cell] = append(trains[s.Cell], s.T)
		}
	}
	for _, tr := range trains {
		slices.Sort(tr)
	}
	return trains
}

// checkWindow rejects an empty or reversed time window.
func checkWindow(t0, t1 float64) error {
	if !(t1 > t0) || math.IsInf(t0, 0) || math.IsInf(t1, 0) {
		return fmt.Errorf("the time window from %g ms to %g ms is empty: its end must come after its start", t0, t1)
	}
	return nil
}

// checkStep rejects a bin width or time step that is not positive.
func checkStep(what string, dt float64) error {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("the %s must be a positive number of ms (got %g)", what, dt)
	}
	return nil
}

// bins is the number of whole bins of width bin in [t0, t1); at least one.
func bins(t0, t1, bin float64) int {
	return max(1, int(math.Floor((t1-t0)/bin+1e-9)))
}

// PopulationRate returns the rate of neurons [n0, n1) in bins of width bin
// from t0: the spikes in each bin per neuron per second (Hz), and the times
// of the bins' centres (ms). The bins cover [t0, t1) whole, so that a last
// part bin does not read low.
func PopulationRate(spikes []sim.Spike, n0, n1 int, t0, t1, bin float64) (t, hz []float64, err error) {
	if n1 <= n0 {
		return nil, nil, fmt.Errorf("the neuron range %d:%d holds no neuron", n0, n1)
	}
	if err := checkWindow(t0, t1); err != nil {
		return nil, nil, err
	}
	if err := checkStep("bin width", bin); err != nil {
		return nil, nil, err
	}
	nb := bins(t0, t1, bin)
	hz = make([]float64, nb)
	for _, s := range spikes {
		if s.Cell < n0 || s.Cell >= n1 || !(s.T >= t0) {
			continue
		}
		if k := int((s.T - t0) / bin); k < nb {
			hz[k]++
		}
	}
	perSpike := 1000 / (bin * float64(n1-n0)) // one spike in a bin, in Hz per neuron
	t = make([]float64, nb)
	for k := range hz {
		hz[k] *= perSpike
		t[k] = t0 + (float64(k)+0.5)*bin
	}
	return t, hz, nil
}

// Smooth convolves a binned rate (bins of width bin ms) with a Gaussian of
// standard deviation sigma ms, cut at four sigma. Near the ends the kernel
// is renormalised over the bins that exist, so a constant rate stays
// constant up to the edges. sigma <= 0 returns a copy.
func Smooth(rate []float64, bin, sigma float64) []float64 {
	out := make([]float64, len(rate))
	if !(sigma > 0) || !(bin > 0) {
		copy(out, rate)
		return out
	}
	half := int(math.Ceil(4 * sigma / bin))
	kernel := make([]float64, 2*half+1)
	for j := range kernel {
		d := float64(j-half) * bin / sigma
		kernel[j] = math.Exp(-d * d / 2)
	}
	for k := range rate {
		var sum, mass float64
		for j := max(0, half-k); j < len(kernel) && k+j-half < len(rate); j++ {
			sum += kernel[j] * rate[k+j-half]
			mass += kernel[j]
		}
		out[k] = sum / mass
	}
	return out
}

// Rates returns each neuron's mean rate over [t0, t1) in Hz.
func Rates(trains [][]float64, t0, t1 float64) ([]float64, error) {
	if err := checkWindow(t0, t1); err != nil {
		return nil, err
	}
	out := make([]float64, len(trains))
	for i, tr := range trains {
		lo, _ := slices.BinarySearch(tr, t0)
		hi, _ := slices.BinarySearch(tr, t1)
		out[i] = float64(hi-lo) * 1000 / (t1 - t0)
	}
	return out, nil
}
