// Package netmodels builds the benchmark networks of point neurons in Go:
// Vogels and Abbott's COBA as Brian2 runs it (the peers'
// brian_coba.py) and Brunel's (2000) model A, for neurite bench and for
// the engine's benchmarks. The Potjans–Diesmann microcircuit is a model
// file (assets/models/microcircuit.toml), written by Microcircuit.
package netmodels
