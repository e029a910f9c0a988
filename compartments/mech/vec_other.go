//go:build !(goexperiment.simd && amd64)

package mech

func arithKernel(opcode, bool, bool) kernel { return nil }

func compareLanes(comparison, []float64, []float64, []float64, float64) int { return 0 }

func cnexpVec(d, s, a, b, dt []float64) { cnexpScalar(d, s, a, b, dt) }
