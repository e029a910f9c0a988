package compartments_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/neuroml"
	"neurite/compartments/reftest"
	"neurite/compartments/swc"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestFromNeuroML: the segments of an unbranched-cable group make one
// section, a branch attached half way along one of them attaches at its
// place on that section, and regions follow the standard groups.
func TestFromNeuroML(t *testing.T) {
	c, err := neuroml.ReadFile("neuroml/testdata/cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := compartments.FromNeuroML(c)
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		name, region string
		parent       int
		x, l         float64
		points       int
	}
	var got []sec
	for _, s := range m.Sections {
		got = append(got, sec{s.Name, s.Region, s.Parent, s.ParentX, s.L(), len(s.Points)})
	}
	want := []sec{{"soma[0]", "soma", -1, 0, 10, 2}, {"dend[0]", "dend", 0, 1, 150, 4}, {"dend[1]", "dend", 1, 0.5, 40, 2}}
	if !slices.Equal(got, want) {
		t.Errorf("sections %+v, want %+v", got, want)
	}
}

// TestMorphologyRoundTrips: a real morphology (the example's SWC)
// written as NeuroML and as SWC and read back has the same sections:
// region, parent, attachment, length and 3-D points.
func TestMorphologyRoundTrips(t *testing.T) {
	f, err := swc.ReadFile("../assets/models/morph_ca1_n120.swc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := compartments.FromSWC(f)
	if err != nil {
		t.Fatal(err)
	}
	var nml bytes.Buffer
	written, _ := compartments.ToNeuroML(m, "ca1", nil)
	if err := neuroml.Write(&nml, written); err != nil {
		t.Fatal(err)
	}
	nc, err := neuroml.Read(&nml, "ca1.cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	fromNML, err := compartments.FromNeuroML(nc)
	if err != nil {
		t.Fatal(err)
	}
	var sw bytes.Buffer
	if err := swc.Write(&sw, m.SWC()); err != nil {
		t.Fatal(err)
	}
	sf, err := swc.Read(&sw, "ca1.swc")
	if err != nil {
		t.Fatal(err)
	}
	fromSWC, err := compartments.FromSWC(sf)
	if err != nil {
		t.Fatal(err)
	}
	for _, back := range []struct {
		name string
		m    *compartments.Morphology
	}{{"NeuroML", fromNML}, {"SWC", fromSWC}} {
		if len(back.m.Sections) != len(m.Sections) {
			t.Errorf("%s: %d sections, want %d", back.name, len(back.m.Sections), len(m.Sections))
			continue
		}
		// Sections may come in another order: match each by its points.
		key := func(s compartments.Section) [4]float64 {
			p := s.Points[len(s.Points)-1]
			return [4]float64{p.X, p.Y, p.Z, s.L()}
		}
		at := map[[4]float64]int{}
		for i, s := range back.m.Sections {
			at[key(s)] = i
		}
		for _, s := range m.Sections {
			j, ok := at[key(s)]
			if !ok {
				t.Errorf("%s: section %s (L %v) is missing", back.name, s.Name, s.L())
				continue
			}
			b := back.m.Sections[j]
			parentMatches := s.Parent < 0 && b.Parent < 0 || s.Parent >= 0 && b.Parent >= 0 && key(m.Sections[s.Parent]) == key(back.m.Sections[b.Parent])
			if b.Region != s.Region || !parentMatches || math.Abs(b.ParentX-s.ParentX) > 1e-9 || len(b.Points) != len(s.Points) {
				t.Errorf("%s: section %s read back as %s (region %s, parent x %v, %d points), want region %s, parent x %v, %d points",
					back.name, s.Name, b.Name, b.Region, b.ParentX, len(b.Points), s.Region, s.ParentX, len(s.Points))
			}
		}
	}
}

// TestModelWithNeuroML: a model file takes its morphology from a NeuroML
// cell file (morphology.neuroml) and its biophysics from itself; a model
// that gives both an SWC and a NeuroML file is refused.
func TestModelWithNeuroML(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("neuroml/testdata/cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("cell.nml", string(data))
	const body = `
[[biophysics]]
where = "soma"
hh = {}

[[biophysics]]
where = "dend"
pas = { g = 1e-4, e = -65 }

[run]
tstop = 5
`
	m, err := spec.Load(write("model.toml", "name = \"nml\"\nmorphology.neuroml = \"cell.nml\"\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(cell.Morph.Sections) != 3 || cell.Morph.Sections[1].Name != "dend[0]" {
		t.Fatalf("sections %+v", cell.Morph.Sections)
	}
	if _, err := compartments.Build([]*compartments.Cell{cell}, s); err != nil {
		t.Fatal(err)
	}
	_, err = spec.Load(write("both.toml", "name = \"both\"\nmorphology.neuroml = \"cell.nml\"\nmorphology.swc = \"x.swc\"\n"+body))
	if err == nil || !strings.Contains(err.Error(), "give either morphology.swc or morphology.neuroml, not both") {
		t.Errorf("both files: %v", err)
	}
}

// TestNeuroMLModel: a bare NeuroML cell file runs with its own passive
// biophysics (its leak, capacitance by region, resistivity, v_init), its
// HH channel as a typed channel on the soma, and the model's notes list,
// by line, what it holds and Neurite does not run.
func TestNeuroMLModel(t *testing.T) {
	m, err := compartments.NeuroMLModel("neuroml/testdata/cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.HHNode) != 0 || len(p.PasNode) != len(p.Segments) || p.Pas[0].G != 3e-4 || p.Pas[0].E != -70 || p.VInit != -65 {
		t.Errorf("hh in %d nodes, pas in %d of %d (%+v), v_init %v", len(p.HHNode), len(p.PasNode), len(p.Segments), p.Pas[0], p.VInit)
	}
	if na := p.Mechanism("NaConductance"); na == nil || len(m.Channels) != 1 {
		t.Errorf("the HH channel NaConductance is not a mechanism of the plan (%d typed channels)", len(m.Channels))
	}
	if soma, dend := cell.Props[0], cell.Props[1]; soma.Cm != 1 || dend.Cm != 2 || soma.Ra != 100 || dend.Ra != 100 {
		t.Errorf("soma cm %v Ra %v, dend cm %v Ra %v; want 1, 100, 2, 100", soma.Cm, soma.Ra, dend.Cm, dend.Ra)
	}
	notes := strings.Join(m.Notes, "\n")
	for _, want := range []string{"cell.nml:50: channelPopulation naPop is not supported", "cell.nml:53: channelDensity kChans: its channel KConductance is defined in no file read"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if c := m.Clone(); !slices.Equal(c.Notes, m.Notes) {
		t.Errorf("a clone's notes %q, want the model's", c.Notes)
	}
}

// TestNeuroMLHHCell: NeuroML's own single-compartment HH cell
// (NML2_SingleCompHHCell.nml: ionChannelHH gates of NeuroML's standard
// rates, which Neurite writes as typed channels) reproduces NEURON's hh
// reference case hh_single, the same cell with hh.mod, to its tolerance
// for the same scheme: its 8 spikes within 0.01 ms.
func TestNeuroMLHHCell(t *testing.T) {
	m, err := compartments.NeuroMLModel("neuroml/testdata/NML2_SingleCompHHCell.nml")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Notes) != 0 || len(m.Channels) != 2 {
		t.Fatalf("notes %v, %d typed channels", m.Notes, len(m.Channels))
	}
	amp, dur, tstop := 0.15, 100.0, 150.0
	m.IClamps[0].Amp, m.IClamps[0].Dur, m.Run.Tstop = &amp, &dur, &tstop
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		t.Fatal(err)
	}
	e := compartments.NewEngine(p)
	e.Init()
	rec := &sim.Memory{}
	if err := e.Run(context.Background(), tstop, rec, nil); err != nil {
		t.Fatal(err)
	}
	want := reftest.Read(t, "hh_single", "spikes.csv").Floats(t, "t_ms")
	if len(want) != 8 {
		t.Fatalf("NEURON's hh_single has %d spikes, want its 8", len(want))
	}
	reftest.CompareSpikes(t, rec.SpikeList, want, 0.01)
}

// TestSWCKeepsTypes: a morphology written as SWC keeps every section's
// type, those beyond apical (dend_5) included, so that it reads back
// with the same regions.
func TestSWCKeepsTypes(t *testing.T) {
	src := "1 1 0 0 0 5 -1\n2 1 0 -5 0 5 1\n3 1 0 5 0 5 1\n4 3 0 6 0 1 1\n5 3 0 12 0 1 4\n6 5 0 -6 0 1 1\n7 5 0 -12 0 1 6\n8 2 6 0 0 1 1\n9 2 12 0 0 1 8\n"
	regions := func(text string) []string {
		f, err := swc.Read(strings.NewReader(text), "typed.swc")
		if err != nil {
			t.Fatal(err)
		}
		m, err := compartments.FromSWC(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range m.Sections {
			out = append(out, s.Region)
		}
		var back bytes.Buffer
		if err := swc.Write(&back, m.SWC()); err != nil {
			t.Fatal(err)
		}
		src = back.String()
		return out
	}
	first := regions(src)
	if again := regions(src); !slices.Equal(again, first) || !slices.Contains(first, "dend_5") {
		t.Errorf("regions %v, read back from its SWC as %v", first, again)
	}
}
