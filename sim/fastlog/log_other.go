//go:build !(goexperiment.simd && amd64)

package fastlog

import "math"

// Vector reports whether LogSlice runs four lanes at a time: not in a
// build without Go's SIMD experiment on amd64.
const Vector = false

// LogSlice sets dst[k] = math.Log(src[k]) for every k of dst (src at
// least as long).
func LogSlice(dst, src []float64) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = math.Log(x)
	}
}
