package views

import (
	"cmp"
	"image"
	"image/color"
	"math"
	"slices"

	"neurite/sim"
)

// Camera is an orthographic view of a cell: rotation about the vertical
// axis (Azimuth) then about the horizontal one (Elevation), in degrees;
// Zoom 1 fits the whole cell; Pan moves the picture, in pixels.
type Camera struct {
	Azimuth, Elevation float64
	Zoom               float64
	PanX, PanY         float64
}

// Style sets how values become colours.
type Style struct {
	Min, Max float64 // values mapped to the ends of the colormap
	Map      Colormap
	MinWidth float64 // pixels: thin dendrites are drawn at least this wide
	// Relief darkens each cable from its axis, drawn in the colormap's
	// colour, toward its rim (0: flat; 0.4: the rim 40% darker), so that
	// it reads as a tube.
	Relief float64
	// DepthCue fades the cell toward the background with depth: a point
	// behind the nearest one by the diameter of the sphere around the cell
	// moves this fraction of the way (0: none).
	DepthCue   float64
	Background color.RGBA
	Missing    color.RGBA // colour of segments whose value is not finite
	Unit       string     // the values' unit, over the colour bar
}

// DefaultStyle shows membrane potential from -80 to +40 mV with viridis on
// a light background, against which both ends of the map stand out.
func DefaultStyle() Style {
	return Style{Min: -80, Max: 40, Map: Viridis, MinWidth: 2, Relief: 0.35, DepthCue: 0.5,
		Background: color.RGBA{R: 236, G: 237, B: 240, A: 255}, Missing: color.RGBA{R: 255, G: 0, B: 255, A: 255}, Unit: "mV"}
}

// Morphology draws a cell's frusta coloured by per-segment values.
type Morphology struct {
	frusta []sim.Frustum
	centre [3]float64
	radius float64 // of a sphere around every point: what Zoom 1 fits
	// Projected frusta of the last camera and size, reused while they
	// do not change, and the depth of their nearest axis point.
	proj      []projected
	nearest   float64
	projKey   projKey
	haveProjs bool
	depth     []float32 // per pixel: the depth of the surface drawn there
}

// projected is a frustum on the screen. Depths are in µm, larger nearer
// the viewer, and offset so that every one is at least 1: an empty depth
// buffer is all zeros.
type projected struct {
	ax, ay, ux, uy float64 // pixels: one end and the way to the other
	invL2          float64 // 1/(ux² + uy²), 0 for a point
	ra, rb         float64 // pixels
	za, zb         float64 // depth of the axis at each end
	scale          float64 // pixels per µm
	seg            int
}

func newProjected(ax, ay, bx, by, ra, rb, za, zb, scale float64, seg int) projected {
	p := projected{ax: ax, ay: ay, ux: bx - ax, uy: by - ay, ra: ra, rb: rb, za: za, zb: zb, scale: scale, seg: seg}
	if l2 := p.ux*p.ux + p.uy*p.uy; l2 > 0 {
		p.invL2 = 1 / l2
	}
	return p
}

type projKey struct {
	cam  Camera
	w, h int
}

// NewMorphology prepares frusta for drawing.
func NewMorphology(frusta []sim.Frustum) *Morphology {
	m := &Morphology{frusta: frusta}
	if len(frusta) == 0 {
		return m
	}
	lo, hi := frusta[0].A, frusta[0].A
	for _, f := range frusta {
		for _, p := range [][3]float64{f.A, f.B} {
			for k := range 3 {
				lo[k], hi[k] = math.Min(lo[k], p[k]), math.Max(hi[k], p[k])
			}
		}
	}
	for k := range 3 {
		m.centre[k] = (lo[k] + hi[k]) / 2
	}
	for _, f := range frusta {
		for _, p := range [][3]float64{f.A, f.B} {
			m.radius = math.Max(m.radius, math.Hypot(math.Hypot(p[0]-m.centre[0], p[1]-m.centre[1]), p[2]-m.centre[2]))
		}
	}
	m.radius = math.Max(m.radius, 1)
	return m
}

// Project returns where a 3-D point (µm) lands in a w×h image, and its
// depth (larger is nearer the viewer), and the scale in pixels per µm.
func (m *Morphology) Project(p [3]float64, w, h int, cam Camera) (x, y, depth, scale float64) {
	az, el := cam.Azimuth*math.Pi/180, cam.Elevation*math.Pi/180
	dx, dy, dz := p[0]-m.centre[0], p[1]-m.centre[1], p[2]-m.centre[2]
	// Turn about y (vertical), then about the screen's x axis.
	x1 := dx*math.Cos(az) + dz*math.Sin(az)
	z1 := -dx*math.Sin(az) + dz*math.Cos(az)
	y2 := dy*math.Cos(el) - z1*math.Sin(el)
	z2 := dy*math.Sin(el) + z1*math.Cos(el)
	zoom := cam.Zoom
	if zoom <= 0 {
		zoom = 1
	}
	scale = zoom * 0.95 * float64(min(w, h)) / (2 * m.radius)
	return float64(w)/2 + cam.PanX + x1*scale, float64(h)/2 + cam.PanY - y2*scale, z2, scale
}

