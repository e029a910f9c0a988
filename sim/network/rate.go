package network

import (
	"fmt"
	"slices"

	"neurite/sim/point"
)

// Rate makes a projection carry a continuous quantity instead of spikes:
// before each step n, the parameter Input of every target neuron j takes
// its own value plus Σ w·x_i(n − d) over j's synapses, x_i the state
// variable Var of source neuron i d steps earlier (its initial value
// before the start). Rate units and other models without a reset so drive
// one another (the excitatory and inhibitory populations of a Wilson–Cowan
// field). The sum is held over the step, as a spike input is, and the
// delays are at least a step, so neurons stay independent within an
// epoch.
type Rate struct {
	Var   string // the source model's state variable ("r", "E")
	Input string // the target model's parameter that takes the sum ("I")
}

// rateHistory is the recent past of one state variable of a population
// read by rate projections: a ring of steps, neuron i's value at step m
// at (m mod steps)·N + i.
type rateHistory struct {
	v     int   // the variable's index in the model's state
	steps int64 // the ring's length
	x     []float64
}

// at returns the ring's row of step m (m may be negative: before the
// start).
func (h *rateHistory) at(m int64, n int) []float64 {
	k := (m%h.steps + h.steps) % h.steps
	return h.x[k*int64(n) : (k+1)*int64(n)]
}

// rateLink is a rate projection as its targets read it: the transpose of
// its rows, so that each target neuron sums its own synapses, in the
// order of their sources whatever the number of threads, while the
// neurons advance in parallel.
type rateLink struct {
	from  *popState
	hist  *rateHistory
	param int     // index in the target's popRate.params
	start []int64 // target neuron j's synapses: start[j] to start[j+1]
	src   []uint32
	w     []float32 // per synapse, or one for all
	delay []uint16  // per synapse (steps), or one for all
}

// popRate is a population's part in rate coupling: the histories its
// variables keep for the projections from it, and the projections into
// it by the parameter they add to.
type popRate struct {
	out    []*rateHistory
	in     []*rateLink
	params []int       // indices in the model's parameters, each fed by links
	input  []bool      // the parameter is the model's input current
	base   [][]float64 // per parameter, per neuron: the neuron's own value
}

// checkRate refuses a rate projection the engine cannot run.
func (pr *Projection) checkRate() error {
	if pr.Rate == nil {
		return nil
	}
	if pr.stdp != nil || pr.scaling != nil {
		return fmt.Errorf("projection %s: plasticity learns from spikes; a rate projection carries none", pr.Name)
	}
	src := pr.From.Model
	if src == nil || src.Model.Spiking() {
		return fmt.Errorf("projection %s: population %s spikes and has no rate to carry: a rate projection's source is a model without a reset", pr.Name, pr.From.Name)
	}
	if _, ok := src.Model.VarIndex(pr.Rate.Var); !ok {
		return fmt.Errorf("projection %s: model %s of population %s has no variable %q", pr.Name, src.Model.Name, pr.From.Name, pr.Rate.Var)
	}
	if pr.To.Model == nil {
		return fmt.Errorf("projection %s: a rate projection drives a model run through its equations; population %s takes spikes only", pr.Name, pr.To.Name)
	}
	if _, ok := pr.To.Model.Model.Param(pr.Rate.Input); !ok {
		return fmt.Errorf("projection %s: model %s of population %s has no parameter %q", pr.Name, pr.To.Model.Model.Name, pr.To.Name, pr.Rate.Input)
	}
	return nil
}

