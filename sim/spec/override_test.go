package spec

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"neurite/sim"
)

const overridden = `
[[morphology.section]]
name = "soma"
length = 20
diam = 20

[[morphology.section]]
name = "dend"
parent = "soma"
length = 400
diam = 1

[[biophysics]]
where = "all"
Ra = 100

[[biophysics]]
where = "soma"
hh = {}

[[iclamp]]
name = "stim"
at = "soma(0.5)"
delay = 10
dur = 5
amp = 0.1

[[iclamp]]
at = "dend(0.5)"
amp = 0

[[synapse]]
name = "exc"
type = "Exp2Syn"
at = "dend(0.7)"
tau1 = 0.5
tau2 = 4
weight = 0.004
events = [10]

[[record]]
at = "soma(0.5)"

[snapshots]
times = [10, 20]

[run]
tstop = 50
`

// TestOverride applies settings as typed after --set, to a model read from
// a file and to the model of a bare SWC file.
func TestOverride(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		model string // "file" or "swc"
		sets  []string
		got   func(m *Model) any
		want  any
	}{
		{"file", []string{"run.celsius=16"}, func(m *Model) any { return m.Run.Celsius }, f(16)},
		{"file", []string{"iclamp.stim.amp=0.2"}, func(m *Model) any { return m.IClamps[0].Amp }, f(0.2)},
		{"file", []string{"iclamp.2.amp=-0.5"}, func(m *Model) any { return m.IClamps[1].Amp }, f(-0.5)},
		{"file", []string{"iclamp.iclamp2.delay=3"}, func(m *Model) any { return m.IClamps[1].Delay }, 3.0},
		{"file", []string{"iclamp.stim.dur=inf"}, func(m *Model) any { return m.IClamps[0].Dur }, f(math.Inf(1))},
		{"file", []string{"biophysics.2.hh.gnabar=0.2"}, func(m *Model) any { return m.Biophysics[1].HH.GNaBar }, f(0.2)},
		{"file", []string{"biophysics.1.pas.g=1e-4"}, func(m *Model) any { return m.Biophysics[0].Pas.G }, f(1e-4)},
		{"file", []string{"biophysics.1.where=dend"}, func(m *Model) any { return m.Biophysics[0].Where }, "dend"},
		{"file", []string{`biophysics.1.where=["soma", "dend"]`}, func(m *Model) any { return m.Biophysics[0].Where }, []any{"soma", "dend"}},
		{"file", []string{"run.method=crank-nicolson"}, func(m *Model) any { return m.Run.Method }, "crank-nicolson"},
		{"file", []string{`run.method = "crank-nicolson"`}, func(m *Model) any { return m.Run.Method }, "crank-nicolson"},
		{"file", []string{"synapse.exc.events=[1, 2.5]"}, func(m *Model) any { return m.Synapses[0].Events }, []float64{1, 2.5}},
		{"file", []string{"spikes.threshold=-20"}, func(m *Model) any { return m.Spikes.Threshold }, f(-20)},
		{"file", []string{"discretization.nseg=3"}, func(m *Model) any { return *m.Discretization.Nseg }, 3},
		{"file", []string{"snapshots.times=[]", "snapshots.interval=0.5"}, func(m *Model) any { return []any{len(m.Snapshots.Times), m.Snapshots.Interval} }, []any{0, 0.5}},
		{"file", []string{`record."v@soma(0.5)".at=dend(0.5)`}, func(m *Model) any { return m.Records[0].At }, "dend(0.5)"},
		{"file", []string{"name=16"}, func(m *Model) any { return m.Name }, "16"},
		{"file", []string{"run.tstop=20", "run.tstop=30"}, func(m *Model) any { return m.Run.Tstop }, f(30)},
		{"swc", []string{"iclamp.stim.amp=0.2", "run.tstop=20"}, func(m *Model) any { return []any{*m.IClamps[0].Amp, *m.Run.Tstop} }, []any{0.2, 20.0}},
		{"swc", []string{"biophysics.2.hh.gkbar=0.01"}, func(m *Model) any { return m.Biophysics[1].HH.GKBar }, f(0.01)},
	} {
		t.Run(strings.Join(c.sets, " "), func(t *testing.T) {
			m := ForSWC("cells/cell.swc")
			if c.model == "file" {
				var err error
				if m, err = parse(overridden); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Override(c.sets...); err != nil {
				t.Fatal(err)
			}
			if got := c.got(m); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v, want %#v", deref(got), deref(c.want))
			}
		})
	}
}

