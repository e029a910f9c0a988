package connect

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := new(scratch)
	for _, n := range []int{1, 2, 300, 2048, 2049, 1 << 22, 1 << 23, 1<<32 - 1} {
		for _, size := range []int{0, 5, radixAbove, 5000} {
			row := make([]uint32, size)
			for i := range row {
				row[i] = uint32(rng.Int64N(int64(n)))
			}
			want := slices.Sorted(slices.Values(row))
			s.sortRow(row, n)
			if !slices.Equal(row, want) {
				t.Fatalf("n %d, %d values: not sorted", n, size)
			}
		}
	}
}
