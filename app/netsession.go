package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"neurite/app/pipeline"
	"neurite/sim"
	"neurite/sim/spec"
)

// NetSession is a network file being run in the app. A run goes in a
// background goroutine; its spikes and samples collect here under a
// mutex, and the UI takes the spikes that are new at each frame (Take)
// and reads the rest when it needs them.
type NetSession struct {
	File string
	Spec *spec.Network // the file with Sets applied
	Net  *pipeline.Network
	// Sets are the settings changed in the app (run.tstop=…, seed=…,
	// population.E.size=…), applied to the file as --set would.
	Sets []string

	mu      sync.Mutex
	spikes  []sim.Spike // every spike of the run, in time order
	fresh   int         // spikes[fresh:] are not yet taken by the UI
	traceT  []float64
	traces  [][]float64 // traces[k]: the probes at traceT[k]
	t       float64     // the model time reached
	err     error       // what ended the last run early, other than Stop
	running bool
	cancel  context.CancelFunc
	done    chan struct{}

	// weights is the latest copy of the plastic weights taken during a
	// run (on the run's goroutine, between epochs, when none changes),
	// numbered by weightsGen; copiedAt is when it was taken.
	weights    plasticWeights
	weightsGen int
	copiedAt   time.Time

	// volts is the latest copy of a cable network's segment voltages,
	// taken on the run's goroutine between epochs (at most one a frame,
	// and at the run's end) at model time voltsT and numbered voltsGen.
	volts    []float64
	voltsT   float64
	voltsGen int
	voltsAt  time.Time
}

// segmentVoltages is what a cable network's simulator gives for the
// heatmap.
type segmentVoltages interface{ SegmentVoltages() []float64 }

// copyVoltages takes a copy of a cable network's segment voltages (none
// for point neurons) from the simulator, which must not be running.
func (s *NetSession) copyVoltages() {
	eng, ok := s.Net.Sim.(segmentVoltages)
	if !ok || s.Net.Cable == nil {
		return
	}
	v := slices.Clone(eng.SegmentVoltages())
	s.mu.Lock()
	s.volts, s.voltsT, s.voltsAt = v, s.Net.Sim.Time(), time.Now()
	s.voltsGen++
	s.mu.Unlock()
}

// Voltages returns the latest copy of a cable network's segment voltages
// (in the order of pipeline.Network.CellLayout's segments), its model
// time and its number (0: none, a network of point neurons).
func (s *NetSession) Voltages() (t float64, v []float64, gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.voltsT, s.volts, s.voltsGen
}

// weightsEvery is how often a run copies its plastic weights for the
// Weights tab.
const weightsEvery = time.Second

// Weights returns the latest copy of the plastic weights and its number
// (0: none yet).
func (s *NetSession) Weights() (plasticWeights, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.weights, s.weightsGen
}

// maxTraceValues bounds the samples of recorded states a session keeps:
// beyond it the older half of the samples is dropped.
const maxTraceValues = 1 << 24

// LoadNetSession opens a network file (or an embedded example's) and
// builds it.
func LoadNetSession(file string) (*NetSession, error) {
	n, err := pipeline.LoadNetwork(file)
	if err != nil {
		return nil, err
	}
	net, err := pipeline.NewNetwork(n, "", 0)
	if err != nil {
		return nil, err
	}
	s := &NetSession{File: file, Spec: n, Net: net}
	s.showInitial()
	return s, nil
}

// showInitial sets a cable network to its initial state, so that its
// heatmap shows the resting cells before a run.
func (s *NetSession) showInitial() {
	if s.Net.Cable != nil {
		s.Net.Sim.Init()
		s.copyVoltages()
	}
}

// Rebuild applies settings (as --set would) on top of those already
// applied and builds the network anew; a setting that does not hold leaves
// the session as it was and the error names it.
func (s *NetSession) Rebuild(sets ...string) error {
	s.Stop()
	all := append(append([]string(nil), s.Sets...), sets...)
	n, err := pipeline.LoadNetwork(s.File, all...)
	if err != nil {
		return err
	}
	net, err := pipeline.NewNetwork(n, "", 0)
	if err != nil {
		return err
	}
	s.Net.Close()
	s.Spec, s.Net, s.Sets = n, net, all
	s.mu.Lock()
	s.spikes, s.fresh, s.traceT, s.traces, s.t, s.err = nil, 0, nil, nil, 0, nil
	s.mu.Unlock()
	s.showInitial()
	return nil
}

// Tstop is the run's end (ms).
func (s *NetSession) Tstop() float64 { return s.Spec.Run.Tstop }

