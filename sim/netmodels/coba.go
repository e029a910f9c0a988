package netmodels

import (
	"math"
	"math/rand/v2"

	"neurite/sim/connect"
	"neurite/sim/network"
)

// COBA is Vogels and Abbott's (2005) network as Brette et al. (2007)
// benchmark 1 and the peers' brian_coba.py run it: n LIF neurons (80%
// excitatory), p = 0.02 with autapses (Brian2's connect(p=0.02)),
// conductance-based exponential synapses in units of the leak
// conductance (we = 0.6, wi = 6.7; τe 5 ms, τi 10 ms; Ee 0, Ei −80 mV),
// τm 20 ms, El = Vr −60 mV, Vt −50 mV, refractory 5 ms, Euler at dt
// 0.1 ms. The initial state is Brian2's: v = El + 5·N(0,1) − 5 mV,
// ge = 1.5·N(0,1) + 4, gi = 12·N(0,1) + 20. Delays are one step, the
// shortest the engine takes (Brian2's are zero).
func COBA(n int, seed uint64) (*network.Network, error) {
	ne := n * 4 / 5
	net := &network.Network{Dt: 0.1, Seed: seed}
	r := rand.New(rand.NewPCG(seed, 0xc0ba))
	for _, size := range []int{ne, n - ne} {
		p := &network.Population{Name: "E", N: size, Method: network.Euler,
			LIF: uniformLIF(size, 20, -60, 1, -50, -60, 5)}
		if len(net.Pops) == 1 {
			p.Name = "I"
		}
		e := p.PortOf(network.Port{Synapse: network.Conductance, Shape: network.Exp, TauDecay: 5, E: 0})
		i := p.PortOf(network.Port{Synapse: network.Conductance, Shape: network.Exp, TauDecay: 10, E: -80})
		p.V0 = make([]float64, size)
		p.G0 = make([][]float64, 2)
		p.G0[e], p.G0[i] = make([]float64, size), make([]float64, size)
		for k := range size {
			p.V0[k] = -60 + 5*r.NormFloat64() - 5
			p.G0[e][k] = 1.5*r.NormFloat64() + 4
			p.G0[i][k] = 12*r.NormFloat64() + 20
		}
		net.Pops = append(net.Pops, p)
	}
	rule := connect.Rule{Kind: connect.FixedProbability, P: 0.02, Autapses: true}
	for a, from := range net.Pops {
		w, port := float32(0.6), 0
		if a == 1 {
			w, port = 6.7, 1
		}
		for b, to := range net.Pops {
			pr, err := project(rule, from, to, port, uint64(2*a+b), seed)
			if err != nil {
				return nil, err
			}
			pr.W, pr.Delay = []float32{w}, []uint16{1}
			net.Projections = append(net.Projections, pr)
		}
	}
	return net, nil
}

// project wires from onto port of to by rule, under its own stream of
// the seed.
func project(rule connect.Rule, from, to *network.Population, port int, stream, seed uint64) (*network.Projection, error) {
	rule.From, rule.To = from.Name, to.Name
	csr, err := connect.Generate(rule, from.N, to.N, from == to, nil, nil, seed^(stream+1)*0x9e3779b97f4a7c15)
	if err != nil {
		return nil, err
	}
	return &network.Projection{Name: from.Name + "->" + to.Name, From: from, To: to, Port: port, Start: csr.Start, Target: csr.Target}, nil
}

// uniformLIF gives n LIF neurons the same parameters (ms, mV, MΩ, mV,
// mV, ms) and no bias current.
func uniformLIF(n int, tau, el, r, vth, vreset, tref float64) *network.LIF {
	col := func(x float64) []float64 {
		c := make([]float64, n)
		for i := range c {
			c[i] = x
		}
		return c
	}
	return &network.LIF{Tau: col(tau), EL: col(el), R: col(r), Vth: col(vth), Vreset: col(vreset), Tref: col(tref), I: col(0)}
}

// Brunel is Brunel's (2000) model A: n LIF neurons (80% excitatory, 20%
// inhibitory), each receiving C_E = 0.1·N_E excitatory and C_I = C_E/4
// inhibitory connections (fixed in-degree), voltage jumps J = 0.1 mV
// (−g·J inhibitory), delay 1.5 ms, τ 20 ms, θ 20 mV, V_r 10 mV,
// refractory 2 ms, and C_E external Poisson inputs each at
// ν_ext = eta·ν_thr, ν_thr = θ/(J·C_E·τ), summed into one Poisson drive.
// g = 5, eta = 2 is the asynchronous irregular regime.
func Brunel(n int, g, eta float64, seed uint64) (*network.Network, error) {
	const (
		j, tau, theta, vr, tref, delay = 0.1, 20.0, 20.0, 10.0, 2.0, 1.5
		dt                             = 0.1
	)
	ne := n * 4 / 5
	ce := max(1, ne/10)
	ci := max(1, ce/4)
	nuThr := theta / (j * float64(ce) * tau) * 1000 // Hz
	net := &network.Network{Dt: dt, Seed: seed}
	r := rand.New(rand.NewPCG(seed, 0xb7))
	for _, size := range []int{ne, n - ne} {
		p := &network.Population{Name: "E", N: size, Method: network.Exact, LIF: uniformLIF(size, tau, 0, 1, theta, vr, tref)}
		if len(net.Pops) == 1 {
			p.Name = "I"
		}
		port := p.PortOf(network.Port{Synapse: network.Delta})
		p.V0 = make([]float64, size)
		for k := range size {
			p.V0[k] = r.Float64() * theta
		}
		p.Drives = []network.Drive{{Kind: network.Poisson, Port: port, Rate: float64(ce) * eta * nuThr, W: j}}
		net.Pops = append(net.Pops, p)
	}
	steps := uint16(math.Round(delay / dt))
	for a, from := range net.Pops {
		w, k := float32(j), ce
		if a == 1 {
			w, k = float32(-g*j), ci
		}
		for b, to := range net.Pops {
			pr, err := project(connect.Rule{Kind: connect.FixedIndegree, Indegree: k}, from, to, 0, uint64(2*a+b), seed)
			if err != nil {
				return nil, err
			}
			pr.W, pr.Delay = []float32{w}, []uint16{steps}
			net.Projections = append(net.Projections, pr)
		}
	}
	return net, nil
}
