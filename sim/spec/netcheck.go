package spec

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"neurite/sim"
	"neurite/sim/point"
	"neurite/sim/rng"
)

// Names of a network file's choices.
var (
	Rules           = []string{"all_to_all", "one_to_one", "fixed_probability", "fixed_indegree", "fixed_outdegree", "fixed_total", "small_world", "scale_free", "distance", "csv"}
	PointSynapses   = []string{"delta", "exp_current", "alpha_current", "biexp_current", "exp_conductance", "alpha_conductance", "biexp_conductance"}
	CableSynapses   = []string{"ExpSyn", "Exp2Syn"}
	InputKinds      = []string{"poisson", "spike_times", "step", "ramp", "sine", "noise", "cue"}
	PointMethods    = []string{"exact", "euler", "rk2", "rk4"}
	Layouts         = []string{"line", "ring", "sheet", "box", "csv"}
	Kernels         = []string{"gaussian", "exponential"}
	PlasticityRules = []string{"stdp", "scaling"}
)

// ruleKeys lists each connectivity rule's parameters: required, optional.
var ruleKeys = map[string][2][]string{
	"all_to_all":        {},
	"one_to_one":        {},
	"fixed_probability": {{"p"}},
	"fixed_indegree":    {{"indegree"}},
	"fixed_outdegree":   {{"outdegree"}},
	"fixed_total":       {{"total"}},
	"small_world":       {{"k", "beta"}},
	"scale_free":        {{"m"}},
	"distance":          {{"kernel", "scale", "p_max"}, {"periodic"}},
	"csv":               {{"file"}},
}

// inputKeys lists each input kind's keys: required, optional.
var inputKeys = map[string][2][]string{
	"poisson":     {{"rate", "weight"}, {"shared"}},
	"spike_times": {{"file"}, {"weight"}},
	"step":        {{"amp"}, {"start", "stop"}},
	"ramp":        {{"from_amp", "to_amp", "start", "stop"}},
	"sine":        {{"amp", "freq"}, {"phase", "offset", "start", "stop"}},
	"noise":       {{"sd", "tau"}, {"mean", "start", "stop"}},
	"cue":         {{"amp", "start", "stop", "neurons"}},
}

// plasticityKeys lists each plasticity rule's keys: required, optional.
var plasticityKeys = map[string][2][]string{
	"stdp":    {{"a_plus", "a_minus", "w_max"}, {"mode", "pairing", "tau_plus", "tau_minus", "w_min"}},
	"scaling": {{"target_rate", "tau"}},
}

var (
	ruleParams      = []string{"p", "indegree", "outdegree", "total", "k", "beta", "m", "kernel", "scale", "p_max", "periodic", "file"}
	inputParams     = []string{"rate", "shared", "file", "amp", "start", "stop", "from_amp", "to_amp", "freq", "phase", "offset", "mean", "sd", "tau", "weight"}
	synapseParams   = []string{"synapse", "tau", "tau_rise", "tau_decay", "tau1", "tau2", "e_rev", "g_init"}
	plasticityParam = []string{"mode", "pairing", "tau_plus", "tau_minus", "a_plus", "a_minus", "w_min", "w_max", "target_rate", "tau"}
)

// PoissonSource is the model of a population of Poisson spike sources
// (Brian2's PoissonGroup, NEST's poisson_generator per neuron): its one
// parameter is the rate (Hz).
const PoissonSource = "poisson"

// linearModels are the built-in point models that exact integration
// handles (linear between spikes).
var linearModels = []string{"lif"}

// checker collects a document's problems, leaving out those at keys
// already reported for their kind.
type checker struct {
	src  *source
	bad  [][]any
	errs sim.FileErrors
}

func (c *checker) fail(key []any, format string, args ...any) {
	if !slices.ContainsFunc(c.bad, func(b []any) bool { return isPrefix(b, key) }) {
		c.errs = append(c.errs, c.src.Errorf(key, format, args...))
	}
}

// entryOf is element i of the array of tables name in a checked tree.
func entryOf(tree map[string]any, name string, i int) map[string]any {
	list, _ := tree[name].([]any)
	if i < len(list) {
		tbl, _ := list[i].(map[string]any)
		return tbl
	}
	return nil
}

