// Package netbuild lowers a network model file (spec.Network) to an
// engine: networks of point neurons to a sim/network.Network, networks of
// cable cells to a compartments plan whose cells are wired by NetCons.
// Every random quantity (parameters, initial states, connectivity,
// weights, delays, Poisson inputs) is drawn from the file's seed, one
// stream per quantity, so a run is the same on any number of threads.
package netbuild
