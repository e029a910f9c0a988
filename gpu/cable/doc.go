// Package cable is the cable engine on the GPU: a compartments.Plan's
// cells laid out one per invocation or one per work group, advanced in
// compute shaders by NEURON's fixed-step scheme (hh gates in single
// precision; the tree solve and the NMODL mechanisms, written as GLSL by
// gpu/mechglsl, in double) as a backend of sim.Driver.
package cable
