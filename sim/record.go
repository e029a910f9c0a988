package sim

import (
	"fmt"
	"iter"
)

// Spike is an upward threshold crossing of a cell's spike detector.
type Spike struct {
	Cell int
	// T is the crossing time, interpolated linearly between the two
	// samples that bracket it (ms).
	T float64
	// Step is the end of the time step in which the crossing happened:
	// the time a NEURON NetCon reports (ms).
	Step float64
}

// StepGroups yields the runs of spikes (sorted by time) of one time step
// each: those with the same Step.
func StepGroups(spikes []Spike) iter.Seq[[]Spike] {
	return func(yield func([]Spike) bool) {
		for k := 0; k < len(spikes); {
			end := k + 1
			for end < len(spikes) && spikes[end].Step == spikes[k].Step {
				end++
			}
			if !yield(spikes[k:end]) {
				return
			}
			k = end
		}
	}
}

// Recorder receives what a run records, in time order, while it runs.
// Implementations keep it in memory, stream it to disk, or feed a display.
// A non-nil error stops the run.
type Recorder interface {
	// Sample receives the probe values at time t, in the plan's probe order.
	// values is reused after the call returns.
	Sample(t float64, values []float64) error
	// Spikes receives the spikes detected since the previous call, sorted by
	// time.
	Spikes(spikes []Spike) error
	// Snapshot receives the membrane potential of every segment at time t.
	// v is reused after the call returns.
	Snapshot(t float64, v []float64) error
}

// Discard is a Recorder that keeps nothing: for runs whose state is read
// from the engine itself, and for measurements.
type Discard struct{}

func (Discard) Sample(float64, []float64) error   { return nil }
func (Discard) Spikes([]Spike) error              { return nil }
func (Discard) Snapshot(float64, []float64) error { return nil }

// Memory is a Recorder that keeps everything in memory.
type Memory struct {
	T         []float64   // sample times
	Values    [][]float64 // Values[k][i]: probe i at T[k]
	SpikeList []Spike
	SnapT     []float64
	Snaps     [][]float32 // Snaps[k][j]: segment j at SnapT[k]
}

func (m *Memory) Sample(t float64, values []float64) error {
	m.T = append(m.T, t)
	m.Values = append(m.Values, append([]float64(nil), values...))
	return nil
}

func (m *Memory) Spikes(s []Spike) error {
	m.SpikeList = append(m.SpikeList, s...)
	return nil
}

func (m *Memory) Snapshot(t float64, v []float64) error {
	m.SnapT = append(m.SnapT, t)
	snap := make([]float32, len(v))
	for i, x := range v {
		snap[i] = float32(x)
	}
	m.Snaps = append(m.Snaps, snap)
	return nil
}

// Column returns probe i's trace.
func (m *Memory) Column(i int) []float64 {
	out := make([]float64, len(m.Values))
	for k, row := range m.Values {
		out[k] = row[i]
	}
	return out
}

// BlowUpError reports a numerical blow-up: a membrane potential that is not
// finite or exceeds MaxAbsV.
type BlowUpError struct {
	T     float64 // time of the step that blew up, ms
	Where string  // the compartment, e.g. "cell 0 dend[3](0.25)"
	V     float64
}

// MaxAbsV is the largest |v| (mV) a run accepts as physical.
const MaxAbsV = 1e4

func (e *BlowUpError) Error() string {
	return fmt.Sprintf("numerical blow-up at t = %.10g ms in %s: v = %.4g mV (reduce dt or check the parameters)", e.T, e.Where, e.V)
}
