package app

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"neurite/assets"
	"neurite/compartments"
	"neurite/sim"
	"neurite/sim/spec"
)

// Session is a loaded model and its running simulation. The simulation
// advances in a background goroutine; the UI reads the latest voltages
// whenever it draws.
type Session struct {
	Name   string
	Model  *spec.Model
	Plan   *compartments.Plan
	Frusta []sim.Frustum
	Tstop  float64

	mu      sync.Mutex
	eng     *compartments.Engine
	v       []float64 // segment voltages at time t
	t       float64
	err     error
	playing bool
	cancel  context.CancelFunc
	done    chan struct{}
	// Speed is the simulation speed in model ms per wall-clock second.
	Speed float64
	// FrameRate is how many frames a second Play computes; 0 runs
	// unpaced.
	FrameRate float64
	// OnUpdate is called from the simulation goroutine after each frame
	// and when playing stops.
	OnUpdate func()
}

// LoadSession reads a model file, a bare SWC file, or (for "") the
// embedded example, and prepares its simulation at t = 0.
func LoadSession(file string) (*Session, error) {
	var m *spec.Model
	var err error
	switch {
	case file == "":
		m, err = spec.LoadFS(assets.FS, assets.Example)
	case spec.IsSWC(file):
		m = spec.ForSWC(file)
	default:
		m, err = spec.Load(file)
	}
	if err != nil {
		return nil, err
	}
	cell, settings, err := compartments.FromModel(m)
	if err != nil {
		return nil, err
	}
	plan, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.File(), err)
	}
	s := &Session{Name: cell.Name, Model: m, Plan: plan, Frusta: plan.Frusta(), Tstop: *m.Run.Tstop, Speed: 20, FrameRate: 30}
	s.eng = compartments.NewEngine(plan)
	s.Restart()
	return s, nil
}

// Restart stops the simulation and returns it to t = 0.
func (s *Session) Restart() {
	s.Pause()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eng.Init()
	s.t, s.err = 0, nil
	s.v = s.eng.SegmentVoltages()
}

// State returns the model time, a copy of the segment voltages and the
// error that stopped the run, if any.
func (s *Session) State(buf []float64) (float64, []float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, append(buf[:0], s.v...), s.err
}

// Playing reports whether the simulation is advancing.
func (s *Session) Playing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.playing
}

// Play advances the simulation in the background, Speed/FrameRate ms of
// model time per frame, FrameRate frames a second (as fast as it can when
// FrameRate is 0), until tstop, Pause or an error.
func (s *Session) Play() {
	s.mu.Lock()
	if s.playing {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.playing, s.cancel, s.done = true, cancel, make(chan struct{})
	done := s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		var frames <-chan time.Time
		if s.FrameRate > 0 {
			tick := time.NewTicker(time.Duration(float64(time.Second) / s.FrameRate))
			defer tick.Stop()
			frames = tick.C
		}
		for s.advance(ctx) {
			if frames == nil {
				continue
			}
			select {
			case <-ctx.Done():
			case <-frames:
			}
		}
		s.mu.Lock()
		s.playing = false
		s.mu.Unlock()
		s.notify()
	}()
}

func (s *Session) notify() {
	if s.OnUpdate != nil {
		s.OnUpdate()
	}
}

// advance moves the model one frame ahead and publishes the new state;
// false ends playing. The engine runs outside the lock, so that drawing
// never waits for a frame's computation; only this goroutine touches the
// engine while playing.
func (s *Session) advance(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	dt := s.Plan.Dt
	t := s.eng.Time()
	if t >= s.Tstop {
		return false
	}
	frame := s.Speed / max(s.FrameRate, 30)
	target := math.Min(s.Tstop, math.Round((t+frame)/dt)*dt)
	err := s.eng.Run(ctx, target, discard{}, nil)
	v := s.eng.SegmentVoltages()
	s.mu.Lock()
	s.t, s.v = s.eng.Time(), v
	if err != nil && ctx.Err() == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.notify()
	return err == nil && s.t < s.Tstop
}

// Pause stops the background simulation and waits for it.
func (s *Session) Pause() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// discard is a Recorder that keeps nothing: the explorer shows the
// engine's current voltages.
type discard struct{}

func (discard) Sample(float64, []float64) error   { return nil }
func (discard) Spikes([]sim.Spike) error          { return nil }
func (discard) Snapshot(float64, []float64) error { return nil }
