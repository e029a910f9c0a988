package compartments_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"neurite/compartments"
	"neurite/compartments/neuroml"
	"neurite/sim"
	"neurite/sim/spec"
)

// TestNeuroMLRoundTrip: a shipped single-cell model of what NeuroML
// carries (cm, Ra, nseg, pas), exported as NeuroML and read back as a bare
// cell file, builds the same plan: the same sections and compartments,
// areas, capacitances, axial conductances and leaks, with no note but the
// passive cable's that it has no soma; the CA1 cell's somatic voltage
// over a short run agrees to 1e-9 mV. The CA1
// cell is given Ra 300 and cm 2 (not the bare file's 100 and 1, so that
// lost values show, as they did in nseg: 896 compartments for 1342) and
// section-level values, which the writer puts on the sections' own
// groups. hh, which NeuroML carries only as channel definitions Neurite
// does not write, is reported as left out.
func TestNeuroMLRoundTrip(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	passiveCA1 := func(m *spec.Model) {
		// no hh: the soma stays without a leak, the dendrites keep theirs
		m.Biophysics = slices.DeleteFunc(m.Biophysics, func(b spec.Biophysics) bool { return b.HH != nil })
		m.Biophysics[0].Ra, m.Biophysics[0].Cm = f(300), f(2)
		m.Biophysics = append(m.Biophysics,
			spec.Biophysics{Where: "dend[3]", Cm: f(3)},
			spec.Biophysics{Where: "apic[1]", Pas: &spec.Pas{G: f(1e-4), E: f(-70)}})
	}
	for _, c := range []struct {
		name, file string
		change     func(*spec.Model)
		left       []string // what the export leaves out
		trace      bool     // compare a short run's voltages
	}{
		{"passive_cable", "passive_cable.toml", nil, nil, false},
		{"CA1 passive", "swc_cell_A.toml", passiveCA1, nil, true},
		{"CA1", "swc_cell_A.toml", nil, []string{"hh in 2 sections"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := spec.Load(filepath.Join("../assets/models", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if c.change != nil {
				c.change(m)
			}
			cell, s, err := compartments.FromModel(m)
			if err != nil {
				t.Fatal(err)
			}
			written, left := compartments.ToNeuroML(cell.Morph, "cell", cell.Props)
			if !slices.Equal(left, c.left) {
				t.Errorf("left out %q, want %q", left, c.left)
			}
			file := filepath.Join(t.TempDir(), "cell.cell.nml")
			out, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := neuroml.Write(out, written); err != nil {
				t.Fatal(err)
			}
			if err := out.Close(); err != nil {
				t.Fatal(err)
			}
			back, err := compartments.NeuroMLModel(file)
			if err != nil {
				t.Fatal(err)
			}
			// The bare file's stimulus and recording are at soma[0]; the
			// cable, which has none, has them at its root, and says so.
			var wantNotes []string
			if c.file == "passive_cable.toml" {
				wantNotes = []string{file + ": no soma: the stimulus, spike detector and recording are at dend[0](0.5), the root section's middle"}
				bareCell, bareSettings, err := compartments.FromModel(back)
				if err == nil {
					_, err = compartments.Build([]*compartments.Cell{bareCell}, bareSettings)
				}
				if err != nil {
					t.Fatalf("the bare cell without a soma: %v", err)
				}
			}
			if !slices.Equal(back.Notes, wantNotes) {
				t.Errorf("notes reading back: %q, want %q", back.Notes, wantNotes)
			}
			// Compared without them; the CA1 cell takes the model's own,
			// its sections named alike.
			back.IClamps, back.Records, back.Spikes = nil, nil, nil
			if c.trace {
				back.IClamps, back.Records, back.Spikes, back.Snapshots = m.IClamps, m.Records, m.Spikes, m.Snapshots
				tstop := 20.0 // 10 ms of the step
				m.Run.Tstop = &tstop
				back.Run = m.Run
			} else {
				m.IClamps, m.Records, m.Spikes = nil, nil, nil
				if cell, s, err = compartments.FromModel(m); err != nil {
					t.Fatal(err)
				}
			}
			cell2, s2, err := compartments.FromModel(back)
			if err != nil {
				t.Fatal(err)
			}
			if len(cell2.Props) != len(cell.Props) {
				t.Fatalf("%d sections back, want %d", len(cell2.Props), len(cell.Props))
			}
			for i, p := range cell.Props {
				q := cell2.Props[i]
				if q.Nseg != p.Nseg || q.Ra != p.Ra || q.Cm != p.Cm || (q.Pas == nil) != (p.Pas == nil) || p.Pas != nil && *q.Pas != *p.Pas || q.HH != nil {
					t.Errorf("section %d: nseg %d Ra %v cm %v pas %v hh %v back, want %d %v %v %v", i, q.Nseg, q.Ra, q.Cm, q.Pas, q.HH, p.Nseg, p.Ra, p.Cm, p.Pas)
				}
			}
			if c.trace {
				for i, sec := range cell.Morph.Sections {
					if got := cell2.Morph.Sections[i].Name; got != sec.Name {
						t.Fatalf("section %d is %s back, want %s", i, got, sec.Name)
					}
				}
			}
			p, err := compartments.Build([]*compartments.Cell{cell}, s)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := compartments.Build([]*compartments.Cell{cell2}, s2)
			if err != nil {
				t.Fatal(err)
			}
			if len(p2.Nodes) != len(p.Nodes) || len(p2.Segments) != len(p.Segments) || !slices.Equal(p2.Parent, p.Parent) {
				t.Fatalf("%d nodes, %d compartments back, want %d, %d (or other parents)", len(p2.Nodes), len(p2.Segments), len(p.Nodes), len(p.Segments))
			}
			if c.change == nil && c.left == nil && len(p.Segments) != 201 || c.trace && len(p.Segments) != 1342 {
				t.Errorf("%d compartments: not the model this test means", len(p.Segments))
			}
			for name, a := range map[string][2][]float64{"area": {p.Area, p2.Area}, "diam": {p.Diam, p2.Diam}, "cap": {p.Cap, p2.Cap}, "gaxial": {p.GAxial, p2.GAxial}} {
				for k := range a[0] {
					if d := math.Abs(a[1][k] - a[0][k]); d > 1e-9*math.Abs(a[0][k]) {
						t.Errorf("node %d: %s %v back, want %v", k, name, a[1][k], a[0][k])
						break
					}
				}
			}
			if !slices.Equal(p2.PasNode, p.PasNode) || !slices.Equal(p2.Pas, p.Pas) || len(p2.HHNode) != 0 || len(p2.Mechs) != len(p.Mechs) {
				t.Errorf("pas in %d nodes, hh in %d, %d mechanisms back; want pas in %d, none, %d", len(p2.PasNode), len(p2.HHNode), len(p2.Mechs), len(p.PasNode), len(p.Mechs))
			}
			if !c.trace {
				return
			}
			run := func(p *compartments.Plan) *sim.Memory {
				e := compartments.NewEngine(p)
				e.Init()
				rec := &sim.Memory{}
				if err := e.Run(context.Background(), *m.Run.Tstop, rec, nil); err != nil {
					t.Fatal(err)
				}
				return rec
			}
			a, b := run(p), run(p2)
			if len(a.T) < 150 || len(b.T) != len(a.T) {
				t.Fatalf("%d samples back, want %d (at least 150)", len(b.T), len(a.T))
			}
			worst, rise := 0.0, 0.0
			for k := range a.T {
				for i := range a.Values[k] {
					worst = max(worst, math.Abs(b.Values[k][i]-a.Values[k][i]))
					rise = max(rise, a.Values[k][i]-a.Values[0][i])
				}
			}
			if worst > 1e-9 || rise < 1 {
				t.Errorf("voltages differ by up to %g mV (the step raised them %g mV)", worst, rise)
			}
		})
	}
}
