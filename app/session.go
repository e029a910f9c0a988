package app

import (
	"context"
	"fmt"
	"math"
	"sync"

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
	// OnUpdate is called from the simulation goroutine after each advance.
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
	s := &Session{Name: cell.Name, Model: m, Plan: plan, Frusta: plan.Frusta(), Tstop: *m.Run.Tstop, Speed: 20}
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

// Play advances the simulation in the background at Speed until tstop,
// Pause or an error.
func (s *Session) Play(tick func(ctx context.Context) bool) {
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
		defer func() {
			s.mu.Lock()
			s.playing = false
			s.mu.Unlock()
			if s.OnUpdate != nil {
				s.OnUpdate()
			}
		}()
		for tick(ctx) && s.advance(ctx) {
		}
	}()
}

// frameMs is the model time one frame advances at Speed, at 30 frames a
// second.
func (s *Session) frameMs() float64 { return s.Speed / 30 }

// advance moves the model one frame ahead; false ends playing.
func (s *Session) advance(ctx context.Context) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.t >= s.Tstop || s.err != nil {
		return false
	}
	dt := s.Plan.Dt
	target := math.Min(s.Tstop, math.Round((s.t+s.frameMs())/dt)*dt)
	err := s.eng.Run(ctx, target, discard{}, nil)
	s.t = s.eng.Time()
	s.v = s.eng.SegmentVoltages()
	if err != nil && ctx.Err() == nil {
		s.err = err
	}
	if s.OnUpdate != nil {
		go s.OnUpdate()
	}
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
