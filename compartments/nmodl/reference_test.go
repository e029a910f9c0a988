package nmodl

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// referenceMods are the .mod files of the NMODL reference cases, which
// the later steps run against NEURON's traces.
var referenceMods = func() []string {
	var files []string
	for _, c := range []string{"nmodl_hay_cell", "nmodl_kinetics_point"} {
		fs, _ := filepath.Glob(filepath.Join("..", "testdata", "reference", c, "mod", "*.mod"))
		files = append(files, fs...)
	}
	return files
}()

// The reference mods all read, with the declarations case.md lists.
func TestReferenceMods(t *testing.T) {
	type ion struct {
		name, read, write string
		valence           float64
	}
	cases := map[string]struct {
		kind        MechKind
		name        string
		ions        []ion
		states      string // STATE names, in order
		solve       string // the BREAKPOINT's SOLVE, shown
		nonspecific string
		procs       string // the code blocks, "KIND name", in order
	}{
		"CaDynamics_E2": {Density, "CaDynamics_E2", []ion{{"ca", "ica", "cai", 2}}, "cai", "SOLVE states METHOD cnexp", "", "DERIVATIVE states"},
		"Ca_HVA":        {Density, "Ca_HVA", []ion{{"ca", "eca", "ica", 2}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"Ca_LVAst":      {Density, "Ca_LVAst", []ion{{"ca", "eca", "ica", 2}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"Ih":            {Density, "Ih", nil, "m", "SOLVE states METHOD cnexp", "ihcn", "DERIVATIVE states, PROCEDURE rates"},
		"Im":            {Density, "Im", []ion{{"k", "ek", "ik", 1}}, "m", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"K_Pst":         {Density, "K_Pst", []ion{{"k", "ek", "ik", 1}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"K_Tst":         {Density, "K_Tst", []ion{{"k", "ek", "ik", 1}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"NaTa_t":        {Density, "NaTa_t", []ion{{"na", "ena", "ina", 1}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"Nap_Et2":       {Density, "Nap_Et2", []ion{{"na", "ena", "ina", 1}}, "m h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"SK_E2":         {Density, "SK_E2", []ion{{"k", "ek", "ik", 1}, {"ca", "cai", "", 2}}, "z", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"SKv3_1":        {Density, "SKv3_1", []ion{{"k", "ek", "ik", 1}}, "m", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates"},
		"KIn":           {Density, "KIn", []ion{{"k", "ek", "ik", 1}}, "n h", "SOLVE states METHOD cnexp", "", "DERIVATIVE states, PROCEDURE rates, FUNCTION vtrap"},
		"ampa":          {PointProcess, "AMPA_S", nil, "Ron Roff", "SOLVE release METHOD cnexp", "i", "DERIVATIVE release"},
		"na8st":         {Density, "na8st", []ion{{"na", "ena", "ina", 1}}, "c1 c2 c3 i1 i2 i3 i4 o", "SOLVE kin METHOD sparse", "", "KINETIC kin, PROCEDURE rates"},
	}
	if len(referenceMods) != len(cases) {
		t.Fatalf("%d reference mods, want %d: %v", len(referenceMods), len(cases), referenceMods)
	}
	for _, path := range referenceMods {
		base := strings.TrimSuffix(filepath.Base(path), ".mod")
		want, ok := cases[base]
		if !ok {
			t.Errorf("%s: no expectations", path)
			continue
		}
		m, err := ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		if m.Kind != want.kind || m.Name != want.name {
			t.Errorf("%s: %s %s, want %s %s", base, m.Kind, m.Name, want.kind, want.name)
		}
		var ions []ion
		for _, i := range m.Ions {
			ions = append(ions, ion{i.Name, strings.Join(i.Read, ","), strings.Join(i.Write, ","), i.Valence})
		}
		if !slices.Equal(ions, want.ions) {
			t.Errorf("%s: ions %v, want %v", base, ions, want.ions)
		}
		var states []string
		for _, s := range m.Symbols {
			if s.Kind == State {
				states = append(states, s.Name)
			}
		}
		if got := strings.Join(states, " "); got != want.states {
			t.Errorf("%s: states %q, want %q", base, got, want.states)
		}
		if got := show(m.Breakpoint.Stmts[0]); got != want.solve {
			t.Errorf("%s: BREAKPOINT starts %q, want %q", base, got, want.solve)
		}
		if got := strings.Join(m.Nonspecific, " "); got != want.nonspecific {
			t.Errorf("%s: NONSPECIFIC_CURRENT %q, want %q", base, got, want.nonspecific)
		}
		var procs []string
		for _, p := range m.Procs {
			procs = append(procs, p.Kind.String()+" "+p.Name)
		}
		if got := strings.Join(procs, ", "); got != want.procs {
			t.Errorf("%s: blocks %q, want %q", base, got, want.procs)
		}
		for _, n := range allNames(m) {
			if n.Ref == 0 {
				t.Errorf("%s:%d: %s not resolved", base, n.Pos.Line, n.Name)
			}
		}
	}
}

// The declarations that later steps read: kinds, units, defaults,
// visibility and ion roles, as the files declare them.
func TestReferenceDeclarations(t *testing.T) {
	dir := filepath.Join("..", "testdata", "reference")
	for _, c := range []struct {
		file string
		want []string // Symbol.String of the symbols named, in this order
	}{
		{"nmodl_hay_cell/mod/NaTa_t.mod", []string{
			"PARAMETER gNaTa_tbar = 1e-05 (S/cm2) RANGE",
			"ASSIGNED v (mV)",
			"ASSIGNED ena (mV) ion na READ",
			"ASSIGNED ina (mA/cm2) RANGE ion na WRITE",
			"ASSIGNED gNaTa_t (S/cm2) RANGE",
			"STATE m", "STATE h",
		}},
		{"nmodl_hay_cell/mod/CaDynamics_E2.mod", []string{
			"UNITS constant FARADAY = 96485.33212331001 (coulombs)",
			"PARAMETER gamma = 0.05 RANGE",
			"PARAMETER decay = 80 (ms) RANGE",
			"ASSIGNED ica (mA/cm2) ion ca READ",
			"STATE cai (mM) ion ca WRITE",
		}},
		{"nmodl_hay_cell/mod/SK_E2.mod", []string{
			"PARAMETER v (mV)",
			"PARAMETER cai (mM) ion ca READ",
			"STATE z <0, 1>",
		}},
		{"nmodl_hay_cell/mod/Ih.mod", []string{"PARAMETER ehcn = -45 (mV)", "ASSIGNED ihcn (mA/cm2) RANGE"}},
		{"nmodl_kinetics_point/mod/KIn.mod", []string{
			"PARAMETER gkbar = 0 (mho/cm2) <0, 1e+09> RANGE",
			"ASSIGNED ninf GLOBAL",
			"ASSIGNED celsius (degC)",
		}},
		{"nmodl_kinetics_point/mod/na8st.mod", []string{
			"PARAMETER a1_0 = 51.42954478051616 (/ms) RANGE",
			"PARAMETER vShift = 12 (mV) GLOBAL",
			"ASSIGNED tadj (1) GLOBAL",
		}},
		{"nmodl_kinetics_point/mod/ampa.mod", []string{"PARAMETER Cdur = 0.3 (ms) GLOBAL", "ASSIGNED g (umho) RANGE"}},
	} {
		m, err := ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			name := strings.Fields(w)[1]
			if w[:6] == "UNITS " {
				name = strings.Fields(w)[2]
			}
			s := m.Symbol(name)
			if s == nil {
				t.Errorf("%s: no symbol %s", c.file, name)
				continue
			}
			if got := s.String(); got != w {
				t.Errorf("%s: %q, want %q", c.file, got, w)
			}
		}
	}
	m, err := ReadFile(filepath.Join(dir, "nmodl_kinetics_point/mod/na8st.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// the literal's full precision, which the references use (NMODL_SCHEME.md)
	if got := *m.Symbol("a1_0").Default; got != 5.142954478051616e+01 {
		t.Errorf("a1_0 = %v, want the literal 5.142954478051616e+01", got)
	}
	if got := show(m.Initial); got != "{SOLVE kin STEADYSTATE sparse}" {
		t.Errorf("na8st INITIAL %s", got)
	}
	if len(m.Procs[0].Body.Stmts) != 12 {
		t.Errorf("na8st KINETIC kin has %d statements, want rates, 10 reactions and CONSERVE", len(m.Procs[0].Body.Stmts))
	}
	if got := show(m.Procs[0].Body.Stmts[11]); got != "CONSERVE c1 + c2 + c3 + i1 + i2 + i3 + i4 + o = 1" {
		t.Errorf("na8st: %s", got)
	}
}