func (m *Morphology) project(w, h int, cam Camera) []projected {
	key := projKey{cam, w, h}
	if m.haveProjs && m.projKey == key {
		return m.proj
	}
	m.proj = m.proj[:0]
	farthest, nearest := math.Inf(1), math.Inf(-1)
	for _, f := range m.frusta {
		ax, ay, za, scale := m.Project(f.A, w, h, cam)
		bx, by, zb, _ := m.Project(f.B, w, h, cam)
		m.proj = append(m.proj, newProjected(ax, ay, bx, by, f.DA/2*scale, f.DB/2*scale, za, zb, scale, f.Segment))
		farthest, nearest = math.Min(farthest, math.Min(za, zb)), math.Max(nearest, math.Max(za, zb))
	}
	for i := range m.proj {
		m.proj[i].za += 1 - farthest
		m.proj[i].zb += 1 - farthest
	}
	m.nearest = nearest + 1 - farthest
	// Painter's order, far pieces first, so that the soft edge of a
	// nearer piece blends over what lies behind it.
	slices.SortStableFunc(m.proj, func(a, b projected) int { return cmp.Compare(a.za+a.zb, b.za+b.zb) })
	m.projKey, m.haveProjs = key, true
	return m.proj
}

// surface samples piece p, drawn at least minR pixels in radius, at the
// point (x, y): inside is how many pixels the point lies within its
// outline (negative outside), z the depth of the tube's surface there
// (the axis pushed toward the viewer by the tube's roundness), axisZ the
// depth of the axis, and bulge the cosine of the surface's slope, 1 on
// the axis and 0 at the rim. Render and Pick share it so that a pixel is
// hit where it is drawn.
func (p *projected) surface(x, y, minR float64) (inside float64, z float32, axisZ, bulge float64) {
	px, py := x-p.ax, y-p.ay
	t := min(max((px*p.ux+py*p.uy)*p.invL2, 0), 1)
	dx, dy := px-t*p.ux, py-t*p.uy
	d := math.Sqrt(dx*dx + dy*dy)
	r := max(p.ra+t*(p.rb-p.ra), minR)
	axisZ = p.za + t*(p.zb-p.za)
	if s := d / r; s < 1 {
		bulge = math.Sqrt(1 - s*s)
	}
	return r - d, float32(axisZ + bulge*r/p.scale), axisZ, bulge
}

// Render fills img with the cell seen through cam, each segment coloured
// by values[segment] under style. Each piece is a tube as wide as its
// diameter (at least MinWidth), with soft edges, shaded by Relief and
// faded by DepthCue; where pieces overlap the nearer surface is drawn.
func (m *Morphology) Render(img *image.RGBA, cam Camera, values []float64, st Style) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	fill(img, st.Background)
	proj := m.project(w, h, cam)
	if cap(m.depth) < w*h {
		m.depth = make([]float32, w*h)
	}
	m.depth = m.depth[:w*h]
	clear(m.depth)
	span := st.Max - st.Min
	if span == 0 {
		span = 1
	}
	br := newBrush(st, m.nearest, m.radius)
	for i := range proj {
		p := &proj[i]
		col := st.Missing
		if p.seg < len(values) {
			if v := values[p.seg]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				col = st.Map((v - st.Min) / span)
			}
		}
		br.paint(img, m.depth, p, col)
	}
}

// brush holds what painting a piece needs besides the piece.
type brush struct {
	minR, relief float64
	fade         float64 // fraction toward the background per µm behind the nearest point
	nearest      float64
	bg           [3]float64
}

func newBrush(st Style, nearest, cellRadius float64) brush {
	// A cell's depth is measured against its size, so that a cell seen
	// edge-on (a few µm deep) is not faded as if it were a thick one.
	return brush{minR: st.MinWidth / 2, relief: st.Relief, fade: st.DepthCue / (2 * cellRadius), nearest: nearest,
		bg: [3]float64{float64(st.Background.R), float64(st.Background.G), float64(st.Background.B)}}
}

