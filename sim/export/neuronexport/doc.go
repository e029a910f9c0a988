// Package neuronexport writes a cable model, a single cell or a network
// of multi-compartment cells, as a folder that NEURON 8.2 runs: run.py,
// the model it reads (model.json: sections with their geometry, nseg, Ra,
// cm, mechanisms and ions; synapses, clamps, point processes, detectors
// and probes, cell by cell), the input events and the connections as CSV,
// and the model's .mod files under mod/.
//
// Everything is taken from the plan Neurite itself runs (compartments.Plan,
// built by compartments.Build or sim/netbuild), so the two simulators get
// the same segments, synapses, connections, weights, delays and input
// spike trains. run.py distributes the cells over MPI ranks round-robin
// with ParallelContext and writes traces.csv and spikes.csv in Neurite's
// formats. What the exporter cannot write is an error naming it.
package neuronexport
