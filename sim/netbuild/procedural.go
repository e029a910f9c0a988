package netbuild

import (
	"fmt"

	"neurite/sim/connect"
	"neurite/sim/spec"
)

// procedural builds projection i, which the file makes procedural, from
// the rows its procedural form regenerates, so that an engine drawing
// them again on a device delivers to the very synapses the CPU engine
// stores.
func (b *builder) procedural(i int, r connect.Rule) (*generated, error) {
	sp := &b.spec.Projections[i]
	at := func(key ...any) []any { return append([]any{"projection", i}, key...) }
	from, to := b.pop(sp.From), b.pop(sp.To)
	w, err := b.procValues(sp.Weight)
	if err != nil {
		return nil, b.spec.Errorf(at("weight"), "projection %s: procedural weights: %v", sp.Name, err)
	}
	d, err := b.procValues(sp.Delay)
	if err != nil {
		return nil, b.spec.Errorf(at("delay"), "projection %s: procedural delays: %v", sp.Name, err)
	}
	p, err := connect.NewProcedural(r, b.m.Pops[from].N, b.m.Pops[to].N, from == to, b.seed^stream("projection", sp.Name), w, d)
	if err != nil {
		return nil, b.spec.Errorf(at("procedural"), "projection %s: %v", sp.Name, err)
	}
	g := &generated{proc: p}
	g.csr, g.weights, g.delays = p.Build(b.m.Pops[from].N)
	if w.Shape == connect.ConstantShape {
		g.weights = []float64{w.A}
	}
	if d.Shape == connect.ConstantShape {
		g.delays = []float64{d.A}
	}
	return g, nil
}

// procValues gives the law of a procedural projection's weights or
// delays: a constant, uniform or normal (cut or not); a lognormal or a
// CSV column cannot be regenerated on a device.
func (b *builder) procValues(v spec.Value) (connect.Values, error) {
	d, err := b.distOf(v)
	if err == nil {
		err = d.Check()
	}
	if err != nil {
		return connect.Values{}, err
	}
	switch {
	case v.Dist == spec.DistConst:
		return connect.Values{Shape: connect.ConstantShape, A: v.Const}, nil
	case v.Dist == spec.DistNormal && v.SD == 0:
		return connect.Values{Shape: connect.ConstantShape, A: v.Mean}, nil
	case v.Dist == spec.DistUniform:
		return connect.Values{Shape: connect.UniformShape, A: v.Low, B: v.High}, nil
	case v.Dist == spec.DistNormal:
		return connect.Values{Shape: connect.NormalShape, A: v.Mean, B: v.SD, Low: v.Low, High: v.High}, nil
	}
	return connect.Values{}, fmt.Errorf("a %s distribution cannot be drawn procedurally (constant, uniform and normal can)", v.Dist)
}
