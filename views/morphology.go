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
	Min, Max   float64 // values mapped to the ends of the colormap
	Map        Colormap
	MinWidth   float64 // pixels: thin dendrites are drawn at least this wide
	Background color.RGBA
	Missing    color.RGBA // colour of segments whose value is not finite
}

// DefaultStyle shows membrane potential from -80 to +40 mV with viridis on
// a light background, against which both ends of the map stand out.
func DefaultStyle() Style {
	return Style{Min: -80, Max: 40, Map: Viridis, MinWidth: 2,
		Background: color.RGBA{R: 236, G: 237, B: 240, A: 255}, Missing: color.RGBA{R: 255, G: 0, B: 255, A: 255}}
}

// Morphology draws a cell's frusta coloured by per-segment values.
type Morphology struct {
	frusta []sim.Frustum
	centre [3]float64
	radius float64 // of a sphere around every point: what Zoom 1 fits
	// Projected frusta of the last camera and size, reused while they
	// do not change.
	proj      []projected
	projKey   projKey
	haveProjs bool
}

type projected struct {
	ax, ay, bx, by float64 // pixels
	ra, rb         float64 // pixels
	depth          float64
	seg            int
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
	for _, f := range m.frusta {
		ax, ay, da, scale := m.Project(f.A, w, h, cam)
		bx, by, db, _ := m.Project(f.B, w, h, cam)
		m.proj = append(m.proj, projected{ax, ay, bx, by, f.DA / 2 * scale, f.DB / 2 * scale, (da + db) / 2, f.Segment})
	}
	// Painter's order: far pieces first.
	slices.SortStableFunc(m.proj, func(a, b projected) int { return cmp.Compare(a.depth, b.depth) })
	m.projKey, m.haveProjs = key, true
	return m.proj
}

// Render fills img with the cell seen through cam, each segment coloured
// by values[segment] under style.
func (m *Morphology) Render(img *image.RGBA, cam Camera, values []float64, st Style) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	fill(img, st.Background)
	span := st.Max - st.Min
	if span == 0 {
		span = 1
	}
	half := st.MinWidth / 2
	for _, p := range m.project(w, h, cam) {
		col := st.Missing
		if p.seg < len(values) {
			if v := values[p.seg]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				col = st.Map((v - st.Min) / span)
			}
		}
		capsule(img, p.ax, p.ay, p.bx, p.by, math.Max(p.ra, half), math.Max(p.rb, half), col)
	}
}

func fill(img *image.RGBA, c color.RGBA) {
	pix := img.Pix
	for i := 0; i+3 < len(pix); i += 4 {
		pix[i], pix[i+1], pix[i+2], pix[i+3] = c.R, c.G, c.B, c.A
	}
}

// capsule paints the pixels whose centres lie within the tapered capsule
// from (ax, ay) with radius ra to (bx, by) with radius rb.
func capsule(img *image.RGBA, ax, ay, bx, by, ra, rb float64, c color.RGBA) {
	b := img.Bounds()
	r := math.Max(ra, rb)
	x0, x1 := max(b.Min.X, int(math.Floor(math.Min(ax, bx)-r))), min(b.Max.X-1, int(math.Ceil(math.Max(ax, bx)+r)))
	y0, y1 := max(b.Min.Y, int(math.Floor(math.Min(ay, by)-r))), min(b.Max.Y-1, int(math.Ceil(math.Max(ay, by)+r)))
	ux, uy := bx-ax, by-ay
	l2 := ux*ux + uy*uy
	for y := y0; y <= y1; y++ {
		py := float64(y) + 0.5 - ay
		for x := x0; x <= x1; x++ {
			px := float64(x) + 0.5 - ax
			t := 0.0
			if l2 > 0 {
				t = math.Min(math.Max((px*ux+py*uy)/l2, 0), 1)
			}
			dx, dy := px-t*ux, py-t*uy
			rad := ra + t*(rb-ra)
			if dx*dx+dy*dy <= rad*rad {
				i := img.PixOffset(x, y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
			}
		}
	}
}

// Pick returns the segment drawn at pixel (x, y) of a w×h picture under
// cam, or the nearest one within tol pixels; ok is false when none is.
// Pieces nearer the viewer win, as they are drawn on top.
func (m *Morphology) Pick(x, y float64, w, h int, cam Camera, minWidth, tol float64) (segment int, ok bool) {
	proj := m.project(w, h, cam)
	best, bestDist := -1, tol
	for i := len(proj) - 1; i >= 0; i-- {
		p := proj[i]
		d, t := distToSegment(x, y, p.ax, p.ay, p.bx, p.by)
		r := math.Max(p.ra+t*(p.rb-p.ra), minWidth/2)
		if d <= r {
			return p.seg, true
		}
		if d-r < bestDist {
			best, bestDist = p.seg, d-r
		}
	}
	return best, best >= 0
}

// distToSegment returns the distance from (x, y) to the segment a–b and
// the position 0 ≤ t ≤ 1 of the nearest point.
func distToSegment(x, y, ax, ay, bx, by float64) (float64, float64) {
	ux, uy := bx-ax, by-ay
	l2 := ux*ux + uy*uy
	t := 0.0
	if l2 > 0 {
		t = math.Min(math.Max(((x-ax)*ux+(y-ay)*uy)/l2, 0), 1)
	}
	return math.Hypot(x-ax-t*ux, y-ay-t*uy), t
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
