// Package spiketrain measures recorded spikes: the population rate in bins
// (optionally smoothed with a Gaussian), each neuron's rate, inter-spike
// intervals and their coefficient of variation, histograms of them, and
// two measures of synchrony: Golomb and Hansel's χ and Kuramoto's order
// parameter.
//
// Spikes come as the recorders hand them over ([]sim.Spike: a neuron id
// and a time in ms); Trains splits them into each neuron's sorted spike
// times, which the per-neuron measures take. Times are in ms, rates in Hz.
//
// Nothing here returns NaN as a value: an undefined measure (the CV of a
// neuron with fewer than three spikes, χ of a silent population) is left
// out or reported as an error.
package spiketrain
