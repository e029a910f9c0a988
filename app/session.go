package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"neurite/app/pipeline"

	"neurite/compartments"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/spec"
)

// Session is a model being explored and its running simulation. The
// simulation advances in a background goroutine; the UI reads the latest
// voltages and traces whenever it draws. Edits change Model; those that
// change the cell or the stimuli take effect on Restart, probes at once.
type Session struct {
	Model *spec.Model

	// Built from Model at the last Restart (or load).
	Plan     *compartments.Plan
	Frusta   []sim.Frustum
	Segments []sim.Segment
	Dist     []float64 // path distance of each segment from the spike-detection site, µm
	Tstop    float64

	mu  sync.Mutex
	eng compartments.Simulator
	// Backend says which backend runs the session, and why if auto chose.
	Backend string
	v       []float64 // the quantity shown at every segment at time t (voltages unless set)
	// quantity is what v holds ("" or "v": the voltages; else one of
	// Plan.Quantities).
	quantity string
	t        float64
	err      error
	playing  bool
	cancel   context.CancelFunc
	done     chan struct{}
	traces   map[string]*Trace
	spikes   []sim.Spike
	stale    bool // Model changed in ways only a restart applies
	// BackendName is "cpu" or "gpu".
	BackendName string
	// slowAtSpikes slows playing down after each spike (see pace.go).
	slowAtSpikes bool
	// The model time and wall time of the last frame, to pace unpaced
	// (Speed 0) playing.
	lastFrameMs float64
	lastWall    time.Duration

	// Speed is the simulation speed in model ms per wall-clock second; 0
	// runs as fast as the machine allows.
	Speed float64
	// FrameRate is how many frames a second Play computes; 0 runs
	// unpaced.
	FrameRate float64
	onUpdate  func()
}

// SetOnUpdate sets what is called from the simulation goroutine after each
// frame and when playing stops (nil: nothing).
func (s *Session) SetOnUpdate(f func()) {
	s.mu.Lock()
	s.onUpdate = f
	s.mu.Unlock()
}

// Trace is a recorded probe: samples since the last restart, at most
// maxSamples (the oldest are dropped beyond).
type Trace struct {
	T, Y []float64
}

const maxSamples = 1 << 20

// LoadSession opens a model (see pipeline.LoadModel) and prepares its simulation.
func LoadSession(file string) (*Session, error) {
	m, err := pipeline.LoadModel(file)
	if err != nil {
		return nil, err
	}
	return NewSession(m)
}

// NewSession prepares the simulation of a model at t = 0.
func NewSession(m *spec.Model) (*Session, error) {
	s := &Session{Model: m, Speed: defaultSpeed, FrameRate: 30}
	if m.View.Speed > 0 {
		s.Speed = m.View.Speed
	}
	if err := s.build(); err != nil {
		return nil, err
	}
	s.reset()
	return s, nil
}

// build makes the plan and engine from the model.
func (s *Session) build() error {
	cell, settings, err := compartments.FromModel(s.Model)
	if err != nil {
		return err
	}
	plan, err := compartments.Build([]*compartments.Cell{cell}, settings)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Model.File(), err)
	}
	c := &plan.Cells[0]
	dist := c.PathDistances(plan, cell.Spike.At)
	segDist := make([]float64, len(plan.Segments))
	for k, node := range plan.Segments {
		segDist[k] = dist[int(node)-c.First]
	}
	s.Plan, s.Frusta, s.Segments, s.Dist = plan, plan.Frusta(), plan.SegmentTable(), segDist
	s.Tstop = *s.Model.Run.Tstop
	ch, err := pipeline.NewSimulator(plan, s.Model.Run.Backend, 0)
	if err != nil {
		return err
	}
	s.eng, s.Backend, s.BackendName = ch.Sim, ch.Note, ch.Backend
	if s.Backend == "" {
		s.Backend = "backend: " + ch.Backend
	}
	s.stale = false
	return nil
}

