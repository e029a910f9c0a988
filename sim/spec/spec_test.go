package spec

import (
	"errors"
	"io"
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
		{"where not string", minimal + "[[biophysics]]\nwhere = 3\n", []string{"model.toml:10: where must be a string"}},
		{"negative gnabar", minimal + "[[biophysics]]\nhh = { gnabar = -1 }\n", []string{"model.toml:10: hh.gnabar = -1 must not be negative"}},
		{"remove unknown", minimal + "[[biophysics]]\nremove = [\"kdr\"]\n", []string{`model.toml:10: remove: unknown mechanism "kdr"`}},
		{"nseg and d_lambda", minimal + "[discretization]\nnseg = 3\nd_lambda = 0.1\n", []string{"model.toml:10: give either nseg or d_lambda"}},
		{"every problem at once", minimal + "dt = -1\nmethod = \"x\"\n", []string{"model.toml:9: dt", "model.toml:10: unknown method"}},
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
	})
}
