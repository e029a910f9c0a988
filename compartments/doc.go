// Package compartments turns neuron morphologies into compartmental models
// and integrates the cable equation on the CPU with NEURON's numerics.
//
// It holds the morphology (sections of 3-D points, read from SWC files the
// way NEURON's Import3d reads them, or built from cylinders), the d_lambda
// discretisation, segment areas and axial resistances integrated over the
// frusta exactly as NEURON does, the membrane mechanisms (pas, hh), point
// processes (IClamp, ExpSyn, Exp2Syn), the flat Plan that backends share,
// and the CPU Engine: fixed-step backward Euler (or Crank–Nicolson) with a
// Hines tree solve, cells advanced in parallel on all cores.
package compartments
