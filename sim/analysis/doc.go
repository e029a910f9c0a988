// Package analysis studies point models as dynamical systems: equilibria
// and their type, nullclines and vector fields, one-parameter continuation
// of equilibria with fold and Hopf points (and the Hopf's criticality),
// limit cycles continued from Hopf points with their folds, SNICs,
// brute-force bifurcation diagrams, F–I curves with Hodgkin's classes,
// integrator/resonator tests and Lyapunov exponents.
package analysis
