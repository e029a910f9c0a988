package compartments

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"neurite/compartments/swc"
)

// FromSWC turns SWC sample points into sections exactly as NEURON 8.2's
// Import3d does (Import3d_SWC_read followed by Import3d_GUI.instantiate), so
// that the same file gives the same cell in both: the same sections with the
// same names, parents, attachment points and 3-D points, hence the same
// areas, resistances and nseg.
//
// The rules, in brief (see the README for the user's view):
//   - A section ends at every branch point, at a type change, and where the
//     next line is not the point's child. Soma points stay together.
//   - Every non-root section begins with a copy of its parent point; when the
//     parent is soma and the child is not, the copy takes the child's own
//     first diameter.
//   - A one-point soma, and NeuroMorpho's three-point soma (three points of
//     equal radius one radius apart), become a cylinder along x with length
//     equal to its diameter; neurites attach at its middle, "by wire"
//     (without the copied centre point) when they have two or more points.
//   - A multi-point soma stays a stack of frusta; a contour drawn as SWC
//     points is read the same way, as NEURON does.
//   - Values pass through NEURON's single-precision storage.
//
// NEURON 8.2 fails on files with non-increasing ids; FromSWC reads them in
// file order.
func FromSWC(f *swc.File) (*Morphology, error) {
	b := newImporter(f)
	b.markBranches()
	b.detectThreePointSoma()
	b.keepSomaTogether()
	raw := b.sections()
	raw = removeDegenerate(raw)
	return b.instantiate(raw)
}

// importer holds the per-point bookkeeping of Import3d_SWC_read.
type importer struct {
	file       *swc.File
	par        []int      // index of each point's parent, -1 for the root
	typ        []swc.Type // structure type of each point
	diam       []float64  // 2·radius, radius as NEURON reads it (float32)
	xyz        [][3]float64
	weight     []int  // child weight in hundredths: a section ends where it is not 100
	toProx     []bool // attach to the proximal end of the parent's section
	nSomaChild []int
	soma3      bool
}

func newImporter(f *swc.File) *importer {
	n := len(f.Points)
	b := &importer{
		file: f, par: make([]int, n), typ: make([]swc.Type, n), diam: make([]float64, n),
		xyz: make([][3]float64, n), weight: make([]int, n), toProx: make([]bool, n), nSomaChild: make([]int, n),
	}
	index := f.Index()
	for i, p := range f.Points {
		b.par[i] = -1
		if p.Parent >= 0 {
			b.par[i] = index[p.Parent]
		}
		b.typ[i] = p.Type
		b.diam[i] = 2 * f32(p.Radius)
		b.xyz[i] = [3]float64{f32(p.X), f32(p.Y), f32(p.Z)}
	}
	return b
}

// markBranches weighs each point by its children: 1 per child, 0.01 more
// for a child that is not the next line and for a type change.
func (b *importer) markBranches() {
	for i, p := range b.par {
		if p < 0 {
			continue
		}
		b.weight[p] += 100
		if p != i-1 {
			b.weight[p]++
			// A branch off the first point of a neurite that starts on
			// the soma (or off a non-soma root) joins that section's
			// proximal end instead of splitting it.
			if (p > 1 && b.typ[p] != swc.Soma && b.typ[b.par[p]] == swc.Soma) || (p == 0 && b.typ[0] != swc.Soma) {
				b.toProx[i] = true
				b.weight[p] = 100
			}
		}
		if b.typ[p] != b.typ[i] {
			b.weight[p]++
		}
		if i >= 1 && b.typ[i] == swc.Soma && b.typ[p] == swc.Soma {
			b.nSomaChild[p]++
		}
	}
}

// detectThreePointSoma recognises NeuroMorpho.Org's three-point soma: a
// centre and two childless points of the same radius, one radius away on
// either side. The two outer points are chained so they form one section.
func (b *importer) detectThreePointSoma() {
	nsoma := 0
	for _, t := range b.typ {
		if t == swc.Soma {
			nsoma++
		}
	}
	if nsoma != 3 || len(b.par) < 3 {
		return
	}
	if b.par[1] != 0 || b.par[2] != 0 || b.weight[1] != 0 || b.weight[2] != 0 {
		return
	}
	if b.diam[1] != b.diam[0] || b.diam[2] != b.diam[0] {
		return
	}
	span := (dist(b.xyz[1], b.xyz[0]) + dist(b.xyz[2], b.xyz[0])) / b.diam[0]
	if math.Abs(span-1) >= 0.01 {
		return
	}
	b.soma3 = true
	b.par[2] = 1
}