// wireRates makes the histories and links of the rate projections: a
// history long enough that an epoch (at most the shortest delay) never
// overwrites a value a later step reads.
func (e *Engine) wireRates() {
	var lo, hi int64 = 0, 0
	for _, pr := range e.net.Projections {
		if pr.Rate == nil {
			continue
		}
		for _, d := range pr.Delay {
			if lo == 0 || int64(d) < lo {
				lo = int64(d)
			}
			hi = max(hi, int64(d))
		}
	}
	e.rateDelay = lo
	state := func(p *Population) *popState { return e.pops[slices.Index(e.net.Pops, p)] }
	for _, pr := range e.net.Projections {
		if pr.Rate == nil {
			continue
		}
		from, to := state(pr.From), state(pr.To)
		for _, p := range []*popState{from, to} {
			if p.rate == nil {
				p.rate = &popRate{}
			}
		}
		v, _ := from.Model.Model.VarIndex(pr.Rate.Var)
		k := slices.IndexFunc(from.rate.out, func(h *rateHistory) bool { return h.v == v })
		if k < 0 {
			k = len(from.rate.out)
			from.rate.out = append(from.rate.out, &rateHistory{v: v, steps: lo + hi + 1, x: make([]float64, (lo+hi+1)*int64(from.N))})
		}
		link := transpose(pr)
		link.from, link.hist = from, from.rate.out[k]
		link.param = to.rate.paramOf(to, pr.Rate.Input)
		to.rate.in = append(to.rate.in, link)
	}
}

// paramOf returns the index of the model parameter name among those rate
// projections feed, adding it if new.
func (r *popRate) paramOf(p *popState, name string) int {
	m := p.Model.Model
	j := slices.IndexFunc(m.Params, func(q point.Param) bool { return q.Name == name })
	if k := slices.Index(r.params, j); k >= 0 {
		return k
	}
	base := make([]float64, p.N)
	for i := range p.models {
		base[i] = p.models[i].m.Model.Params[j].Value
	}
	r.params, r.input, r.base = append(r.params, j), append(r.input, name == m.Input), append(r.base, base)
	return len(r.params) - 1
}

// transpose orders a projection's synapses by target, each target's by
// source (a stable counting sort).
func transpose(pr *Projection) *rateLink {
	n := pr.To.N
	l := &rateLink{start: make([]int64, n+1), src: make([]uint32, len(pr.Target))}
	for _, t := range pr.Target {
		l.start[t+1]++
	}
	for j := range n {
		l.start[j+1] += l.start[j]
	}
	next := slices.Clone(l.start[:n])
	ws, ds := len(pr.W) != 1, len(pr.Delay) != 1
	l.w, l.delay = pr.W, pr.Delay
	if ws {
		l.w = make([]float32, len(pr.W))
	}
	if ds {
		l.delay = make([]uint16, len(pr.Delay))
	}
	for i := range pr.From.N {
		for s := pr.Start[i]; s < pr.Start[i+1]; s++ {
			t := pr.Target[s]
			at := next[t]
			next[t]++
			l.src[at] = uint32(i)
			if ws {
				l.w[at] = pr.W[s]
			}
			if ds {
				l.delay[at] = pr.Delay[s]
			}
		}
	}
	return l
}

// rateInput sets neuron i's parameters fed by rate projections for step n
// and returns what adds to its input current.
func (p *popState) rateInput(i int, n int64, ms *modelState) float64 {
	r := p.rate
	if r == nil || len(r.in) == 0 {
		return 0
	}
	I := 0.0
	for k, j := range r.params {
		sum := r.paramSum(k, i, n)
		if r.input[k] {
			I += sum
		} else {
			ms.m.Model.Params[j].Value = r.base[k][i] + sum
		}
	}
	return I
}

// paramSum is the sum fed parameter k of neuron i takes at step n: its
// links' sums, in the links' order.
func (r *popRate) paramSum(k, i int, n int64) float64 {
	sum := 0.0
	for _, l := range r.in {
		if l.param == k {
			sum += l.sum(i, n)
		}
	}
	return sum
}

