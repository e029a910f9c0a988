package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// modDir copies some of the reference cases' .mod files into a fresh
// directory's mod/ and returns the directory.
func modDir(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("../../compartments/testdata/reference", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "mod", filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const mechHead = `[run]
tstop = 10
[[morphology.section]]
name = "soma"
length = 20
diam = 20
`

// TestMechanisms: a model's .mod files are read, and every use of them
// checked, each problem named at its line (or at the .mod file's own).
func TestMechanisms(t *testing.T) {
	dir := modDir(t, "nmodl_hay_cell/mod/NaTa_t.mod", "nmodl_hay_cell/mod/SK_E2.mod", "nmodl_hay_cell/mod/CaDynamics_E2.mod",
		"nmodl_kinetics_point/mod/ampa.mod")
	for _, c := range []struct {
		name, body, want string
	}{
		{"fine", `mechanisms = ["mod/*.mod"]
globals = { SK_E2 = { zTau = 2 } }
` + mechHead + `[[biophysics]]
NaTa_t = { gNaTa_tbar = 2.04 }
CaDynamics_E2 = { decay = 460 }
ions = { na = { e = 50 }, ca = { ci = 5e-5, co = 2 } }
`, ""},
		{"no file", `mechanisms = ["channels/*.mod"]
` + mechHead, `model.toml:1: mechanisms: "channels/*.mod" matches no file`},
		{"unknown mechanism", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
NaTa = { gNaTa_tbar = 2.04 }
`, `model.toml:9: no mechanism NaTa (did you mean NaTa_t?)`},
		{"no mechanism files", mechHead + `[[biophysics]]
NaTa_t = { gNaTa_tbar = 2.04 }
`, `model.toml:8: no mechanism NaTa_t: the model lists no mechanism files`},
		{"mistyped parameter", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
NaTa_t = { gNaTa_tbr = 2.04 }
`, `model.toml:9: NaTa_t has no RANGE parameter gNaTa_tbr (did you mean gNaTa_tbar?)`},
		{"global set per region", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
SK_E2 = { zTau = 2 }
`, `model.toml:9: SK_E2 has no RANGE parameter zTau: it is a GLOBAL parameter, set once in globals`},
		{"range set as global", `mechanisms = ["mod/*.mod"]
globals = { SK_E2 = { gSK_E2bar = 2 } }
` + mechHead, `model.toml:2: SK_E2 has no GLOBAL parameter gSK_E2bar: it is a RANGE parameter`},
		{"point process over a region", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
AMPA_S = { gmax = 1 }
`, `model.toml:9: AMPA_S is a POINT_PROCESS: place it at a site`},
		{"bad concentration", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
ions = { ca = { ci = -1 } }
`, `model.toml:9: ions.ca.ci = -1: a concentration must be positive`},
		{"unused ion", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
ions = { cl = { e = -70 } }
`, `model.toml:9: ions.cl: no mechanism of the model uses the ion cl`},
		{"not a table", `mechanisms = ["mod/*.mod"]
` + mechHead + `[[biophysics]]
NaTa_t = 2
`, `model.toml:9: unknown key "biophysics.NaTa_t"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "model.toml")
			if err := os.WriteFile(file, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Load(file)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Mods) != 4 || m.Biophysics[0].Mechanisms["NaTa_t"]["gNaTa_tbar"] != 2.04 || *m.Biophysics[0].Ions["na"].E != 50 {
					t.Fatalf("read %d mechanisms, biophysics %+v", len(m.Mods), m.Biophysics[0])
				}
				return
			}
			if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+"/", ""), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

// TestMechanismFileError: a problem in a .mod file is reported at its
// own file and line.
func TestMechanismFileError(t *testing.T) {
	dir := modDir(t)
	if err := os.WriteFile(filepath.Join(dir, "mod", "bad.mod"), []byte("NEURON {\n SUFFIX bad\n}\nVERBATIM\nint x;\nENDVERBATIM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "model.toml")
	if err := os.WriteFile(file, []byte(`mechanisms = ["mod/bad.mod"]
`+mechHead), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(file)
	if err == nil || !strings.Contains(err.Error(), "mod/bad.mod:4:") || !strings.Contains(err.Error(), "VERBATIM") {
		t.Fatalf("got %v, want an error at bad.mod line 4 naming VERBATIM", err)
	}
}

// TestChannels: channels typed as equations are inserted like .mod
// mechanisms, and their mistakes are reported at their keys' lines.
func TestChannels(t *testing.T) {
	dir := modDir(t)
	const kdr = `[[channel]]
name = "kdr"
ion = "k"
params = { gbar = 0.036 }
current = "gbar * n^4 * (v - ek)"
[channel.gates.n]
alpha = "0.01*(v + 55)/(1 - exp(-(v + 55)/10))"
beta = "0.125*exp(-(v + 65)/80)"
`
	for _, c := range []struct{ name, body, want string }{
		{"fine", kdr + mechHead + "[[biophysics]]\nkdr = { gbar = 0.02 }\n", ""},
		{"bad rate", strings.Replace(kdr, "0.125*exp", "0.125*expo", 1) + mechHead, "model.toml:8: channel kdr gates n beta: unknown name expo"},
		{"bad current", strings.Replace(kdr, "(v - ek)", "(v - ena)", 1) + mechHead, "model.toml:5: channel kdr current: unknown name ena"},
		{"unknown parameter", kdr + mechHead + "[[biophysics]]\nkdr = { gmax = 0.02 }\n", "model.toml:16: kdr has no RANGE parameter gmax (its RANGE parameters: gbar)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "model.toml")
			if err := os.WriteFile(file, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Load(file)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Mods) != 1 || m.Mods[0].Name != "kdr" {
					t.Fatalf("mechanisms %v", m.Mods)
				}
				return
			}
			if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+"/", ""), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}
