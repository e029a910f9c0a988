package netbuild

import (
	"fmt"
	"math"

	"neurite/sim/connect"
	"neurite/sim/network"
	"neurite/sim/point"
	"neurite/sim/spec"
)

// point lowers a network of point neurons.
func (b *builder) point() error {
	n := b.spec
	net := &network.Network{Dt: n.Run.Dt, Seed: b.seed}
	for i := range n.Populations {
		p, err := b.pointPop(i)
		if err != nil {
			return err
		}
		net.Pops = append(net.Pops, p)
	}
	for i := range n.Projections {
		build := b.pointProjection
		if n.Projections[i].Synapse == spec.RateSynapse {
			build = b.rateProjection
		}
		pr, err := build(net, i)
		if err != nil {
			return err
		}
		net.Projections = append(net.Projections, pr)
		if err := b.connected(i); err != nil {
			return err
		}
	}
	for i := range n.Inputs {
		if err := b.pointInput(net, i); err != nil {
			return err
		}
	}
	for i := range n.Plasticity {
		if err := b.plasticity(net, i); err != nil {
			return err
		}
	}
	// A LIF population integrated exactly turns to Euler where
	// conductance synapses make it nonlinear (as Brian2's COBA).
	for _, p := range net.Pops {
		for _, q := range p.Ports {
			if p.LIF != nil && p.Method == network.Exact && q.Synapse == network.Conductance {
				p.Method = network.Euler
			}
		}
	}
	b.m.Point = net
	return b.probes(net)
}

// pointPop builds population i with its per-neuron parameters.
func (b *builder) pointPop(i int) (*network.Population, error) {
	sp := &b.spec.Populations[i]
	p := &network.Population{Name: sp.Name, N: sp.Size, Method: method(sp.Method)}
	at := func(key ...any) []any { return append([]any{"population", i}, key...) }
	var m *point.Model
	var err error
	switch {
	case sp.Model == spec.PoissonSource:
	case sp.Model == "lif":
		m = point.LIF()
	case sp.Model != "":
		m, err = point.Builtin(sp.Model)
	default:
		m, err = b.equations(sp.Equations)
	}
	if err != nil {
		return nil, b.spec.Errorf(at("model"), "population %s: %v", sp.Name, err)
	}
	params := map[string][]float64{}
	for name, v := range sp.Params {
		col, err := b.sample(v, sp.Size, "population", sp.Name, "params", name)
		if err != nil {
			return nil, b.spec.Errorf(at("params", name), "population %s: %v", sp.Name, err)
		}
		params[name] = col
	}
	init := map[string][]float64{}
	for name, v := range sp.Init {
		col, err := b.sample(v, sp.Size, "population", sp.Name, "init", name)
		if err != nil {
			return nil, b.spec.Errorf(at("init", name), "population %s: %v", sp.Name, err)
		}
		init[name] = col
	}
	if sp.Model == spec.PoissonSource {
		p.Source = params["rate"]
		if p.Source == nil {
			p.Source = fill(sp.Size, 10)
		}
		return p, nil
	}
	if sp.Model == "lif" {
		p.LIF = lifColumns(sp.Size, params)
		if sp.Threshold != nil {
			p.LIF.Vth = fill(sp.Size, *sp.Threshold)
		}
		p.V0 = init["v"]
		return p, nil
	}
	if sp.Threshold != nil {
		return nil, b.spec.Errorf(at("threshold"), "population %s: threshold applies to lif populations; set the model's own threshold parameter", sp.Name)
	}
	p.Model = &network.PointModel{Model: m, Params: params, Init: init}
	return p, nil
}

// lifColumns gives every LIF parameter a value per neuron: the file's, or
// the default.
func lifColumns(n int, params map[string][]float64) *network.LIF {
	defaults := lifDefaults()
	col := func(name string) []float64 {
		if c, ok := params[name]; ok {
			return c
		}
		return fill(n, defaults[name])
	}
	return &network.LIF{Tau: col("tau"), EL: col("EL"), R: col("R"), Vth: col("vth"), Vreset: col("vreset"), Tref: col("tref"), I: col("I")}
}