func dist(p, q [3]float64) float64 {
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

// keepSomaTogether stops a section from ending at a soma point whose next
// line is its soma child, unless (away from the root) the soma branches
// there.
func (b *importer) keepSomaTogether() {
	for i := 0; i+1 < len(b.par); i++ {
		if b.typ[i] == swc.Soma && b.typ[i+1] == swc.Soma && b.par[i+1] == i && (i == 0 || b.nSomaChild[i] <= 1) {
			b.weight[i] = 100
		}
	}
}

// rawSection is a section before instantiation: points still include the
// copied parent point, which is dropped when the section is wired.
type rawSection struct {
	first, end int // own points are [first, end) in file order
	typ        swc.Type
	parent     int // raw section index, -1 for the root
	parentX    float64
	wired      bool // joined by wire: drop raw[0], keep it as the logical point
	pts        []Pt3D
}

func (b *importer) sections() []*rawSection {
	var secs []*rawSection
	secOf := make([]int, len(b.par))
	start := 0
	for i := range b.par {
		secOf[i] = len(secs)
		if b.weight[i] != 100 {
			secs = append(secs, &rawSection{first: start, end: i + 1})
			start = i + 1
		}
	}
	for k, s := range secs {
		if k == 0 {
			s.typ, s.parent = b.typ[0], -1
			own := s.end
			if b.soma3 {
				own = 1
			}
			for i := 0; i < own; i++ {
				s.pts = append(s.pts, b.point(i))
			}
			continue
		}
		a := s.first
		pp := b.par[a]
		ps := secs[secOf[pp]]
		s.typ, s.parent, s.parentX = b.typ[a], secOf[pp], 1
		s.pts = append(s.pts, b.point(pp))
		for i := a; i < s.end; i++ {
			s.pts = append(s.pts, b.point(i))
		}
		nOwn := s.end - a
		somaParent := ps.typ == swc.Soma
		neuriteOnSoma := somaParent && s.typ != swc.Soma
		decided := false
		if s.parent == 0 {
			switch {
			case neuriteOnSoma && len(ps.pts) == 1:
				s.parentX, s.wired, decided = 0.5, nOwn > 1, true
			case pp == 0:
				s.parentX, s.wired, decided = 0, s.typ != swc.Soma && b.nSomaChild[0] > 1, true
			}
		}
		if !decided && somaParent {
			lastOwn := ps.first + len(ps.pts) - 1
			if ps.parent >= 0 {
				lastOwn--
			}
			if pp < lastOwn {
				s.parentX = 0.5
				s.wired = neuriteOnSoma && nOwn > 1
			} else {
				s.wired = nOwn > 1 && b.nSomaChild[pp] > 1 && s.typ != swc.Soma
			}
		}
		if neuriteOnSoma {
			s.pts[0].Diam = s.pts[1].Diam
		}
		if b.toProx[a] {
			s.parentX = 0
		}
	}
	return secs
}

func (b *importer) point(i int) Pt3D {
	return Pt3D{X: b.xyz[i][0], Y: b.xyz[i][1], Z: b.xyz[i][2], Diam: b.diam[i]}
}

// removeDegenerate drops non-root sections with fewer than two points of
// their own, or two coincident ones, handing their children to their
// parent, as Import3d's consistency check does.
func removeDegenerate(secs []*rawSection) []*rawSection {
	removed := make([]bool, len(secs))
	for k := len(secs) - 1; k > 0; k-- {
		s := secs[k]
		pts := s.pts
		if s.wired {
			pts = pts[1:]
		}
		coincident := len(pts) == 2 && math.Abs(pts[0].X-pts[1].X) < 1e-11 &&
			math.Abs(pts[0].Y-pts[1].Y) < 1e-11 && math.Abs(pts[0].Z-pts[1].Z) < 1e-11
		if len(pts) > 2 || (len(pts) == 2 && !coincident) {
			continue
		}
		removed[k] = true
		for _, c := range secs[k+1:] {
			if c.parent == k {
				c.parent, c.parentX = s.parent, s.parentX
			}
		}
	}
	// Renumber parents to the surviving sections.
	newIndex := make([]int, len(secs))
	var out []*rawSection
	for k, s := range secs {
		newIndex[k] = len(out)
		if !removed[k] {
			out = append(out, s)
		}
	}
	for _, s := range out {
		if s.parent >= 0 {
			s.parent = newIndex[s.parent]
		}
	}
	return out
}

// instantiate names the sections (soma[i], axon[i], dend[i], apic[i],
// dend_N[i]), orders them as NEURON creates them (by type, then by first
// point) and stores their points as NEURON would.
func (b *importer) instantiate(raw []*rawSection) (*Morphology, error) {
	order := make([]int, len(raw))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(i, j int) int { return int(raw[i].typ) - int(raw[j].typ) })
	position := make([]int, len(raw))
	for pos, k := range order {
		position[k] = pos
	}
	m := &Morphology{Source: b.file.Name, Soma: b.somaConvention()}
	rank := map[swc.Type]int{}
	for _, k := range order {
		s := raw[k]
		name := fmt.Sprintf("%s[%d]", s.typ, rank[s.typ])
		rank[s.typ]++
		sec := Section{Name: name, Region: s.typ.String(), Parent: -1, ParentX: s.parentX, Logical: s.wired}
		if s.parent >= 0 {
			sec.Parent = position[s.parent]
		}
		pts := s.pts
		if s.wired {
			pts = pts[1:]
		}
		if len(pts) == 1 {
			// A lone point becomes a cylinder along x whose length is its
			// diameter: the same area as the sphere it stands for.
			p := pts[0]
			pts = []Pt3D{{X: p.X - p.Diam/2, Y: p.Y, Z: p.Z, Diam: p.Diam}, p, {X: p.X + p.Diam/2, Y: p.Y, Z: p.Z, Diam: p.Diam}}
		}
		sec.Points = make([]Pt3D, len(pts))
		for i, p := range pts {
			sec.Points[i] = Pt3D{X: storeNEURON(p.X), Y: storeNEURON(p.Y), Z: storeNEURON(p.Z), Diam: storeNEURON(p.Diam)}
		}
		setArcs(sec.Points)
		m.Sections = append(m.Sections, sec)
	}
	if len(m.Sections) == 0 {
		return nil, fmt.Errorf("%s: no sections", b.file.Name)
	}
	return m, nil
}

