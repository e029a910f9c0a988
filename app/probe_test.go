package app

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"neurite/app/pipeline"
	"neurite/sim/spec"
)

// sessionOn opens the example on a backend, with extra probes.
func sessionOn(t *testing.T, backend string, records ...spec.Record) *Session {
	t.Helper()
	m, err := pipeline.LoadModel("")
	if err != nil {
		t.Fatal(err)
	}
	m.Run.Backend = backend
	m.Records = append(m.Records, records...)
	s, err := NewSession(m)
	if err != nil {
		t.Fatal(err)
	}
	if s.BackendName != backend {
		t.Fatalf("the session runs on %q, not %s: %s", s.BackendName, backend, s.Backend)
	}
	return s
}

// runTo advances a paused session to model time t.
func runTo(t *testing.T, s *Session, to float64) {
	t.Helper()
	from, _, _ := s.State(nil)
	s.advance(context.Background(), to-from)
	if now, _, err := s.State(nil); err != nil || math.Abs(now-to) > s.Plan.Dt/2 {
		t.Fatalf("advanced to %v ms (%v), not %v", now, err, to)
	}
}

// TestProbePlacedMidRun places a probe at 20 ms into a run, on each
// backend: its trace starts with the next sample and has, sample for
// sample, the values of a probe there from the start; the probes already
// there record on unbroken.
func TestProbePlacedMidRun(t *testing.T) {
	probe := spec.Record{Name: "v@apic[10](0.5)", At: "apic[10](0.5)", Var: "v"}
	for _, backend := range []string{"cpu", "gpu"} {
		t.Run(backend, func(t *testing.T) {
			s := sessionOn(t, backend)
			runTo(t, s, 20)
			s.Model.Records = append(s.Model.Records, probe)
			if started := s.SyncProbes(); !slices.Equal(started, []string{probe.Name}) {
				t.Fatalf("traces started: %v", started)
			}
			runTo(t, s, 40)
			tt, yy := s.Trace(probe.Name, 0)
			if len(tt) == 0 || math.Abs(tt[0]-20.1) > 1e-9 || math.Abs(tt[len(tt)-1]-40) > 1e-9 {
				t.Fatalf("the new probe recorded %d samples from %v ms", len(tt), tt)
			}
			if soma, _ := s.Trace("v_soma[0](0.5)", 0); len(soma) != 401 {
				t.Errorf("the soma's probe has %d samples up to 40 ms, want 401", len(soma))
			}

			ref := sessionOn(t, backend, probe)
			runTo(t, ref, 40)
			rt, ry := ref.Trace(probe.Name, 20.05)
			if !slices.Equal(rt, tt) {
				t.Fatalf("sampled at %d times, the reference at %d", len(tt), len(rt))
			}
			for i := range yy {
				if math.Abs(yy[i]-ry[i]) > 1e-9 {
					t.Fatalf("at %v ms: %v mV, %v from a probe there from the start", tt[i], yy[i], ry[i])
				}
			}
		})
	}
}

// TestMovedProbeStartsAgain: a probe moved elsewhere starts a new trace
// rather than joining the old location's samples to the new one's.
func TestMovedProbeStartsAgain(t *testing.T) {
	s := sessionOn(t, "cpu")
	runTo(t, s, 10)
	s.Model.Records[1].At = "apic[20](0.5)"
	name := s.Model.Records[1].Name
	if started := s.SyncProbes(); !slices.Equal(started, []string{name}) {
		t.Fatalf("traces started: %v", started)
	}
	runTo(t, s, 15)
	if tt, _ := s.Trace(name, 0); len(tt) == 0 || tt[0] < 10 {
		t.Errorf("the moved probe's trace starts at %v", tt)
	}
	if started := s.SyncProbes(); len(started) != 0 {
		t.Errorf("probes that did not change started again: %v", started)
	}
}

// TestProbePlacedWhilePausedSaysWhen: placed while paused, a probe says it
// records when the run goes on; after the end, from the next Play; once
// playing again the notice goes.
func TestProbePlacedWhilePausedSaysWhen(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	ex.tool.SetSelected(toolProbe)
	runTo(t, ex.sess, 12)
	tapSegment(t, ex, segmentNamed(t, ex, "apic[10](0.5)"))
	if want := "v_apic[10](0.5) records from t = 12.00 ms on"; !strings.Contains(ex.pending.Text, want) {
		t.Errorf("placed while paused, the status bar says %q, want %q", ex.pending.Text, want)
	}
	ex.Step()
	if ex.pending.Text != "" {
		t.Errorf("after a step it still says %q", ex.pending.Text)
	}
	runTo(t, ex.sess, ex.sess.Tstop)
	tapSegment(t, ex, segmentNamed(t, ex, "apic[20](0.5)"))
	if want := "the run has ended: v_apic[20](0.5) records from the next Play"; !strings.Contains(ex.pending.Text, want) {
		t.Errorf("placed after the end, the status bar says %q, want %q", ex.pending.Text, want)
	}
	ex.TogglePlay()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if tt, _ := ex.sess.Trace("v_apic[20](0.5)", 0); len(tt) > 0 {
			break
		}
	}
	ex.sess.Pause()
	if ex.pending.Text != "" {
		t.Errorf("playing again, it still says %q", ex.pending.Text)
	}
	if tt, _ := ex.sess.Trace("v_apic[20](0.5)", 0); len(tt) == 0 || tt[0] != 0 {
		t.Errorf("the probe placed after the end did not record from the new run's start: %v", tt)
	}
}