// reset puts the engine at t = 0 and clears what was recorded.
func (s *Session) reset() {
	s.eng.Init()
	v := s.values()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t, s.err, s.spikes = 0, nil, nil
	s.v = v
	s.traces = map[string]*Trace{}
	for _, pr := range s.Plan.Probes {
		s.traces[pr.Name] = &Trace{}
	}
}

// Restart stops the simulation, applies the model's changes and returns
// to t = 0. If the changed model cannot be built, the previous one stays
// and the error says why.
func (s *Session) Restart() error {
	s.Pause()
	if s.stale {
		if err := s.build(); err != nil {
			return err
		}
	}
	s.reset()
	return nil
}

// Changed records that the model changed in ways that apply on restart.
func (s *Session) Changed() { s.stale = true }

// Stale reports whether the model has changes a restart would apply.
func (s *Session) Stale() bool { return s.stale }

// SyncProbes makes the running simulation record the model's probes that
// the current plan can resolve; it works while playing, a new probe's
// trace starting from the next sample. Probes it cannot resolve yet (on a
// synapse added since the restart) are left for the restart. A probe
// moved elsewhere starts its trace again. It returns the probes whose
// traces start now.
func (s *Session) SyncProbes() (started []string) {
	wasPlaying := s.Playing()
	s.Pause()
	before := map[string]compartments.ProbePlan{}
	for _, pr := range s.Plan.Probes {
		before[pr.Name] = pr
	}
	var probes []compartments.ProbePlan
	cell, _, err := compartments.FromModel(s.Model)
	if err == nil {
		for _, pr := range cell.Probes {
			if pp, err := s.Plan.ResolveProbe(0, pr); err == nil {
				probes = append(probes, pp)
			}
		}
		s.eng.SetProbes(probes)
	}
	s.mu.Lock()
	traces := map[string]*Trace{}
	for _, pr := range s.Plan.Probes {
		if tr, ok := s.traces[pr.Name]; ok && before[pr.Name] == pr {
			traces[pr.Name] = tr
		} else {
			traces[pr.Name] = &Trace{}
			started = append(started, pr.Name)
		}
	}
	s.traces = traces
	s.mu.Unlock()
	if wasPlaying {
		s.Play()
	}
	return started
}

// quantityReader is an engine that shows quantities other than v at
// every segment (the CPU engine: NMODL mechanisms' variables and ions).
type quantityReader interface {
	SegmentQuantity(q string, buf []float64) ([]float64, error)
}

// Quantities lists what the heatmap can show: v, and where the engine
// reads them, the ions' variables and the NMODL mechanisms' states and
// assigned variables.
func (s *Session) Quantities() []string {
	if _, ok := s.eng.(quantityReader); !ok {
		return []string{"v"}
	}
	return s.Plan.Quantities()
}

// Quantity is what the heatmap shows (State's values): "v" unless set.
func (s *Session) Quantity() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cmp.Or(s.quantity, "v")
}

// SetQuantity makes the heatmap show q, one of Quantities, from now on.
func (s *Session) SetQuantity(q string) error {
	if !slices.Contains(s.Quantities(), q) {
		return fmt.Errorf("the heatmap cannot show %q here: it shows %s", q, strings.Join(s.Quantities(), ", "))
	}
	s.mu.Lock()
	s.quantity = q
	s.mu.Unlock()
	if s.Playing() {
		return nil // the next frame reads it, on the goroutine that runs the engine
	}
	v := s.values()
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
	return nil
}

// values reads the quantity shown at every segment from the engine.
func (s *Session) values() []float64 {
	s.mu.Lock()
	q := cmp.Or(s.quantity, "v")
	s.mu.Unlock()
	if qr, ok := s.eng.(quantityReader); ok && q != "v" {
		if v, err := qr.SegmentQuantity(q, nil); err == nil {
			return v
		}
	}
	return s.eng.SegmentVoltages()
}

