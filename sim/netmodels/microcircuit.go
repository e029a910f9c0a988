package netmodels

import (
	"fmt"
	"math"
	"strings"
)

// The Potjans and Diesmann (2014) cortical microcircuit, with the
// parameters of NEST's PyNEST example (pynest/examples/Potjans_2014,
// network_params.py): eight populations of current-based LIF neurons
// (iaf_psc_exp) in four layers, fixed total numbers of synapses from the
// connection probabilities, normal weights and delays, and independent
// Poisson background at 8 Hz per external synapse.
var (
	// MicrocircuitPops are the population names, as the file writes them.
	MicrocircuitPops = []string{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"}
	mcN              = []int{20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}
	// MicrocircuitRates are the populations' mean rates (Hz) of the
	// full-scale model with Poisson input, as NEST's example lists them
	// (full_mean_rates).
	MicrocircuitRates = []float64{0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523}
	// mcP[target][source] is the connection probability.
	mcP = [8][8]float64{
		{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0, 0.0076, 0},
		{0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0, 0.0042, 0},
		{0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0},
		{0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0, 0.1057, 0},
		{0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0},
		{0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0},
		{0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
		{0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443},
	}
	mcKext = []int{1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}
	// The "optimized" initial membrane potentials (mean and SD, mV) that
	// keep the start-up transient small.
	mcV0Mean = []float64{-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43}
	mcV0SD   = []float64{5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48}
)

// The neuron (iaf_psc_exp as the example sets it) and synapse constants.
const (
	mcCm, mcTauM, mcTauSyn = 250.0, 10.0, 0.5 // pF, ms, ms
	mcPSP, mcPSPRelSD, mcG = 0.15, 0.1, -4.0  // mV, relative, inhibitory/excitatory
	mcBgRate               = 8.0              // Hz per external synapse
	mcDelayE, mcDelayI     = 1.5, 0.75        // ms
	mcDelayRelSD           = 0.5
)

// pscPerPSP is the peak current (pA) of an exponential synaptic current
// whose PSP on the LIF neuron peaks at 1 mV (NEST's
// postsynaptic_potential_to_current).
func pscPerPSP(cm, tauM, tauSyn float64) float64 {
	sub := 1 / (tauSyn - tauM)
	pre := tauM * tauSyn / cm * sub
	frac := math.Pow(tauM/tauSyn, sub)
	return 1 / (pre * (math.Pow(frac, tauM) - math.Pow(frac, tauSyn)))
}

// MicrocircuitSynapses is the number of synapses from population source
// to target at scale 1: the expected number of distinct pairs is
// N_pre·N_post·p, drawn with multapses (NEST's
// num_synapses_from_conn_probs).
func MicrocircuitSynapses(target, source int) float64 {
	prod := float64(mcN[source]) * float64(mcN[target])
	return math.Log(1-mcP[target][source]) / math.Log((prod-1)/prod)
}

// Microcircuit writes the model file of the microcircuit with every
// population's size scaled by scale, and the synapse counts with it so
// that in-degrees, and so the mean input of each neuron, stay those of
// the full model (NEST's N_scaling with K_scaling 1). tstop is the run's
// length in ms.
func Microcircuit(scale, tstop float64) string { return MicrocircuitProcedural(scale, tstop, false) }

// MicrocircuitProcedural is Microcircuit with every projection
// procedural = true where procedural is set: its rows drawn again on the
// device instead of stored there (GeNN's procedural connectivity).
func MicrocircuitProcedural(scale, tstop float64, procedural bool) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	psc := pscPerPSP(mcCm, mcTauM, mcTauSyn) * mcPSP / 1000 // nA
	size := func(i int) int { return max(1, int(math.Round(float64(mcN[i])*scale))) }
	total := 0
	for i := range mcN {
		total += size(i)
	}
	w("# The Potjans and Diesmann (2014) cortical microcircuit, %s (%d neurons):\n", scaleText(scale), total)
	w("# NEST's PyNEST example (Potjans_2014/network_params.py) with Poisson\n")
	w("# background, written by sim/netmodels.Microcircuit; do not edit by hand.\n")
	w("# Neurons: iaf_psc_exp (C_m 250 pF, tau_m 10 ms, so R = 40 MOhm; E_L =\n")
	w("# V_reset = -65 mV, V_th = -50 mV, t_ref 2 ms), exact integration.\n")
	w("# Synapses: exponential currents, tau_syn 0.5 ms; a PSP of 0.15 mV is a\n")
	w("# PSC of %.2f pA, inhibitory ones g = -4 times that, L4E->L23E twice;\n", psc*1000)
	w("# weights normal with 10%% SD, delays normal (1.5 ms excitatory, 0.75 ms\n")
	w("# inhibitory, SD half the mean) redrawn below dt. Synapse counts are\n")
	w("# NEST's from the connection probabilities, multapses and autapses on,\n")
	w("# scaled with the populations so that in-degrees stay the full model's.\n")
	w("name = \"microcircuit\"\nseed = 55\n\n[run]\ntstop = %g\ndt = 0.1\n", tstop)
	for i, name := range MicrocircuitPops {
		w("\n[[population]]\nname = %q\nsize = %d\nmodel = \"lif\"\nmethod = \"exact\"\nthreshold = -50\n", name, size(i))
		w("[population.params]\ntau = %g\nEL = -65\nR = %g\nvreset = -65\ntref = 2\n", mcTauM, mcTauM/mcCm*1000)
		w("[population.init]\nv = { dist = \"normal\", mean = %g, sd = %g }\n", mcV0Mean[i], mcV0SD[i])
	}
	for t, to := range MicrocircuitPops {
		for s, from := range MicrocircuitPops {
			if mcP[t][s] == 0 {
				continue
			}
			n := int(math.Round(MicrocircuitSynapses(t, s) * scale))
			if n == 0 {
				continue
			}
			mean, bound, delay := psc, "low = 0", mcDelayE
			if s%2 == 1 {
				mean, bound, delay = psc*mcG, "high = 0", mcDelayI
			} else if t == 0 && s == 2 {
				mean *= 2
			}
			w("\n[[projection]]\nfrom = %q\nto = %q\nrule = \"fixed_total\"\ntotal = %d\nmultapses = true\nautapses = true\n", from, to, n)
			if procedural {
				w("procedural = true\n")
			}
			w("synapse = \"exp_current\"\ntau = %g\n", mcTauSyn)
			w("weight = { dist = \"normal\", mean = %.6g, sd = %.6g, %s }\n", mean, math.Abs(mean)*mcPSPRelSD, bound)
			w("delay = { dist = \"normal\", mean = %g, sd = %g, low = 0.1 }\n", delay, delay*mcDelayRelSD)
		}
	}
	for i, name := range MicrocircuitPops {
		w("\n[[input]]\nname = \"bg_%s\"\nto = %q\nkind = \"poisson\"\nrate = %g\nweight = %.6g\nsynapse = \"exp_current\"\ntau = %g\n",
			name, name, mcBgRate*float64(mcKext[i]), psc, mcTauSyn)
	}
	w("\n[record]\nspikes = \"all\"\nrates = true\nrate_bin = 10\n")
	return b.String()
}

func scaleText(scale float64) string {
	if scale == 1 {
		return "full scale"
	}
	return fmt.Sprintf("at %g%% of full scale", scale*100)
}
