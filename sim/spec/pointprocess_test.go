package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPointProcessSynapses: a [[synapse]] whose type names a POINT_PROCESS
// of the model's .mod files, its parameters and its event sources, each
// problem named at its line.
func TestPointProcessSynapses(t *testing.T) {
	dir := modDir(t, "nmodl_kinetics_point/mod/ampa.mod", "nmodl_kinetics_point/mod/KIn.mod")
	head := `mechanisms = ["mod/*.mod"]
` + mechHead + `[[synapse]]
name = "syn"
at = "soma(0.5)"
`
	for _, c := range []struct {
		name, body, want string
	}{
		{"fine", head + `type = "AMPA_S"
weight = 0.0007
events = [100, 130]
[[synapse.netcon]]
weight = 0.001
events = [160.1]
`, ""},
		{"unknown point process", head + `type = "AMPA"
weight = 1
`, `model.toml:11: synapse syn: unknown type "AMPA" (ExpSyn, Exp2Syn, or a POINT_PROCESS of the model's mechanisms: AMPA_S); did you mean AMPA_S?`},
		{"density mechanism as a point process", head + `type = "KIn"
`, `model.toml:11: synapse syn: KIn is a density mechanism (SUFFIX): insert it over a region`},
		{"unknown parameter", head + `type = "AMPA_S"
params = { gmax = 0.001 }
`, `model.toml:12: AMPA_S has no RANGE parameter gmax`},
		{"global as a parameter", head + `type = "AMPA_S"
params = { Cdur = 1 }
`, `model.toml:12: AMPA_S has no RANGE parameter Cdur: it is a GLOBAL parameter, set once in globals`},
		{"netcon without weight", head + `type = "AMPA_S"
[[synapse.netcon]]
events = [1]
`, `model.toml:12: synapse syn: netcon 1 needs weight`},
		{"events without weight", head + `type = "AMPA_S"
events = [1]
`, `model.toml:8: synapse syn needs weight`},
		{"tau on a point process", head + `type = "AMPA_S"
tau = 2
`, `model.toml:11: synapse syn: tau, tau1 and tau2 belong to ExpSyn and Exp2Syn`},
		{"params on ExpSyn", head + `weight = 1
params = { tau = 2 }
`, `model.toml:12: synapse syn: params belong to a POINT_PROCESS`},
		{"negative event time", head + `type = "AMPA_S"
[[synapse.netcon]]
weight = 1
events = [-1]
`, `model.toml:14: synapse syn: event 1 at -1 ms must be finite and not negative`},
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
				s := m.Synapses[0]
				if s.CableSynapse() || len(s.NetCons) != 1 || *s.NetCons[0].Weight != 0.001 || s.NetCons[0].Events[0] != 160.1 || len(s.Events) != 2 {
					t.Fatalf("read %+v", s)
				}
				return
			}
			if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+"/", ""), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}
