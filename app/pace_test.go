package app

import (
	"context"
	"math"
	"testing"
	"time"
)

func TestStepSpeed(t *testing.T) {
	for _, tc := range []struct {
		from  float64
		steps int
		want  float64
	}{
		{5, -1, 2},
		{5, 1, 10},
		{200, 1, 0},    // then as fast as possible
		{0, 1, 0},      // stays there
		{0, -1, 200},   // and comes back
		{0.5, -1, 0.5}, // the slowest stays
		{7, -1, 5},     // a speed from a model file goes to its neighbours
		{7, 1, 10},
		{1000, -1, 200},
	} {
		if got := stepSpeed(tc.from, tc.steps); got != tc.want {
			t.Errorf("stepSpeed(%v, %d) = %v, want %v", tc.from, tc.steps, got, tc.want)
		}
	}
}

// framesOfExample plays the example as the window would at a speed (30
// frames a second), slowing at spikes or not, until tstop; it returns the
// model time at the start of each frame and the segment voltages at its
// end.
func framesOfExample(t *testing.T, speed float64, slow bool, tstop float64) (ts []float64, vs [][]float64) {
	t.Helper()
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	s.Speed = speed
	s.SetSlowAtSpikes(slow)
	for {
		now, _, _ := s.State(nil)
		if now >= tstop || !s.advance(context.Background(), s.frameTime()) {
			return ts, vs
		}
		_, v, _ := s.State(nil)
		ts, vs = append(ts, now), append(vs, v)
	}
}

// TestSlowAtSpikes: slowing down at spikes plays the frames from each
// spike detected at the soma to slowSpan ms after it at slowSpeed, and
// the others at the speed chosen.
func TestSlowAtSpikes(t *testing.T) {
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	s.SetSlowAtSpikes(true)
	slowFrames := 0
	for {
		now, _, _ := s.State(nil)
		if now >= 40 {
			break
		}
		slowed := false
		for _, sp := range s.Spikes() {
			slowed = slowed || (now > sp.T && now < sp.T+slowSpan)
		}
		want := defaultSpeed / 30
		if slowed {
			want, slowFrames = slowSpeed/30, slowFrames+1
		}
		if got := s.frameTime(); math.Abs(got-want) > 1e-12 || s.Slowed() != slowed {
			t.Fatalf("at %.3f ms (spikes %v): a frame of %v ms, slowed %v", now, s.Spikes(), got, s.Slowed())
		}
		s.advance(context.Background(), s.frameTime())
	}
	if len(s.Spikes()) < 2 || slowFrames < 100 {
		t.Errorf("%d spikes, %d slowed frames in 40 ms", len(s.Spikes()), slowFrames)
	}
}

// TestDefaultSpeedShowsPropagation measures how many frames the spread of
// the first action potential over the example cell lasts at the default
// speed: from the frame in which the soma reaches half its rise to the one
// in which the last segment does (figures in the README).
func TestDefaultSpeedShowsPropagation(t *testing.T) {
	for _, tc := range []struct {
		speed     float64
		slow      bool
		minFrames int
	}{
		{defaultSpeed, false, 20},
		{defaultSpeed, true, 40},
	} {
		ts, vs := framesOfExample(t, tc.speed, tc.slow, 20)
		frames := spreadFrames(ts, vs)
		t.Logf("%g ms/s, slowed at spikes %v: the spread lasts %d frames (%.1f s)", tc.speed, tc.slow, frames, float64(frames)/30)
		if frames < tc.minFrames {
			t.Errorf("%g ms/s, slowed %v: the spread lasts %d frames, want at least %d", tc.speed, tc.slow, frames, tc.minFrames)
		}
	}
}

// spreadFrames counts the frames between the soma's and the last
// segment's reaching half their rise in the first action potential
// (segment 0 is the soma's; the rest is measured from the voltages of the
// first frame, the peak up to 5 ms after the soma's).
func spreadFrames(ts []float64, vs [][]float64) int {
	half := func(k int, upTo int) float64 {
		peak := vs[0][k]
		for f := 0; f < upTo; f++ {
			peak = math.Max(peak, vs[f][k])
		}
		return (vs[0][k] + peak) / 2
	}
	somaFrame := -1
	for f := range vs {
		if vs[f][0] > 0 {
			somaFrame = f
			break
		}
	}
	end := somaFrame
	for end < len(ts) && ts[end] < ts[somaFrame]+5 {
		end++
	}
	first, last := len(vs), 0
	for k := range vs[0] {
		h := half(k, end)
		for f := 0; f < end; f++ {
			if vs[f][k] >= h {
				first, last = min(first, f), max(last, f)
				break
			}
		}
	}
	return last - first
}

// TestMeasureFrameRate: only whole seconds while the model runs count.
func TestMeasureFrameRate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		d         time.Duration
		runsFor   time.Duration // how long the model plays
		wantRates int
	}{
		{"runs throughout", 10 * time.Second, time.Hour, 5},
		{"ends in the second half", 10 * time.Second, 7500 * time.Millisecond, 2},
		{"ends in the first half", 10 * time.Second, 3 * time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var clock time.Duration
			sleep := func(d time.Duration) { clock += d }
			playing := func() bool { return clock < tc.runsFor }
			rate := func() float64 { return 30 }
			if got := measureFrameRate(tc.d, sleep, playing, rate); len(got) != tc.wantRates {
				t.Errorf("%d seconds measured, want %d", len(got), tc.wantRates)
			}
		})
	}
}
