package network

import (
	"fmt"
	"strconv"
	"strings"

	"neurite/sim"
	point "neurite/sim/network"
)

// maxPorts is the most ports a population may have on the GPU: the
// kernel keeps each in a register.
const maxPorts = 4

// popShader returns lif_pop.glsl for a population: its method and, port by
// port without loops, the functions shaders/lif_net.comp calls on the
// port variables b[]. Every sum that forms v is precise and in the CPU
// engine's order (sim/network/fast.go): current ports, then conductances,
// each in port order.
func popShader(p *point.Population, dt float64) string {
	var s strings.Builder
	euler := 0
	if p.Method == point.Euler {
		euler = 1
	}
	fmt.Fprintf(&s, "#define NPORTS %d\n#define EULER %d\n\n", len(p.Ports), euler)
	fmt.Fprintf(&s, "const double DT = %s, MAX_ABS_V = %s;\n\n", literal(dt), literal(sim.MaxAbsV))
	if shared, ok := sharedParams(p, dt); ok {
		lits := make([]string, len(shared))
		for j, x := range shared {
			lits[j] = literal(x)
		}
		fmt.Fprintf(&s, "const double PAR[PW] = double[PW](%s);\n\ndouble param(int at, int j) { return PAR[j]; }\n\n", strings.Join(lits, ", "))
	} else {
		s.WriteString("double param(int at, int j) { return par(at + j); }\n\n")
	}
	each := func(sig string, body func(k int, q point.Port) string, ret string) {
		s.WriteString(sig + " {\n")
		for k, q := range p.Ports {
			s.WriteString(body(k, q))
		}
		s.WriteString(ret + "}\n\n")
	}
	each("void loadPorts(int i, int at)", func(k int, q point.Port) string {
		d := 1.0
		if q.Synapse != point.Delta {
			d = point.Decay(q.TauDecay, dt, p.Method)
		}
		return fmt.Sprintf("\tb[%[1]d] = syn(popBase + %[1]d * popN + i);\n\tp21[%[1]d] = param(at, 8 + %[1]d);\n"+
			"\tdecay[%[1]d] = %[2]s;\n\trev[%[1]d] = %[3]s;\n", k, literal(d), literal(q.E))
	}, "")
	each("void storePorts(int i)", func(k int, q point.Port) string {
		return fmt.Sprintf("\tsetSyn(popBase + %[1]d * popN + i, b[%[1]d]);\n", k)
	}, "")
	each("double exactStep(double v, double vinf, double p22)", func(k int, q point.Port) string {
		if k == 0 {
			return "\tprecise double vn = vinf + (v - vinf) * p22;\n" + exactTerm(k, q)
		}
		return exactTerm(k, q)
	}, exactReturn(p))
	s.WriteString("double eulerStep(double v, double el, double r, double I, double dt, double tau) {\n")
	s.WriteString("\tprecise double is = 0.0, gs = 0.0, gE = 0.0;\n")
	for k, q := range p.Ports {
		if q.Synapse == point.Current {
			fmt.Fprintf(&s, "\tis = is + b[%d];\n", k)
		}
	}
	for k, q := range p.Ports {
		if q.Synapse == point.Conductance {
			fmt.Fprintf(&s, "\tgs = gs + b[%[1]d];\n\tgE = gE + b[%[1]d] * rev[%[1]d];\n", k)
		}
	}
	s.WriteString("\tprecise double vn = v + dt * (el - v + r * (I + is + gE - gs * v)) / tau;\n\treturn vn;\n}\n\n")
	each("void decayPorts()", func(k int, q point.Port) string {
		if q.Synapse == point.Delta {
			return ""
		}
		return fmt.Sprintf("\tb[%[1]d] = b[%[1]d] * decay[%[1]d];\n", k)
	}, "")
	each("double deliver(int at, bool open, double v)", func(k int, q point.Port) string {
		if q.Synapse == point.Delta {
			return fmt.Sprintf("\tdouble w%[1]d = due(at + %[1]d * popN);\n\tif (w%[1]d != 0.0 && open) {\n\t\tv = v + w%[1]d;\n\t}\n", k)
		}
		return fmt.Sprintf("\tb[%[1]d] = b[%[1]d] + due(at + %[1]d * popN);\n", k)
	}, "\treturn v;\n")
	each("double port(int k)", func(k int, q point.Port) string {
		return fmt.Sprintf("\tif (k == %[1]d) {\n\t\treturn b[%[1]d];\n\t}\n", k)
	}, "\treturn 0.0;\n")
	return s.String()
}

// exactTerm is the exact step's term of port k: the voltage its current
// adds over the step.
func exactTerm(k int, q point.Port) string {
	if q.Synapse != point.Current {
		return ""
	}
	return fmt.Sprintf("\tvn = vn + p21[%[1]d] * b[%[1]d];\n", k)
}

// exactReturn ends the exact step (a population without ports forms vn
// there).
func exactReturn(p *point.Population) string {
	if len(p.Ports) == 0 {
		return "\tprecise double vn = vinf + (v - vinf) * p22;\n\treturn vn;\n"
	}
	return "\treturn vn;\n"
}

// sharedParams returns the parameters every neuron of p shares, if they
// all do.
func sharedParams(p *point.Population, dt float64) ([neuronPW]float64, bool) {
	first := neuronParams(p, 0, dt)
	for i := 1; i < p.N; i++ {
		if neuronParams(p, i, dt) != first {
			return first, false
		}
	}
	return first, true
}

// literal writes a double as a GLSL double constant that reads back to
// the same number: the shortest decimal that does, with a point or an
// exponent and the lf suffix.
func literal(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s + "lf"
}
