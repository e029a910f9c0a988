package compartments

import (
	"fmt"
	"math"
)

// Pt3D is a point of a section's centre line: position and diameter in µm,
// and Arc, the path length from the section's first point.
type Pt3D struct {
	X, Y, Z, Diam float64
	Arc           float64
}

// Section is an unbranched cable between branch points, as in NEURON.
type Section struct {
	Name    string  // NEURON's name, e.g. "soma[0]", "dend[12]"
	Region  string  // soma, axon, dend, apic, dend_N, or a region named in a model file
	Parent  int     // index of the parent section, -1 for the root
	ParentX float64 // where on the parent the section's 0 end attaches
	Points  []Pt3D  // at least two; Points[0].Arc == 0
	// Logical marks a section joined to its parent "by wire": its first 3-D
	// point is not at the parent's connection point (NEURON's pt3dstyle 1).
	Logical bool
}

// L is the section's length in µm: the arc length of its last point.
func (s *Section) L() float64 { return s.Points[len(s.Points)-1].Arc }

// At returns the 3-D position of arc position x·L along the section's
// centre line and the diameter there.
func (s *Section) At(x float64) (p Pt3D) {
	target := x * s.L()
	pts := s.Points
	for i := 1; i < len(pts); i++ {
		if pts[i].Arc >= target || i == len(pts)-1 {
			a, b := pts[i-1], pts[i]
			f := 0.0
			if d := b.Arc - a.Arc; d > 0 {
				f = math.Min(math.Max((target-a.Arc)/d, 0), 1)
			}
			lerp := func(u, v float64) float64 { return u + f*(v-u) }
			return Pt3D{lerp(a.X, b.X), lerp(a.Y, b.Y), lerp(a.Z, b.Z), lerp(a.Diam, b.Diam), target}
		}
	}
	return pts[0]
}

// Soma conventions of SWC files, as NEURON's Import3d recognises them.
const (
	SomaOnePoint   = "one-point"   // a single sphere, turned into a cylinder of equal area
	SomaThreePoint = "three-point" // NeuroMorpho.Org's three points along y
	SomaContour    = "contour"     // an outline in a plane
	SomaCylinders  = "cylinders"   // a chain (or tree) of frusta, kept as sections
	SomaBuiltIn    = "built-in"    // geometry given as cylinders in a model file
)

// Morphology is a cell's geometry: sections ordered so that every parent
// comes before its children, with the root first.
type Morphology struct {
	Source   string // file name or "built-in"
	Soma     string // one of the Soma* conventions
	Sections []Section
}

// Section returns the index of the section with the given name.
func (m *Morphology) Section(name string) (int, bool) {
	for i := range m.Sections {
		if m.Sections[i].Name == name {
			return i, true
		}
	}
	return -1, false
}

// Regions lists the distinct region names in section order.
func (m *Morphology) Regions() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range m.Sections {
		if !seen[s.Region] {
			seen[s.Region] = true
			out = append(out, s.Region)
		}
	}
	return out
}

// f32 rounds to single precision: NEURON stores 3-D points as float32, and
// the same file must give the same cell.
func f32(x float64) float64 { return float64(float32(x)) }

// setArcs recomputes the arc lengths from the positions the way NEURON does:
// coordinate differences of the stored float32 values in single precision,
// the root of the sum of squares and the running sum in double.
func setArcs(pts []Pt3D) {
	if len(pts) == 0 {
		return
	}
	pts[0].Arc = 0
	for i := 1; i < len(pts); i++ {
		dx := float64(float32(pts[i].X) - float32(pts[i-1].X))
		dy := float64(float32(pts[i].Y) - float32(pts[i-1].Y))
		dz := float64(float32(pts[i].Z) - float32(pts[i-1].Z))
		pts[i].Arc = pts[i-1].Arc + math.Sqrt(dx*dx+dy*dy+dz*dz)
	}
}

// Cylinder describes one section of a built-in geometry.
type Cylinder struct {
	Name    string
	Region  string
	Parent  string  // "" for the root
	ParentX float64 // 1 unless given
	L, Diam float64 // µm
}