func fill(n int, x float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = x
	}
	return out
}

// equations reads a typed equations file.
func (b *builder) equations(name string) (*point.Model, error) {
	r, err := b.spec.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return point.Parse(r, name)
}

// port is the port a synapse setting makes on a point population.
func port(s spec.SynapseSettings) network.Port {
	q := network.Port{TauDecay: s.Tau, E: s.ERev}
	switch s.Synapse {
	case "", "delta":
		return network.Port{Synapse: network.Delta}
	case "exp_current", "exp_conductance":
		q.Shape = network.Exp
	case "alpha_current", "alpha_conductance":
		q.Shape = network.Alpha
	case "biexp_current", "biexp_conductance":
		q.Shape, q.TauRise, q.TauDecay = network.BiExp, s.TauRise, s.TauDecay
	}
	q.Synapse = network.Current
	if s.Synapse == "exp_conductance" || s.Synapse == "alpha_conductance" || s.Synapse == "biexp_conductance" {
		q.Synapse = network.Conductance
	} else {
		q.E = 0
	}
	return q
}

// port returns the population's port for a synapse setting, with its
// initial values when the setting gives them.
func (b *builder) port(p *network.Population, s spec.SynapseSettings, kind, name string) (int, error) {
	k := p.PortOf(port(s))
	if !s.GInit.Given() {
		return k, nil
	}
	col, err := b.sample(s.GInit, p.N, kind, name, "g_init")
	if err != nil {
		return 0, err
	}
	for len(p.G0) <= k {
		p.G0 = append(p.G0, nil)
	}
	p.G0[k] = col
	return k, nil
}

// pointProjection generates projection i's synapses, weights and delays.
func (b *builder) pointProjection(net *network.Network, i int) (*network.Projection, error) {
	sp := &b.spec.Projections[i]
	at := func(key ...any) []any { return append([]any{"projection", i}, key...) }
	g, err := b.generate(i)
	if err != nil {
		return nil, err
	}
	pre, post := net.Pops[b.pop(sp.From)], net.Pops[b.pop(sp.To)]
	k, err := b.port(post, sp.SynapseSettings, "projection", sp.Name)
	if err != nil {
		return nil, b.spec.Errorf(at("g_init"), "projection %s: %v", sp.Name, err)
	}
	pr := &network.Projection{Name: sp.Name, From: pre, To: post, Port: k, Start: g.csr.Start, Target: g.csr.Target, Procedural: g.proc}
	return pr, b.weightsAndDelays(pr, g, net.Dt, i)
}

// weightsAndDelays gives projection i its generated weights and its
// delays in steps of dt.
func (b *builder) weightsAndDelays(pr *network.Projection, g *generated, dt float64, i int) error {
	for _, w := range g.weights {
		// Every engine keeps weights as float32: one past its range
		// (or not finite) would be stored as ±Inf and surface, if at
		// all, as a blow-up far from its cause.
		if !(math.Abs(float64(float32(w))) <= math.MaxFloat32) {
			return b.spec.Errorf([]any{"projection", i, "weight"}, "projection %s: weight %g is not a finite float32 (at most %.4g in magnitude)", pr.Name, w, math.MaxFloat32)
		}
		pr.W = append(pr.W, float32(w))
	}
	for _, d := range g.delays {
		k, err := network.DelaySteps(d, dt)
		if err != nil {
			return b.spec.Errorf([]any{"projection", i, "delay"}, "projection %s: %v", pr.Name, err)
		}
		pr.Delay = append(pr.Delay, k)
	}
	return nil
}

// generated is a projection's synapses (rows by presynaptic neuron) with
// their weights and delays: one value each where the file gives a
// constant.
type generated struct {
	csr             *connect.CSR
	weights, delays []float64
	proc            *connect.Procedural // the rule that regenerates the rows, where the file asks for procedural
}

