package spec

import (
	"slices"
	"strings"
)

// RateSynapse is the synapse of a projection that carries a continuous
// quantity instead of spikes: every step, the target model's parameter
// input takes its own value plus Σ weight·var(t − delay) over the
// synapses from the source population, var a state variable of the
// source model (a rate unit's r).
const RateSynapse = "rate"

// rateKeys are the keys a rate projection takes beyond the rule's.
var rateKeys = []string{"var", "input"}

// rateProjection checks a rate projection: a source model without a reset
// and its variable, a target model run through its equations and its
// parameter; it fills var and input's defaults.
func (c *checker) rateProjection(k func(...any) []any, tbl map[string]any, pr *Projection, from, to popInfo, okFrom, okTo bool) {
	what := "projection " + pr.Name
	c.keysIn(k(), tbl, what+": synapse rate", slices.Concat(synapseParams[1:], []string{"at", "region", "path_distance"}), [2][]string{nil, rateKeys})
	if okFrom {
		switch m := from.model; {
		case from.Cable():
			c.fail(k("from"), "%s: synapse rate carries a point model's variable; population %s is of cable cells", what, from.Name)
		case from.Model == PoissonSource:
			c.fail(k("from"), "%s: population %s is of Poisson spike sources and has no rate to carry: give a delta, current or conductance synapse, or a source model without a reset (rate, rate-relu, wilson-cowan)", what, from.Name)
		case m == nil:
		case m.Spiking():
			c.fail(k("from"), "%s: population %s's model %s spikes (it resets at a threshold) and has no rate to carry: give a delta, current or conductance synapse, or a source model without a reset (rate, rate-relu, wilson-cowan)", what, from.Name, m.Name)
		default:
			vars := make([]string, len(m.Vars))
			for j, v := range m.Vars {
				vars[j] = v.Name
			}
			if _, given := tbl["var"]; !given {
				pr.Var = vars[m.V]
			} else if !slices.Contains(vars, pr.Var) {
				c.fail(k("var"), "%s: model %s of population %s has no variable %q%s (%s)", what, m.Name, from.Name, pr.Var, didYouMean(pr.Var, vars), strings.Join(vars, ", "))
			}
		}
	}
	if !okTo {
		return
	}
	switch m := to.model; {
	case to.Cable():
		c.fail(k("to"), "%s: synapse rate drives a point model; population %s is of cable cells", what, to.Name)
	case m == nil:
	case to.Model == PoissonSource || strings.EqualFold(to.Model, "lif"):
		c.fail(k("to"), "%s: synapse rate drives a parameter of a model run through its equations; population %s (%s) takes spikes only", what, to.Name, to.Model)
	default:
		params := make([]string, len(m.Params))
		for j, q := range m.Params {
			params[j] = q.Name
		}
		_, given := tbl["input"]
		switch {
		case !given && m.Input == "":
			c.fail(k(), "%s: model %s of population %s has no input current: name the parameter that takes the sum (input = \"...\"; %s)", what, m.Name, to.Name, strings.Join(params, ", "))
		case !given:
			pr.Input = m.Input
		case !slices.Contains(params, pr.Input):
			c.fail(k("input"), "%s: model %s of population %s has no parameter %q%s to take the sum (%s)", what, m.Name, to.Name, pr.Input, didYouMean(pr.Input, params), strings.Join(params, ", "))
		}
	}
}

// notRate refuses a rate projection's keys on a projection of spikes.
func (c *checker) notRate(k func(...any) []any, tbl map[string]any, what string) {
	for _, key := range rateKeys {
		if _, ok := tbl[key]; ok {
			c.fail(k(key), "%s: %s belongs to rate projections (synapse = \"rate\")", what, key)
		}
	}
}
