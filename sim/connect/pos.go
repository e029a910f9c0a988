package connect

import (
	"math"

	"neurite/sim/dist"
)

// Pos is a neuron's position in µm: x, y, z.
type Pos [3]float64

// Line places n neurons along x, spacing apart, from the origin.
func Line(n int, spacing float64) []Pos {
	return Box(n, 1, 1, spacing)
}

// Ring places n neurons evenly on a circle of the given radius about the
// origin, in the xy plane, neuron 0 on the x axis.
func Ring(n int, radius float64) []Pos {
	p := make([]Pos, max(n, 0))
	for i := range p {
		a := 2 * math.Pi * float64(i) / float64(n)
		p[i] = Pos{radius * math.Cos(a), radius * math.Sin(a), 0}
	}
	return p
}

// Sheet places nx × ny neurons on a square grid in the xy plane, x
// fastest: neuron i is at column i mod nx, row i / nx.
func Sheet(nx, ny int, spacing float64) []Pos {
	return Box(nx, ny, 1, spacing)
}

// Box places nx × ny × nz neurons on a cubic grid, x fastest, then y.
func Box(nx, ny, nz int, spacing float64) []Pos {
	if nx <= 0 || ny <= 0 || nz <= 0 {
		return nil
	}
	p := make([]Pos, 0, nx*ny*nz)
	for k := range nz {
		for j := range ny {
			for i := range nx {
				p = append(p, Pos{float64(i) * spacing, float64(j) * spacing, float64(k) * spacing})
			}
		}
	}
	return p
}

// ReadPositions reads positions from a CSV file with columns x, y, z (a
// header row naming them, or three columns in that order), one row per
// neuron. Errors name the file and the line.
func ReadPositions(path string) ([]Pos, error) { return ReadPositionsFrom(dist.OS, path) }

// ReadPositionsFrom is ReadPositions on the files open opens.
func ReadPositionsFrom(open dist.Opener, path string) ([]Pos, error) {
	t, err := open.ReadColumns(path, []string{"x", "y", "z"}, nil)
	if err != nil {
		return nil, err
	}
	p := make([]Pos, len(t.Lines))
	for i := range p {
		p[i] = Pos{t.Columns[0][i], t.Columns[1][i], t.Columns[2][i]}
	}
	return p, nil
}

// metric measures distances, wrapped around a period on the axes that
// have one.
type metric struct {
	period Pos // 0 on an axis that does not wrap
}

func (m metric) dist2(a, b Pos) float64 {
	var s float64
	for k := range 3 {
		d := math.Abs(a[k] - b[k])
		if l := m.period[k]; l > 0 {
			d = math.Mod(d, l)
			d = min(d, l-d)
		}
		s += d * d
	}
	return s
}

// boxPeriod is the period of each axis for periodic distances: the extent
// of the positions plus one mean grid step (extent × m/(m−1) for m
// distinct coordinates), so that a grid wraps into a torus whose neighbours
// across the edge are one step apart. An axis with one coordinate does not
// wrap.
func boxPeriod(sets ...[]Pos) Pos {
	var period Pos
	for k := range 3 {
		seen := map[float64]bool{}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, ps := range sets {
			for _, p := range ps {
				seen[p[k]] = true
				lo, hi = min(lo, p[k]), max(hi, p[k])
			}
		}
		if m := float64(len(seen)); m > 1 {
			period[k] = (hi - lo) * m / (m - 1)
		}
	}
	return period
}
