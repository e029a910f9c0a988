package analysis

import (
	"fmt"
	"math"
	"testing"

	"neurite/sim/point"
)

// TestPhasePortraitFHN: every piece of FitzHugh–Nagumo's nullclines lies
// on the curves known in closed form, w = v − v³/3 + I and
// w = (v + b)/c, within the error of linear interpolation on the grid; the
// one equilibrium is where they cross, and the arrows follow the field.
func TestPhasePortraitFHN(t *testing.T) {
	m := builtin(t, "fhn")
	I, a, b, c := 0.5, 0.08, 0.7, 0.8
	pp := PhasePortrait(m, 0, 1, DefaultWindow(m), m.InitialState(), 100)
	if len(pp.Nullclines[0]) < 50 || len(pp.Nullclines[1]) < 20 {
		t.Fatalf("%d and %d nullcline segments", len(pp.Nullclines[0]), len(pp.Nullclines[1]))
	}
	for _, s := range pp.Nullclines[0] {
		for _, p := range [][2]float64{{s.X0, s.Y0}, {s.X1, s.Y1}} {
			if d := p[1] - (p[0] - p[0]*p[0]*p[0]/3 + I); math.Abs(d) > 2e-3 {
				t.Fatalf("v-nullcline point %v is %.2g off w = v − v³/3 + I", p, d)
			}
		}
	}
	for _, s := range pp.Nullclines[1] {
		if d := s.Y0 - (s.X0+b)/c; math.Abs(d) > 1e-9 {
			t.Fatalf("w-nullcline point (%g, %g) is %.2g off w = (v + b)/c", s.X0, s.Y0, d)
		}
	}
	if len(pp.Equilibria) != 1 {
		t.Fatalf("%d equilibria, want 1", len(pp.Equilibria))
	}
	e := pp.Equilibria[0].X
	if r := e[0] - e[0]*e[0]*e[0]/3 - e[1] + I; math.Abs(r) > 1e-9 || math.Abs(a*(e[0]+b-c*e[1])) > 1e-9 {
		t.Errorf("equilibrium %v is not one", e)
	}
	for _, ar := range pp.Arrows {
		dv := ar.X - ar.X*ar.X*ar.X/3 - ar.Y + I
		if dv*ar.DX < 0 {
			t.Fatalf("arrow at (%g, %g) points against dv/dt = %g", ar.X, ar.Y, dv)
		}
	}
}

// ExamplePhasePortrait lists the equilibria of the high-threshold
// I_Na,p + I_K model at rest, as its phase portrait shows them.
func ExamplePhasePortrait() {
	m, _ := point.Builtin("inapk:high")
	pp := PhasePortrait(m, 0, 1, DefaultWindow(m), m.InitialState(), 80)
	for _, e := range pp.Equilibria {
		fmt.Printf("%-14s V = %6.2f mV, n = %.4f\n", e.Kind, e.X[0], e.X[1])
	}
	// Output:
	// stable node    V = -65.95 mV, n = 0.0003
	// saddle         V = -56.14 mV, n = 0.0020
	// unstable focus V = -27.28 mV, n = 0.3879
}

// BenchmarkPhasePortrait measures what a slider move costs: the whole
// portrait (nullclines on a 100×100 grid, 400 arrows, equilibria).
func BenchmarkPhasePortrait(b *testing.B) {
	for _, name := range []string{"fhn", "inapk:high", "hh", "izhikevich:RS"} {
		b.Run(name, func(b *testing.B) {
			m := builtin(b, name)
			xi, yi := 0, 1
			if name == "hh" {
				yi = 3 // v and n
			}
			w, at := DefaultWindow(m), m.InitialState()
			for b.Loop() {
				PhasePortrait(m, xi, yi, w, at, 100)
			}
		})
	}
}

// TestPhaseLineINaP: the persistent-sodium model at I = 0 has a stable
// rest, an unstable threshold and a stable excited state, alternating
// along the line where dv/dt changes sign; the excited state lies above
// Vpeak (20 mV), where the model resets first, and is not shown.
func TestPhaseLineINaP(t *testing.T) {
	m := builtin(t, "inap")
	m.SetParam("I", 0)
	v, dv, eqs := PhaseLine(m, DefaultWindow(m), 400)
	if len(v) != 401 || len(dv) != 401 {
		t.Fatalf("%d samples", len(v))
	}
	var crossings []float64
	for i := 1; i < len(v); i++ {
		if math.Signbit(dv[i]) != math.Signbit(dv[i-1]) {
			crossings = append(crossings, v[i])
		}
	}
	peak, _ := m.Param("Vpeak")
	if len(eqs) != 2 || len(crossings) != 3 || !(crossings[2] > peak) {
		t.Fatalf("%d equilibria, sign changes at %v (Vpeak %g)", len(eqs), crossings, peak)
	}
	for i, e := range eqs {
		if math.Abs(e.X[0]-crossings[i]) > (v[1] - v[0]) {
			t.Errorf("equilibrium %d at %.3f mV, dv/dt changes sign at %.3f", i, e.X[0], crossings[i])
		}
		if e.Stable() != (i == 0) {
			t.Errorf("equilibrium %d at %.3f mV is %s", i, e.X[0], e.Kind)
		}
	}
}

// TestPhaseLineAfterRun: the phase line is of the model's field, not of a
// run's refractory hold. A LIF run that ends within its refractory period
// leaves the model holding v; the line must still be (EL − v + R·I)/τ at
// every v.
func TestPhaseLineAfterRun(t *testing.T) {
	m := builtin(t, "lif")
	m.SetParam("I", 5)
	x := m.InitialState()
	x[m.V] = 0 // above threshold: the reset at t = 1 holds v for tref
	if m.Event(1, x) <= 0 {
		t.Fatalf("v = 0 does not cross the threshold")
	}
	m.Reset(1, x)
	v, dv, _ := PhaseLine(m, DefaultWindow(m), 40)
	tau, _ := m.Param("tau")
	el, _ := m.Param("EL")
	r, _ := m.Param("R")
	for k := range v {
		if want := (el - v[k] + r*5) / tau; math.Abs(dv[k]-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("dv/dt at %.3f mV: %g, want %g", v[k], dv[k], want)
		}
	}
}

// TestPhaseLineThreshold: a LIF neuron's rest at EL + R·I is an
// equilibrium of its phase line below the threshold; above it the neuron
// resets first and fires, so none is shown.
func TestPhaseLineThreshold(t *testing.T) {
	m := builtin(t, "lif") // EL −65 mV, R 10 MΩ, vth −50 mV
	for _, c := range []struct {
		I    float64
		want int
	}{{1, 1}, {2, 0}} {
		m.SetParam("I", c.I)
		_, _, eqs := PhaseLine(m, DefaultWindow(m), 100)
		if len(eqs) != c.want || c.want == 1 && math.Abs(eqs[0].X[0]-(-55)) > 1e-6 {
			t.Errorf("I = %g nA: equilibria %+v, want %d (at −55 mV)", c.I, eqs, c.want)
		}
	}
}
