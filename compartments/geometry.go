package compartments

import (
	"math"

	"neurite/sim/spec"
)

// Geometry is the electrical geometry of a section cut into nseg segments of
// equal length, integrated over the frusta between 3-D points the way
// NEURON's nrn_area_ri does it, so that areas and resistances agree with
// NEURON's seg.area() and seg.ri() to rounding.
type Geometry struct {
	Area []float64 // membrane area of each segment, µm² (frustum side surfaces, no end caps)
	Diam []float64 // mean diameter of each segment, µm
	// Ri[i] is the axial resistance in MΩ between segment i's node and the
	// node before it: for i = 0 the section's 0 end (its parent's node), so
	// only the left half of segment 0; otherwise the right half of segment
	// i-1 plus the left half of segment i.
	Ri []float64
	// RiEnd is the resistance from the last segment's node to the 1 end.
	RiEnd float64
}

// minPiece stands in for zero-length pieces so that no division by zero
// occurs (a diameter step at one arc position still adds its annulus area).
const minPiece = 1e-15

// Geometry integrates the section's area and axial resistance (Ra in Ω·cm)
// over nseg segments. The diameter varies linearly in arc length between
// 3-D points; every half segment is integrated piece by piece, cutting at
// each 3-D point inside it.
func (s *Section) Geometry(nseg int, Ra float64) Geometry {
	g := Geometry{Area: make([]float64, nseg), Diam: make([]float64, nseg), Ri: make([]float64, nseg)}
	pts := s.Points
	last := len(pts) - 1
	ds := s.L() / float64(nseg)
	// The sweep moves forward once over the points: j is the current
	// piece [pts[j], pts[j+1]] and (pos, diam) the integration front.
	j := 0
	pos, diam := pts[0].Arc, pts[0].Diam
	// halfIntegral integrates from the front up to arc position end and
	// returns area/π·2, Σδ/(d1·d2) and ∫d ds·2 over that stretch.
	halfIntegral := func(end float64) (area, resist, dsum float64) {
		for {
			a, b := pts[j], pts[j+1]
			var nextPos, nextDiam float64
			stay := b.Arc > end || j+1 == last
			if stay {
				f := 1.0
				if b.Arc-a.Arc >= 1e-10 {
					f = (end - a.Arc) / (b.Arc - a.Arc)
				}
				nextPos, nextDiam = end, (1-f)*a.Diam+f*b.Diam
			} else {
				nextPos, nextDiam = b.Arc, b.Diam
			}
			delta := nextPos - pos
			dsum += (diam + nextDiam) * delta
			delta = math.Max(delta, minPiece)
			if prod := diam * nextDiam; prod > 0 {
				resist += delta / prod
			} else {
				resist += 1 / minPiece
			}
			half := (nextDiam - diam) / 2
			area += (diam + nextDiam) * math.Sqrt(delta*delta+half*half)
			pos, diam = nextPos, nextDiam
			if stay {
				return area, resist, dsum
			}
			j++
		}
	}
	// Σδ/(d1·d2) → MΩ: 4·Ra/π · 1e-2 (Ω·cm/µm = 1e4 Ω = 1e-2 MΩ).
	toMOhm := 4 * Ra * 1e-2 / math.Pi
	rPrev := 0.0
	for i := range nseg {
		mid := float64(i)*ds + ds/2
		aL, rL, dL := halfIntegral(mid)
		aR, rR, dR := halfIntegral(mid + ds/2)
		g.Area[i] = math.Pi / 2 * (aL + aR)
		g.Diam[i] = (dL + dR) / (2 * ds)
		g.Ri[i] = rPrev + rL*toMOhm
		rPrev = rR * toMOhm
	}
	g.RiEnd = rPrev
	return g
}

// LambdaF is the section's AC length constant in µm at frequency freq (Hz)
// for axial resistivity Ra (Ω·cm) and membrane capacitance cm (µF/cm²),
// computed from the 3-D points as NEURON's stdlib lambda_f.
func (s *Section) LambdaF(freq, Ra, cm float64) float64 {
	if cm == 0 {
		return 1e10
	}
	sum := 0.0
	for i := 1; i < len(s.Points); i++ {
		sum += (s.Points[i].Arc - s.Points[i-1].Arc) / math.Sqrt(s.Points[i-1].Diam+s.Points[i].Diam)
	}
	return s.L() / (sum * math.Sqrt2 * 1e-5 * math.Sqrt(4*math.Pi*freq*Ra*cm))
}

// NsegDLambda returns the odd number of segments NEURON's d_lambda rule
// gives: segments no longer than dLambda times the length constant at freq.
//
// A d_lambda so small that the count passes NEURON's limit gives one past
// it (spec.MaxNseg + 1 or more, which the plan refuses), never a count
// overflowed.
func (s *Section) NsegDLambda(dLambda, freq, Ra, cm float64) int {
	half := (s.L()/(dLambda*s.LambdaF(freq, Ra, cm)) + 0.9) / 2
	return int(min(half, spec.MaxNseg))*2 + 1
}
