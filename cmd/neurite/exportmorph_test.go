package main

import (
	"maps"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/neuroml"
	"neurite/compartments/swc"
)

// TestExportMorphology: neurite export swc and neuroml write a model's
// morphology; what they write reads back with its sections (and, for
// NeuroML, passes the NeuroML 2.3 schema and keeps each section's cm and
// Ra); a missing --out is a usage error.
func TestExportMorphology(t *testing.T) {
	const model = "../../assets/models/nmodl_hay_cell.toml"
	dir := t.TempDir()
	nml, sw := filepath.Join(dir, "hay.cell.nml"), filepath.Join(dir, "hay.swc")
	for _, c := range []struct{ format, out string }{{"neuroml", nml}, {"swc", sw}} {
		code, out, errs := neurite("export", c.format, model, "--out", c.out)
		if code != 0 || !strings.Contains(out, "7 sections written") {
			t.Fatalf("export %s: exit %d: %s%s", c.format, code, out, errs)
		}
		// Hay's .mod channels are not NeuroML's to carry: the export
		// says so rather than write a cell that silently lacks them.
		if want := "not written: NaTa_t in 4 sections"; c.format == "neuroml" && !strings.Contains(errs, want) {
			t.Errorf("export neuroml: stderr lacks %q:\n%s", want, errs)
		}
	}
	if out, err := exec.Command("/usr/bin/python3", "../../compartments/neuroml/testdata/validate.py", nml).CombinedOutput(); err != nil {
		t.Errorf("the schema refuses the exported cell: %v\n%s", err, out)
	}
	c, err := neuroml.ReadFile(nml)
	if err != nil {
		t.Fatal(err)
	}
	m, err := compartments.FromNeuroML(c)
	if err != nil {
		t.Fatal(err)
	}
	// cm is 1 in the soma and axon, 2 in the dendrites, each one value
	// over its region; Ra is 100 everywhere.
	cm := map[string]float64{}
	for _, v := range c.Capacitance {
		cm[v.Group] = v.Value
	}
	wantCm := map[string]float64{"soma_group": 1, "axon_group": 1, "dendrite_group": 2, "apical_dendrite_group": 2}
	if len(m.Sections) != 7 || !maps.Equal(cm, wantCm) || len(c.Resistivity) != 1 || c.Resistivity[0] != (neuroml.Value{Group: "all", Value: 100, Line: c.Resistivity[0].Line}) {
		t.Errorf("read back: %d sections, capacitance %+v, resistivity %+v", len(m.Sections), c.Capacitance, c.Resistivity)
	}
	f, err := swc.ReadFile(sw)
	if err != nil {
		t.Fatal(err)
	}
	// SWC has no section boundaries along an unbranched cable: the
	// apical trunk's three sections come back as one, of their length.
	back, err := compartments.FromSWC(f)
	if err != nil {
		t.Fatal(err)
	}
	length := func(m *compartments.Morphology) (l float64) {
		for _, s := range m.Sections {
			l += s.L()
		}
		return l
	}
	if len(back.Sections) != 5 || math.Abs(length(back)-length(m)) > 1e-3 {
		t.Errorf("the SWC read back: %d sections of %v µm, want 5 of %v", len(back.Sections), length(back), length(m))
	}
	axon := slices.IndexFunc(back.Sections, func(s compartments.Section) bool { return s.Region == "axon" })
	if axon < 0 || math.Abs(back.Sections[axon].ParentX-0.5) > 1e-6 {
		t.Errorf("the axon, attached at soma(0.5), comes back at %+v", back.Sections[axon])
	}
	if code, _, errs := neurite("export", "swc", model); code != 2 || !strings.Contains(errs, "--out FILE is required") {
		t.Errorf("no --out: exit %d: %s", code, errs)
	}
}
