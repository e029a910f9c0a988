package analysis

import (
	"math"

	"neurite/sim/point"
)

// Segment is a piece of a curve in the plane.
type Segment struct{ X0, Y0, X1, Y1 float64 }

// Arrow is the direction of the flow at a point, scaled to unit length in
// window coordinates (Speed keeps the magnitude).
type Arrow struct{ X, Y, DX, DY, Speed float64 }

// Portrait is a phase portrait in the plane of two variables.
type Portrait struct {
	X, Y       int        // the variables across and up
	Lo, Hi     [2]float64 // the window
	Nullclines [2][]Segment
	Arrows     []Arrow
	Equilibria []Equilibrium
}

// PhasePortrait computes nullclines (where dX/dt = 0 and dY/dt = 0) on a
// grid×grid lattice, a field of arrows and the equilibria, in the plane of
// variables xi and yi over the window w. Other variables of larger models
// are held at the values in at (a two-dimensional slice); equilibria are
// those of the whole model that lie in the window.
func PhasePortrait(m *point.Model, xi, yi int, w Window, at []float64, grid int) Portrait {
	p := Portrait{X: xi, Y: yi, Lo: [2]float64{w.Lo[xi], w.Lo[yi]}, Hi: [2]float64{w.Hi[xi], w.Hi[yi]}}
	n := m.Dim()
	fx := make([]float64, (grid+1)*(grid+1))
	fy := make([]float64, (grid+1)*(grid+1))
	x := append([]float64(nil), at...)
	dx := make([]float64, n)
	px := func(i int) float64 { return p.Lo[0] + float64(i)/float64(grid)*(p.Hi[0]-p.Lo[0]) }
	py := func(j int) float64 { return p.Lo[1] + float64(j)/float64(grid)*(p.Hi[1]-p.Lo[1]) }
	for j := 0; j <= grid; j++ {
		for i := 0; i <= grid; i++ {
			x[xi], x[yi] = px(i), py(j)
			m.Field(x, dx)
			fx[j*(grid+1)+i], fy[j*(grid+1)+i] = dx[xi], dx[yi]
		}
	}
	p.Nullclines[0] = contour(fx, grid, px, py)
	p.Nullclines[1] = contour(fy, grid, px, py)
	const arrows = 20
	sx, sy := p.Hi[0]-p.Lo[0], p.Hi[1]-p.Lo[1]
	for j := range arrows {
		for i := range arrows {
			x[xi] = p.Lo[0] + (float64(i)+0.5)/arrows*sx
			x[yi] = p.Lo[1] + (float64(j)+0.5)/arrows*sy
			m.Field(x, dx)
			u, v := dx[xi]/sx, dx[yi]/sy
			l := math.Hypot(u, v)
			if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) {
				continue
			}
			p.Arrows = append(p.Arrows, Arrow{X: x[xi], Y: x[yi], DX: u / l * sx, DY: v / l * sy, Speed: l})
		}
	}
	// In a slice of a larger model the whole model's equilibria are shown
	// where they project, whatever the held variables.
	p.Equilibria = Equilibria(m, w)
	return p
}

// contour traces the zero level of a grid of values by marching squares,
// interpolating linearly along cell edges.
func contour(f []float64, grid int, px, py func(int) float64) []Segment {
	var out []Segment
	at := func(i, j int) float64 { return f[j*(grid+1)+i] }
	for j := range grid {
		for i := range grid {
			c := [4]float64{at(i, j), at(i+1, j), at(i+1, j+1), at(i, j+1)}
			corner := [4][2]float64{{px(i), py(j)}, {px(i + 1), py(j)}, {px(i + 1), py(j + 1)}, {px(i), py(j + 1)}}
			var pts [][2]float64
			for e := range 4 {
				a, b := c[e], c[(e+1)%4]
				if math.IsNaN(a) || math.IsNaN(b) || (a < 0) == (b < 0) {
					continue
				}
				t := a / (a - b)
				pa, pb := corner[e], corner[(e+1)%4]
				pts = append(pts, [2]float64{pa[0] + t*(pb[0]-pa[0]), pa[1] + t*(pb[1]-pa[1])})
			}
			// Two crossings make one piece; four (a saddle cell) make two,
			// paired by the cell's centre value.
			switch len(pts) {
			case 2:
				out = append(out, Segment{pts[0][0], pts[0][1], pts[1][0], pts[1][1]})
			case 4:
				centre := (c[0] + c[1] + c[2] + c[3]) / 4
				if (centre < 0) == (c[0] < 0) {
					out = append(out, Segment{pts[0][0], pts[0][1], pts[3][0], pts[3][1]}, Segment{pts[1][0], pts[1][1], pts[2][0], pts[2][1]})
				} else {
					out = append(out, Segment{pts[0][0], pts[0][1], pts[1][0], pts[1][1]}, Segment{pts[2][0], pts[2][1], pts[3][0], pts[3][1]})
				}
			}
		}
	}
	return out
}

// PhaseLine samples a one-variable model's dv/dt at n+1 points across the
// window and finds its equilibria: the phase line of, for example, the
// persistent-sodium model (Izhikevich 2007, ch. 3); of a model with a
// reset, without the equilibria past its threshold (Equilibria).
func PhaseLine(m *point.Model, w Window, n int) (v, dv []float64, eqs []Equilibrium) {
	v, dv = make([]float64, n+1), make([]float64, n+1)
	x, f := make([]float64, 1), make([]float64, 1)
	for i := range v {
		x[0] = w.Lo[0] + float64(i)/float64(n)*(w.Hi[0]-w.Lo[0])
		m.Field(x, f)
		v[i], dv[i] = x[0], f[0]
	}
	return v, dv, Equilibria(m, w)
}
