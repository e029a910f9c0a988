// Package fastlog computes natural logarithms four at a time with the
// bits of math.Log.
//
// The Nernst potentials of a cell's ions (one logarithm a node and step
// for each ion whose concentrations a mechanism writes) and the powers
// of NMODL's channels (x^y as e^(y·ln x)) took a twentieth of a Hay
// cell's run in math.Log, one value at a time. LogSlice runs the
// algorithm of Go's amd64 math.Log (fdlibm's: x = 2^k·(1+f), log(1+f)
// from s = f/(2+f) and a polynomial in s²) on four lanes, operation for
// operation and without fused multiply-adds, so that every value it
// gives is the one math.Log gives: a value does not depend on whether it
// went through a vector or alone, and results stay what they were.
// Lanes that are not positive normal finite numbers (zero, negatives,
// subnormals, infinities, NaN) are passed to math.Log itself.
package fastlog
