package sim_test

import (
	"sync/atomic"
	"testing"

	"neurite/sim"
)

// TestForEach: every item is worked once, on no more goroutines than
// asked, whatever the count.
func TestForEach(t *testing.T) {
	for _, c := range []struct{ n, workers int }{{0, 4}, {1, 4}, {100, 1}, {100, 3}, {1000, 0}} {
		seen := make([]int32, c.n)
		var made atomic.Int32
		sim.ForEach(c.n, c.workers, func() func(int) {
			made.Add(1)
			return func(i int) { atomic.AddInt32(&seen[i], 1) }
		})
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("n %d, workers %d: item %d worked %d times", c.n, c.workers, i, k)
			}
		}
		if c.workers > 0 && int(made.Load()) > c.workers {
			t.Errorf("n %d: %d workers made, at most %d asked", c.n, made.Load(), c.workers)
		}
	}
}