func deref(x any) any {
	if p, ok := x.(*float64); ok && p != nil {
		return *p
	}
	return x
}

// TestOverrideErrors: every setting that does not hold is reported, named
// as given, and the model is left as it was.
func TestOverrideErrors(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want []string
	}{
		{[]string{"iclamp.stm.amp=0.2"}, []string{`--set iclamp.stm.amp=0.2: there is no [[iclamp]] named "stm" (there are: stim, iclamp2)`}},
		{[]string{"synapse.ex.weight=1"}, []string{`--set synapse.ex.weight=1: there is no [[synapse]] named "ex" (there is: exc)`}},
		{[]string{"iclamp.3.amp=1"}, []string{`--set iclamp.3.amp=1: there is no [[iclamp]] 3 (the model has 2, numbered from 1)`}},
		{[]string{"biophysics.soma.Ra=1"}, []string{`--set biophysics.soma.Ra=1: [[biophysics]] entries have no names: give the entry's number from 1, such as biophysics.1`}},
		{[]string{"run.tstopp=5"}, []string{`--set run.tstopp=5: unknown key "run.tstopp" (did you mean "tstop"?)`}},
		{[]string{"stimulus.amp=5"}, []string{`--set stimulus.amp=5: unknown key "stimulus"`}},
		{[]string{"run.tstop=-5"}, []string{`--set run.tstop=-5: tstop = -5 must be positive`}},
		{[]string{"run.celsius=-400"}, []string{`--set run.celsius=-400: celsius = -400 is below absolute zero`}},
		{[]string{"discretization.nseg=100000"}, []string{`--set discretization.nseg=100000: nseg = 100000 must be from 1 to 32767, as NEURON's`}},
		{[]string{"run.tstop=1e18"}, []string{`--set run.tstop=1e18: tstop = 1e+18 ms at dt = 0.025 ms is 4e+19 steps, more than 1e+10: shorten tstop or lengthen dt`}},
		{[]string{"run.tstop=abc"}, []string{`--set run.tstop=abc: run: tstop must be a number (ms), not "abc"`}},
		{[]string{"iclamp.stim.amp=0.1nA"}, []string{`--set iclamp.stim.amp=0.1nA: iclamp "stim": amp must be a number (nA), not "0.1nA"`}},
		{[]string{"run.tstop.max=1"}, []string{`--set run.tstop.max=1: run.tstop is a number: it has no key "max"`}},
		{[]string{"iclamp.stim=1"}, []string{`--set iclamp.stim=1: iclamp.stim is a [[iclamp]] entry: set one of its keys (name, at, delay, dur, amp)`}},
		{[]string{"run.celsius"}, []string{`--set run.celsius: give KEY=VALUE, such as run.celsius=16 or iclamp.stim.amp=0.2`}},
		{[]string{"run.celsius="}, []string{`--set run.celsius=: no value after =`}},
		{[]string{"run..celsius=1"}, []string{`--set run..celsius=1: "run..celsius" is not a key such as run.celsius`}},
		{[]string{"synapse.exc.events=[1,"}, []string{`--set synapse.exc.events=[1,: [1, is not a TOML value: array is incomplete`}},
		{[]string{"biophysics.1.where=[1, 2]"}, []string{`--set biophysics.1.where=[1, 2]: biophysics 1: where must be a string or a list of strings, not [1, 2]`}},
		{[]string{"discretization.nseg=2.5"}, []string{`--set discretization.nseg=2.5: discretization: nseg must be a whole number, not 2.5`}},
		{[]string{"spikes={at = 1}"}, []string{`--set spikes={at = 1}: spikes: at must be a string, not 1`}},
		// A problem found at a key near the one set names the setting.
		{[]string{"synapse.exc.tau1=5"}, []string{`--set synapse.exc.tau1=5: synapse exc: tau1 = 5 must be less than tau2 = 4`}},
		{[]string{"run.tstop=15"}, []string{`--set run.tstop=15: snapshots.times: 20 ms lies outside the run (0 to tstop = 15 ms)`}},
		// Every problem at once, in the order given.
		{[]string{"run.dt=0", "iclamp.x.amp=1", "run.celsius=nan"}, []string{
			"--set run.dt=0: dt = 0 must be positive\n" +
				`--set iclamp.x.amp=1: there is no [[iclamp]] named "x" (there are: stim, iclamp2)` + "\n" +
				"--set run.celsius=nan: celsius = NaN must be finite",
		}},
		{[]string{"run.dt=0", "run.celsius=nan"}, []string{
			"--set run.dt=0: dt = 0 must be positive\n--set run.celsius=nan: celsius = NaN must be finite",
		}},
	} {
		t.Run(strings.Join(c.sets, " "), func(t *testing.T) {
			m, err := parse(overridden)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := m.Marshal()
			err = m.Override(c.sets...)
			var list sim.FileErrors
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not a sim.FileErrors: %v", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
			if after, _ := m.Marshal(); string(after) != string(before) {
				t.Errorf("a failed override changed the model:\n%s", after)
			}
		})
	}
}