// paint draws piece p in colour c into img, testing and updating the
// depth buffer: a pixel whose centre is inside the outline takes the
// piece's surface depth; one on the soft edge blends without claiming it.
func (br *brush) paint(img *image.RGBA, depth []float32, p *projected, c color.RGBA) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	reach := max(p.ra, p.rb, br.minR) + 0.5 // beyond it a pixel is not touched
	by := p.ay + p.uy
	y0, y1 := max(0, int(math.Floor(min(p.ay, by)-reach))), min(h-1, int(math.Ceil(max(p.ay, by)+reach)))
	base := [3]float64{float64(c.R), float64(c.G), float64(c.B)}
	for y := y0; y <= y1; y++ {
		cy := float64(y) + 0.5
		lo, hi := p.rowSpan(cy, reach)
		x0, x1 := max(0, int(math.Floor(lo))), min(w-1, int(math.Ceil(hi)))
		row := img.PixOffset(b.Min.X, b.Min.Y+y)
		for x := x0; x <= x1; x++ {
			inside, z, axisZ, bulge := p.surface(float64(x)+0.5, cy, br.minR)
			cover := inside + 0.5
			k := y*w + x
			if cover <= 0 || z <= depth[k] {
				continue
			}
			if inside >= 0 {
				depth[k] = z
			}
			shade := 1 - br.relief*(1-bulge)
			fade := min(br.fade*(br.nearest-axisZ), 1)
			cover = min(cover, 1)
			px := img.Pix[row+4*x : row+4*x+4 : row+4*x+4]
			for j := range 3 {
				v := base[j] * shade
				v += (br.bg[j] - v) * fade
				px[j] = uint8(v*cover + float64(px[j])*(1-cover) + 0.5)
			}
			px[3] = 255
		}
	}
}

// rowSpan bounds the columns of row y within reach pixels of the axis:
// the stretch of the axis between y-reach and y+reach, widened by reach.
func (p *projected) rowSpan(y, reach float64) (lo, hi float64) {
	t0, t1 := 0.0, 1.0
	if p.uy != 0 {
		ta, tb := (y-reach-p.ay)/p.uy, (y+reach-p.ay)/p.uy
		t0, t1 = max(0, min(ta, tb)), min(1, max(ta, tb))
	}
	xa, xb := p.ax+t0*p.ux, p.ax+t1*p.ux
	return min(xa, xb) - reach, max(xa, xb) + reach
}

func fill(img *image.RGBA, c color.RGBA) {
	b := img.Bounds()
	if b.Empty() {
		return
	}
	first := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):img.PixOffset(b.Max.X, b.Min.Y)]
	for i := 0; i < len(first); i += 4 {
		first[i], first[i+1], first[i+2], first[i+3] = c.R, c.G, c.B, c.A
	}
	for y := b.Min.Y + 1; y < b.Max.Y; y++ {
		copy(img.Pix[img.PixOffset(b.Min.X, y):], first)
	}
}

// Pick returns the segment drawn at pixel (x, y) of a w×h picture under
// cam, or the nearest one within tol pixels; ok is false when none is.
// It asks what Render drew at the centre of that pixel: of the pieces
// whose outline (at least minWidth wide) holds it, the nearest surface.
func (m *Morphology) Pick(x, y float64, w, h int, cam Camera, minWidth, tol float64) (segment int, ok bool) {
	proj := m.project(w, h, cam)
	cx, cy := math.Floor(x)+0.5, math.Floor(y)+0.5
	hit, hitZ := -1, float32(0)
	near, nearDist := -1, tol
	for i := range proj {
		inside, z, _, _ := proj[i].surface(cx, cy, minWidth/2)
		switch {
		case inside >= 0 && (hit < 0 || z > hitZ):
			hit, hitZ = proj[i].seg, z
		case inside < 0 && -inside <= nearDist:
			near, nearDist = proj[i].seg, -inside
		}
	}
	if hit >= 0 {
		return hit, true
	}
	return near, near >= 0
}

// MarkerKind is the shape of a marker.
type MarkerKind int

const (
	ProbeMarker     MarkerKind = iota // a ring
	ElectrodeMarker                   // a triangle
	SynapseMarker                     // a diamond
)

// Marker is something placed on the cell, drawn over it.
type Marker struct {
	At       [3]float64 // µm
	Kind     MarkerKind
	Color    color.RGBA
	Selected bool
}

// RenderMarkers draws markers over a picture made by Render with the same
// camera.
func (m *Morphology) RenderMarkers(img *image.RGBA, cam Camera, markers []Marker) {
	b := img.Bounds()
	white := color.RGBA{255, 255, 255, 255}
	for _, mk := range markers {
		x, y, _, _ := m.Project(mk.At, b.Dx(), b.Dy(), cam)
		size := 7.0
		if mk.Selected {
			size = 10
		}
		inside := func(px, py, s float64) bool {
			dx, dy := px-x, py-y
			switch mk.Kind {
			case ElectrodeMarker: // pointing down at the spot
				return dy <= 0 && dy >= -2*s && math.Abs(dx) <= -dy/2
			case SynapseMarker:
				return math.Abs(dx)+math.Abs(dy) <= s
			}
			r := math.Hypot(dx, dy)
			return r <= s && r >= s*0.45
		}
		for py := int(y - 2*size - 3); py <= int(y+size+3); py++ {
			for px := int(x - size - 3); px <= int(x+size+3); px++ {
				if !image.Pt(px, py).In(b) {
					continue
				}
				fx, fy := float64(px)+0.5, float64(py)+0.5
				switch {
				case inside(fx, fy, size):
					img.SetRGBA(px, py, mk.Color)
				case inside(fx, fy, size+1.5):
					img.SetRGBA(px, py, white)
				}
			}
		}
	}
}
