//go:build !(goexperiment.simd && amd64)

package fastexp

// Vector reports whether ExpSlice runs four lanes at a time: not in a
// build without Go's SIMD experiment on amd64.
const Vector = false

// ExpSlice sets dst[k] = Lane(src[k]) for every k of dst.
func ExpSlice(dst, src []float64) { expSlice(dst, src) }