// sum is Σ w·x(n − d) over target neuron j's synapses.
func (l *rateLink) sum(j int, n int64) float64 {
	lo, hi := l.start[j], l.start[j+1]
	if lo == hi {
		return 0
	}
	N := l.from.N
	total := 0.0
	if len(l.delay) == 1 {
		row := l.hist.at(n-int64(l.delay[0]), N)
		for s := lo; s < hi; s++ {
			total += float64(l.weight(s)) * row[l.src[s]]
		}
		return total
	}
	for s := lo; s < hi; s++ {
		total += float64(l.weight(s)) * l.hist.at(n-int64(l.delay[s]), N)[l.src[s]]
	}
	return total
}

func (l *rateLink) weight(s int64) float32 {
	if len(l.w) == 1 {
		return l.w[0]
	}
	return l.w[s]
}

// rateRecord keeps neuron i's state x as of step m in its histories.
func (p *popState) rateRecord(i int, m int64, x []float64) {
	if p.rate == nil {
		return
	}
	for _, h := range p.rate.out {
		h.at(m, p.N)[i] = x[h.v]
	}
}

// rateParams gives the parameters rate projections feed (other than the
// input) back their neurons' own values before the models restart, so
// that a model whose initial state follows its parameters (Izhikevich's
// u = b·v) starts every run alike.
func (p *popState) rateParams() {
	if p.rate == nil {
		return
	}
	for k, j := range p.rate.params {
		if p.rate.input[k] {
			continue
		}
		for i := range p.models {
			p.models[i].m.Model.Params[j].Value = p.rate.base[k][i]
		}
	}
}

// rateReset fills the histories with the initial state: the value every
// delay reaches back to before the start.
func (p *popState) rateReset() {
	if p.rate == nil {
		return
	}
	for _, h := range p.rate.out {
		for m := range h.steps {
			row := h.at(m, p.N)
			for i := range p.models {
				row[i] = p.models[i].x[h.v]
			}
		}
	}
}

// The rate coupling as an engine that runs this one's neurons elsewhere
// (gpu/network) takes it: the histories and sums stay here, in this
// engine's order, and the other engine hands in its sources' states and
// takes the sums.

// RateDelay is the shortest delay of the rate projections in steps (0:
// none): an epoch is at most that long, so that a step's sums read only
// states of earlier epochs.
func (e *Engine) RateDelay() int64 { return e.rateDelay }

// RateFed returns the model parameters that rate projections feed in
// population pop (by index), in the order of RateInputs, and whether
// each is the model's input current (added to it) or another parameter
// (set to the neuron's own value plus the sum).
func (e *Engine) RateFed(pop int) (params []int, input []bool) {
	if r := e.pops[pop].rate; r != nil {
		return r.params, r.input
	}
	return nil, nil
}

// RateInputs writes the sums that population pop's rate projections
// give its neurons at step n: out[k·N + i] for fed parameter k and
// neuron i, each summed as the engine's own step sums it.
func (e *Engine) RateInputs(pop int, n int64, out []float64) {
	p := e.pops[pop]
	for k := range p.rate.params {
		for i := range p.N {
			out[k*p.N+i] = p.rate.paramSum(k, i, n)
		}
	}
}

// RateVars returns the state variables whose recent past population
// pop's rate histories keep, in the order of RecordRate.
func (e *Engine) RateVars(pop int) []int {
	var vs []int
	if r := e.pops[pop].rate; r != nil {
		for _, h := range r.out {
			vs = append(vs, h.v)
		}
	}
	return vs
}

// RecordRate keeps row, the value of RateVars(pop)[h] of every neuron of
// population pop, as of step m.
func (e *Engine) RecordRate(pop, h int, m int64, row []float64) {
	p := e.pops[pop]
	copy(p.rate.out[h].at(m, p.N), row)
}

// ResetRates sets the rate histories to the initial state, as Init
// does: every delay reaches back to it before the start.
func (e *Engine) ResetRates() {
	for _, p := range e.pops {
		if p.rate != nil && p.Model != nil {
			p.resetModels()
		}
	}
}