// keysIn checks that a table gives the required keys of its choice and no
// key of other choices.
func (c *checker) keysIn(key []any, tbl map[string]any, what string, all []string, keys [2][]string) {
	var missing []string
	for _, k := range keys[0] {
		if _, ok := tbl[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 { // at the key, so that one of the wrong kind is not reported again
		c.fail(append(slices.Clip(key), missing[0]), "%s needs %s", what, strings.Join(missing, " and "))
	}
	takes := slices.Concat(keys[0], keys[1])
	for _, k := range all {
		if _, ok := tbl[k]; ok && !slices.Contains(takes, k) {
			also := "no such parameter"
			if len(takes) > 0 {
				also = "it takes " + strings.Join(takes, ", ")
			}
			c.fail(append(slices.Clip(key), k), "%s does not belong to %s (%s)", k, what, also)
		}
	}
}

// choice checks a name against the names allowed.
func (c *checker) choice(key []any, what, name string, names []string) bool {
	if slices.Contains(names, name) {
		return true
	}
	c.fail(key, "unknown %s %q%s (%s)", what, name, didYouMean(name, names), strings.Join(names, ", "))
	return false
}

// check checks what the schema cannot, then fills the defaults.
func (n *Network) check(tree map[string]any, bad [][]any) sim.FileErrors {
	c := &checker{src: &n.source, bad: bad}
	n.checkRun(c, tree)
	pops := n.checkPopulations(c, tree)
	projs := n.checkProjections(c, tree, pops)
	n.checkInputs(c, tree, pops)
	n.checkPlasticity(c, tree, projs)
	n.checkRecord(c, tree, pops, projs)
	return c.errs
}

func (n *Network) checkRun(c *checker, tree map[string]any) {
	run, _ := tree["run"].(map[string]any)
	r := &n.Run
	if _, ok := run["tstop"]; !ok {
		c.fail([]any{"run"}, "run.tstop (ms) is required")
	} else if !(r.Tstop > 0) || math.IsInf(r.Tstop, 0) {
		c.fail([]any{"run", "tstop"}, "tstop = %v ms must be positive", r.Tstop)
	}
	if _, ok := run["dt"]; !ok {
		r.Dt = DefaultNetDt
	} else if !(r.Dt > 0) || math.IsInf(r.Dt, 0) {
		c.fail([]any{"run", "dt"}, "dt = %v ms must be positive", r.Dt)
		r.Dt = DefaultNetDt // so that delays are still checked against something
	}
	if msg := tooManySteps(r.Tstop, r.Dt); msg != "" {
		c.fail([]any{"run", "tstop"}, "%s", msg)
	}
	if r.Threads < 0 {
		c.fail([]any{"run", "threads"}, "threads = %d must not be negative (0: all cores)", r.Threads)
	}
	if r.Backend == "" {
		r.Backend = Backends[0]
	} else {
		c.choice([]any{"run", "backend"}, "backend", r.Backend, Backends)
	}
	if n.Seed < 0 {
		c.fail([]any{"seed"}, "seed = %d must not be negative", n.Seed)
	}
}

// popInfo is what checking the projections, inputs and records needs of a
// population.
type popInfo struct {
	*Population
	model *point.Model // nil for cable cells and models that could not be read
}

// checkName checks a name the file gives to an entry.
func (c *checker) checkName(key []any, what, name string, seen map[string]bool) {
	switch {
	case name == "":
		c.fail(key, "%s needs a name", what)
	case strings.ContainsAny(name, "[]:,*\"' \t") || strings.Contains(name, "->"):
		c.fail(key, "%s name %q: use letters, digits, _, - and . (not [ ] : , * -> or spaces)", what, name)
	case seen[name]:
		c.fail(key, "there is already a %s named %q", what, name)
	}
	seen[name] = true
}

func (n *Network) checkPopulations(c *checker, tree map[string]any) map[string]popInfo {
	pops := map[string]popInfo{}
	seen := map[string]bool{}
	for i := range n.Populations {
		p := &n.Populations[i]
		tbl := entryOf(tree, "population", i)
		k := func(name ...any) []any { return append([]any{"population", i}, name...) }
		c.checkName(k("name"), "population", p.Name, seen)
		what := fmt.Sprintf("population %s", p.Name)
		if _, ok := tbl["size"]; !ok {
			c.fail(k(), "%s needs a size (the number of neurons)", what)
		} else if p.Size < 1 {
			c.fail(k("size"), "%s: size = %d must be at least 1", what, p.Size)
		}
		var given []string
		for _, key := range []string{"model", "equations", "cell"} {
			if _, ok := tbl[key]; ok {
				given = append(given, key)
			}
		}
		switch len(given) {
		case 0:
			c.fail(k(), "%s needs its neuron: model = \"lif\" (built in: %s), equations = \"FILE.ode\" or cell = \"CELL.toml\"", what, strings.Join(append(point.Names(), PoissonSource), ", "))
		case 1:
		default:
			c.fail(k(given[1]), "%s: give one of model, equations and cell, not %s", what, strings.Join(given, " and "))
		}
		p.Equations, p.Cell = n.resolve(p.Equations), n.resolve(p.Cell)
		info := popInfo{Population: p}
		switch {
		case len(given) != 1:
		case p.Model == PoissonSource:
			info.model = &point.Model{Name: PoissonSource, Params: []point.Param{{Name: "rate", Unit: "Hz", Value: 10}}}
		case p.Model != "":
			base, _, _ := strings.Cut(p.Model, ":")
			m, err := point.Builtin(p.Model)
			if err != nil && c.choice(k("model"), "model", base, point.Names()) {
				c.fail(k("model"), "%s: %v", what, err) // a preset it does not have
			}
			info.model = m
		case p.Cell != "":
			if _, err := n.LoadCell(p); err != nil {
				c.cellProblem(k("cell"), what, err)
			}
		case p.Equations != "":
			data, err := n.readAll(p.Equations)
			if err == nil {
				info.model, err = point.Parse(bytes.NewReader(data), p.Equations)
			}
			if err != nil {
				c.fail(k("equations"), "%s: equations: %v", what, err)
			}
		}
		n.checkNeuron(c, p, info.model, k)
		if p.Positions != nil {
			n.checkPositions(c, p, k)
		}
		if p.Name != "" {
			pops[p.Name] = info
		}
	}
	return pops
}

// cellProblem reports what is wrong with a population's cell file: its
// own problems as they are (they name the cell file and its lines), any
// other error (no such file) at the population's cell key.
func (c *checker) cellProblem(key []any, what string, err error) {
	var list sim.FileErrors
	if errors.As(err, &list) && !c.src.blame {
		c.errs = append(c.errs, list...)
		return
	}
	c.fail(key, "%s: cell: %v", what, err)
}

// checkNeuron checks a population's method, threshold, parameters and
// initial states against its model, and fills the method's default.
func (n *Network) checkNeuron(c *checker, p *Population, m *point.Model, k func(...any) []any) {
	what := "population " + p.Name
	if p.Cable() {
		if p.Method != "" {
			c.fail(k("method"), "%s: method belongs to point models; a cable cell's method is its cell file's run.method", what)
		}
		if len(p.Params) > 0 {
			c.fail(k("params"), "%s: params belong to point models; set a cable cell's parameters in its cell file", what)
		}
	} else {
		linear := p.Model != "" && slices.Contains(linearModels, strings.ToLower(p.Model))
		switch {
		case p.Method == "" && linear:
			p.Method = "exact"
		case p.Method == "":
			p.Method = "rk4"
		case !c.choice(k("method"), "method", p.Method, PointMethods):
		case p.Method == "exact" && !linear:
			c.fail(k("method"), "%s: method exact integrates linear models only (%s): use euler, rk2 or rk4", what, strings.Join(linearModels, ", "))
		case linear && p.Method != "exact" && p.Method != "euler":
			c.fail(k("method"), "%s: LIF neurons run with method exact or euler, not %s", what, p.Method)
		}
	}
	if t := p.Threshold; t != nil && (math.IsNaN(*t) || math.IsInf(*t, 0)) {
		c.fail(k("threshold"), "%s: threshold = %v mV must be finite", what, *t)
	}
	var params, vars []string
	if m != nil {
		for _, q := range m.Params {
			params = append(params, q.Name)
		}
		for _, v := range m.Vars {
			vars = append(vars, v.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Params)) {
		if m != nil && !slices.Contains(params, name) {
			c.fail(k("params", name), "%s: model %s has no parameter %q%s (%s)", what, m.Name, name, didYouMean(name, params), strings.Join(params, ", "))
		}
		c.value(k("params", name), "params."+name, p.Params[name])
	}
	for _, name := range slices.Sorted(maps.Keys(p.Init)) {
		if m != nil && !slices.Contains(vars, name) {
			c.fail(k("init", name), "%s: model %s has no variable %q%s (%s)", what, m.Name, name, didYouMean(name, vars), strings.Join(vars, ", "))
		}
		c.value(k("init", name), "init."+name, p.Init[name])
	}
	resolveFiles(n, p.Params)
	resolveFiles(n, p.Init)
}

func resolveFiles(n *Network, values map[string]Value) {
	for name, v := range values {
		v.File = n.resolve(v.File)
		values[name] = v
	}
}

func (n *Network) checkPositions(c *checker, p *Population, k func(...any) []any) {
	pos := p.Positions
	what := fmt.Sprintf("population %s: positions", p.Name)
	if !c.choice(k("positions", "layout"), "layout", pos.Layout, Layouts) {
		return
	}
	positive := func(name string, x float64) {
		if !(x > 0) || math.IsInf(x, 0) {
			c.fail(k("positions", name), "%s: %s = %v µm must be positive", what, name, x)
		}
	}
	switch pos.Layout {
	case "line":
		positive("spacing", pos.Spacing)
	case "ring":
		positive("radius", pos.Radius)
	case "sheet":
		positive("spacing", pos.Spacing)
		if pos.NX*pos.NY != p.Size {
			c.fail(k("positions", "nx"), "%s: a sheet of nx × ny = %d × %d holds %d neurons, not size = %d", what, pos.NX, pos.NY, pos.NX*pos.NY, p.Size)
		}
	case "box":
		positive("spacing", pos.Spacing)
		if pos.NX*pos.NY*pos.NZ != p.Size {
			c.fail(k("positions", "nx"), "%s: a box of nx × ny × nz = %d × %d × %d holds %d neurons, not size = %d", what, pos.NX, pos.NY, pos.NZ, pos.NX*pos.NY*pos.NZ, p.Size)
		}
	case "csv":
		if pos.File == "" {
			c.fail(k("positions"), "%s: layout csv needs file (columns x,y,z, one row per neuron)", what)
		}
		pos.File = n.resolve(pos.File)
	}
}

// value checks a Value's numbers.
func (c *checker) value(key []any, what string, v Value) {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch v.Dist {
	case DistConst:
		if !finite(v.Const) {
			c.fail(key, "%s = %v must be finite", what, v.Const)
		}
	case DistUniform:
		if !finite(v.Low) || !finite(v.High) || !(v.Low < v.High) {
			c.fail(key, "%s: low = %v must be below high = %v, both finite", what, v.Low, v.High)
		}
	case DistNormal, DistLognormal:
		if !finite(v.Mean) {
			c.fail(append(slices.Clip(key), "mean"), "%s: mean = %v must be finite", what, v.Mean)
		}
		if !(v.SD >= 0) || math.IsInf(v.SD, 0) {
			c.fail(append(slices.Clip(key), "sd"), "%s: sd = %v must not be negative", what, v.SD)
		}
		if v.Dist == DistLognormal && !(v.Mean > 0) {
			c.fail(append(slices.Clip(key), "mean"), "%s: a lognormal distribution's mean = %v must be positive", what, v.Mean)
		}
		if !(v.Low < v.High) {
			c.fail(append(slices.Clip(key), "high"), "%s: low = %v must be below high = %v", what, v.Low, v.High)
		}
	}
}

func (n *Network) checkProjections(c *checker, tree map[string]any, pops map[string]popInfo) map[string]*Projection {
	projs := map[string]*Projection{}
	seen := map[string]bool{}
	names := slices.Sorted(maps.Keys(pops))
	for i := range n.Projections {
		pr := &n.Projections[i]
		tbl := entryOf(tree, "projection", i)
		k := func(name ...any) []any { return append([]any{"projection", i}, name...) }
		if _, named := tbl["name"]; named {
			c.checkName(k("name"), "projection", pr.Name, seen)
		} else if pr.From != "" && pr.To != "" {
			pr.Name = pr.From + "->" + pr.To
			if seen[pr.Name] {
				c.fail(k(), "there is already a projection from %s to %s: name this one (name = \"...\")", pr.From, pr.To)
			}
			seen[pr.Name] = true
		}
		what := "projection " + pr.Name
		from, okFrom := c.population(k("from"), what, "from", pr.From, pops, names)
		to, okTo := c.population(k("to"), what, "to", pr.To, pops, names)
		if _, ok := tbl["rule"]; !ok {
			c.fail(k(), "%s needs a rule (%s)", what, strings.Join(Rules, ", "))
		} else if c.choice(k("rule"), "rule", pr.Rule, Rules) {
			c.keysIn(k(), tbl, fmt.Sprintf("%s: rule %s", what, pr.Rule), ruleParams, ruleKeys[pr.Rule])
		}
		if _, ok := tbl["multapses"]; !ok && pr.Rule == "fixed_total" {
			pr.Multapses = true // as NEST
		}
		if okFrom && okTo {
			n.checkRule(c, pr, from.Population, to.Population, k)
		}
		if pr.Procedural {
			c.procedural(k, pr, what)
		}
		if pr.Rule != "csv" || pr.Weight.Given() {
			c.required(k(), tbl, what, "weight", "weight (µS for conductance synapses, nA for current, mV for delta)")
		}
		if pr.Rule != "csv" || pr.Delay.Given() {
			c.required(k(), tbl, what, "delay", "delay (ms)")
		}
		c.value(k("weight"), what+": weight", pr.Weight)
		c.value(k("delay"), what+": delay", pr.Delay)
		c.delay(k("delay"), what, pr.Delay, n.Run.Dt)
		pr.File = n.resolve(pr.File)
		pr.Weight.File, pr.Delay.File = n.resolve(pr.Weight.File), n.resolve(pr.Delay.File)
		switch {
		case pr.Synapse == RateSynapse:
			c.rateProjection(k, tbl, pr, from, to, okFrom, okTo)
		case okTo:
			c.notRate(k, tbl, what)
			c.synapse(k, tbl, what, &pr.SynapseSettings, pr.Weight, to.Population)
			c.site(k, tbl, what, pr.PathDistance, to.Population)
		}
		if pr.Name != "" {
			projs[pr.Name] = pr
		}
	}
	return projs
}

// procedural checks that a projection asking for procedural = true has
// rows that can be drawn one by one, and weights and delays a device can
// draw again (sim/connect's Procedural).
func (c *checker) procedural(k func(...any) []any, pr *Projection, what string) {
	switch {
	case pr.Synapse == RateSynapse:
		c.fail(k("procedural"), "%s: a rate projection cannot be procedural", what)
	case pr.Rule == "fixed_indegree":
		c.fail(k("procedural"), "%s: fixed_indegree draws each target's sources, by column, and cannot be procedural (rows are regenerated one by one): use fixed_probability, fixed_outdegree or fixed_total", what)
	case pr.Rule != "fixed_probability" && pr.Rule != "fixed_outdegree" && pr.Rule != "fixed_total":
		c.fail(k("procedural"), "%s: rule %s cannot be procedural: fixed_probability, fixed_outdegree and fixed_total can", what, pr.Rule)
	case pr.Rule != "fixed_probability" && !pr.Multapses:
		c.fail(k("procedural"), "%s: a procedural %s draws its targets with replacement (as GeNN): set multapses = true", what, pr.Rule)
	}
	for _, v := range []struct {
		key string
		v   Value
	}{{"weight", pr.Weight}, {"delay", pr.Delay}} {
		if v.v.Dist == DistLognormal || v.v.Dist == DistCSV {
			c.fail(k(v.key), "%s: a procedural projection draws its %ss again on the device: a %s %s cannot be (give a constant, uniform or normal)", what, v.key, v.v.Dist, v.key)
		}
	}
}

// population finds the population a projection or input names.
func (c *checker) population(key []any, what, role, name string, pops map[string]popInfo, names []string) (popInfo, bool) {
	if name == "" {
		c.fail(key, "%s needs %s = \"POPULATION\" (%s)", what, role, strings.Join(names, ", "))
		return popInfo{}, false
	}
	p, ok := pops[name]
	if !ok {
		c.fail(key, "%s: unknown population %q%s (%s)", what, name, didYouMean(name, names), strings.Join(names, ", "))
	}
	return p, ok
}

func (c *checker) required(key []any, tbl map[string]any, what, name, desc string) {
	if _, ok := tbl[name]; !ok {
		c.fail(append(slices.Clip(key), name), "%s needs %s", what, desc)
	}
}

// checkRule checks a rule's parameters against the sizes of the
// populations it wires.
func (n *Network) checkRule(c *checker, pr *Projection, from, to *Population, k func(...any) []any) {
	what := "projection " + pr.Name
	self := pr.From == pr.To && !pr.Autapses
	most := func(size int) int { // distinct partners a neuron may have
		if self {
			return size - 1
		}
		return size
	}
	switch pr.Rule {
	case "one_to_one":
		if from.Size != to.Size {
			c.fail(k("rule"), "%s: one_to_one needs populations of one size, not %s (%d) and %s (%d)", what, from.Name, from.Size, to.Name, to.Size)
		}
	case "fixed_probability":
		if !(pr.P >= 0 && pr.P <= 1) {
			c.fail(k("p"), "%s: p = %v must lie in [0, 1]", what, pr.P)
		}
	case "fixed_indegree":
		if pr.Indegree < 0 {
			c.fail(k("indegree"), "%s: indegree = %d must not be negative", what, pr.Indegree)
		} else if !pr.Multapses && pr.Indegree > most(from.Size) {
			c.fail(k("indegree"), "%s: indegree = %d is more than the %d distinct sources %s offers: lower it or set multapses = true", what, pr.Indegree, most(from.Size), from.Name)
		}
	case "fixed_outdegree":
		if pr.Outdegree < 0 {
			c.fail(k("outdegree"), "%s: outdegree = %d must not be negative", what, pr.Outdegree)
		} else if !pr.Multapses && pr.Outdegree > most(to.Size) {
			c.fail(k("outdegree"), "%s: outdegree = %d is more than the %d distinct targets %s offers: lower it or set multapses = true", what, pr.Outdegree, most(to.Size), to.Name)
		}
	case "fixed_total":
		if pr.Total < 0 {
			c.fail(k("total"), "%s: total = %d must not be negative", what, pr.Total)
		} else if pairs := from.Size * most(to.Size); !pr.Multapses && pr.Total > pairs {
			c.fail(k("total"), "%s: total = %d is more than the %d distinct pairs: lower it or set multapses = true", what, pr.Total, pairs)
		}
	case "small_world":
		if pr.From != pr.To {
			c.fail(k("to"), "%s: small_world wires a population to itself (from = to)", what)
		}
		if pr.K < 2 || pr.K%2 != 0 || pr.K >= from.Size {
			c.fail(k("k"), "%s: k = %d must be even, at least 2 and below the size %d", what, pr.K, from.Size)
		}
		if !(pr.Beta >= 0 && pr.Beta <= 1) {
			c.fail(k("beta"), "%s: beta = %v must lie in [0, 1]", what, pr.Beta)
		}
	case "scale_free":
		if pr.From != pr.To {
			c.fail(k("to"), "%s: scale_free wires a population to itself (from = to)", what)
		}
		if pr.M < 1 || pr.M >= from.Size {
			c.fail(k("m"), "%s: m = %d must be at least 1 and below the size %d", what, pr.M, from.Size)
		}
	case "distance":
		c.choice(k("kernel"), "kernel", pr.Kernel, Kernels)
		if !(pr.Scale > 0) || math.IsInf(pr.Scale, 0) {
			c.fail(k("scale"), "%s: scale = %v µm must be positive", what, pr.Scale)
		}
		if !(pr.PMax >= 0 && pr.PMax <= 1) {
			c.fail(k("p_max"), "%s: p_max = %v must lie in [0, 1]", what, pr.PMax)
		}
		for _, p := range []*Population{from, to} {
			if p.Positions == nil {
				c.fail(k("rule"), "%s: rule distance needs positions for population %s ([population.positions])", what, p.Name)
			}
		}
	}
}

// delay checks a delay against the time step: a spike cannot arrive
// within the step it was sent in.
func (c *checker) delay(key []any, what string, d Value, dt float64) {
	switch d.Dist {
	case DistConst:
		if d.Const < 0 {
			c.fail(key, "%s: delay = %v ms must not be negative", what, d.Const)
		} else if d.Const < dt {
			c.fail(key, "%s: delay %v ms is shorter than dt = %v ms", what, d.Const, dt)
		}
	case DistUniform:
		if d.Low < 0 {
			c.fail(key, "%s: delay low = %v ms must not be negative", what, d.Low)
		} else if d.Low < dt {
			c.fail(key, "%s: delay low = %v ms is shorter than dt = %v ms", what, d.Low, dt)
		}
	case DistNormal, DistLognormal:
		if math.IsInf(d.Low, -1) {
			c.fail(key, "%s: the delay is drawn from a %s distribution and must be truncated at dt or above: give low >= dt = %v ms", what, d.Dist, dt)
		} else if d.Low < dt {
			c.fail(key, "%s: delay low = %v ms is shorter than dt = %v ms", what, d.Low, dt)
		}
	}
}

// synapse checks the synapse kind and its time constants for the target
// population, and fills the defaults.
func (c *checker) synapse(k func(...any) []any, tbl map[string]any, what string, s *SynapseSettings, w Value, to *Population) {
	if _, ok := tbl["synapse"]; !ok {
		s.Synapse = "delta"
		if to.Cable() {
			s.Synapse = "ExpSyn"
		}
	}
	kinds, other, kindOfTarget := PointSynapses, CableSynapses, "point neurons"
	if to.Cable() {
		kinds, other, kindOfTarget = CableSynapses, PointSynapses, "cable cells"
	}
	if slices.Contains(other, s.Synapse) {
		c.fail(k("synapse"), "%s: synapse %s does not apply to population %s of %s (%s)", what, s.Synapse, to.Name, kindOfTarget, strings.Join(kinds, ", "))
		return
	}
	if !c.choice(k("synapse"), "synapse", s.Synapse, kinds) {
		return
	}
	var need, may []string
	switch {
	case s.Synapse == "delta":
	case strings.HasPrefix(s.Synapse, "biexp_"):
		need = []string{"tau_rise", "tau_decay"}
	case s.Synapse == "ExpSyn":
		may = []string{"tau", "e_rev"}
	case s.Synapse == "Exp2Syn":
		may = []string{"tau_rise", "tau_decay", "tau1", "tau2", "e_rev"}
	default:
		need = []string{"tau"}
	}
	if strings.HasSuffix(s.Synapse, "_conductance") {
		need = append(need, "e_rev")
	}
	if !to.Cable() && s.Synapse != "delta" {
		may = append(may, "g_init")
		if _, ok := tbl["g_init"]; ok {
			c.value(k("g_init"), "g_init", s.GInit)
		}
	}
	c.keysIn(k(), tbl, fmt.Sprintf("%s: synapse %s", what, s.Synapse), synapseParams[1:], [2][]string{need, may})
	if s.Synapse == "Exp2Syn" {
		if _, ok := tbl["tau1"]; ok {
			s.TauRise = s.Tau1
		} else if _, ok := tbl["tau_rise"]; !ok {
			s.TauRise = 0.1
		}
		if _, ok := tbl["tau2"]; ok {
			s.TauDecay = s.Tau2
		} else if _, ok := tbl["tau_decay"]; !ok {
			s.TauDecay = 10
		}
	}
	if _, ok := tbl["tau"]; !ok && s.Synapse == "ExpSyn" {
		s.Tau = 0.1
	}
	for _, t := range []struct {
		name string
		x    float64
	}{{"tau", s.Tau}, {"tau_rise", s.TauRise}, {"tau_decay", s.TauDecay}} {
		if _, ok := tbl[t.name]; ok && (!(t.x > 0) || math.IsInf(t.x, 0)) {
			c.fail(k(t.name), "%s: %s = %v ms must be positive", what, t.name, t.x)
		}
	}
	if (strings.HasPrefix(s.Synapse, "biexp_") || s.Synapse == "Exp2Syn") && !(s.TauRise < s.TauDecay) {
		c.fail(k("tau_decay"), "%s: the rise time %v ms must be shorter than the decay time %v ms", what, s.TauRise, s.TauDecay)
	}
	conductance := strings.HasSuffix(s.Synapse, "_conductance") || to.Cable()
	if conductance && ((w.Dist == DistConst && w.Const < 0) || (w.Dist == DistUniform && w.Low < 0)) {
		c.fail(k("weight"), "%s: a conductance weight (µS) must not be negative: make the synapse inhibitory by its e_rev", what)
	}
}

// site checks where on a cable cell a synapse goes.
func (c *checker) site(k func(...any) []any, tbl map[string]any, what string, dist []float64, to *Population) {
	var given []string
	for _, key := range []string{"at", "region", "path_distance"} {
		if _, ok := tbl[key]; ok {
			given = append(given, key)
		}
	}
	switch {
	case !to.Cable() && len(given) > 0:
		c.fail(k(given[0]), "%s: %s places synapses on cable cells; population %s is of point neurons", what, given[0], to.Name)
	case to.Cable() && len(given) == 0:
		c.fail(k(), "%s: give where on the cells of %s the synapses go: at = \"dend(0.5)\", region = \"dend\" or path_distance = [50, 200] (µm)", what, to.Name)
	case len(given) > 1:
		c.fail(k(given[1]), "%s: give one of at, region and path_distance, not %s", what, strings.Join(given, " and "))
	case len(dist) > 0 && (len(dist) != 2 || !(dist[0] >= 0 && dist[0] < dist[1])):
		c.fail(k("path_distance"), "%s: path_distance must be [FROM, TO] in µm, 0 <= FROM < TO", what)
	}
}

func (n *Network) checkInputs(c *checker, tree map[string]any, pops map[string]popInfo) {
	seen := map[string]bool{}
	names := slices.Sorted(maps.Keys(pops))
	for i := range n.Inputs {
		in := &n.Inputs[i]
		tbl := entryOf(tree, "input", i)
		k := func(name ...any) []any { return append([]any{"input", i}, name...) }
		if _, named := tbl["name"]; !named {
			in.Name = fmt.Sprintf("input%d", i+1)
		}
		c.checkName(k("name"), "input", in.Name, seen)
		what := "input " + in.Name
		to, ok := c.population(k("to"), what, "to", in.To, pops, names)
		if _, given := tbl["kind"]; !given {
			c.fail(k(), "%s needs a kind (%s)", what, strings.Join(InputKinds, ", "))
			continue
		}
		if !c.choice(k("kind"), "input kind", in.Kind, InputKinds) {
			continue
		}
		kw := fmt.Sprintf("%s: kind %s", what, in.Kind)
		keys := inputKeys[in.Kind]
		params := inputParams
		if in.Spiking() { // tau is the synapse's
			params = slices.DeleteFunc(slices.Clone(params), func(k string) bool { return k == "tau" })
		}
		c.keysIn(k(), tbl, kw, params, keys)
		if _, ok := tbl["stop"]; !ok && slices.Contains(keys[1], "stop") {
			in.Stop = n.Run.Tstop
		}
		switch {
		case in.Kind != "poisson":
		case !(in.Rate >= 0) || math.IsInf(in.Rate, 0):
			c.fail(k("rate"), "%s: rate = %v Hz must be finite and not negative", what, in.Rate)
		case in.Rate*n.Run.Dt*1e-3 > rng.MaxPoissonMean:
			c.fail(k("rate"), "%s: rate = %v Hz is %.3g spikes a step of %v ms; at most %.0e", what, in.Rate, in.Rate*n.Run.Dt*1e-3, n.Run.Dt, float64(rng.MaxPoissonMean))
		}
		if in.Kind == "noise" && (!(in.Tau > 0) || !(in.SD >= 0)) {
			c.fail(k("tau"), "%s: tau = %v ms must be positive and sd = %v nA not negative", what, in.Tau, in.SD)
		}
		if _, ok := tbl["start"]; ok && in.Stop < in.Start {
			c.fail(k("stop"), "%s: stop = %v ms comes before start = %v ms", what, in.Stop, in.Start)
		}
		c.value(k("weight"), what+": weight", in.Weight)
		in.File, in.Weight.File = n.resolve(in.File), n.resolve(in.Weight.File)
		if !ok {
			continue
		}
		c.neurons(k("neurons"), what, in.Neurons, to.Population)
		if in.Spiking() {
			c.synapse(k, tbl, what, &in.SynapseSettings, in.Weight, to.Population)
			c.site(k, tbl, what, nil, to.Population)
		} else {
			for _, key := range synapseParams {
				if _, given := tbl[key]; given && !slices.Contains(keys[0], key) {
					c.fail(k(key), "%s: %s belongs to spike inputs (poisson, spike_times); kind %s injects a current", what, key, in.Kind)
				}
			}
		}
	}
}

// neurons checks that a selection lies within its population.
func (c *checker) neurons(key []any, what string, sel Neurons, p *Population) {
	over := sel.To > p.Size
	for _, i := range sel.List {
		over = over || i >= p.Size
	}
	if over {
		c.fail(key, "%s: neurons %s lie outside population %s (neurons 0 to %d)", what, sel, p.Name, p.Size-1)
	}
}

func (n *Network) checkPlasticity(c *checker, tree map[string]any, projs map[string]*Projection) {
	names := slices.Sorted(maps.Keys(projs))
	for i := range n.Plasticity {
		pl := &n.Plasticity[i]
		tbl := entryOf(tree, "plasticity", i)
		k := func(name ...any) []any { return append([]any{"plasticity", i}, name...) }
		what := fmt.Sprintf("plasticity %d", i+1)
		if pr, ok := projs[pl.Projection]; !ok {
			c.fail(k("projection"), "%s: unknown projection %q%s (%s)", what, pl.Projection, didYouMean(pl.Projection, names), strings.Join(names, ", "))
		} else if pr.Synapse == RateSynapse {
			c.fail(k("projection"), "%s: projection %s is a rate projection; plasticity learns from spikes", what, pl.Projection)
		} else if pr.Procedural {
			c.fail(k("projection"), "%s: projection %s is procedural: its weights are drawn again, not stored, and cannot learn", what, pl.Projection)
		}
		if _, ok := tbl["rule"]; !ok {
			c.fail(k("rule"), "%s needs a rule (%s)", what, strings.Join(PlasticityRules, ", "))
			continue
		}
		if !c.choice(k("rule"), "plasticity rule", pl.Rule, PlasticityRules) {
			continue
		}
		c.keysIn(k(), tbl, fmt.Sprintf("%s: rule %s", what, pl.Rule), plasticityParam, plasticityKeys[pl.Rule])
		if pl.Rule == "scaling" {
			if !(pl.TargetRate >= 0) || !(pl.Tau > 0) {
				c.fail(k("tau"), "%s: target_rate = %v Hz must not be negative and tau = %v ms must be positive", what, pl.TargetRate, pl.Tau)
			}
			continue
		}
		if pl.Mode == "" {
			pl.Mode = "additive"
		}
		if pl.Pairing == "" {
			pl.Pairing = "all"
		}
		c.choice(k("mode"), "mode", pl.Mode, []string{"additive", "multiplicative"})
		c.choice(k("pairing"), "pairing", pl.Pairing, []string{"all", "nearest"})
		for _, t := range []struct {
			name string
			x    *float64
		}{{"tau_plus", &pl.TauPlus}, {"tau_minus", &pl.TauMinus}} {
			if _, ok := tbl[t.name]; !ok {
				*t.x = 20
			} else if !(*t.x > 0) {
				c.fail(k(t.name), "%s: %s = %v ms must be positive", what, t.name, *t.x)
			}
		}
		if !(pl.WMin < pl.WMax) {
			c.fail(k("w_max"), "%s: w_min = %v must be below w_max = %v", what, pl.WMin, pl.WMax)
		}
	}
}

func (n *Network) checkRecord(c *checker, tree map[string]any, pops map[string]popInfo, projs map[string]*Projection) {
	r := &n.Record
	rec, _ := tree["record"].(map[string]any)
	names := slices.Sorted(maps.Keys(pops))
	n.recordSpikes(c, pops, names)
	if _, ok := rec["rate_bin"]; !ok {
		r.RateBin = 1
	} else if !(r.RateBin >= n.Run.Dt) || math.IsInf(r.RateBin, 0) {
		c.fail([]any{"record", "rate_bin"}, "record.rate_bin = %v ms must be at least dt = %v ms", r.RateBin, n.Run.Dt)
	}
	if _, ok := rec["every"]; !ok {
		r.Every = n.Run.Dt
	} else if !(r.Every >= n.Run.Dt) || math.IsInf(r.Every, 0) {
		c.fail([]any{"record", "every"}, "record.every = %v ms must be at least dt = %v ms", r.Every, n.Run.Dt)
	} else if k := math.Round(r.Every / n.Run.Dt); math.Abs(k*n.Run.Dt-r.Every) > 1e-9*r.Every &&
		slices.ContainsFunc(n.Populations, func(p Population) bool { return p.Cable() }) {
		// The cable engines sample on the step grid (as the plan
		// checks, without the file's line).
		c.fail([]any{"record", "every"}, "record.every = %v ms must be a multiple of dt = %v ms in a network of cable cells", r.Every, n.Run.Dt)
	}
	for j := range r.States {
		st := &r.States[j]
		key := func(name string) []any { return []any{"record", "states", j, name} }
		what := fmt.Sprintf("record.states %d", j+1)
		p, ok := c.population(key("population"), what, "population", st.Population, pops, names)
		if !ok {
			continue
		}
		c.neurons(key("neurons"), what, st.Neurons, p.Population)
		if st.Var == "" {
			st.Var = "v"
		}
		if p.model != nil {
			var vars []string
			for _, v := range p.model.Vars {
				vars = append(vars, v.Name)
			}
			if !slices.Contains(vars, st.Var) {
				c.fail(key("var"), "%s: model %s has no variable %q%s (%s)", what, p.model.Name, st.Var, didYouMean(st.Var, vars), strings.Join(vars, ", "))
			}
		}
	}
	projNames := slices.Sorted(maps.Keys(projs))
	for j := range r.Weights {
		w := &r.Weights[j]
		key := func(name string) []any { return []any{"record", "weights", j, name} }
		what := fmt.Sprintf("record.weights %d", j+1)
		if pr, ok := projs[w.Projection]; !ok {
			c.fail(key("projection"), "%s: unknown projection %q%s (%s)", what, w.Projection, didYouMean(w.Projection, projNames), strings.Join(projNames, ", "))
		} else if from, to := pops[pr.From], pops[pr.To]; from.Population != nil && to.Population != nil && from.Cable() && to.Cable() &&
			!slices.ContainsFunc(n.Plasticity, func(pl Plasticity) bool { return pl.Projection == w.Projection }) {
			// Its connections are the plan's NetCons, whose weights no
			// run changes and none records.
			c.fail(key("projection"), "%s: projection %s joins cable cells and does not learn: its weights stay as the file sets them (record.weights follows weights that learn, or that reach or leave point neurons)", what, w.Projection)
		}
		if w.Synapses < 1 {
			c.fail(key("synapses"), "%s: synapses = %d must be at least 1", what, w.Synapses)
		}
		if w.Every == 0 {
			w.Every = 1
		} else if !(w.Every >= n.Run.Dt) {
			c.fail(key("every"), "%s: every = %v ms must be at least dt = %v ms", what, w.Every, n.Run.Dt)
		}
	}
}

// subset reads "POP" or "POP[0:100]".
func (c *checker) subset(key []any, s string, pops map[string]popInfo, names []string) (Subset, bool) {
	name, rest, ranged := strings.Cut(s, "[")
	p, ok := pops[name]
	if !ok {
		c.fail(key, "record.spikes: unknown population %q%s (%s; or \"all\", \"none\")", name, didYouMean(name, names), strings.Join(names, ", "))
		return Subset{}, false
	}
	sub := Subset{Population: name}
	if ranged {
		var from, to int
		if _, err := fmt.Sscanf(rest, "%d:%d]", &from, &to); err != nil || !strings.HasSuffix(rest, "]") || from < 0 || to <= from {
			c.fail(key, "record.spikes: %q is not POP or POP[FROM:TO] (such as %s[0:100])", s, name)
			return Subset{}, false
		}
		sub.Neurons = Neurons{From: from, To: to}
		c.neurons(key, "record.spikes", sub.Neurons, p.Population)
	}
	return sub, true
}

// recordSpikes reads record.spikes into SpikeSets.
func (n *Network) recordSpikes(c *checker, pops map[string]popInfo, names []string) {
	r := &n.Record
	r.SpikeSets = nil
	var spikes []string
	switch s := r.Spikes.(type) {
	case nil:
		spikes = []string{"all"}
	case string:
		spikes = []string{s}
	case []any:
		for _, x := range s {
			spikes = append(spikes, x.(string))
		}
	}
	for j, s := range spikes {
		key := []any{"record", "spikes"}
		if _, list := r.Spikes.([]any); list {
			key = append(key, j)
		}
		switch {
		case s == "all" && len(spikes) == 1:
			for i := range n.Populations {
				r.SpikeSets = append(r.SpikeSets, Subset{Population: n.Populations[i].Name})
			}
		case s == "none" && len(spikes) == 1:
		default:
			sub, ok := c.subset(key, s, pops, names)
			if ok {
				r.SpikeSets = append(r.SpikeSets, sub)
			}
		}
	}
}
