// Package connect places the neurons of a population in space and wires
// populations together: a connectivity rule, a seed and the population
// sizes give a CSR matrix (rows are presynaptic neurons, 32-bit targets
// sorted within a row), the same for any number of threads.
//
// Positions (µm): line (n neurons spacing apart along x), ring (n neurons
// on a circle of a radius in the xy plane), sheet (nx × ny grid in the xy
// plane), box (nx × ny × nz grid), csv (columns x, y, z, one row per
// neuron).
//
// Rules, as a network file names them:
//
//   - all_to_all: every source neuron to every target neuron.
//   - one_to_one: source i to target i; the populations must be the same size.
//   - fixed_probability (p): each pair independently with probability p.
//   - fixed_indegree (indegree): every target gets exactly that many
//     sources, drawn uniformly.
//   - fixed_outdegree (outdegree): every source reaches exactly that many
//     targets, drawn uniformly.
//   - fixed_total (total): that many synapses, each pair drawn uniformly
//     (as NEST, multapses are allowed by default for this rule).
//   - small_world (k, beta): Watts–Strogatz within one population: neuron
//     i reaches its k nearest neighbours on a ring (k/2 on each side), and
//     each of these synapses is moved with probability beta to a uniformly
//     drawn target. Directed: out-degree is exactly k; beta = 0 is the ring
//     lattice.
//   - scale_free (m): Barabási–Albert within one population: neurons are
//     added one by one, each linked to m earlier neurons chosen with
//     probability proportional to their degree. Every link is a pair of
//     synapses, one each way, so in- and out-degree are equal and
//     heavy-tailed.
//   - distance (kernel, scale, p_max, periodic): each pair with probability
//     p_max·exp(−d²/2σ²) (kernel gaussian, σ = scale) or p_max·exp(−d/λ)
//     (kernel exponential, λ = scale), d the distance between the neurons'
//     positions; periodic wraps distances around the bounding box of the
//     positions (one grid step wider than the extent, so that the last and
//     first neurons of a row are neighbours).
//   - csv (file): explicit pairs, columns pre, post and optionally weight
//     and delay.
//
// Autapses (a neuron onto itself, within one population) and multapses
// (two synapses on the same pair) are off unless the rule asks for them.
package connect