// TestOverrideNamesLaterErrors: a problem found later at a key that was
// set (such as a location, checked against the morphology) names the
// setting; one at a key from the file keeps its line.
func TestOverrideNamesLaterErrors(t *testing.T) {
	m, err := parse(overridden)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Override("iclamp.stim.at=soma(2)", "run.celsius=20"); err != nil {
		t.Fatal(err)
	}
	if got := m.Errorf([]any{"iclamp", 0, "at"}, "bad").Error(); got != "--set iclamp.stim.at=soma(2): bad" {
		t.Errorf("at the key set: %s", got)
	}
	if got := m.Errorf([]any{"iclamp", 1, "at"}, "bad").Error(); got != "model.toml:29: bad" {
		t.Errorf("at a key of the file: %s", got)
	}
}

// FuzzOverride: no setting panics, and a failed one leaves the model as it
// was.
func FuzzOverride(f *testing.F) {
	for _, s := range []string{"iclamp.stim.amp=0.2", "biophysics.2.hh.gnabar=0.2", `record."v@soma(0.5)".at=dend(0.5)`, "spikes={at = 1}", "synapse.exc.events=[1,", "iclamp.1=2", "run.tstop.x.y=1"} {
		f.Add(s)
	}
	m, err := parse(overridden)
	if err != nil {
		f.Fatal(err)
	}
	before, _ := m.Marshal()
	f.Fuzz(func(t *testing.T, set string) {
		c := m.Clone()
		if err := c.Override(set); err != nil {
			if after, _ := c.Marshal(); string(after) != string(before) {
				t.Fatalf("a failed override changed the model")
			}
			if !strings.Contains(err.Error(), "--set ") {
				t.Fatalf("the error does not name the setting: %v", err)
			}
		}
	})
}

// TestLoadWithSettings: settings given with Load are applied before the
// file is checked, so that one may supply what the file lacks (a run's
// tstop), and a bad one is named as given.
func TestLoadWithSettings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "model.toml")
	if err := os.WriteFile(file, []byte(strings.Replace(minimal, "tstop = 10", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "run.tstop (ms) is required") {
		t.Fatalf("without settings: %v, want tstop required", err)
	}
	m, err := Load(file, "run.tstop=12.5")
	if err != nil {
		t.Fatal(err)
	}
	if *m.Run.Tstop != 12.5 {
		t.Errorf("tstop %v, want 12.5", *m.Run.Tstop)
	}
	if _, err := Load(file, "run.tstop=-1"); err == nil || !strings.Contains(err.Error(), "--set run.tstop=-1: tstop = -1 must be positive") {
		t.Errorf("a bad setting: %v", err)
	}
	netFile := filepath.Join(dir, "net.toml")
	if err := os.WriteFile(netFile, []byte("[run]\n[[population]]\nname = \"A\"\nsize = 2\nmodel = \"lif\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNetwork(netFile, "run.tstop=7")
	if err != nil {
		t.Fatal(err)
	}
	if n.Run.Tstop != 7 {
		t.Errorf("network tstop %v, want 7", n.Run.Tstop)
	}
	if _, err := LoadNetwork(netFile, "run.tstop=1e300"); err == nil || !strings.Contains(err.Error(), "more than 1e+10") {
		t.Errorf("a network of too many steps: %v", err)
	}
}
