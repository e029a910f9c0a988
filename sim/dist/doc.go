// Package dist draws per-item values (a parameter of every neuron, the
// weight of every synapse) from a distribution, deterministically.
//
// The distributions, as a network file names them:
//
//   - constant: every item gets the same number.
//   - uniform (low, high): uniform on [low, high).
//   - normal (mean, sd): Gaussian; with low and/or high set, values outside
//     [low, high] are redrawn (truncation by redraw).
//   - lognormal (mean, sd): positive values whose own mean and standard
//     deviation are mean and sd (not those of their logarithm); may be
//     truncated as normal.
//   - csv (file, column): one value per item, read from a named column of a
//     CSV file.
//
// Sampling is a function of (seed, stream) only: the items are split into
// fixed chunks, each drawn from its own PCG generator seeded from the
// seed, the stream and the chunk index, so that filling an array on any
// number of threads gives the same values.
package dist
