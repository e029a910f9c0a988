package spiketrain

import (
	"errors"
	"fmt"
	"math"
)

// Chi returns Golomb and Hansel's synchrony measure χ of a population's
// traces (each sampled at the same times: membrane potentials, say):
//
//	χ² = Var_t[mean_i V_i(t)] / mean_i Var_t[V_i(t)]
//
// 1 when all traces are identical, about 1/sqrt(N) for N independent
// ones. Traces shorter than the first are an error; a population none of
// whose traces varies has no χ.
func Chi(traces [][]float64) (float64, error) {
	if len(traces) == 0 || len(traces[0]) < 2 {
		return 0, errors.New("synchrony (χ) needs at least one trace of two samples or more")
	}
	var c chi
	c.init(len(traces[0]))
	for i, tr := range traces {
		if len(tr) != len(c.pop) {
			return 0, fmt.Errorf("trace %d has %d samples where the first has %d: χ needs traces sampled at the same times", i, len(tr), len(c.pop))
		}
		c.add(tr)
	}
	return c.value()
}

// SpikeChi returns χ (as Chi) of the spike trains filtered with a
// decaying exponential of time constant tau ms (each spike adds 1, which
// then decays), sampled every dt ms over [t0, t1). This is the
// spike-based form of Golomb's measure: it needs no voltage recording,
// and tau sets the time scale on which spikes count as synchronous (a few
// ms for spike-to-spike synchrony, tens for rate co-modulation).
func SpikeChi(trains [][]float64, t0, t1, dt, tau float64) (float64, error) {
	if err := checkWindow(t0, t1); err != nil {
		return 0, err
	}
	if err := checkStep("time step", dt); err != nil {
		return 0, err
	}
	if err := checkStep("filter time constant", tau); err != nil {
		return 0, err
	}
	if len(trains) == 0 {
		return 0, errors.New("synchrony (χ) needs at least one neuron")
	}
	n := bins(t0, t1, dt)
	if n < 2 {
		return 0, fmt.Errorf("synchrony (χ) needs at least two samples: the time step %g ms is as long as the window", dt)
	}
	var c chi
	c.init(n)
	trace := make([]float64, n)
	for _, tr := range trains {
		filter(trace, tr, t0, dt, tau)
		c.add(trace)
	}
	return c.value()
}

// filter samples the exponentially filtered train at t0 + k dt, exactly:
// each spike at s contributes exp(-(t-s)/tau) at every t >= s, including
// spikes before t0.
func filter(trace, train []float64, t0, dt, tau float64) {
	decay := math.Exp(-dt / tau)
	x, j := 0.0, 0
	for k := range trace {
		t := t0 + float64(k)*dt
		x *= decay
		for ; j < len(train) && train[j] <= t; j++ {
			x += math.Exp(-(t - train[j]) / tau)
		}
		trace[k] = x
	}
}

// chi accumulates the sums of Golomb's χ one trace at a time, so that
// filtered trains need not all be held at once.
type chi struct {
	pop    []float64 // sum over traces, per sample
	sumVar float64   // sum of the traces' variances
	n      int
}

func (c *chi) init(samples int) { c.pop = make([]float64, samples) }

func (c *chi) add(trace []float64) {
	for k, v := range trace {
		c.pop[k] += v
	}
	c.sumVar += variance(trace)
	c.n++
}

func (c *chi) value() (float64, error) {
	if !(c.sumVar > 0) {
		return 0, errors.New("synchrony (χ) is not defined: no neuron's activity varies over the window (is the population silent?)")
	}
	for k := range c.pop {
		c.pop[k] /= float64(c.n)
	}
	return math.Sqrt(variance(c.pop) / (c.sumVar / float64(c.n))), nil
}

// variance is the variance over n of x, in two passes for accuracy.
func variance(x []float64) float64 {
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return ss / float64(len(x))
}

// Kuramoto returns the Kuramoto order parameter of the trains,
//
//	R(t) = |mean_i exp(i φ_i(t))|,
//
// sampled every dt ms over [t0, t1), where neuron i's phase φ_i advances
// linearly by 2π from each of its spikes to the next. A neuron has a phase
// only between its first and last spike; times at which fewer than two
// neurons have one are left out of t and r. mean is R averaged over the
// times kept: 1 for identical regular trains, about 0.89/sqrt(N) for N
// independent ones. Within a few inter-spike intervals of the recording's
// ends only the neurons that fired recently have a phase, all small, and R
// reads high: leave those times out of the window.
func Kuramoto(trains [][]float64, t0, t1, dt float64) (t, r []float64, mean float64, err error) {
	if err := checkWindow(t0, t1); err != nil {
		return nil, nil, 0, err
	}
	if err := checkStep("time step", dt); err != nil {
		return nil, nil, 0, err
	}
	n := bins(t0, t1, dt)
	re, im := make([]float64, n), make([]float64, n)
	count := make([]int32, n)
	for _, tr := range trains {
		addPhases(re, im, count, tr, t0, dt)
	}
	for k := range n {
		if count[k] < 2 {
			continue
		}
		rk := math.Hypot(re[k], im[k]) / float64(count[k])
		t = append(t, t0+float64(k)*dt)
		r = append(r, rk)
		mean += rk
	}
	if len(r) == 0 {
		return nil, nil, 0, fmt.Errorf("the Kuramoto order parameter is not defined from %g ms to %g ms: fewer than two neurons fire twice or more there", t0, t1)
	}
	return t, r, mean / float64(len(r)), nil
}

// addPhases adds neuron's exp(iφ(t)) at the samples t0 + k dt that lie
// between its first and last spike.
func addPhases(re, im []float64, count []int32, train []float64, t0, dt float64) {
	if len(train) < 2 {
		return
	}
	k := max(0, int(math.Ceil((train[0]-t0)/dt)))
	j := 0
	for ; k < len(re); k++ {
		t := t0 + float64(k)*dt
		for j+1 < len(train) && train[j+1] <= t {
			j++
		}
		if j+1 == len(train) {
			return
		}
		phase := 2 * math.Pi * (t - train[j]) / (train[j+1] - train[j])
		s, c := math.Sincos(phase)
		re[k] += c
		im[k] += s
		count[k]++
	}
}