// storeNEURON mimics pt3dadd as Import3d calls it: the value is printed with
// %.8g, read back, and stored in single precision.
func storeNEURON(v float64) float64 {
	s := strconv.FormatFloat(v, 'g', 8, 64)
	x, _ := strconv.ParseFloat(s, 64)
	return f32(x)
}

// somaConvention names the way the file gives the soma.
func (b *importer) somaConvention() string {
	var soma []int
	for i, t := range b.typ {
		if t == swc.Soma {
			soma = append(soma, i)
		}
	}
	switch {
	case len(soma) == 1:
		return SomaOnePoint
	case b.soma3:
		return SomaThreePoint
	case b.isContour(soma):
		return SomaContour
	}
	return SomaCylinders
}

// isContour reports whether the soma points outline a closed curve in a
// plane: at least four of them, one chain, all at one z (within 1% of the
// outline's extent), the last point no farther from the first than the
// longest step along the outline.
func (b *importer) isContour(soma []int) bool {
	if len(soma) < 4 {
		return false
	}
	lo, hi := b.xyz[soma[0]], b.xyz[soma[0]]
	longest := 0.0
	for k, i := range soma {
		if k > 0 {
			if b.par[i] != soma[k-1] {
				return false
			}
			longest = math.Max(longest, dist(b.xyz[i], b.xyz[soma[k-1]]))
		}
		for c := range 3 {
			lo[c], hi[c] = math.Min(lo[c], b.xyz[i][c]), math.Max(hi[c], b.xyz[i][c])
		}
	}
	extent := math.Max(hi[0]-lo[0], hi[1]-lo[1])
	if extent == 0 || hi[2]-lo[2] > 0.01*extent {
		return false
	}
	return dist(b.xyz[soma[0]], b.xyz[soma[len(soma)-1]]) <= 1.01*longest
}
