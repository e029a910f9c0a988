package spec

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"neurite/sim"
)

// netFiles are the files the test networks refer to.
var netFiles = fstest.MapFS{
	"models/wc.ode":         {Data: []byte("par a=1, I=0\ninit x=0\nx' = -a*x + I\n")},
	"models/decay.ode":      {Data: []byte("par a=1\ninit x=0\nx' = -a*x\n")},
	"models/cells/bs.toml":  {Data: []byte(minimal)},
	"models/cells/bad.toml": {Data: []byte(strings.Replace(minimal, "tstop = 10", "tstop = -1", 1))},
}

func parseNet(src string) (*Network, error) {
	fsys := fstest.MapFS{"models/net.toml": {Data: []byte(src)}}
	for k, v := range netFiles {
		fsys[k] = v
	}
	return LoadNetworkFS(fsys, "models/net.toml")
}

const fullNet = `name = "coba"
seed = 7

[run]
tstop = 1000
dt = 0.1
threads = 2

[[population]]
name = "E"
size = 100
model = "lif"
threshold = -50
[population.params]
tau = 20
EL = { dist = "uniform", low = -60, high = -50 }
[population.init]
v = { dist = "normal", mean = -60, sd = 5 }
[population.positions]
layout = "sheet"
spacing = 10
nx = 10
ny = 10

[[population]]
name = "W"
size = 10
equations = "wc.ode"

[[population]]
name = "C"
size = 4
cell = "cells/bs.toml"

[[projection]]
from = "E"
to = "E"
rule = "fixed_probability"
p = 0.02
weight = 0.4
delay = { dist = "normal", mean = 1, sd = 0.2, low = 0.1 }
synapse = "exp_conductance"
tau = 5
e_rev = 0

[[projection]]
name = "EC"
from = "E"
to = "C"
rule = "fixed_total"
total = 20
weight = 0.001
delay = 1
synapse = "Exp2Syn"
tau1 = 0.5
tau2 = 5
at = "dend(0.5)"

[[input]]
name = "bg"
to = "E"
neurons = "0:50"
kind = "poisson"
rate = 20
weight = 0.5

[[input]]
to = "W"
kind = "step"
amp = 0.3
start = 100
neurons = [0, 5, 7]

[[plasticity]]
projection = "E->E"
rule = "stdp"
a_plus = 0.01
a_minus = 0.0105
w_max = 1

[record]
spikes = ["E[0:10]", "C"]
rates = true
states = [ { population = "W", var = "x", neurons = "0:2" } ]
weights = [ { projection = "EC", synapses = 5 } ]
`

