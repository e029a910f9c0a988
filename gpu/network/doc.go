// Package network runs point networks of LIF neurons and of the
// dynamics lab's other point models on the GPU: a
// sim.Backend under the one run driver, one invocation per neuron and a
// whole epoch per dispatch, in double precision with the CPU engine's
// arithmetic (sim/network) and its random draws (sim/rng), so that both
// give the same spikes, noise included. What it does not run (models
// with a stimulus of their own, rate projections) is refused with
// ErrUnsupported, and package gpu's policy keeps such a network on the
// CPU.
package network
