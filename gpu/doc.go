// Package gpu chooses between the CPU and the GPU: NewSimulator for cable
// models, NewNetSimulator for point networks and NewBatch for the
// dynamics lab's sweeps take "auto", "cpu" or "gpu", say why they chose,
// and carry a run on to the CPU when the device fails mid-run, nothing
// recorded lost or repeated. The device itself is package gpu/device; the
// GPU engines are gpu/cable, gpu/network and gpu/sweep, tested against the
// CPU engines, which are the reference.
package gpu
