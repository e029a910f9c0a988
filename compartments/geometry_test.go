package compartments

import (
	"math"
	"testing"

	"neurite/compartments/reftest"
)

// TestGeometryCA1 compares nseg (d_lambda 0.1 at 100 Hz), segment areas
// and axial resistances with NEURON's (sections.csv, segments.csv: 7
// significant digits, so 1e-6 relative is the print precision).
func TestGeometryCA1(t *testing.T) {
	m := loadCA1(t)
	secRef := reftest.Read(t, "swc_cell_A", "sections.csv")
	nsegRef := secRef.Floats(t, "nseg")
	segRef := reftest.Read(t, "swc_cell_A", "segments.csv")
	areaRef, riRef := segRef.Floats(t, "area_um2"), segRef.Floats(t, "ri_Mohm")
	row, total, worstA, worstR := 0, 0.0, 0.0, 0.0
	for i := range m.Sections {
		s := &m.Sections[i]
		nseg := s.NsegDLambda(0.1, 100, 100, 1)
		if nseg != int(nsegRef[i]) {
			t.Errorf("%s: nseg %d, NEURON %d", s.Name, nseg, int(nsegRef[i]))
			continue
		}
		g := s.Geometry(nseg, 100)
		for k := range nseg {
			worstA = math.Max(worstA, math.Abs(g.Area[k]-areaRef[row])/areaRef[row])
			worstR = math.Max(worstR, math.Abs(g.Ri[k]-riRef[row])/riRef[row])
			total += g.Area[k]
			row++
		}
	}
	if row != len(segRef.Rows) {
		t.Fatalf("%d segments, NEURON %d", row, len(segRef.Rows))
	}
	t.Logf("626 segments: max relative error area %.2g, ri %.2g; total area %.3f µm²", worstA, worstR, total)
	if worstA > 1e-6 || worstR > 1e-6 {
		t.Errorf("max relative error area %.2g, ri %.2g; want ≤ 1e-6", worstA, worstR)
	}
	if math.Abs(total-32493.467) > 1e-3 {
		t.Errorf("total area %.4f µm², NEURON 32493.467", total)
	}
}

// TestGeometryCylinder checks the closed forms for a uniform cylinder:
// area πdL/nseg, half-segment resistance 4·Ra·(L/2nseg)/(πd²).
func TestGeometryCylinder(t *testing.T) {
	m, err := BuildCylinders([]Cylinder{{Name: "cable", L: 1000, Diam: 2}})
	if err != nil {
		t.Fatal(err)
	}
	const nseg, Ra = 201, 100.0
	g := m.Sections[0].Geometry(nseg, Ra)
	dx := 1000.0 / nseg
	area := math.Pi * 2 * dx
	half := 1e-2 * Ra * (dx / 2) / (math.Pi * 4 / 4)
	for k := range nseg {
		wantRi := 2 * half
		if k == 0 {
			wantRi = half
		}
		if math.Abs(g.Area[k]-area) > 1e-9*area || math.Abs(g.Ri[k]-wantRi) > 1e-9*wantRi || math.Abs(g.Diam[k]-2) > 1e-12 {
			t.Fatalf("segment %d: area %v ri %v diam %v; want %v %v 2", k, g.Area[k], g.Ri[k], g.Diam[k], area, wantRi)
		}
	}
	if math.Abs(g.RiEnd-half) > 1e-9*half {
		t.Errorf("RiEnd %v, want %v", g.RiEnd, half)
	}
	// lambda_f for a cylinder: 1e5·sqrt(d/(4π f Ra cm)).
	lam := m.Sections[0].LambdaF(100, Ra, 1)
	if want := 1e5 * math.Sqrt(2/(4*math.Pi*100*Ra)); math.Abs(lam-want) > 1e-9*want {
		t.Errorf("lambda_f %v, want %v", lam, want)
	}
}

// TestGeometryFrustum checks a single cone against the closed forms: side
// surface π(r1+r2)·slant and resistance 4·Ra·L/(π·d1·d2).
func TestGeometryFrustum(t *testing.T) {
	sec := Section{Name: "cone", Parent: -1, Points: []Pt3D{{X: 0, Diam: 4}, {X: 30, Diam: 1}}}
	setArcs(sec.Points)
	g := sec.Geometry(1, 50)
	slant := math.Hypot(30, 1.5)
	wantArea := math.Pi * (2 + 0.5) * slant
	if math.Abs(g.Area[0]-wantArea) > 1e-9*wantArea {
		t.Errorf("area %v, want %v", g.Area[0], wantArea)
	}
	dMid := 2.5
	wantRi := 4 * 50 * 1e-2 * 15 / (math.Pi * 4 * dMid) // left half: d from 4 to 2.5
	if math.Abs(g.Ri[0]-wantRi) > 1e-9*wantRi {
		t.Errorf("ri %v, want %v", g.Ri[0], wantRi)
	}
}

