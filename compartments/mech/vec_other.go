//go:build !(goexperiment.simd && amd64)

package mech

import "neurite/sim/fastexp"

func arithKernel(opcode, bool, bool) kernel { return nil }

func expVec(d, a []float64) { fastexp.ExpSlice(d, a) }

func compareLanes(comparison, []float64, []float64, []float64, float64) int { return 0 }

func cnexpVec(d, s, a, b, dt []float64) { cnexpScalar(d, s, a, b, dt) }