// Start runs the network from t = 0 to tstop in the background; progress
// is told the model time after each epoch, and done when the run ends
// (both from the run's goroutine).
func (s *NetSession) Start(progress func(t float64), done func()) {
	s.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	s.mu.Lock()
	s.spikes, s.fresh, s.traceT, s.traces, s.t, s.err = nil, 0, nil, nil, 0, nil
	s.running, s.cancel, s.done = true, cancel, finished
	s.mu.Unlock()
	go func() {
		defer close(finished)
		s.Net.Sim.Init()
		s.copyVoltages()
		last := s.Tstop() - s.Net.Dt()/2
		err := s.Net.Sim.Run(ctx, s.Tstop(), (*netSessionRecorder)(s), func(t float64) {
			s.mu.Lock()
			s.t = t
			due := time.Since(s.voltsAt) >= frameEvery || t >= last
			s.mu.Unlock()
			if due {
				s.copyVoltages()
			}
			if progress != nil {
				progress(t)
			}
		})
		cancel()
		if s.Net.Sim.Time() < last {
			s.copyVoltages() // where a stopped run ended
		}
		s.mu.Lock()
		s.running, s.t = false, s.Net.Sim.Time()
		if err != nil && !errors.Is(err, context.Canceled) {
			s.err = err
		}
		s.mu.Unlock()
		if done != nil {
			done()
		}
	}()
}

// Stop cancels the run, if one goes, and waits for it to end.
func (s *NetSession) Stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Close stops the run and frees what the network holds on a GPU: the
// session is done with.
func (s *NetSession) Close() {
	s.Stop()
	s.Net.Close()
}

// Wait blocks until the run started last has ended.
func (s *NetSession) Wait() {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Running reports whether a run goes.
func (s *NetSession) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// State returns the model time reached, the spikes so far and the error
// that ended the last run early (nil when it ran to its end or was
// stopped).
func (s *NetSession) State() (t float64, spikes int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, len(s.spikes), s.err
}

// Take returns the spikes not taken before (for the raster to add).
// Like Spikes, it hands out the session's own spikes, not to be changed.
func (s *NetSession) Take() []sim.Spike {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.spikes[s.fresh:len(s.spikes):len(s.spikes)]
	s.fresh = len(s.spikes)
	return out
}

// Spikes returns every spike of the run so far, in time order. The slice
// is the session's own, not to be changed; it stays valid while the run
// goes on, since a run only appends (and a new run starts a new slice).
func (s *NetSession) Spikes() []sim.Spike {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spikes[:len(s.spikes):len(s.spikes)]
}

// Recorded returns the names of the recorded states of a neuron named as
// the raster names it ("E[3]"), with their probe numbers.
func (s *NetSession) Recorded(neuron string) (names []string, probes []int) {
	for i, name := range s.Net.ProbeNames() {
		if strings.HasPrefix(name, neuron+".") {
			names, probes = append(names, name), append(probes, i)
		}
	}
	return names, probes
}

// Trace returns the samples of probe i so far.
func (s *NetSession) Trace(i int) (t, y []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	y = make([]float64, len(s.traces))
	for k, row := range s.traces {
		y[k] = row[i]
	}
	return append([]float64(nil), s.traceT...), y
}

// Traces returns the samples of every probe so far: the times and a row
// of the probes' values at each.
func (s *NetSession) Traces() (t []float64, rows [][]float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.traceT), slices.Clone(s.traces)
}

// NeuronName names a neuron by its population and index there ("E[3]");
// ok is false for an id outside every population.
func (s *NetSession) NeuronName(id int) (string, bool) {
	for _, p := range s.Net.Pops {
		if id >= p.First && id < p.First+p.N {
			return fmt.Sprintf("%s[%d]", p.Name, id-p.First), true
		}
	}
	return "", false
}

// netSessionRecorder keeps a run's spikes and samples in the session.
type netSessionRecorder NetSession

func (r *netSessionRecorder) Spikes(spikes []sim.Spike) error {
	s := (*NetSession)(r)
	s.mu.Lock()
	s.spikes = append(s.spikes, spikes...)
	s.mu.Unlock()
	return nil
}

func (r *netSessionRecorder) Sample(t float64, values []float64) error {
	s := (*NetSession)(r)
	if s.Net.HasPlasticity() && time.Since(s.copiedAt) >= weightsEvery {
		w := weightsOf(s.Net)
		s.mu.Lock()
		s.weights, s.copiedAt = w, time.Now()
		s.weightsGen++
		s.mu.Unlock()
	}
	if len(values) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if (len(s.traceT)+1)*len(values) > maxTraceValues {
		half := len(s.traceT) / 2
		s.traceT, s.traces = append(s.traceT[:0], s.traceT[half:]...), append(s.traces[:0], s.traces[half:]...)
	}
	s.traceT, s.traces = append(s.traceT, t), append(s.traces, append([]float64(nil), values...))
	return nil
}

func (r *netSessionRecorder) Snapshot(float64, []float64) error { return nil }
