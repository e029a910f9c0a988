// Package hdf5 reads and writes HDF5 files through a thin cgo layer over
// the reference library, libhdf5 (Debian's libhdf5-dev, 1.10): files,
// groups, attributes, whole datasets of numbers or strings, and
// extendable datasets that a run appends to as it goes. It holds no
// format of its own; sim/sonata and sim/nwb lay out SONATA and NWB files
// with it.
//
// Why libhdf5 and not a writer of our own. Writing a minimal HDF5 file
// (superblock, object headers, a symbol-table group, contiguous data)
// takes a few hundred lines, but Neurite must also read the spike
// reports that NEURON (through libsonatareport), NEST, Arbor and h5py
// write, and those use whatever the library chose: version 0 to 3
// superblocks, compact, dense (fractal heap) and symbol-table groups,
// chunked and deflate-compressed datasets, enumerated, fixed- and
// variable-length string attributes, and any integer width for node
// ids. A reader of all that is a second HDF5 library, which would meet
// again the bugs the reference one has had fixed. libhdf5 reads all of
// it, converts integer and float widths on reading, and writes files
// that h5py, libsonata and pynwb read because they use it too. Its cost
// is a build dependency: the neurite command already links C (OpenGL,
// GLFW, EGL); libhdf5-dev is one more Debian package, which the Makefile
// installs (7 MB to download with h5py, 20 MB installed, of which the
// library the binary loads, libhdf5_serial.so.103, is 4 MB); this
// package compiles in about 4 s on two busy cores. Writing a million
// spikes (float64 times and uint64 ids) takes 9 ms as whole datasets
// (h5py: 9 ms, the same library), 20 ms appended in chunks, and 35 ms as
// a run hands them over, sorted step by step (BenchmarkSpikeArrays here,
// BenchmarkWriteSpikes in sim/sonata; on a shared machine, up to twice
// that).
//
// What a damaged file does inside libhdf5 is libhdf5's: randomly
// corrupted attribute headers and string heaps can crash it or make it
// loop, here as in h5py, which uses the same library; there is no Go
// parser here to fuzz. Truncated files, other formats and missing or
// mistyped objects give errors (see the tests).
//
// libhdf5 is not safe for concurrent use unless built thread-safe, and
// its error stack is kept per OS thread; every call therefore holds one
// package lock with the goroutine locked to its thread. The library's
// own printing of error stacks is turned off: errors come back as Go
// errors that name the file, the object and what is wrong.
package hdf5
