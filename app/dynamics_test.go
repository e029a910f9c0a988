package app

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"neurite/gpu"
	"neurite/gpu/sweep"
	"neurite/sim/point"
)

// newTestLab opens the Dynamics tab on a model in a drawn test window.
func newTestLab(t *testing.T, model string) *Lab {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	l, err := NewLab(w, model)
	if err != nil {
		t.Fatal(err)
	}
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1280, 800))
	w.Canvas().Capture() // draws the plots, so that clicks map to data
	t.Cleanup(func() { l.bif.Stop(); l.fi.Stop(); l.bif.Wait(); l.fi.Wait(); w.Close() })
	return l
}

// wait waits for a job, failing the test after a minute.
func wait(t *testing.T, j *job) {
	t.Helper()
	done := make(chan struct{})
	go func() { j.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the computation did not finish in a minute")
	}
}

// TestLabSliderRedrawsPortrait: moving I across FitzHugh–Nagumo's Hopf
// point (0.3313) turns the rest state from a stable into an unstable
// focus, in the plane shown.
func TestLabSliderRedrawsPortrait(t *testing.T) {
	l := newTestLab(t, "fhn")
	before := l.phase.Plot()
	if err := l.SetParam("I", 0.2); err != nil {
		t.Fatal(err)
	}
	if l.phase.Plot() == before {
		t.Error("the plane was not redrawn")
	}
	if eq := l.Portrait().Equilibria; len(eq) != 1 || !eq[0].Stable() {
		t.Fatalf("at I = 0.2: %v", eq)
	}
	l.SetParam("I", 0.5)
	if eq := l.Portrait().Equilibria; len(eq) != 1 || eq[0].Stable() {
		t.Fatalf("at I = 0.5: %v", eq)
	}
	if v, _ := l.model.Param("I"); v != 0.5 {
		t.Errorf("the model's I is %g", v)
	}
	if err := l.SetParam("nope", 1); err == nil {
		t.Error("no error for an unknown parameter")
	}
}