// TestNetworkFull: a valid file reads into the struct it describes, with
// the defaults filled and the files resolved beside the model.
func TestNetworkFull(t *testing.T) {
	n, err := parseNet(fullNet)
	if err != nil {
		t.Fatal(err)
	}
	f := func(x float64) *float64 { return &x }
	inf := math.Inf(1)
	want := []any{
		n.Name, "coba", n.Seed, 7, n.Run, NetRun{Tstop: 1000, Dt: 0.1, Threads: 2, Backend: "auto"},
		n.Populations[0], Population{
			Name: "E", Size: 100, Model: "lif", Method: "exact", Threshold: f(-50),
			Params: map[string]Value{
				"tau": {Dist: DistConst, Const: 20},
				"EL":  {Dist: DistUniform, Low: -60, High: -50},
			},
			Init:      map[string]Value{"v": {Dist: DistNormal, Mean: -60, SD: 5, Low: -inf, High: inf}},
			Positions: &Positions{Layout: "sheet", Spacing: 10, NX: 10, NY: 10},
		},
		n.Populations[1], Population{Name: "W", Size: 10, Equations: "models/wc.ode", Method: "rk4"},
		n.Populations[2], Population{Name: "C", Size: 4, Cell: "models/cells/bs.toml"},
		n.Projections[0], Projection{
			Name: "E->E", From: "E", To: "E", Rule: "fixed_probability", P: 0.02,
			Weight:          Value{Dist: DistConst, Const: 0.4},
			Delay:           Value{Dist: DistNormal, Mean: 1, SD: 0.2, Low: 0.1, High: inf},
			SynapseSettings: SynapseSettings{Synapse: "exp_conductance", Tau: 5},
		},
		n.Projections[1], Projection{
			Name: "EC", From: "E", To: "C", Rule: "fixed_total", Total: 20, Multapses: true,
			Weight: Value{Dist: DistConst, Const: 0.001}, Delay: Value{Dist: DistConst, Const: 1},
			SynapseSettings: SynapseSettings{Synapse: "Exp2Syn", Tau1: 0.5, Tau2: 5, TauRise: 0.5, TauDecay: 5},
			At:              "dend(0.5)",
		},
		n.Inputs[0], Input{Name: "bg", To: "E", Neurons: Neurons{From: 0, To: 50}, Kind: "poisson", Rate: 20,
			Weight: Value{Dist: DistConst, Const: 0.5}, SynapseSettings: SynapseSettings{Synapse: "delta"}},
		n.Inputs[1], Input{Name: "input2", To: "W", Neurons: Neurons{List: []int{0, 5, 7}}, Kind: "step", Amp: 0.3, Start: 100, Stop: 1000},
		n.Plasticity[0], Plasticity{Projection: "E->E", Rule: "stdp", Mode: "additive", Pairing: "all",
			TauPlus: 20, TauMinus: 20, APlus: 0.01, AMinus: 0.0105, WMax: 1},
		n.Record.SpikeSets, []Subset{{Population: "E", Neurons: Neurons{To: 10}}, {Population: "C"}},
		[]any{n.Record.Rates, n.Record.RateBin, n.Record.Every}, []any{true, 1.0, 0.1},
		n.Record.States, []StateRecord{{Population: "W", Var: "x", Neurons: Neurons{To: 2}}},
		n.Record.Weights, []WeightRecord{{Projection: "EC", Synapses: 5, Every: 1}},
	}
	for i := 0; i < len(want); i += 2 {
		if !reflect.DeepEqual(want[i], want[i+1]) {
			t.Errorf("got\n%+v\nwant\n%+v", want[i], want[i+1])
		}
	}
	cell, err := n.LoadCell(&n.Populations[2])
	if err != nil || cell.Morphology.Sections[0].Name != "soma" {
		t.Errorf("the cable population's cell: %v", err)
	}
}

// TestNetworkDefaults: spikes of every population, the method by model.
func TestNetworkDefaults(t *testing.T) {
	n, err := parseNet("[run]\ntstop = 10\n[[population]]\nname = \"A\"\nsize = 2\nmodel = \"hh\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if n.Run.Dt != DefaultNetDt || n.Populations[0].Method != "rk4" || !reflect.DeepEqual(n.Record.SpikeSets, []Subset{{Population: "A"}}) {
		t.Errorf("defaults: dt %v method %q spikes %+v", n.Run.Dt, n.Populations[0].Method, n.Record.SpikeSets)
	}
}

