package compartments

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"neurite/compartments/reftest"
	"neurite/compartments/swc"
)

func loadCA1(t testing.TB) *Morphology {
	t.Helper()
	f, err := swc.ReadFile(filepath.Join(reftest.Dir, "swc_cell_A", "morph_ca1_n120.swc"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromSWC(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImport3dSections compares the sections made from the CA1 cell with
// those NEURON's Import3d made (sections.csv): names, order, parents,
// attachment points, point counts, lengths and wiring.
func TestImport3dSections(t *testing.T) {
	m := loadCA1(t)
	ref := reftest.Read(t, "swc_cell_A", "sections.csv")
	if len(m.Sections) != len(ref.Rows) {
		t.Fatalf("%d sections, NEURON has %d", len(m.Sections), len(ref.Rows))
	}
	names, parents, pxs := ref.Strings(t, "section"), ref.Strings(t, "parent"), ref.Strings(t, "parent_x")
	n3d, lengths, logical := ref.Floats(t, "n3d"), ref.Floats(t, "L_um"), ref.Floats(t, "pt3dstyle_logical")
	for i, s := range m.Sections {
		parent, px := "", ""
		if s.Parent >= 0 {
			parent, px = m.Sections[s.Parent].Name, strconv.FormatFloat(s.ParentX, 'g', -1, 64)
		}
		got := fmt.Sprintf("%s parent=%s(%s) n3d=%d logical=%v", s.Name, parent, px, len(s.Points), s.Logical)
		want := fmt.Sprintf("%s parent=%s(%s) n3d=%d logical=%v", names[i], parents[i], pxs[i], int(n3d[i]), logical[i] == 1)
		if got != want {
			t.Errorf("section %d: got %s, want %s", i, got, want)
		}
		if d := math.Abs(s.L() - lengths[i]); d > 1e-6 {
			t.Errorf("%s: L = %.7f, NEURON %.6f", s.Name, s.L(), lengths[i])
		}
	}
	if m.Soma != SomaCylinders {
		t.Errorf("soma convention %q, want %q", m.Soma, SomaCylinders)
	}
}

// TestImport3dPoints compares every 3-D point with NEURON's (pt3d.csv,
// printed to 6 significant digits).
func TestImport3dPoints(t *testing.T) {
	m := loadCA1(t)
	ref := reftest.Read(t, "swc_cell_A", "pt3d.csv")
	secs := ref.Strings(t, "section")
	idx := ref.Floats(t, "i")
	cols := [5][]float64{ref.Floats(t, "x_um"), ref.Floats(t, "y_um"), ref.Floats(t, "z_um"), ref.Floats(t, "diam_um"), ref.Floats(t, "arc_um")}
	for r := range secs {
		k, ok := m.Section(secs[r])
		if !ok {
			t.Fatalf("no section %s", secs[r])
		}
		p := m.Sections[k].Points[int(idx[r])]
		got := [5]float64{p.X, p.Y, p.Z, p.Diam, p.Arc}
		for c := range got {
			if g, w := strconv.FormatFloat(got[c], 'g', 6, 64), strconv.FormatFloat(cols[c][r], 'g', 6, 64); g != w {
				t.Errorf("%s point %d column %d: %s, NEURON %s", secs[r], int(idx[r]), c, g, w)
			}
		}
	}
}

// TestImport3dConventions checks the soma conventions and attachment rules
// on small files (cases worked out from Import3d's rules).
func TestImport3dConventions(t *testing.T) {
	cases := []struct {
		name, src, soma string
		want            []string // name parent(x) logical points
	}{
		{"one-point soma", `1 1 0 0 0 5 -1
2 3 0 6 0 1 1
3 3 0 12 0 1 2
4 3 0 18 0 0.5 3
5 2 0 -6 0 0.5 1
6 2 0 -12 0 0.5 5
7 3 6 0 0 1 1`, SomaOnePoint, []string{
			"soma[0] - wired=false (-5,0,0,10) (0,0,0,10) (5,0,0,10)",
			"axon[0] soma[0](0.5) wired=true (0,-6,0,1) (0,-12,0,1)",
			"dend[0] soma[0](0.5) wired=true (0,6,0,2) (0,12,0,2) (0,18,0,1)",
			"dend[1] soma[0](0.5) wired=false (0,0,0,2) (6,0,0,2)",
		}},
		{"three-point soma", `1 1 0 0 0 5 -1
2 1 0 -5 0 5 1
3 1 0 5 0 5 1
4 3 0 6 0 1 1
5 3 0 12 0 1 4
6 4 0 -6 0 1 1
7 4 0 -12 0 1 6`, SomaThreePoint, []string{
			"soma[0] - wired=false (-5,0,0,10) (0,0,0,10) (5,0,0,10)",
			"dend[0] soma[0](0.5) wired=true (0,6,0,2) (0,12,0,2)",
			"apic[0] soma[0](0.5) wired=true (0,-6,0,2) (0,-12,0,2)",
		}},
		{"soma chain with interior children", `1 1 0 0 0 5 -1
2 1 0 2 0 5 1
3 1 0 4 0 5 2
4 1 0 6 0 4 3
5 3 5 2 0 1 2
6 3 10 2 0 1 5
7 3 -5 4 0 1 3
8 5 0 10 0 1 4
9 5 0 14 0 1 8
10 3 5 0 0 1 1
11 3 9 0 0 1 10
12 3 5 5 0 1 10
13 3 5 9 0 1 12`, SomaCylinders, []string{
			"soma[0] - wired=false (0,0,0,10) (0,2,0,10) (0,4,0,10) (0,6,0,8)",
			"dend[0] soma[0](0.5) wired=true (5,2,0,2) (10,2,0,2)",
			"dend[1] soma[0](0.5) wired=false (0,4,0,2) (-5,4,0,2)",
			"dend[2] soma[0](0) wired=false (0,0,0,2) (5,0,0,2) (9,0,0,2)",
			"dend[3] dend[2](0) wired=false (5,0,0,2) (5,5,0,2) (5,9,0,2)",
			"dend_5[0] soma[0](1) wired=false (0,6,0,2) (0,10,0,2) (0,14,0,2)",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := swc.Read(strings.NewReader(c.src), c.name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := FromSWC(f)
			if err != nil {
				t.Fatal(err)
			}
			if m.Soma != c.soma {
				t.Errorf("soma convention %q, want %q", m.Soma, c.soma)
			}
			var got []string
			for _, s := range m.Sections {
				parent := "-"
				if s.Parent >= 0 {
					parent = fmt.Sprintf("%s(%g)", m.Sections[s.Parent].Name, s.ParentX)
				}
				line := fmt.Sprintf("%s %s wired=%v", s.Name, parent, s.Logical)
				for _, p := range s.Points {
					line += fmt.Sprintf(" (%g,%g,%g,%g)", p.X, p.Y, p.Z, p.Diam)
				}
				got = append(got, line)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestContourSoma(t *testing.T) {
	var b strings.Builder
	for i := range 12 {
		a := 2 * math.Pi * float64(i) / 12
		parent := i
		if i == 0 {
			parent = -1
		}
		fmt.Fprintf(&b, "%d 1 %.3f %.3f 0 0.5 %d\n", i+1, 6*math.Cos(a), 6*math.Sin(a), parent)
	}
	b.WriteString("13 3 6 10 0 1 1\n14 3 6 20 0 1 13\n")
	f, err := swc.Read(strings.NewReader(b.String()), "contour.swc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromSWC(f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Soma != SomaContour {
		t.Errorf("soma convention %q, want %q", m.Soma, SomaContour)
	}
	if m.Sections[0].Name != "soma[0]" || len(m.Sections[0].Points) != 12 {
		t.Errorf("soma section %s with %d points, want soma[0] with 12 (a chain of frusta, as NEURON reads it)",
			m.Sections[0].Name, len(m.Sections[0].Points))
	}
}
