package spec

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"neurite/sim"
)

func noFiles(name string) (io.ReadCloser, error) { return nil, errors.New("no files in this test") }

func parse(src string) (*Model, error) {
	return Parse([]byte(src), "model.toml", noFiles, ".")
}

const minimal = `
[[morphology.section]]
name = "soma"
length = 20
diam = 20

[run]
tstop = 10
`

func TestParseMinimalDefaults(t *testing.T) {
	m, err := parse(minimal)
	if err != nil {
		t.Fatal(err)
	}
	if m.Run.Method != "backward-euler" || m.Run.Backend != "auto" || m.Run.DT() != 0.025 {
		t.Errorf("defaults: method %q backend %q dt %v", m.Run.Method, m.Run.Backend, m.Run.DT())
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown key", minimal + "bogus = 1\n", []string{`model.toml:9: unknown key "run.bogus"`}},
		{"unknown table", minimal + "[stimulus]\namp = 1\n", []string{`model.toml:9: unknown key "stimulus"`}},
		{"wrong type", strings.Replace(minimal, "tstop = 10", `tstop = "ten"`, 1), []string{"model.toml:8:", "tstop"}},
		{"syntax", minimal + "x = [1,\n", []string{"model.toml:"}},
		{"no tstop", strings.Replace(minimal, "tstop = 10", "", 1), []string{"model.toml:7: run.tstop (ms) is required"}},
		{"negative dt", minimal + "dt = -0.1\n", []string{"model.toml:9: dt = -0.1 must be positive"}},
		{"no morphology", "[run]\ntstop = 1\n", []string{"model.toml: the model has no morphology"}},
		{"bad section", "[[morphology.section]]\nname = \"s\"\nlength = 0\ndiam = 1\n[run]\ntstop=1\n", []string{"model.toml:3: length = 0 must be positive"}},
		{"bad method", minimal + "method = \"rk4\"\n", []string{`model.toml:9: unknown method "rk4"`}},
		{"iclamp without amp", minimal + "[[iclamp]]\nat = \"soma(0.5)\"\ndur = 1\n", []string{"model.toml:9: current clamp iclamp1 needs amp"}},
		{"exp2syn taus", minimal + "[[synapse]]\ntype = \"Exp2Syn\"\nat = \"soma(0.5)\"\nweight = 0.1\ntau1 = 5\ntau2 = 1\n", []string{"model.toml:14: synapse syn1: tau1 = 5 must be less than tau2 = 1"}},
		{"expsyn with tau1", minimal + "[[synapse]]\nat = \"soma(0.5)\"\nweight = 0.1\ntau1 = 5\n", []string{"model.toml:12: synapse syn1: tau1 and tau2 belong to Exp2Syn"}},
		{"negative event", minimal + "[[synapse]]\nat = \"soma(0.5)\"\nweight = 0.1\nevents = [1, -2]\n", []string{"model.toml:12: synapse syn1: event 2 at -2 ms"}},
		{"duplicate names", minimal + "[[iclamp]]\nname=\"a\"\nat=\"soma(0.5)\"\namp=1\ndur=1\n[[synapse]]\nname=\"a\"\nat=\"soma(0.5)\"\nweight=1\n", []string{`model.toml:15: synapse name "a" is already used`}},
		{"where not string", minimal + "[[biophysics]]\nwhere = 3\n", []string{"model.toml:10: biophysics 1: where must be a string or a list of strings, not 3"}},
		{"where empty", minimal + "[[biophysics]]\nwhere = []\n", []string{"model.toml:10: where = [] selects no section"}},
		{"negative gnabar", minimal + "[[biophysics]]\nhh = { gnabar = -1 }\n", []string{"model.toml:10: hh.gnabar = -1 must not be negative"}},
		{"remove unknown", minimal + "[[biophysics]]\nremove = [\"kdr\"]\n", []string{`model.toml:10: remove: unknown mechanism "kdr"`}},
		{"nseg and d_lambda", minimal + "[discretization]\nnseg = 3\nd_lambda = 0.1\n", []string{"model.toml:10: give either nseg or d_lambda"}},
		{"every problem at once", minimal + "dt = -1\nmethod = \"x\"\n", []string{"model.toml:9: dt", "model.toml:10: unknown method"}},
		{"snapshot time outside the run", minimal + "[snapshots]\ntimes = [5, 12]\n", []string{"model.toml:10: snapshots.times: 12 ms lies outside the run (0 to tstop = 10 ms)"}},
		{"snapshot times repeated", minimal + "[snapshots]\ntimes = [5, 2, 5]\n", []string{"model.toml:10: snapshots.times: 2 ms after 5 ms", "5 ms after 5 ms: list the times in increasing order, each once"}},
		{"snapshot times not numbers", minimal + "[snapshots]\ntimes = [5, \"x\"]\n", []string{`model.toml:10: snapshots: times must be a list of numbers (ms), not [5, "x"]`}},
		{"negative dur", minimal + "[[iclamp]]\nat = \"soma(0.5)\"\namp = 1\ndur = -1\n", []string{"model.toml:12: current clamp iclamp1: dur = -1 must not be negative"}},
		{"bad view", minimal + "[view]\nzoom = -1\nspeed = nan\n", []string{"model.toml:10: view.zoom = -1", "model.toml:11: view.speed = NaN"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(c.src)
			if err == nil {
				t.Fatal("no error")
			}
			var list sim.FileErrors
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not a sim.FileErrors: %v", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// TestEveryProblemAtOnce: unknown keys, values of the wrong kind and values
// out of range are all reported, in line order, in the file's words.
func TestEveryProblemAtOnce(t *testing.T) {
	src := `name = 3
[[morphology.section]]
name = "soma"
length = "20um"
diam = 20

[[biophysics]]
where = ["soma", 3]
nseg = 2.5
Nseg = 3
hh = { gnabar = true, gkbr = 1 }

[[iclamp]]
name = "stim"
at = "soma(0.5)"
amp = "0.1nA"
ampp = 3
delay = -inf

[iclamps]
x = 1

[run]
tstop = "ten"
dt = [1, 2]
celsius = 1979-05-27
v_init = -inf
method = "rk4"

[spikes]
threshold = {}
`
	want := []string{
		`model.toml:1: name must be a string, not 3`,
		`model.toml:4: morphology.section "soma": length must be a number (µm), not "20um"`,
		`model.toml:8: biophysics 1: where must be a string or a list of strings, not ["soma", 3]`,
		`model.toml:9: biophysics 1: nseg must be a whole number, not 2.5`,
		`model.toml:10: unknown key "biophysics.Nseg" (did you mean "nseg"?)`,
		`model.toml:11: unknown key "biophysics.hh.gkbr" (did you mean "gkbar"?)`,
		`model.toml:11: biophysics 1: hh.gnabar must be a number (S/cm²), not true`,
		`model.toml:16: iclamp "stim": amp must be a number (nA), not "0.1nA"`,
		`model.toml:17: unknown key "iclamp.ampp" (did you mean "amp"?)`,
		`model.toml:18: delay = -Inf must be finite`,
		`model.toml:20: unknown key "iclamps" (did you mean "iclamp"?)`,
		`model.toml:24: run: tstop must be a number (ms), not "ten"`,
		`model.toml:25: run: dt must be a number (ms), not [1, 2]`,
		`model.toml:26: run: celsius must be a number (°C), not 1979-05-27`,
		`model.toml:27: v_init = -Inf must be finite`,
		`model.toml:28: unknown method "rk4" (backward-euler, crank-nicolson)`,
		`model.toml:31: spikes: threshold must be a number (mV), not a table`,
	}
	_, err := parse(src)
	var list sim.FileErrors
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not a sim.FileErrors: %v", err, err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestKindMessages: each kind of value named in the user's words, with the
// unit where the key has one, and the value as written.
func TestKindMessages(t *testing.T) {
	for _, c := range []struct{ add, want string }{
		{"[[iclamp]]\nname = \"stim\"\nat = \"soma(0.5)\"\namp = \"0.1nA\"\n", `model.toml:12: iclamp "stim": amp must be a number (nA), not "0.1nA"`},
		{"[[iclamp]]\nat = \"soma(0.5)\"\namp = 1\ndur = true\n", `model.toml:12: iclamp 1: dur must be a number (ms), not true`},
		{"[[synapse]]\nat = \"soma(0.5)\"\nweight = 1\nevents = 5\n", `model.toml:12: synapse 1: events must be a list of numbers (ms), not 5`},
		{"[[biophysics]]\nremove = \"hh\"\n", `model.toml:10: biophysics 1: remove must be a list of strings, not "hh"`},
		{"[[biophysics]]\npas = 1\n", `model.toml:10: biophysics 1: pas must be a table, not 1`},
		{"[iclamp]\nat = \"soma(0.5)\"\n", `model.toml:9: iclamp must be a list of tables ([[iclamp]]), not a table`},
		{"[discretization]\nnseg = \"odd\"\n", `model.toml:10: discretization: nseg must be a whole number, not "odd"`},
		{"[view]\ncolormap = 2\n", `model.toml:10: view: colormap must be a string, not 2`},
		{"[[record]]\nat = \"soma(0.5)\"\nvar = [\"v\"]\n", `record 1: var must be a string, not ["v"]`},
		{"[snapshots]\ninterval = \"" + strings.Repeat("x", 50) + "\"\n", `snapshots: interval must be a number (ms), not "` + strings.Repeat("x", 40) + `…"`},
		{"dt = -1e999\n", `model.toml:9: the number -1e999 is out of range`},
		{"[morphology]\nswc = 1\n", `morphology: swc must be a string, not 1`},
	} {
		_, err := parse(minimal + c.add)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n%v\ndoes not contain %q", c.add, err, c.want)
		}
	}
}

// TestWholeNumberWithPoint: nseg = 3.0 is a whole number.
func TestWholeNumberWithPoint(t *testing.T) {
	m, err := parse(minimal + "[discretization]\nnseg = 3.0\n")
	if err != nil || m.Discretization.Nseg == nil || *m.Discretization.Nseg != 3 {
		t.Fatalf("%v, %+v", err, m)
	}
}

// TestClampWithoutDur: a clamp without dur is on to the end of the run.
func TestClampWithoutDur(t *testing.T) {
	m, err := parse(minimal + "[[iclamp]]\nat = \"soma(0.5)\"\namp = 1\n")
	if err != nil {
		t.Fatal(err)
	}
	if d := m.IClamps[0].Dur; d == nil || !math.IsInf(*d, 1) {
		t.Errorf("dur = %v, want +Inf", d)
	}
}

func TestSelectors(t *testing.T) {
	for _, c := range []struct {
		where any
		want  string
	}{{nil, "all"}, {"soma", "soma"}, {[]any{"dend", "apic"}, "dend,apic"}} {
		b := Biophysics{Where: c.where}
		got, err := b.Selectors()
		if err != nil || strings.Join(got, ",") != c.want {
			t.Errorf("Where %v: %v, %v; want %s", c.where, got, err, c.want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "[[iclamp]]\nat=\"soma(0.5)\"\namp=1\ndur=1\n[[biophysics]]\nwhere=[\"soma\"]\nhh={gnabar=0.2}\n"))
	f.Add([]byte("[[a]]\n[[a.b]]\n[a.b.c]\nx=1\n"))
	f.Add([]byte(minimal + "[[iclamp]]\nat=1\namp=\"1nA\"\n[snapshots]\ntimes=[1,0.5,\"x\"]\n[[biophysics]]\nhh=3\nwhere=[{}]\n"))
	f.Add([]byte("iclamp = [1, {}]\nrun = 5\n[[morphology.section]]\nname=1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, "fuzz.toml", noFiles, ".")
		if err == nil {
			if m.Run.Tstop == nil || !(*m.Run.Tstop > 0) {
				t.Fatalf("accepted a model without a positive tstop")
			}
			return
		}
		if err.Error() == "" {
			t.Fatal("empty error")
		}
		// Go's names for types and fields are not the user's words.
		for _, internal := range []string{"cannot decode", "struct field", "interface {}", "map[string]", "strconv."} {
			if strings.Contains(err.Error(), internal) {
				t.Fatalf("the error speaks Go: %v", err)
			}
		}
	})
}
