package app

import (
	"fmt"
	"slices"
)

// How fast the explorer plays, in model ms per second of wall time.
//
// In the example cell an action potential's depolarisation spreads from
// the soma to every segment in about 4 ms (half its rise reached in 90% of
// the segments 3 ms after the soma), and the soma stays above −20 mV for
// 2 ms. At 30 frames a second, the old default of 20 ms/s showed that
// spread in 6 frames and the spike itself in 3: too fast to see it
// travel. At defaultSpeed it takes 24 frames (0.8 s), and slowed at a
// spike 60 frames (2 s), while a run of 150 ms still plays in 30 s.
const (
	defaultSpeed = 5.0
	// slowSpeed is the speed for slowSpan ms after each spike detected,
	// when slowing down at spikes: long enough for the spread to reach
	// the whole cell.
	slowSpeed = 2.0
	slowSpan  = 5.0
)

// speeds are the steps of the speed box and of Slower and Faster; 0 is
// as fast as the machine allows.
var speeds = []float64{0.5, 1, 2, 5, 10, 20, 50, 100, 200, 0}

func speedLabel(speed float64) string {
	if speed <= 0 {
		return "fastest"
	}
	return fmt.Sprintf("%g ms/s", speed)
}

func speedLabels() []string {
	labels := make([]string, len(speeds))
	for i, s := range speeds {
		labels[i] = speedLabel(s)
	}
	return labels
}

// parseSpeed reads a label of the speed box.
func parseSpeed(label string) (float64, bool) {
	if label == "fastest" {
		return 0, true
	}
	var v float64
	_, err := fmt.Sscanf(label, "%g ms/s", &v)
	return v, err == nil && v > 0
}

// stepSpeed returns the speed steps of speeds away from speed (one set
// in a model file between two of them steps to its neighbours), staying
// at the ends.
func stepSpeed(speed float64, steps int) float64 {
	i := len(speeds) - 1 // as fast as possible
	if speed > 0 {
		i = slices.IndexFunc(speeds, func(s float64) bool { return s <= 0 || s >= speed })
		if speeds[i] != speed && steps > 0 {
			i-- // between speeds[i-1] and speeds[i]: one step up is speeds[i]
		}
	}
	return speeds[max(0, min(len(speeds)-1, i+steps))]
}

// SetSlowAtSpikes makes playing slow down to slowSpeed for slowSpan ms
// after each spike the session detects (or stop doing so).
func (s *Session) SetSlowAtSpikes(on bool) {
	s.mu.Lock()
	s.slowAtSpikes = on
	s.mu.Unlock()
}

// SlowAtSpikes reports whether playing slows down at spikes.
func (s *Session) SlowAtSpikes() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slowAtSpikes
}

// Slowed reports whether playing is slowed for a spike now.
func (s *Session) Slowed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slowedLocked()
}

func (s *Session) slowedLocked() bool {
	return s.slowAtSpikes && len(s.spikes) > 0 && s.t < s.spikes[len(s.spikes)-1].T+slowSpan
}

// speedNow is the speed the next frame plays at.
func (s *Session) speedNow() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slowedLocked() && (s.Speed <= 0 || s.Speed > slowSpeed) {
		return slowSpeed
	}
	return s.Speed
}