// BuildCylinders makes a morphology from cylinders, each attached to a
// parent listed before it. The 3-D layout only serves drawing: the root runs
// along +x from the origin and children fan out from their attachment points
// (NEURON's define_shape likewise invents positions); the electrical
// geometry depends on L and Diam alone.
func BuildCylinders(cyls []Cylinder) (*Morphology, error) {
	m := &Morphology{Source: "built-in", Soma: SomaBuiltIn}
	dirs := make([][2]float64, 0, len(cyls))
	children := map[int]int{}
	for i, c := range cyls {
		switch {
		case c.Name == "":
			return nil, fmt.Errorf("section %d has no name", i+1)
		case !(c.L > 0) || math.IsInf(c.L, 0):
			return nil, fmt.Errorf("section %s: length %v must be positive", c.Name, c.L)
		case !(c.Diam > 0) || math.IsInf(c.Diam, 0):
			return nil, fmt.Errorf("section %s: diameter %v must be positive", c.Name, c.Diam)
		case c.ParentX < 0 || c.ParentX > 1:
			return nil, fmt.Errorf("section %s: parent_x %v must lie in [0, 1]", c.Name, c.ParentX)
		}
		if _, dup := m.Section(c.Name); dup {
			return nil, fmt.Errorf("section %s is defined twice", c.Name)
		}
		sec := Section{Name: c.Name, Region: c.Region, Parent: -1, ParentX: c.ParentX}
		if sec.Region == "" {
			sec.Region = c.Name
		}
		var start Pt3D
		dir := [2]float64{1, 0}
		if c.Parent == "" {
			if i > 0 {
				return nil, fmt.Errorf("section %s has no parent; only the first section is the root", c.Name)
			}
		} else {
			p, ok := m.Section(c.Parent)
			if !ok {
				return nil, fmt.Errorf("section %s: parent %q is not defined before it", c.Name, c.Parent)
			}
			sec.Parent = p
			start = m.Sections[p].At(c.ParentX)
			k := children[p]
			children[p]++
			// Children alternate either side of the parent's direction at
			// widening angles: 0, +40°, -40°, +80°, ...
			angle := float64((k+1)/2) * 40 * math.Pi / 180
			if k%2 == 0 {
				angle = -angle
			}
			pd := dirs[p]
			cos, sin := math.Cos(angle), math.Sin(angle)
			dir = [2]float64{pd[0]*cos - pd[1]*sin, pd[0]*sin + pd[1]*cos}
		}
		sec.Points = []Pt3D{
			{X: start.X, Y: start.Y, Z: 0, Diam: c.Diam, Arc: 0},
			{X: start.X + dir[0]*c.L, Y: start.Y + dir[1]*c.L, Z: 0, Diam: c.Diam, Arc: c.L},
		}
		dirs = append(dirs, dir)
		m.Sections = append(m.Sections, sec)
	}
	if len(m.Sections) == 0 {
		return nil, fmt.Errorf("no sections")
	}
	return m, nil
}

// Translated returns a copy of the morphology moved by (dx, dy, dz) µm:
// the cells of a network stand at their positions.
func (m *Morphology) Translated(dx, dy, dz float64) *Morphology {
	out := *m
	out.Sections = make([]Section, len(m.Sections))
	for i, s := range m.Sections {
		s.Points = append([]Pt3D(nil), s.Points...)
		for k := range s.Points {
			s.Points[k].X += dx
			s.Points[k].Y += dy
			s.Points[k].Z += dz
		}
		out.Sections[i] = s
	}
	return &out
}

// PathDistance is the distance along the cable (µm) from the middle of
// the soma (the root section where there is no soma) to l, as NEURON's
// distance() from soma(0.5).
func (m *Morphology) PathDistance(l Location) float64 {
	root := rootSection(m)
	var toStart func(sec int) float64 // the distance to the section's 0 end
	toStart = func(sec int) float64 {
		if sec == root {
			return 0.5 * m.Sections[sec].L()
		}
		s := m.Sections[sec]
		return m.along(s.Parent, s.ParentX, toStart)
	}
	return m.along(l.Section, l.X, toStart)
}

// along is the path distance to x on section sec, given the distances to
// sections' 0 ends.
func (m *Morphology) along(sec int, x float64, toStart func(int) float64) float64 {
	L := m.Sections[sec].L()
	if sec == rootSection(m) {
		return math.Abs(x-0.5) * L
	}
	return toStart(sec) + x*L
}

// Stretch is part of a section, from X0 to X1.
type Stretch struct {
	Section int
	X0, X1  float64
}

// Length is the stretch's length (µm).
func (s Stretch) Length(m *Morphology) float64 { return (s.X1 - s.X0) * m.Sections[s.Section].L() }

// Stretches returns the parts of the sections of a region (every section
// for "") whose path distance from the soma's middle lies in [lo, hi]:
// where a network spreads synapses.
func (m *Morphology) Stretches(region string, lo, hi float64) []Stretch {
	var out []Stretch
	for i, s := range m.Sections {
		if region != "" && s.Region != region && s.Name != region {
			continue
		}
		d0, d1 := m.PathDistance(Location{Section: i, X: 0}), m.PathDistance(Location{Section: i, X: 1})
		if i == rootSection(m) {
			// The soma's distances fall and rise about its middle; a
			// network's synapses on it take the part within range of
			// either half.
			half := 0.5 * s.L()
			if lo <= half && hi >= 0 {
				r := min(hi, half) / s.L()
				l := max(lo, 0) / s.L()
				out = append(out, Stretch{i, 0.5 - r, 0.5 - l}, Stretch{i, 0.5 + l, 0.5 + r})
			}
			continue
		}
		a, b := max(lo, d0), min(hi, d1)
		if b > a {
			out = append(out, Stretch{i, (a - d0) / (d1 - d0), (b - d0) / (d1 - d0)})
		}
	}
	return out
}