// generate draws projection i's synapses by its rule, and their weights
// and delays.
func (b *builder) generate(i int) (*generated, error) {
	sp := &b.spec.Projections[i]
	at := func(key ...any) []any { return append([]any{"projection", i}, key...) }
	from, to := b.pop(sp.From), b.pop(sp.To)
	r, err := b.rule(i)
	if err != nil {
		return nil, err
	}
	if sp.Procedural {
		return b.procedural(i, r)
	}
	g := &generated{}
	g.csr, err = connect.Generate(r, b.m.Pops[from].N, b.m.Pops[to].N, from == to, b.pos[from], b.pos[to], b.seed^stream("projection", sp.Name))
	if err != nil {
		return nil, b.spec.Errorf(at("rule"), "projection %s: %v", sp.Name, err)
	}
	n := int(g.csr.Len())
	if g.weights, err = b.perSynapse(sp.Weight, r.Pairs, func(p *connect.Pairs) []float64 { return p.Weight }, n, sp.Name, "weight"); err != nil {
		return nil, b.spec.Errorf(at("weight"), "projection %s: %v", sp.Name, err)
	}
	if g.delays, err = b.perSynapse(sp.Delay, r.Pairs, func(p *connect.Pairs) []float64 { return p.Delay }, n, sp.Name, "delay"); err != nil {
		return nil, b.spec.Errorf(at("delay"), "projection %s: %v", sp.Name, err)
	}
	return g, nil
}

// perSynapse gives a projection's weights or delays: one value when the
// file gives a constant, else one per synapse, from the file's
// distribution or from the rule's CSV column.
func (b *builder) perSynapse(v spec.Value, pairs *connect.Pairs, column func(*connect.Pairs) []float64, n int, name, what string) ([]float64, error) {
	if pairs != nil && column(pairs) != nil {
		return column(pairs), nil
	}
	if !v.Given() {
		return nil, fmt.Errorf("give a %s", what)
	}
	if v.Dist == spec.DistConst {
		return []float64{v.Const}, nil
	}
	return b.sample(v, n, "projection", name, what)
}

// neurons turns a file's selection into a mask (nil: all).
func neuronMask(sel spec.Neurons, n int) []bool {
	if sel.All() {
		return nil
	}
	mask := make([]bool, n)
	if sel.List != nil {
		for _, i := range sel.List {
			if i >= 0 && i < n {
				mask[i] = true
			}
		}
		return mask
	}
	for i := sel.From; i < min(sel.To, n); i++ {
		mask[i] = true
	}
	return mask
}

