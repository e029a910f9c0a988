package neuroml

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCell reads a cell in the layout of the NeuroML 2 examples: its
// segments and groups, the passive channel with its units converted, the
// capacitance and resistivity, and, listed with their lines, what Neurite
// does not run (an active channel, one defined nowhere, a population).
func TestReadCell(t *testing.T) {
	c, err := ReadFile("testdata/cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "TestCell" || len(c.Segments) != 5 || len(c.Groups) != 3 {
		t.Fatalf("cell %s: %d segments, %d groups", c.ID, len(c.Segments), len(c.Groups))
	}
	if s := c.Segments[4]; s.Parent != 2 || s.Fraction != 0.5 || s.Proximal == nil || s.Distal.Y != 40 {
		t.Errorf("the branch: %+v", s)
	}
	if s := c.Segments[2]; s.Proximal != nil || s.Distal.Diameter != 2 {
		t.Errorf("a segment without proximal: %+v", s)
	}
	if !c.Groups[1].Cable || c.Groups[0].Cable {
		t.Errorf("cable groups: %+v", c.Groups)
	}
	if got := c.GroupSegments("dendrite_group"); len(got) != 4 || !got[1] || !got[4] {
		t.Errorf("dendrite_group with its include: %v", got)
	}
	if len(c.Channels) != 2 || c.Channels[0].ID != "pasChans" || !c.Channels[0].Passive || c.Channels[0].CondDensity != 3e-4 || c.Channels[0].Erev != -70 {
		t.Fatalf("channels: %+v", c.Channels)
	}
	na := c.Channels[1]
	if na.Passive || na.Def == nil || len(na.Def.Gates) != 1 || na.CondDensity != 0.12 || na.Erev != 50 {
		t.Fatalf("the HH channel: %+v", na)
	}
	if g := na.Def.Gates[0]; g.ID != "m" || g.Instances != 3 || *g.Forward != (Rate{Type: "HHExpLinearRate", Rate: 1, Midpoint: -40, Scale: 10}) ||
		*g.Reverse != (Rate{Type: "HHExpRate", Rate: 4, Midpoint: -65, Scale: -18}) || g.Q10 != 1 {
		t.Errorf("its gate: %+v, %+v, %+v", g, *g.Forward, *g.Reverse)
	}
	if len(c.Capacitance) != 2 || c.Capacitance[1].Value != 2 || len(c.Resistivity) != 1 || c.Resistivity[0].Value != 100 || *c.InitV != -65 {
		t.Errorf("capacitance %+v, resistivity %+v, v_init %v", c.Capacitance, c.Resistivity, *c.InitV)
	}
	var issues []string
	for _, is := range c.Unsupported {
		issues = append(issues, is.String())
	}
	for _, want := range []string{
		"line 50: channelPopulation naPop is not supported",
		"line 53: channelDensity kChans: its channel KConductance is defined in no file read",
	} {
		if !strings.Contains(strings.Join(issues, "\n"), want) {
			t.Errorf("unsupported %q not listed in:\n%s", want, strings.Join(issues, "\n"))
		}
	}
}

// TestReadErrors: bad files are errors naming the file and line.
func TestReadErrors(t *testing.T) {
	const head = `<neuroml xmlns="http://www.neuroml.org/schema/neuroml2"><cell id="c"><morphology id="m">`
	const soma = `<segment id="0"><proximal x="0" y="0" z="0" diameter="10"/><distal x="10" y="0" z="0" diameter="10"/></segment>`
	const tail = `</morphology></cell></neuroml>`
	for _, c := range []struct{ name, src, want string }{
		{"no cell", `<neuroml></neuroml>`, "x.nml: no <cell> element"},
		{"no segments", head + tail, "x.nml: cell c has no segments"},
		{"bad number", head + "\n" + `<segment id="0"><proximal x="a" y="0" z="0" diameter="10"/><distal x="10" y="0" z="0" diameter="10"/></segment>` + tail, `x.nml:2: segment 0: proximal x = "a" is not a number`},
		{"missing parent", head + soma + "\n" + `<segment id="1"><parent segment="7"/><distal x="20" y="0" z="0" diameter="1"/></segment>` + tail, "x.nml:2: segment 1 has parent 7, which is not in the cell"},
		{"two roots", head + soma + "\n" + `<segment id="1"><proximal x="0" y="0" z="0" diameter="1"/><distal x="20" y="0" z="0" diameter="1"/></segment>` + tail, "x.nml:2: segment 1 is a second root"},
		{"fraction", head + soma + "\n" + `<segment id="1"><parent segment="0" fractionAlong="2"/><distal x="20" y="0" z="0" diameter="1"/></segment>` + tail, `x.nml:2: segment 1: fractionAlong "2" must lie in [0, 1]`},
		{"bad unit", head + soma + `</morphology><biophysicalProperties id="b"><membraneProperties>` + "\n" + `<specificCapacitance value="1 uF"/></membraneProperties></biophysicalProperties></cell></neuroml>`, `x.nml:2: specificCapacitance: value "1 uF": unit uF is not one of F_per_m2, uF_per_cm2`},
		{"unknown group", head + soma + `</morphology><biophysicalProperties id="b"><membraneProperties>` + "\n" + `<specificCapacitance segmentGroup="apical" value="1 uF_per_cm2"/></membraneProperties></biophysicalProperties></cell></neuroml>`, "x.nml:2: segmentGroup apical is not a group of the cell"},
		{"not xml", "<neuroml><cell", "x.nml: XML syntax error"},
	} {
		_, err := Read(strings.NewReader(c.src), "x.nml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestWriteValidates: what Write writes is valid against the NeuroML 2.3
// schema (lxml, the schema in testdata) and reads back the same.
func TestWriteValidates(t *testing.T) {
	c, err := ReadFile("testdata/cell.nml")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.cell.nml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("/usr/bin/python3", "testdata/validate.py", path).CombinedOutput(); err != nil {
		t.Fatalf("the schema refuses what Write wrote: %v\n%s", err, out)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Segments) != len(c.Segments) || len(back.Groups) != len(c.Groups) || len(back.Channels) != 1 || len(back.Capacitance) != 2 {
		t.Fatalf("read back: %d segments, %d groups, %d channels, %d capacitances", len(back.Segments), len(back.Groups), len(back.Channels), len(back.Capacitance))
	}
	for i, s := range c.Segments {
		r := back.Segments[i]
		if r.ID != s.ID || r.Parent != s.Parent || r.Fraction != s.Fraction || *r.Distal != *s.Distal {
			t.Errorf("segment %d read back as %+v", s.ID, r)
		}
	}
}

// FuzzRead: any input is read into a cell whose segments form a tree, or
// refused with an error; never a panic or a hang.
func FuzzRead(f *testing.F) {
	data, err := os.ReadFile("testdata/cell.nml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`<neuroml><cell id="c"><morphology><segment id="0"><proximal x="0" y="0" z="0" diameter="1"/><distal x="1" y="0" z="0" diameter="1"/></segment></morphology></cell></neuroml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Read(bytes.NewReader(data), "fuzz.nml")
		if err != nil {
			return
		}
		at := map[int]bool{}
		for _, s := range c.Segments {
			at[s.ID] = true
		}
		for _, s := range c.Segments {
			if s.Parent >= 0 && !at[s.Parent] || s.Distal == nil {
				t.Fatalf("accepted a segment %+v", s)
			}
		}
		for _, g := range c.Groups { // includes may form cycles
			for id := range c.GroupSegments(g.ID) {
				if !at[id] {
					t.Fatalf("group %s holds segment %d, which is not in the cell", g.ID, id)
				}
			}
		}
	})
}
