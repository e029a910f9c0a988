// Package gpu chooses between the CPU and the GPU: NewSimulator for cable
// models and NewBatch for the dynamics lab's sweeps take "auto", "cpu" or
// "gpu", say why they chose, and carry a run on to the CPU when the device
// fails mid-run, nothing recorded lost or repeated. The device itself is
// package gpu/device; the GPU engines are gpu/cable and gpu/sweep, tested
// against the CPU engines, which are the reference.
package gpu