// TestPathDistancesCA1 compares distances from soma[0](0.5) with NEURON's
// h.distance for every segment of the CA1 cell (segments.csv).
func TestPathDistancesCA1(t *testing.T) {
	m := loadCA1(t)
	props := make([]SectionProps, len(m.Sections))
	for i := range m.Sections {
		props[i] = SectionProps{Ra: 100, Cm: 1, Nseg: m.Sections[i].NsegDLambda(0.1, 100, 100, 1)}
	}
	p, err := Build([]*Cell{{Morph: m, Props: props}}, Settings{Dt: 0.025, RecordInterval: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	c := &p.Cells[0]
	dist := c.PathDistances(p, Location{Section: 0, X: 0.5})
	want := reftest.Read(t, "swc_cell_A", "segments.csv").Floats(t, "path_dist_um")
	worst := 0.0
	for k, node := range p.Segments {
		worst = math.Max(worst, math.Abs(dist[int(node)-c.First]-want[k]))
	}
	t.Logf("626 segments: max |Δ| %.2g µm", worst)
	if worst > 1e-3 {
		t.Errorf("path distances differ from NEURON's by up to %.3g µm", worst)
	}
}

// TestTranslated: a translated morphology moves every point and leaves
// the original where it was.
func TestTranslated(t *testing.T) {
	m := &Morphology{Sections: []Section{{Name: "soma", Parent: -1, Points: []Pt3D{{X: 1, Y: 2, Z: 3, Diam: 4}, {X: 5, Y: 2, Z: 3, Diam: 4, Arc: 4}}}}}
	moved := m.Translated(10, 20, 30)
	if p := moved.Sections[0].Points[1]; p.X != 15 || p.Y != 22 || p.Z != 33 || p.Arc != 4 || p.Diam != 4 {
		t.Errorf("moved point %+v", p)
	}
	if p := m.Sections[0].Points[1]; p.X != 5 {
		t.Errorf("the original moved: %+v", p)
	}
}

// TestPathDistanceAndStretches: distances from the soma's middle along a
// ball and stick (soma 20 µm, dendrite 400 µm on its 1 end), and the
// stretches of cable a range of distance selects.
func TestPathDistanceAndStretches(t *testing.T) {
	line := func(x0, x1 float64) []Pt3D {
		return []Pt3D{{X: x0, Diam: 1}, {X: x1, Diam: 1, Arc: x1 - x0}}
	}
	m := &Morphology{Sections: []Section{
		{Name: "soma", Region: "soma", Parent: -1, Points: line(0, 20)},
		{Name: "dend", Region: "dend", Parent: 0, ParentX: 1, Points: line(20, 420)},
	}}
	for _, c := range []struct {
		at   Location
		want float64
	}{{Location{0, 0.5}, 0}, {Location{0, 0}, 10}, {Location{0, 1}, 10}, {Location{1, 0}, 10}, {Location{1, 0.5}, 210}, {Location{1, 1}, 410}} {
		if got := m.PathDistance(c.at); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("distance to %v: %g µm, want %g", c.at, got, c.want)
		}
	}
	got := m.Stretches("dend", 50, 200)
	if len(got) != 1 || got[0].Section != 1 || math.Abs(got[0].X0-0.1) > 1e-12 || math.Abs(got[0].X1-0.475) > 1e-12 {
		t.Errorf("dend from 50 to 200 µm: %+v, want dend from x = 0.1 to 0.475", got)
	}
	total := 0.0
	for _, s := range m.Stretches("", 0, 5) {
		total += s.Length(m)
	}
	if math.Abs(total-10) > 1e-12 {
		t.Errorf("within 5 µm of the soma's middle: %g µm of cable, want 10", total)
	}
	if s := m.Stretches("apic", 0, 1000); len(s) != 0 {
		t.Errorf("a region the cell lacks: %+v", s)
	}
}
