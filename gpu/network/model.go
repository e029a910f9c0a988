package network

import (
	"fmt"
	"strings"

	"neurite/gpu/pointmodel"
	"neurite/sim"
	point "neurite/sim/network"
)

// modelMethods are the integrators of sim/network's point models (its
// odeMethod: exact integration is the LIF kernel's own, RK4 for models)
// as shaders/point_net.comp's METHOD.
var modelMethods = map[point.Method]int{point.Euler: 0, point.RK2: 1, point.RK4: 2, point.Exact: 2}

// modelPop is a point-model population's model on the device: its
// model.glsl and the number of its variables and parameters.
type modelPop struct{ pointmodel.Model }

// newModelPop translates a population's model, or says why the GPU does
// not run it.
func newModelPop(p *point.Population) (*modelPop, error) {
	m := p.Model.Model
	pm, err := pointmodel.Network(m)
	if err != nil {
		return nil, err
	}
	if _, ok := modelMethods[p.Method]; !ok {
		return nil, fmt.Errorf("method %s does not run on the GPU", p.Method)
	}
	return &modelPop{pm}, nil
}

// words is a neuron's record in the model buffer (point_net.comp's REC).
func (mp *modelPop) words() int { return mp.NP + mp.NV + 2 }

// modelShader returns the part of lif_pop.glsl point_net.comp takes
// beyond the ports and drives: the method, the model's spiking, its input
// parameter, synaptic() (the ports' currents Σ I, conductances Σ g and
// Σ g·E, each summed in port order from 0 as sim/network's synaptic),
// currentInput (none without current drives) and inRange (every variable
// finite and within sim.MaxAbsV, as modelStep checks; net_state.glsl's
// withinD, which a NaN cannot pass).
func modelShader(pp *pop, mp *modelPop) string {
	p := pp.Population
	m := p.Model.Model
	var s strings.Builder
	input := -1
	for k, q := range m.Params {
		if q.Name == m.Input {
			input = k
		}
	}
	fmt.Fprintf(&s, "#define METHOD %d\nconst bool SPIKING = %t;\nconst double SPIKE_AT = %s;\nconst int INPUT = %d;\n\n",
		modelMethods[p.Method], m.Spiking(), literal(m.SpikeAt), input)
	s.WriteString("void synaptic(out double is, out double gs, out double gE) {\n\tprecise double i0 = 0.0lf, g0 = 0.0lf, e0 = 0.0lf;\n")
	for k, q := range p.Ports {
		switch q.Synapse {
		case point.Current:
			fmt.Fprintf(&s, "\ti0 = i0 + %s;\n", synValue(k, q))
		case point.Conductance:
			fmt.Fprintf(&s, "\tg0 = g0 + %[1]s;\n\te0 = e0 + %[1]s * %[2]s;\n", synValue(k, q), literal(q.E))
		}
	}
	s.WriteString("\tis = i0;\n\tgs = g0;\n\tgE = e0;\n}\n\n")
	if !hasCurrents(p) {
		s.WriteString("double currentInput(int n) { return 0.0lf; }\n\n")
	}
	terms := make([]string, mp.NV)
	for k := range terms {
		terms[k] = fmt.Sprintf("withinD(x[%d], %s)", k, literal(sim.MaxAbsV))
	}
	fmt.Fprintf(&s, "bool inRange(State x) { return %s; }\n\n", strings.Join(terms, " && "))
	s.WriteString(rateShader(pp))
	return s.String()
}

// rateShader returns a population's part in rate coupling as
// point_net.comp calls it, without loops: rateLoad keeps the fed
// parameters' own values; rateIn(n, i) sets each fed parameter to its
// own value plus step n's sum, or returns the sums into the input current
// to be added to it, as sim/network's rateInput; rateOut(n, i, x) hands
// back the states the projections from the population read.
func rateShader(p *pop) string {
	var s strings.Builder
	fmt.Fprintf(&s, "double rateKeep[%d];\n\nvoid rateLoad() {\n", max(1, len(p.rateFed)))
	for k, j := range p.rateFed {
		fmt.Fprintf(&s, "\trateKeep[%d] = p[%d];\n", k, j)
	}
	s.WriteString("}\n\ndouble rateIn(int n, int i) {\n\tprecise double I = 0.0lf;\n")
	if len(p.rateFed) > 0 {
		fmt.Fprintf(&s, "\tint at = rateBase + (n - stepFrom) * rateCols + %d + i;\n", p.rateCol)
	}
	for k, j := range p.rateFed {
		if p.rateInput[k] {
			fmt.Fprintf(&s, "\tI = I + due(at + %d * popN);\n", k)
		} else {
			fmt.Fprintf(&s, "\tprecise double q%[1]d = rateKeep[%[1]d] + due(at + %[1]d * popN);\n\tp[%[2]d] = q%[1]d;\n", k, j)
		}
	}
	s.WriteString("\treturn I;\n}\n\nvoid rateOut(int n, int i, State x) {\n")
	for h, v := range p.rateVars {
		fmt.Fprintf(&s, "\trout[(n - stepFrom) * outCols + %d + %d * popN + i] = x[%d];\n", p.outCol, h, v)
	}
	s.WriteString("}\n")
	return s.String()
}