// TestLabClickLaunchesTrajectory clicks on the plane: a trajectory starts
// at the data coordinates under the click and, past the Hopf point, winds
// onto the limit cycle (v swings beyond ±1.5).
func TestLabClickLaunchesTrajectory(t *testing.T) {
	l := newTestLab(t, "fhn")
	if _, xs := l.Trajectories(); len(xs) != 1 || xs[0][0][0] != -1.2 {
		t.Fatalf("%d trajectories on opening, want one from the initial state", len(xs))
	}
	l.clearTrajectories()
	test.TapAt(l.phase, l.phase.PositionOf(-1.5, 0.5))
	ts, xs := l.Trajectories()
	if len(xs) != 1 {
		t.Fatalf("%d trajectories after a click", len(xs))
	}
	start := xs[0][0]
	if math.Abs(start[0]+1.5) > 0.02 || math.Abs(start[1]-0.5) > 0.02 {
		t.Errorf("started at %v, clicked at (-1.5, 0.5)", start)
	}
	if end := ts[0][len(ts[0])-1]; math.Abs(end-200) > 1e-9 {
		t.Errorf("ran to t = %g, want 200", end)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs[0][len(xs[0])/2:] {
		lo, hi = math.Min(lo, x[0]), math.Max(hi, x[0])
	}
	if lo > -1.5 || hi < 1.5 {
		t.Errorf("v ranged over [%.2f, %.2f] on the cycle", lo, hi)
	}
	// Outside the data area a click starts nothing.
	test.TapAt(l.phase, fyne.NewPos(2, 2))
	if _, xs := l.Trajectories(); len(xs) != 1 {
		t.Errorf("%d trajectories after a click on the margin", len(xs))
	}
	// Trajectories follow the parameters: below the Hopf point the same
	// start decays to rest.
	l.SetParam("I", 0)
	_, xs = l.Trajectories()
	last := xs[0][len(xs[0])-1]
	if eq := l.Portrait().Equilibria[0].X; math.Hypot(last[0]-eq[0], last[1]-eq[1]) > 1e-3 {
		t.Errorf("at I = 0 the trajectory ends at %v, rest is %v", last, eq)
	}
}

// TestLabSpikingModelBreaksAtResets: an Izhikevich RS cell driven above
// rheobase spikes; its path in the plane rises to v_peak (30 mV) at each
// spike and is broken at the reset.
func TestLabSpikingModelBreaksAtResets(t *testing.T) {
	l := newTestLab(t, "izhikevich:RS")
	l.SetParam("I", 10)
	_, xs := l.Trajectories()
	breaks := 0
	for k, x := range xs[0] {
		if math.IsNaN(x[0]) {
			breaks++
			if peak := xs[0][k-1][0]; math.Abs(peak-30) > 1e-6 {
				t.Errorf("reset %d after v = %.4f mV, want the peak 30", breaks, peak)
			}
		}
	}
	if breaks < 3 {
		t.Errorf("%d resets in 200 ms at I = 10", breaks)
	}
}

// TestLabPlanes: a four-variable model is shown in a plane (HH's v and n)
// and a one-variable model as a phase line.
func TestLabPlanes(t *testing.T) {
	l := newTestLab(t, "fhn")
	if err := l.Open("hh"); err != nil {
		t.Fatal(err)
	}
	if x, y := l.plane(); x != 0 || y != 3 {
		t.Errorf("hh shown in the plane of variables %d and %d", x, y)
	}
	l.SetParam("I", 0)
	if eq := l.Portrait().Equilibria; len(eq) != 1 || !eq[0].Stable() || math.Abs(eq[0].X[0]+65) > 0.1 {
		t.Errorf("hh at I = 0: %v", eq)
	}
	if err := l.Open("inap"); err != nil {
		t.Fatal(err)
	}
	if _, y := l.plane(); y != -1 || !l.ySel.Disabled() {
		t.Error("a one-variable model is not shown as a phase line")
	}
	if x, y := l.phase.Plot().X.Label.Text, l.phase.Plot().Y.Label.Text; x != "V (mV)" || y != "dV/dt (mV/ms)" {
		t.Errorf("phase line's axes read %q and %q, want units", x, y)
	}
	if err := l.Open("nosuch"); err == nil {
		t.Error("no error for an unknown model")
	}
}

// TestLabPlaneSaysSlice: hh's v–n plane is a slice of a 4-D system, and
// its caption says so, with the values m and h are held at and that the
// paths are the whole system's projected; FitzHugh–Nagumo's plane is the
// whole system and has no caption.
func TestLabPlaneSaysSlice(t *testing.T) {
	l := newTestLab(t, "fhn")
	if c := l.phase.Plot().Title.Text; c != "" {
		t.Errorf("fhn's plane has the caption %q", c)
	}
	if err := l.Open("hh"); err != nil {
		t.Fatal(err)
	}
	c := l.phase.Plot().Title.Text
	for _, want := range []string{"slice", "m = 0.05", "h = 0.59", "held at", "4-D", "projected"} {
		if !strings.Contains(c, want) {
			t.Errorf("hh's plane's caption %q does not say %q", c, want)
		}
	}
	if strings.Contains(c, "n =") || strings.Contains(c, "v =") {
		t.Errorf("the caption %q holds a variable of the plane", c)
	}
}

// TestLabBifurcation computes the diagram of the low-threshold
// I_Na,p + I_K model in the background: a supercritical Hopf point at
// I = 14.66 with its cycles.
func TestLabBifurcation(t *testing.T) {
	l := newTestLab(t, "inapk:low")
	l.bifFrom.SetText("0")
	l.bifTo.SetText("30")
	if l.bif.bar.Visible() {
		t.Error("a progress bar shows before anything is computed")
	}
	l.bif.Start()
	if !l.bif.bar.Visible() {
		t.Error("no progress bar while computing")
	}
	wait(t, l.bif)
	if note := l.bif.note.Text; !strings.Contains(note, "hopf  I = 14.659  supercritical") {
		t.Errorf("note:\n%s", note)
	}
	if l.bif.view.Plot() == nil || l.bif.bar.Value != 1 || l.bif.bar.Visible() {
		t.Fatalf("figure %v, progress %g, bar shown %v", l.bif.view.Plot(), l.bif.bar.Value, l.bif.bar.Visible())
	}
	if x := l.bif.view.Plot().X.Label.Text; x != "I (µA/cm²)" {
		t.Errorf("the parameter's axis reads %q, want its unit", x)
	}
	l.bifTo.SetText("x")
	l.bif.Start()
	if !strings.Contains(l.bif.note.Text, `to: "x" is not a number`) {
		t.Errorf("note %q", l.bif.note.Text)
	}
}

// TestLabStop stops a long continuation (FitzHugh–Nagumo's cycles near
// their canard take seconds) at once.
func TestLabStop(t *testing.T) {
	l := newTestLab(t, "fhn")
	l.bifFrom.SetText("0")
	l.bifTo.SetText("2")
	l.bif.Start()
	l.bif.Stop()
	wait(t, l.bif)
	if l.bif.note.Text != "stopped" || l.bif.view.Plot() != nil || l.bif.run.Disabled() {
		t.Errorf("note %q, figure %v, run disabled %v", l.bif.note.Text, l.bif.view.Plot(), l.bif.run.Disabled())
	}
}

// TestLabFI measures Hodgkin–Huxley's F–I curve: class 2, a resonator.
func TestLabFI(t *testing.T) {
	l := newTestLab(t, "hh")
	l.fiFrom.SetText("0")
	l.fiTo.SetText("20")
	l.fiN.SetText("11")
	l.fi.Start()
	wait(t, l.fi)
	for _, want := range []string{"class 2", "resonator"} {
		if !strings.Contains(l.fi.note.Text, want) {
			t.Errorf("note lacks %q:\n%s", want, l.fi.note.Text)
		}
	}
	// A new model drops the old one's results.
	l.Open("lif")
	if l.fi.view.Plot() != nil || l.fi.note.Text != "" {
		t.Error("the F–I curve of hh is still shown for lif")
	}
}

// TestLabOpenModelFile opens models typed as equations: a bad one is
// refused with its file and line, a good one is shown.
func TestLabOpenModelFile(t *testing.T) {
	l := newTestLab(t, "fhn")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ode")
	os.WriteFile(bad, []byte("par a=1\ninit x=0\nx' = -a*x + q\n"), 0o644)
	if err := l.OpenModelFile(bad); err == nil || !strings.Contains(err.Error(), bad+":3: unknown name q") {
		t.Errorf("error %v", err)
	}
	if l.model.Name != "fhn" || !strings.Contains(l.status.Text, bad+":3") {
		t.Errorf("model %s, status %q", l.model.Name, l.status.Text)
	}
	good := filepath.Join(dir, "vdp.ode")
	os.WriteFile(good, []byte("# van der Pol\npar mu=1\ninit x=2, y=0\nx' = y\ny' = mu*(1 - x^2)*y - x\n"), 0o644)
	if err := l.OpenModelFile(good); err != nil {
		t.Fatal(err)
	}
	if l.modelSel.Selected != "file: vdp.ode" {
		t.Errorf("picker shows %q", l.modelSel.Selected)
	}
	if eq := l.Portrait().Equilibria; len(eq) != 1 || eq[0].Stable() {
		t.Errorf("van der Pol's origin: %v", eq)
	}
}

// TestLabSweepISI sweeps a chattering Izhikevich cell for its inter-spike
// intervals, where it has no rest state to continue: the note says so and
// the figure is the sweep.
func TestLabSweepISI(t *testing.T) {
	l := newTestLab(t, "izhikevich:CH")
	l.bifFrom.SetText("5")
	l.bifTo.SetText("15")
	l.bifN.SetText("6")
	l.bifScan.SetChecked(true)
	l.bifRecord.SetSelected(sweepISI)
	l.bif.Start()
	wait(t, l.bif)
	p := l.bif.view.Plot()
	if p == nil || p.Y.Label.Text != "inter-spike interval (ms)" || !strings.Contains(l.bif.note.Text, "no equilibrium") {
		t.Errorf("figure %v, note %q", p, l.bif.note.Text)
	}
}

// TestLabFIOnGPU measures F–I curves on the device, of a built-in model
// and of one typed as equations (Morris–Lecar, Hopf set, translated to
// GLSL): the class is the CPU's, the note says the GPU ran it, and no
// batch fell back to the CPU (which the note would not say).
func TestLabFIOnGPU(t *testing.T) {
	hh, err := point.Builtin("hh")
	if err != nil {
		t.Fatal(err)
	}
	batch, _, err := gpu.NewBatch("gpu", hh) // the device's shared sweep, which the lab uses
	if err != nil {
		t.Fatal(err)
	}
	shared := batch.(*sweep.Sweep)
	before := shared.Fallbacks
	defer func() {
		if n := shared.Fallbacks - before; n != 0 {
			t.Errorf("%d batches fell back to the CPU", n)
		}
	}()
	for _, c := range []struct {
		model, file, from, to, n, class string
	}{
		{"inapk:high", "", "0", "10", "11", "class 1"},
		{"fhn", "../assets/models/morris_lecar.ode", "80", "120", "5", "class 2"},
	} {
		l := newTestLab(t, c.model)
		if c.file != "" {
			if err := l.OpenModelFile(c.file); err != nil {
				t.Fatal(err)
			}
		}
		l.backend.SetSelected("gpu")
		l.fiFrom.SetText(c.from)
		l.fiTo.SetText(c.to)
		l.fiN.SetText(c.n)
		l.fi.Start()
		wait(t, l.fi)
		if !strings.Contains(l.fi.note.Text, c.class) || !strings.Contains(l.fi.note.Text, "backend: gpu (") {
			t.Errorf("%s%s: note:\n%s", c.model, c.file, l.fi.note.Text)
		}
	}
}