// State returns the model time, a copy of the segment voltages (into buf)
// and the error that stopped the run, if any.
func (s *Session) State(buf []float64) (float64, []float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, append(buf[:0], s.v...), s.err
}

// Trace returns a copy of a probe's samples from time from on.
func (s *Session) Trace(name string, from float64) (t, y []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tr, ok := s.traces[name]
	if !ok {
		return nil, nil
	}
	i := 0
	for i < len(tr.T) && tr.T[i] < from {
		i++
	}
	return append([]float64(nil), tr.T[i:]...), append([]float64(nil), tr.Y[i:]...)
}

// Spikes returns the spikes detected since the restart.
func (s *Session) Spikes() []sim.Spike {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sim.Spike(nil), s.spikes...)
}

// Playing reports whether the simulation is advancing.
func (s *Session) Playing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.playing
}

// Play advances the simulation in the background, a frame at a time, until
// tstop, Pause or an error.
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
		for s.advance(ctx, s.frameTime()) {
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

// frameTime is the model time one frame advances: Speed/FrameRate, or as
// much as fits in about 25 ms of computing when Speed is 0.
func (s *Session) frameTime() float64 {
	rate := max(s.FrameRate, 30)
	if speed := s.speedNow(); speed > 0 {
		return speed / rate
	}
	s.mu.Lock()
	wall := s.lastWall
	last := s.lastFrameMs
	s.mu.Unlock()
	if wall <= 0 || last <= 0 {
		return s.Plan.Dt * 10
	}
	const budget = 25 * time.Millisecond
	return math.Max(s.Plan.Dt, last*float64(budget)/float64(wall))
}

// Step advances one time step (when paused).
func (s *Session) Step() {
	if s.Playing() {
		return
	}
	s.advance(context.Background(), s.Plan.Dt)
	s.notify()
}

func (s *Session) notify() {
	s.mu.Lock()
	f := s.onUpdate
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// advance moves the model by about frame ms and publishes the new state;
// false ends playing. The engine runs outside the lock, so that drawing
// never waits for a frame's computation; only one goroutine at a time
// touches the engine (Play's, or the caller of Step while paused).
func (s *Session) advance(ctx context.Context, frame float64) bool {
	if ctx.Err() != nil {
		return false
	}
	dt := s.Plan.Dt
	t := s.eng.Time()
	if t >= s.Tstop-dt/2 {
		return false
	}
	target := math.Min(s.Tstop, math.Max(t+dt, math.Round((t+frame)/dt)*dt))
	start := time.Now()
	err := s.eng.Run(ctx, target, (*sessionRecorder)(s), nil)
	wall := time.Since(start)
	v := s.values()
	s.mu.Lock()
	s.lastFrameMs, s.lastWall = s.eng.Time()-t, wall
	s.t, s.v = s.eng.Time(), v
	if err != nil && !errors.Is(err, context.Canceled) {
		s.err = err
	}
	if note := gpu.LostNote(s.eng); note != "" && s.BackendName != "cpu" {
		s.Backend, s.BackendName = note, "cpu"
	}
	s.mu.Unlock()
	s.notify()
	return err == nil && s.t < s.Tstop-dt/2
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

// sessionRecorder stores probe samples and spikes in the session.
type sessionRecorder Session

func (r *sessionRecorder) Sample(t float64, values []float64) error {
	s := (*Session)(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, pr := range s.Plan.Probes {
		tr := s.traces[pr.Name]
		if tr == nil {
			continue
		}
		if len(tr.T) >= maxSamples {
			half := len(tr.T) / 2
			tr.T, tr.Y = append(tr.T[:0], tr.T[half:]...), append(tr.Y[:0], tr.Y[half:]...)
		}
		tr.T, tr.Y = append(tr.T, t), append(tr.Y, values[k])
	}
	return nil
}

func (r *sessionRecorder) Spikes(spikes []sim.Spike) error {
	s := (*Session)(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spikes = append(s.spikes, spikes...)
	return nil
}

func (r *sessionRecorder) Snapshot(float64, []float64) error { return nil }
