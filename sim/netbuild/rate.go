package netbuild

import (
	"neurite/sim/network"
)

// rateProjection builds projection i, of synapse rate: its synapses,
// weights and delays as a spike projection's, carrying the source's
// variable into the target's parameter.
func (b *builder) rateProjection(net *network.Network, i int) (*network.Projection, error) {
	sp := &b.spec.Projections[i]
	g, err := b.generate(i)
	if err != nil {
		return nil, err
	}
	pr := &network.Projection{Name: sp.Name, From: net.Pops[b.pop(sp.From)], To: net.Pops[b.pop(sp.To)],
		Start: g.csr.Start, Target: g.csr.Target, Rate: &network.Rate{Var: sp.Var, Input: sp.Input}}
	return pr, b.weightsAndDelays(pr, g, net.Dt, i)
}
