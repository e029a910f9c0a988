// Package network runs networks of point neurons: populations sharing a
// model, projections in compressed sparse rows, spike inputs, Poisson
// drives and currents, as a backend of the run driver (sim.Driver).
//
// Each step follows Brian2's schedule: every neuron's state is updated
// (the membrane potential held while refractory, synaptic variables
// always), neurons above threshold spike, the inputs due at the step are
// delivered (a voltage jump is discarded while the target is refractory),
// and the neurons that spiked are reset. A spike at step n reaches its
// targets at step n + delay/dt; delays are at least one step, so neurons
// are independent within an epoch of the shortest delay and advance in
// parallel, with the same result for any number of threads. Rate
// projections carry a source's state variable, delayed, into a target
// parameter at every step instead of spikes (Rate); their delays bound
// the epoch in the same way.
//
// Leaky integrate-and-fire populations run a dedicated kernel with exact
// integration where the model is linear (delta and current synapses) and
// Euler otherwise; any other point model of the dynamics lab runs through
// its equations with Euler or RK4.
//
// The LIF kernel rounds every product that a sum takes in, writing it
// float64(x*y): Go may fuse x*y + z into one operation (on arm64, and on
// amd64 built with GOAMD64=v3), and the GPU engine (gpu/network), whose
// sums are GLSL precise, rounds each product. So the two agree to the
// bit on any build.
package network