// TestNetworkValid: files that hold, each with what it shows.
func TestNetworkValid(t *testing.T) {
	for _, c := range []struct{ name, add string }{
		{"synapse tau on a poisson input", "[[input]]\nto = \"E\"\nkind = \"poisson\"\nrate = 5\nweight = 1\nsynapse = \"exp_current\"\ntau = 5\n"},
		{"noise tau", "[[input]]\nto = \"E\"\nkind = \"noise\"\nsd = 1\ntau = 5\n"},
		{"sine from start to the end", "[[input]]\nto = \"E\"\nkind = \"sine\"\namp = 1\nfreq = 10\nstart = 5\n"},
		{"indegree with multapses", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_indegree\"\nindegree = 500\nmultapses = true\nweight = 1\ndelay = 0.1\n"},
		{"rate projection", rates + rateProj + "var = \"r\"\ninput = \"Q\"\n"},
		{"rate projection with defaults", rates + rateProj},
		{"rate projection from equations", rates + "[[projection]]\nfrom = \"X\"\nto = \"R\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\nvar = \"x\"\n"},
		{"cable target", "[[projection]]\nfrom = \"E\"\nto = \"C\"\nrule = \"fixed_probability\"\np = 0.5\nweight = { dist = \"lognormal\", mean = 0.01, sd = 0.002 }\ndelay = { dist = \"uniform\", low = 0.5, high = 2 }\nregion = \"dend\"\n"},
	} {
		if _, err := parseNet(netHead + c.add); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

const netHead = `[run]
tstop = 100
dt = 0.1

[[population]]
name = "E"
size = 400
model = "lif"

[[population]]
name = "I"
size = 100
model = "lif"

[[population]]
name = "C"
size = 4
cell = "cells/bs.toml"
`

// netHead has 18 lines; what a case adds starts at line 19.
const proj = "\n[[projection]]\nfrom = \"E\"\nto = \"I\"\nrule = \"all_to_all\"\nweight = 1\n"

// rates adds populations of rate units R (lines 19–22), Wilson–Cowan pairs
// W (23–26) and a typed model X (27–30); rateProj (31–37) couples R to W.
const (
	rates    = "[[population]]\nname = \"R\"\nsize = 10\nmodel = \"rate\"\n[[population]]\nname = \"W\"\nsize = 10\nmodel = \"wilson-cowan\"\n[[population]]\nname = \"X\"\nsize = 10\nequations = \"wc.ode\"\n"
	rateProj = "[[projection]]\nfrom = \"R\"\nto = \"W\"\nrule = \"one_to_one\"\nweight = 1\ndelay = 0.1\nsynapse = \"rate\"\n"
)

// TestNetworkErrors: each problem with its line, in the file's words.
func TestNetworkErrors(t *testing.T) {
	for _, c := range []struct{ name, add, want string }{
		{"unknown from", "[[projection]]\nfrom = \"EE\"\nto = \"I\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\n",
			`net.toml:20: projection EE->I: unknown population "EE" (C, E, I)`},
		{"unknown input target", "[[input]]\nto = \"i\"\nkind = \"step\"\namp = 1\n", `net.toml:20: input input1: unknown population "i" (did you mean "I"?)`},
		{"duplicate population", "[[population]]\nname = \"E\"\nsize = 1\nmodel = \"lif\"\n", `net.toml:20: there is already a population named "E"`},
		{"size", "[[population]]\nname = \"X\"\nsize = 0\nmodel = \"lif\"\n", `net.toml:21: population X: size = 0 must be at least 1`},
		{"p outside", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_probability\"\np = 1.5\nweight = 1\ndelay = 1\n", `net.toml:23: projection I->E: p = 1.5 must lie in [0, 1]`},
		{"negative delay", proj + "delay = -1\n", `net.toml:25: projection E->I: delay = -1 ms must not be negative`},
		{"delay below dt", proj + "delay = 0.05\n", `net.toml:25: projection E->I: delay 0.05 ms is shorter than dt = 0.1 ms`},
		{"uniform delay below dt", proj + "delay = { dist = \"uniform\", low = 0.01, high = 1 }\n", `net.toml:25: projection E->I: delay low = 0.01 ms is shorter than dt = 0.1 ms`},
		{"normal delay untruncated", proj + "delay = { dist = \"normal\", mean = 1, sd = 0.1 }\n", `net.toml:25: projection E->I: the delay is drawn from a normal distribution and must be truncated at dt or above: give low >= dt = 0.1 ms`},
		{"indegree", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_indegree\"\nindegree = 101\nweight = 1\ndelay = 1\n", `net.toml:23: projection I->E: indegree = 101 is more than the 100 distinct sources I offers: lower it or set multapses = true`},
		{"indegree self", "[[projection]]\nfrom = \"I\"\nto = \"I\"\nrule = \"fixed_indegree\"\nindegree = 100\nweight = 1\ndelay = 1\n", `net.toml:23: projection I->I: indegree = 100 is more than the 99 distinct sources I offers`},
		{"one_to_one sizes", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"one_to_one\"\nweight = 1\ndelay = 1\n", `net.toml:22: projection I->E: one_to_one needs populations of one size, not I (100) and E (400)`},
		{"unknown rule", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"all_to_al\"\nweight = 1\ndelay = 1\n", `net.toml:22: unknown rule "all_to_al" (did you mean "all_to_all"?)`},
		{"extra p", proj + "delay = 1\np = 0.1\n", `net.toml:26: p does not belong to projection E->I: rule all_to_all (no such parameter)`},
		{"missing p", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_probability\"\nweight = 1\ndelay = 1\n", `net.toml:19: projection I->E: rule fixed_probability needs p`},
		{"unknown synapse", proj + "delay = 1\nsynapse = \"exp_conductanse\"\n", `net.toml:26: unknown synapse "exp_conductanse" (did you mean "exp_conductance"?)`},
		{"cable synapse on point", proj + "delay = 1\nsynapse = \"ExpSyn\"\n", `net.toml:26: projection E->I: synapse ExpSyn does not apply to population I of point neurons (delta, exp_current`},
		{"point synapse on cable", "[[projection]]\nfrom = \"E\"\nto = \"C\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"delta\"\nat = \"soma(0.5)\"\n", `net.toml:25: projection E->C: synapse delta does not apply to population C of cable cells (ExpSyn, Exp2Syn)`},
		{"at on point", proj + "delay = 1\nat = \"soma(0.5)\"\n", `net.toml:26: projection E->I: at places synapses on cable cells; population I is of point neurons`},
		{"conductance needs e_rev", proj + "delay = 1\nsynapse = \"exp_conductance\"\ntau = 5\n", `net.toml:20: projection E->I: synapse exp_conductance needs e_rev`},
		{"unknown kind", "[[input]]\nto = \"E\"\nkind = \"poison\"\nrate = 1\n", `net.toml:21: unknown input kind "poison" (did you mean "poisson"?)`},
		{"infinite rate", "[[input]]\nto = \"E\"\nkind = \"poisson\"\nrate = inf\nweight = 1\n", `net.toml:22: input input1: rate = +Inf Hz must be finite and not negative`},
		{"rate beyond a step's draw", "[[input]]\nto = \"E\"\nkind = \"poisson\"\nrate = 1e12\nweight = 1\n", `input input1: rate = 1e+12 Hz is 1e+08 spikes a step of 0.1 ms; at most 6e+06`},
		{"unknown dist", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"all_to_all\"\nweight = { dist = \"unifrom\" }\ndelay = 1\n", `net.toml:23: projection 1: weight: unknown distribution "unifrom" (did you mean "uniform"?) (uniform, normal, lognormal, csv)`},
		{"dist keys", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\nparams = { tau = { dist = \"uniform\", low = 1, sd = 2 } }\n", `net.toml:23: population "X": params.tau: a uniform distribution takes low, high, not sd`},
		{"sd negative", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\ninit = { v = { dist = \"normal\", mean = 1, sd = -2 } }\n", `net.toml:23: init.v: sd = -2 must not be negative`},
		{"low above high", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\n[population.params]\ntau = { dist = \"uniform\", low = 2, high = 1 }\n", `net.toml:24: params.tau: low = 2 must be below high = 1, both finite`},
		{"no neuron", "[[population]]\nname = \"X\"\nsize = 1\n", `net.toml:19: population X needs its neuron: model = "lif"`},
		{"two neurons", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\ncell = \"cells/bs.toml\"\n", `net.toml:23: population X: give one of model, equations and cell, not model and cell`},
		{"unknown model", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"izhikevic\"\n", `net.toml:22: unknown model "izhikevic" (did you mean "izhikevich"?)`},
		{"unknown param", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\nparams = { taus = 3 }\n", `net.toml:23: population X: model lif has no parameter "taus" (did you mean "tau"?)`},
		{"unknown plasticity projection", proj + "delay = 1\n[[plasticity]]\nprojection = \"EI\"\nrule = \"stdp\"\na_plus = 1\na_minus = 1\nw_max = 1\n", `net.toml:27: plasticity 1: unknown projection "EI"`},
		{"unknown record population", "[record]\nspikes = [\"E\", \"X[0:5]\"]\n", `net.toml:20: record.spikes: unknown population "X"`},
		{"unknown record var", "[record]\nstates = [ { population = \"E\", var = \"u\" } ]\n", `net.toml:20: record.states 1: model lif has no variable "u"`},
		{"unknown key", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\nsise = 3\n", `net.toml:23: unknown key "population.sise" (did you mean "size"?)`},
		{"neurons out of range", "[[input]]\nto = \"I\"\nkind = \"step\"\namp = 1\nneurons = \"90:110\"\n", `net.toml:23: input input1: neurons 90:110 lie outside population I (neurons 0 to 99)`},
		{"no cell file", "[[population]]\nname = \"X\"\nsize = 1\ncell = \"nowhere.toml\"\n", `net.toml:22: population X: cell: open models/nowhere.toml: file does not exist`},
		{"bad cell file", "[[population]]\nname = \"X\"\nsize = 1\ncell = \"cells/bad.toml\"\n", `models/cells/bad.toml:8: tstop = -1 must be positive`},
		{"rate from lif", rates + "[[projection]]\nfrom = \"I\"\nto = \"R\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:32: projection I->R: population I's model lif spikes (it resets at a threshold) and has no rate to carry`},
		{"rate from poisson", rates + "[[population]]\nname = \"P\"\nsize = 10\nmodel = \"poisson\"\n[[projection]]\nfrom = \"P\"\nto = \"R\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:36: projection P->R: population P is of Poisson spike sources and has no rate to carry`},
		{"rate from cable", rates + "[[projection]]\nfrom = \"C\"\nto = \"R\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:32: projection C->R: synapse rate carries a point model's variable; population C is of cable cells`},
		{"rate unknown var", rates + rateProj + "var = \"rr\"\n", `net.toml:38: projection R->W: model rate of population R has no variable "rr" (r)`},
		{"rate unknown input", rates + rateProj + "input = \"P2\"\n", `net.toml:38: projection R->W: model wilson-cowan of population W has no parameter "P2" to take the sum`},
		{"rate to lif", rates + "[[projection]]\nfrom = \"R\"\nto = \"E\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:33: projection R->E: synapse rate drives a parameter of a model run through its equations; population E (lif) takes spikes only`},
		{"rate to cable", rates + "[[projection]]\nfrom = \"R\"\nto = \"C\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:33: projection R->C: synapse rate drives a point model; population C is of cable cells`},
		{"rate without an input", rates + "[[population]]\nname = \"Y\"\nsize = 10\nequations = \"decay.ode\"\n[[projection]]\nfrom = \"R\"\nto = \"Y\"\nrule = \"all_to_all\"\nweight = 1\ndelay = 1\nsynapse = \"rate\"\n", `net.toml:35: projection R->Y: model models/decay of population Y has no input current: name the parameter that takes the sum (input = "..."; a)`},
		{"rate delay below dt", rates + "[[projection]]\nfrom = \"R\"\nto = \"W\"\nrule = \"one_to_one\"\nweight = 1\ndelay = 0.01\nsynapse = \"rate\"\n", `net.toml:36: projection R->W: delay 0.01 ms is shorter than dt = 0.1 ms`},
		{"rate with tau", rates + rateProj + "tau = 5\n", `net.toml:38: tau does not belong to projection R->W: synapse rate (it takes var, input)`},
		{"var on spikes", proj + "delay = 1\nvar = \"v\"\n", `net.toml:26: projection E->I: var belongs to rate projections (synapse = "rate")`},
		{"rate input synapse", rates + "[[input]]\nto = \"R\"\nkind = \"poisson\"\nrate = 5\nweight = 1\nsynapse = \"rate\"\n", `net.toml:36: unknown synapse "rate"`},
		{"plastic rate", rates + rateProj + "[[plasticity]]\nprojection = \"R->W\"\nrule = \"stdp\"\na_plus = 1\na_minus = 1\nw_max = 1\n", `net.toml:39: plasticity 1: projection R->W is a rate projection; plasticity learns from spikes`},
		{"weights of a fixed cable projection", "[[projection]]\nfrom = \"C\"\nto = \"C\"\nrule = \"all_to_all\"\nweight = 0.001\ndelay = 1\nat = \"soma(0.5)\"\n[record]\nweights = [{ projection = \"C->C\", synapses = 2 }]\n", `net.toml:27: record.weights 1: projection C->C joins cable cells and does not learn`},
		{"record.every off the grid", "[record]\nevery = 0.15\n", `net.toml:20: record.every = 0.15 ms must be a multiple of dt = 0.1 ms in a network of cable cells`},
		{"lif by rk4", "[[population]]\nname = \"X\"\nsize = 1\nmodel = \"lif\"\nmethod = \"rk4\"\n", `net.toml:23: population X: LIF neurons run with method exact or euler, not rk4`},
		{"bad range", "[[input]]\nto = \"I\"\nkind = \"step\"\namp = 1\nneurons = \"a-b\"\n", `net.toml:23: input 1: neurons: "a-b" is not a range of neurons`},
		{"procedural indegree", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_indegree\"\nindegree = 10\nweight = 1\ndelay = 1\nprocedural = true\n", `net.toml:26: projection I->E: fixed_indegree draws each target's sources, by column, and cannot be procedural`},
		{"procedural all_to_all", proj + "delay = 1\nprocedural = true\n", `net.toml:26: projection E->I: rule all_to_all cannot be procedural: fixed_probability, fixed_outdegree and fixed_total can`},
		{"procedural without replacement", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_outdegree\"\noutdegree = 10\nweight = 1\ndelay = 1\nprocedural = true\n", `net.toml:26: projection I->E: a procedural fixed_outdegree draws its targets with replacement (as GeNN): set multapses = true`},
		{"procedural lognormal", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_probability\"\np = 0.1\nweight = { dist = \"lognormal\", mean = 1, sd = 0.1 }\ndelay = 1\nprocedural = true\n", `net.toml:24: projection I->E: a procedural projection draws its weights again on the device: a lognormal weight cannot be`},
		{"procedural rate", rates + rateProj + "procedural = true\n", `net.toml:38: projection R->W: a rate projection cannot be procedural`},
		{"procedural plastic", "[[projection]]\nfrom = \"I\"\nto = \"E\"\nrule = \"fixed_probability\"\np = 0.1\nweight = 1\ndelay = 1\nprocedural = true\n[[plasticity]]\nprojection = \"I->E\"\nrule = \"stdp\"\na_plus = 1\na_minus = 1\nw_max = 1\n", `net.toml:28: plasticity 1: projection I->E is procedural: its weights are drawn again, not stored, and cannot learn`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseNet(netHead + c.add)
			if err == nil {
				t.Fatal("no error")
			}
			var list sim.FileErrors
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not a sim.FileErrors: %v", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, c.want)
			}
		})
	}
}

// TestNetworkRunErrors: tstop and dt, every problem at once, in line
// order.
func TestNetworkRunErrors(t *testing.T) {
	src := "[run]\ntstop = 0\ndt = -0.1\n[[population]]\nname = \"A\"\nsize = 0\nmodel = \"lif\"\n"
	_, err := parseNet(src)
	want := "models/net.toml:2: tstop = 0 ms must be positive\nmodels/net.toml:3: dt = -0.1 ms must be positive\nmodels/net.toml:6: population A: size = 0 must be at least 1"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestKind tells network files from cell files, and the cell loader
// refuses a network.
func TestKind(t *testing.T) {
	fsys := fstest.MapFS{"net.toml": {Data: []byte(fullNet)}, "cell.toml": {Data: []byte(minimal)}}
	for file, want := range map[string]string{"net.toml": KindNetwork, "cell.toml": KindCell} {
		if got, err := KindFS(fsys, file); got != want || err != nil {
			t.Errorf("%s: %q, %v; want %q", file, got, err, want)
		}
	}
	_, err := parse(fullNet)
	if err == nil || !strings.Contains(err.Error(), "model.toml:9: this is a network model ([[population]] entries), not a cell model") {
		t.Errorf("a cell load of a network: %v", err)
	}
}

func FuzzLoadNetwork(f *testing.F) {
	f.Add([]byte(fullNet))
	f.Add([]byte(netHead + proj + "delay = { dist = \"normal\", mean = 1, sd = 1 }\n"))
	f.Add([]byte(netHead + "[[input]]\nto = 3\nneurons = [1, -1]\nkind = \"cue\"\n[record]\nspikes = [\"E[3:\"]\n"))
	f.Add([]byte("[[population]]\nparams = { a = { dist = 1 } }\ninit = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"models/net.toml": {Data: data}}
		for k, v := range netFiles {
			fsys[k] = v
		}
		n, err := LoadNetworkFS(fsys, "models/net.toml")
		if err == nil {
			if !(n.Run.Tstop > 0) || !(n.Run.Dt > 0) || len(n.Populations) == 0 {
				t.Fatalf("accepted a network without a run or populations: %+v", n.Run)
			}
			return
		}
		for _, internal := range []string{"cannot decode", "struct field", "interface {}", "map[string]", "strconv.", "internal error"} {
			if strings.Contains(err.Error(), internal) {
				t.Fatalf("the error speaks Go: %v", err)
			}
		}
	})
}

// TestNetworkOverride: --set reaches populations, projections and
// parameters; a failed setting names itself and leaves the network as it
// was.
func TestNetworkOverride(t *testing.T) {
	for _, c := range []struct {
		sets []string
		got  func(n *Network) any
		want any
	}{
		{[]string{"population.E.size=100", "projection.EC.total=30"}, func(n *Network) any { return []int{n.Populations[0].Size, n.Projections[1].Total} }, []int{100, 30}},
		{[]string{"projection.1.p=0.05"}, func(n *Network) any { return n.Projections[0].P }, 0.05},
		{[]string{"population.E.params.tau=15"}, func(n *Network) any { return n.Populations[0].Params["tau"] }, Value{Dist: DistConst, Const: 15}},
		{[]string{"population.E.params.EL.high=-40"}, func(n *Network) any { return n.Populations[0].Params["EL"].High }, -40.0},
		{[]string{`projection.EC.delay={ dist = "uniform", low = 1, high = 2 }`}, func(n *Network) any { return n.Projections[1].Delay }, Value{Dist: DistUniform, Low: 1, High: 2}},
		{[]string{"input.bg.neurons=10:20"}, func(n *Network) any { return n.Inputs[0].Neurons }, Neurons{From: 10, To: 20}},
	} {
		t.Run(strings.Join(c.sets, " "), func(t *testing.T) {
			n, err := parseNet(fullNet)
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Override(c.sets...); err != nil {
				t.Fatal(err)
			}
			if got := c.got(n); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	for _, c := range []struct {
		set, want string
	}{
		{"projection.1.p=2", "--set projection.1.p=2: projection E->E: p = 2 must lie in [0, 1]"},
		{"population.E.size=0", "--set population.E.size=0: population E: size = 0 must be at least 1"},
		{"projection.EC.from=X", `--set projection.EC.from=X: projection EC: unknown population "X"`},
		{"population.Q.size=1", `--set population.Q.size=1: there is no [[population]] named "Q" (there are: E, W, C)`},
		{"run.dt=0.5", "--set run.dt=0.5: projection E->E: delay low = 0.1 ms is shorter than dt = 0.5 ms"},
	} {
		n, err := parseNet(fullNet)
		if err != nil {
			t.Fatal(err)
		}
		before := n.Populations[0].Size
		err = n.Override(c.set)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\ndoes not contain %s", c.set, err, c.want)
		}
		if n.Populations[0].Size != before || n.Run.Dt != 0.1 {
			t.Errorf("%s: a failed setting changed the network", c.set)
		}
	}
}

// TestLoadNetworkFiles: on disk, files are found beside the model file.
func TestLoadNetworkFiles(t *testing.T) {
	dir := t.TempDir()
	for name, f := range netFiles {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "models", "net.toml")
	if err := os.WriteFile(file, []byte(fullNet), 0o644); err != nil {
		t.Fatal(err)
	}
	if kind, err := Kind(file); kind != KindNetwork || err != nil {
		t.Errorf("Kind: %q, %v", kind, err)
	}
	n, err := LoadNetwork(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "models", "wc.ode"); n.Populations[1].Equations != want {
		t.Errorf("equations resolved to %s, want %s", n.Populations[1].Equations, want)
	}
	r, err := n.Open(n.Populations[1].Equations)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := n.LoadCell(&n.Populations[2]); err != nil {
		t.Error(err)
	}
}

// TestNetworkBackend: run.backend says where a network runs, auto when
// the file is silent; an unknown one is an error at its line.
func TestNetworkBackend(t *testing.T) {
	const net = "name = \"n\"\n[run]\ntstop = 10\n%s\n[[population]]\nname = \"E\"\nsize = 2\nmodel = \"lif\"\n"
	for _, c := range []struct{ line, want, err string }{
		{"", "auto", ""},
		{"backend = \"gpu\"", "gpu", ""},
		{"backend = \"cpu\"", "cpu", ""},
		{"backend = \"cuda\"", "", `net.toml:4: unknown backend "cuda" (auto, cpu, gpu)`},
	} {
		n, err := parseNet(fmt.Sprintf(net, c.line))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: have %v, want %s", c.line, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.line, err)
		}
		if n.Run.Backend != c.want {
			t.Errorf("%q: backend %q, want %q", c.line, n.Run.Backend, c.want)
		}
	}
}
