package sim

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ForEach calls work(i) for every i in [0, n) on up to workers goroutines
// (0: one per core; 1: in order on the caller's), each taking the next i
// as it finishes one, so that uneven items balance. Each goroutine calls
// newWorker once and uses the work function it returns, so that a worker
// can own scratch space. work(i) must write only what item i owns.
func ForEach(n, workers int, newWorker func() (work func(i int))) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		work := newWorker()
		for i := range n {
			work(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			work := newWorker()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
			}
		})
	}
	wg.Wait()
}
