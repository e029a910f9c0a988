package stdp

import (
	"math"
	"testing"
)

// TestMove: additive steps are in units of w_max, multiplicative ones
// scale with the room left, and weights stay within their bounds.
func TestMove(t *testing.T) {
	add := &Rule{TauPlus: 20, TauMinus: 20, WMin: 0.1, WMax: 2}
	mul := &Rule{TauPlus: 20, TauMinus: 20, WMin: 0.1, WMax: 2, Multiplicative: true}
	for _, c := range []struct {
		name       string
		r          *Rule
		w, a, want float64
		potentiate bool
	}{
		{"additive up", add, 1, 0.1, 1.2, true},
		{"additive down", add, 1, -0.1, 0.8, false},
		{"additive above w_max", add, 1.9, 0.1, 2, true},
		{"additive below w_min", add, 0.2, -0.1, 0.1, false},
		{"multiplicative up", mul, 1, 0.5, 1.5, true},
		{"multiplicative down", mul, 1, -0.5, 0.55, false},
	} {
		if got := c.r.Move(c.w, c.a, c.potentiate); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: %v moved by %v gives %v, want %v", c.name, c.w, c.a, got, c.want)
		}
	}
}

// TestTrace: all-to-all traces add their increments, nearest-neighbour
// ones reset to them; both decay with their time constant.
func TestTrace(t *testing.T) {
	for _, c := range []struct {
		nearest bool
		want    float64
	}{{false, math.Exp(-1) + 1}, {true, 1}} {
		tr := NewTrace(1)
		tr.Bump(0, 0, 0.1, 1, c.nearest)
		tr.Bump(0, 10, 0.1, 1, c.nearest)
		if got := tr.At(0, 10, 0.1); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("nearest %v: trace %v after two spikes 10 ms apart, want %v", c.nearest, got, c.want)
		}
		if got, want := tr.At(0, 30, 0.1), c.want*math.Exp(-2); math.Abs(got-want) > 1e-15*want {
			t.Errorf("nearest %v: trace %v 20 ms later, want %v", c.nearest, got, want)
		}
	}
}
