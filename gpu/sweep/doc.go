// Package sweep runs the dynamics lab's parameter sweeps of point models
// on the GPU: one copy of the model per invocation, many steps per
// dispatch with the state in registers, built-in models and models typed
// as equations (translated to GLSL), falling back to the CPU for what the
// device cannot run.
package sweep