// pointInput adds input i: Poisson trains and currents as drives, spike
// times as inputs at their steps.
func (b *builder) pointInput(net *network.Network, i int) error {
	in := &b.spec.Inputs[i]
	at := func(key ...any) []any { return append([]any{"input", i}, key...) }
	p := net.Pops[b.pop(in.To)]
	mask := neuronMask(in.Neurons, p.N)
	switch in.Kind {
	case "poisson":
		if in.Weight.Dist != spec.DistConst {
			return b.spec.Errorf(at("weight"), "input %s: a Poisson input's weight is one number", in.Name)
		}
		k, err := b.port(p, in.SynapseSettings, "input", in.Name)
		if err != nil {
			return b.spec.Errorf(at("g_init"), "input %s: %v", in.Name, err)
		}
		p.Drives = append(p.Drives, network.Drive{Kind: network.Poisson, Port: k,
			Rate: in.Rate, W: in.Weight.Const, Shared: in.Shared, Neurons: mask})
	case "spike_times":
		t, err := b.open.ReadColumns(in.File, []string{"neuron", "t_ms"}, []string{"weight"})
		if err != nil {
			return err
		}
		k, err := b.port(p, in.SynapseSettings, "input", in.Name)
		if err != nil {
			return b.spec.Errorf(at("g_init"), "input %s: %v", in.Name, err)
		}
		for r := range t.Columns[0] {
			id, tm := t.Columns[0][r], t.Columns[1][r]
			if id < 0 || int(id) >= p.N || id != math.Trunc(id) {
				return fmt.Errorf("%s:%d: neuron %g is not in population %s (0 to %d)", in.File, t.Lines[r], id, p.Name, p.N-1)
			}
			if err := inputTime(in.File, t.Lines[r], tm); err != nil {
				return err
			}
			w := in.Weight.Const
			if t.Columns[2] != nil {
				w = t.Columns[2][r]
			}
			net.Inputs = append(net.Inputs, network.SpikeInput{Pop: p, Port: k, Neuron: int(id), T: tm, W: w})
		}
	case "step", "cue":
		amp := in.Amp
		p.Drives = append(p.Drives, network.Drive{Kind: network.CurrentDrive, Neurons: mask, Start: in.Start, Stop: in.Stop,
			I: func(float64) float64 { return amp }})
	case "ramp":
		start, stop, a0, a1 := in.Start, in.Stop, in.FromAmp, in.ToAmp
		p.Drives = append(p.Drives, network.Drive{Kind: network.CurrentDrive, Neurons: mask, Start: start, Stop: stop,
			I: func(t float64) float64 { return a0 + (a1-a0)*(t-start)/(stop-start) }})
	case "sine":
		amp, f, ph, off := in.Amp, in.Freq, in.Phase, in.Offset
		p.Drives = append(p.Drives, network.Drive{Kind: network.CurrentDrive, Neurons: mask, Start: in.Start, Stop: in.Stop,
			I: func(t float64) float64 { return off + amp*math.Sin(2*math.Pi*f*t/1000+ph) }})
	case "noise":
		p.Drives = append(p.Drives, network.Drive{Kind: network.Noise, Mean: in.Mean, SD: in.SD, Tau: in.Tau, Neurons: mask, Start: in.Start, Stop: in.Stop})
	}
	return nil
}

// scalingRate is how fast scaled weights follow their targets' rates
// (1/ms): a weight moves by a tenth of itself a second per unit of
// relative rate error.
const scalingRate = 1e-4

// plasticity makes a projection plastic.
func (b *builder) plasticity(net *network.Network, i int) error {
	sp := &b.spec.Plasticity[i]
	var pr *network.Projection
	for _, p := range net.Projections {
		if p.Name == sp.Projection {
			pr = p
		}
	}
	var err error
	switch sp.Rule {
	case "stdp":
		err = pr.SetPlasticity(&network.STDP{TauPlus: sp.TauPlus, TauMinus: sp.TauMinus, APlus: sp.APlus, AMinus: sp.AMinus,
			WMin: sp.WMin, WMax: sp.WMax, Multiplicative: sp.Mode == "multiplicative", Nearest: sp.Pairing == "nearest"}, nil)
	case "scaling":
		err = pr.SetPlasticity(nil, &network.Scaling{Target: sp.TargetRate, Tau: sp.Tau, Rate: scalingRate, WMax: sp.WMax})
	}
	if err != nil {
		return b.spec.Errorf([]any{"plasticity", i}, "%v", err)
	}
	return nil
}

// probes lists the recorded states.
func (b *builder) probes(net *network.Network) error {
	for i, sr := range b.spec.Record.States {
		p := net.Pops[b.pop(sr.Population)]
		for j := range p.N {
			if mask := neuronMask(sr.Neurons, p.N); mask != nil && !mask[j] {
				continue
			}
			b.m.Probes = append(b.m.Probes, network.Probe{Pop: p, Neuron: j, Var: sr.Var})
			b.m.ProbeNames = append(b.m.ProbeNames, fmt.Sprintf("%s[%d].%s", p.Name, j, sr.Var))
		}
		if len(b.m.Probes) > 10000 {
			return b.spec.Errorf([]any{"record", "states", i}, "record.states selects %d traces; record at most 10000", len(b.m.Probes))
		}
	}
	return nil
}

// inputTime checks the time of a spike in a spike_times file: finite, and
// not before the run's start.
func inputTime(file string, line int, t float64) error {
	if !(t >= 0) || math.IsInf(t, 1) {
		return fmt.Errorf("%s:%d: t_ms = %g: an input spike comes at 0 ms or later, at a finite time", file, line, t)
	}
	return nil
}
