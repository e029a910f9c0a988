package compartments_test

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/sim/spec"
)

// TestBuildErrors: every problem Build finds is refused with a message
// that names the cell, the part of it (section, clamp, synapse, detector
// or probe) and the value that is wrong; several wrong settings are
// reported together.
func TestBuildErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	at := func(sec int, x float64) compartments.Location { return compartments.Location{Section: sec, X: x} }
	for _, c := range []struct {
		name string
		edit func(s *compartments.Settings, cells []*compartments.Cell) // cells: a ball and stick, then a fork
		want []string
	}{
		{"zero dt", func(s *compartments.Settings, _ []*compartments.Cell) { s.Dt = 0 }, []string{"dt = 0 ms must be positive"}},
		{"NaN dt", func(s *compartments.Settings, _ []*compartments.Cell) { s.Dt = nan }, []string{"dt = NaN ms must be positive"}},
		{"infinite dt", func(s *compartments.Settings, _ []*compartments.Cell) { s.Dt = inf }, []string{"dt = +Inf ms must be positive"}},
		{"record interval off the steps", func(s *compartments.Settings, _ []*compartments.Cell) { s.RecordInterval = 0.03 },
			[]string{"record interval 0.03 ms must be a positive multiple of dt = 0.025 ms"}},
		{"no record interval", func(s *compartments.Settings, _ []*compartments.Cell) { s.RecordInterval = 0 },
			[]string{"record interval 0 ms must be a positive multiple of dt = 0.025 ms"}},
		{"snapshot interval off the steps", func(s *compartments.Settings, _ []*compartments.Cell) { s.SnapshotInterval = 0.01 },
			[]string{"snapshot interval 0.01 ms must be a positive multiple of dt = 0.025 ms"}},
		{"every wrong setting at once", func(s *compartments.Settings, _ []*compartments.Cell) {
			s.RecordInterval, s.SnapshotInterval, s.Celsius = -1, 0.3333, nan
		}, []string{"record interval -1 ms", "snapshot interval 0.3333 ms", "celsius and v_init must be finite"}},
		{"infinite v_init", func(s *compartments.Settings, _ []*compartments.Cell) { s.VInit = -inf }, []string{"celsius and v_init must be finite"}},

		{"properties missing", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Props = c[0].Props[:1] },
			[]string{"ball: 1 section properties for 2 sections"}},
		{"zero Ra", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Props[2].Ra = 0 }, []string{"fork: basal: Ra = 0 Ω·cm must be positive"}},
		{"NaN Ra", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Props[1].Ra = nan }, []string{"ball: dend: Ra = NaN Ω·cm"}},
		{"infinite Ra", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Props[1].Ra = inf }, []string{"ball: dend: Ra = +Inf Ω·cm"}},
		{"negative cm", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Props[0].Cm = -1 },
			[]string{"ball: soma: cm = -1 µF/cm² must not be negative"}},
		{"infinite cm", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Props[1].Cm = inf }, []string{"fork: apic: cm = +Inf µF/cm²"}},
		{"no segments", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Props[1].Nseg = 0 },
			[]string{"fork: apic: nseg = 0 must be from 1 to 32767, as NEURON's"}},
		{"too many segments", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Props[1].Nseg = 40000 },
			[]string{"fork: apic: nseg = 40000 must be from 1 to 32767"}},
		{"two roots", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Morph.Sections[2].Parent = -1 },
			[]string{"fork: sections soma and basal are both roots"}},
		{"no root", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Morph.Sections[0].Parent = 1 },
			[]string{"ball: no root section"}},
		{"a loop beside the tree", func(_ *compartments.Settings, c []*compartments.Cell) {
			c[1].Morph.Sections[1].Parent, c[1].Morph.Sections[2].Parent = 2, 1
		}, []string{"fork: sections do not form one tree"}},
		{"an unnamed cell is numbered", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Name, c[1].Props[0].Nseg = "", -2 },
			[]string{"cell 1: soma: nseg = -2 must be from 1 to 32767"}},

		{"clamp without a name", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].IClamps[0].Name = "" },
			[]string{"ball: a current clamp has no name"}},
		{"clamp on no section", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].IClamps[0].At = at(2, 0.5) },
			[]string{"ball: current clamp stim: section index 2 out of range"}},
		{"clamp beyond its section", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].IClamps[0].At = at(1, 1.5) },
			[]string{"fork: current clamp tip: x = 1.5 must lie in [0, 1]"}},
		{"clamp of negative duration", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].IClamps[0].Dur = -1 },
			[]string{"ball: current clamp stim: delay and amp must be finite, dur not negative"}},
		{"clamp of NaN amplitude", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].IClamps[0].Amp = nan },
			[]string{"fork: current clamp tip: delay and amp must be finite, dur not negative"}},
		{"clamp of infinite delay", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].IClamps[0].Delay = inf },
			[]string{"fork: current clamp tip: delay and amp must be finite, dur not negative"}},

		{"synapse without a name", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].Name = "" },
			[]string{"fork: a synapse has no name"}},
		{"synapse named as a clamp", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].Name = "stim" },
			[]string{`ball: synapse "stim" has the same name as a current clamp`}},
		{"synapse on no section", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].At = at(-1, 0.5) },
			[]string{"fork: synapse ampa: section index -1 out of range"}},
		{"synapse at NaN", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].At = at(1, nan) },
			[]string{"ball: synapse exc: x = NaN must lie in [0, 1]"}},
		{"ExpSyn of zero tau", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].Tau = 0 },
			[]string{"ball: synapse exc: tau = 0 ms must be positive"}},
		{"ExpSyn of infinite tau", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].Tau = inf },
			[]string{"ball: synapse exc: tau = +Inf ms must be positive"}},
		{"Exp2Syn rising slower than it decays", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].Tau1 = 5 },
			[]string{"fork: synapse ampa: need 0 < tau1 < tau2, got tau1 = 5, tau2 = 4 ms"}},
		{"Exp2Syn of zero rise", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].Tau1 = 0 },
			[]string{"fork: synapse ampa: need 0 < tau1 < tau2, got tau1 = 0, tau2 = 4 ms"}},
		{"synapse of infinite weight", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].Weight = inf },
			[]string{"ball: synapse exc: e and weight must be finite"}},
		{"synapse of NaN reversal", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].E = nan },
			[]string{"fork: synapse ampa: e and weight must be finite"}},
		{"event before 0", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Synapses[0].Events[1] = -1 },
			[]string{"ball: synapse exc: event time -1 must be finite and not negative"}},
		{"event at NaN", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Synapses[0].Events[2] = nan },
			[]string{"fork: synapse ampa: event time NaN must be finite"}},

		{"detector on no section", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Spike.At = at(3, 0.5) },
			[]string{"fork: spike detector: section index 3 out of range"}},
		{"detector of NaN threshold", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Spike.Threshold = nan },
			[]string{"ball: spike detector: threshold must be finite"}},

		{"probe on no section", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Probes[2].At = at(5, 1) },
			[]string{"ball: probe v_tip: section index 5 out of range"}},
		{"probe beyond its section", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Probes[0].At = at(0, -0.1) },
			[]string{"ball: probe v_soma: x = -0.1 must lie in [0, 1]"}},
		{"hh gate where there is no hh", func(_ *compartments.Settings, c []*compartments.Cell) { c[0].Probes[1].At = at(1, 0.5) },
			[]string{"ball: probe m_soma: dend(0.5) has no hh mechanism"}},
		{"unknown variable", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Probes[0].Var = "ca" },
			[]string{`fork: probe n_basal: unknown variable "ca"`}},
		{"no such point process", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Probes[1].Var = "nmda.g" },
			[]string{`fork: probe g_ampa: no synapse or current clamp named "nmda"`}},
		{"a clamp has no conductance", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Probes[2].Var = "tip.g" },
			[]string{`fork: probe i_tip:`, `"tip"`, `"g"`}},
		// A cell's probes read its own point processes only.
		{"another cell's synapse", func(_ *compartments.Settings, c []*compartments.Cell) { c[1].Probes[1].Var = "exc.i" },
			[]string{`fork: probe g_ampa: no synapse or current clamp named "exc"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, cells := settings, []*compartments.Cell{ballAndStick(t), forked(t)}
			c.edit(&s, cells)
			p, err := compartments.Build(cells, s)
			if err == nil {
				t.Fatalf("built a plan of %d nodes", len(p.Nodes))
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	// Both cells as they are build.
	if _, err := compartments.Build([]*compartments.Cell{ballAndStick(t), forked(t)}, settings); err != nil {
		t.Fatal(err)
	}
}

// fromModel parses a model document named model.toml, whose files are
// looked up in testdata, and makes its cell.
func fromModel(t *testing.T, src string) (*compartments.Cell, compartments.Settings, error) {
	t.Helper()
	open := func(name string) (io.ReadCloser, error) { return os.Open("testdata/" + name) }
	m, err := spec.Parse([]byte(src), "model.toml", open, "testdata")
	if err != nil {
		t.Fatalf("the model should pass the file checks: %v", err)
	}
	return compartments.FromModel(m)
}

// lineOf returns the line of src on which text first appears.
func lineOf(t *testing.T, src, text string) int {
	t.Helper()
	i := strings.Index(src, text)
	if i < 0 {
		t.Fatalf("%q is not in the model", text)
	}
	return strings.Count(src[:i], "\n") + 1
}

// modelBase is a valid model of two cylinders, to which each case of
// TestFromModelErrors adds its problems.
const modelBase = `name = "bs"

[[morphology.section]]
name = "soma"
length = 20
diam = 20

[[morphology.section]]
name = "dend"
parent = "soma"
length = 200
diam = 1

[[biophysics]]
where = "soma"
hh = {}

[run]
tstop = 10
`

// TestFromModelErrors: the problems only the morphology reveals (a
// location on no section, a region nothing belongs to, a broken tree, a
// missing SWC file) and the record interval's fit to dt are reported at
// the line of the model file that causes them, every one at once.
func TestFromModelLocatesErrors(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []struct{ at, msg string } // the text on the line, the message
	}{
		{"no such region", modelBase + "[[biophysics]]\nwhere = \"axon\"\npas = {}\n",
			[]struct{ at, msg string }{{`where = "axon"`, `where = "axon" matches no section: use "all", a region (soma, dend) or a section name such as dend`}}},
		{"no such section in a list", modelBase + "[[biophysics]]\nwhere = [\"dend\", \"apic\"]\npas = {}\n",
			[]struct{ at, msg string }{{`where = ["dend", "apic"]`, `where = "apic" matches no section`}}},
		{"locations", modelBase + `
[[iclamp]]
name = "stim"
at = "axon(0.5)"
amp = 1
dur = 2

[[synapse]]
name = "exc"
at = "dend(1.5)"
weight = 0.01

[spikes]
at = "soma"

[[record]]
at = "dend 0.5"
`, []struct{ at, msg string }{
			{`at = "axon(0.5)"`, `location "axon(0.5)": no section named axon`},
			{`at = "dend(1.5)"`, `location "dend(1.5)": x must be a number in [0, 1]`},
			{`at = "soma"`, `location "soma" is not of the form section(x)`},
			{`at = "dend 0.5"`, `location "dend 0.5" is not of the form section(x)`},
		}},
		{"record interval off the steps", strings.Replace(modelBase, "tstop = 10", "tstop = 10\ndt = 0.025\nrecord_interval = 0.06", 1),
			[]struct{ at, msg string }{{"record_interval = 0.06", "record_interval 0.06 ms must be a positive multiple of dt = 0.025 ms"}}},
		{"parent defined after", strings.Replace(modelBase, `parent = "soma"`, `parent = "axon"`, 1),
			[]struct{ at, msg string }{{"[[morphology.section]]\nname = \"dend\"", `section dend: parent "axon" is not defined before it`}}},
		{"a section twice", strings.Replace(modelBase, `name = "dend"`, `name = "soma"`, 1),
			[]struct{ at, msg string }{{"[[morphology.section]]\nname = \"soma\"\nparent", "section soma is defined twice"}}},
		{"missing SWC file", "[morphology]\nswc = \"no_such.swc\"\n\n[run]\ntstop = 10\n",
			[]struct{ at, msg string }{{`swc = "no_such.swc"`, "cannot open the morphology"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := fromModel(t, c.src)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				want := fmt.Sprintf("model.toml:%d: %s", lineOf(t, c.src, w.at), w.msg)
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestFromModelProbeErrors: what a record reads is resolved when the plan
// is built, and a record of something the cell lacks is refused there,
// naming the record and what it lacks.
func TestFromModelProbeErrors(t *testing.T) {
	for _, c := range []struct{ record, want string }{
		{"name = \"m\"\nat = \"dend(0.5)\"\nvar = \"hh.m\"", "probe m: dend(0.5) has no hh mechanism"},
		{"name = \"g\"\nvar = \"exc.g\"", `probe g: no synapse or current clamp named "exc"`},
		{"name = \"k\"\nat = \"soma(0.5)\"\nvar = \"ik\"", `probe k: unknown variable "ik"`},
	} {
		cell, s, err := fromModel(t, modelBase+"\n[[record]]\n"+c.record+"\n")
		if err != nil {
			t.Fatal(err)
		}
		_, err = compartments.Build([]*compartments.Cell{cell}, s)
		if err == nil || !strings.Contains(err.Error(), "bs: "+c.want) {
			t.Errorf("%s: error %v, want %q", c.record, err, c.want)
		}
	}
}
