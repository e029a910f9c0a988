package homeostasis

import (
	"math"
	"testing"

	"neurite/sim/connect"
)

// TestScale: a silent target's weights grow by 1 + Rate·span, one firing
// at twice the target shrink by 1 − Rate·span, one at the target keep
// theirs, and WMax bounds the growth; Reset forgets the rates.
func TestScale(t *testing.T) {
	// Three targets, two synapses each (sources 0 and 1 onto all).
	csr := &connect.CSR{Start: []int64{0, 3, 6}, Target: []uint32{0, 1, 2, 0, 1, 2}}
	in, err := csr.Transpose(3)
	if err != nil {
		t.Fatal(err)
	}
	r := &Rule{Target: 10, Tau: 1000, Rate: 1e-3, WMax: 1.05}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	w := []float64{1, 1, 1, 1, 1, 1}
	s := New(r, in, w, 3)
	// Target 1 at 20 Hz and target 2 at 10 Hz, in the filtered estimate:
	// each spike adds 1000/Tau = 1 Hz.
	for k := range 20 {
		s.Spike(1, 0)
		if k < 10 {
			s.Spike(2, 0)
		}
	}
	const span = 10
	s.Scale(0, span)
	for _, c := range []struct {
		syn  int
		want float64
	}{{0, 1.01}, {3, 1.01}, {1, 0.99}, {4, 0.99}, {2, 1}, {5, 1}} {
		if math.Abs(w[c.syn]-c.want) > 1e-12 {
			t.Errorf("synapse %d: %v, want %v", c.syn, w[c.syn], c.want)
		}
	}
	for range 10 {
		s.Scale(0, span)
	}
	if w[0] != r.WMax {
		t.Errorf("silent target's weight %v, want the bound %v", w[0], r.WMax)
	}
	s.Reset()
	before := w[1]
	s.Scale(0, span)
	if want := math.Min(before*1.01, r.WMax); math.Abs(w[1]-want) > 1e-12 {
		t.Errorf("after Reset the target is silent: %v, want %v", w[1], want)
	}
	if (&Rule{Target: 10, Tau: 0, Rate: 1}).Check() == nil {
		t.Error("tau 0 accepted")
	}
}
