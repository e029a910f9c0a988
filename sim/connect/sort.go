package connect

import (
	"math/bits"
	"slices"
)

// radixAbove is the row length from which sortRow uses a radix sort.
const radixAbove = 256

// sortRow sorts a row of targets below n. Long rows (those of fixed_total
// and fixed_outdegree run to thousands) are radix sorted on digits of up
// to 11 bits, a few linear passes instead of a comparison sort's
// n log n.
func (s *scratch) sortRow(row []uint32, n int) {
	if len(row) < radixAbove {
		slices.Sort(row)
		return
	}
	width := bits.Len(uint(max(n-1, 1)))
	passes := (width + 10) / 11
	digit := (width + passes - 1) / passes
	if cap(s.tmp) < len(row) {
		s.tmp = make([]uint32, len(row))
	}
	if len(s.count) < 1<<digit {
		s.count = make([]int, 1<<digit)
	}
	src, dst := row, s.tmp[:len(row)]
	mask := uint32(1)<<digit - 1
	for p := range passes {
		shift := p * digit
		count := s.count[:1<<digit]
		clear(count)
		for _, v := range src {
			count[v>>shift&mask]++
		}
		at := 0
		for d, c := range count {
			count[d], at = at, at+c
		}
		for _, v := range src {
			d := v >> shift & mask
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 {
		copy(row, src)
	}
}
