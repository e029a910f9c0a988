// Package sim holds what every simulation backend shares: the recorder
// interface through which runs hand over traces, spikes and voltage
// snapshots, an in-memory recorder, and the error a numerical blow-up
// raises.
//
// Subpackages: spec reads and checks model files; output writes results
// atomically as CSV and NPY; fastexp is the exponential the kernels use;
// hdf5, sonata and nwb write (and sonata reads) the field's interchange
// formats.
package sim
