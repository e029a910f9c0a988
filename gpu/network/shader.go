package network

import (
	"fmt"
	"math"
	"strings"

	"neurite/gpu/pointmodel"
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
	currents := 0
	if hasCurrents(p) {
		currents = 1
	}
	fmt.Fprintf(&s, "#define NPORTS %d\n#define EULER %d\n#define CURRENTS %d\n\n", len(p.Ports), euler, currents)
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
		load := fmt.Sprintf("\tb[%[1]d] = syn(popBase + %[1]d * popN + i);\n\tp21[%[1]d] = param(at, 8 + %[1]d);\n"+
			"\tdecay[%[1]d] = %[2]s;\n\trev[%[1]d] = %[3]s;\n", k, literal(d), literal(q.E))
		if twoVars(q) {
			load += fmt.Sprintf("\ta[%[1]d] = syn(targets + popBase + %[1]d * popN + i);\n", k)
		}
		return load
	}, "")
	each("void storePorts(int i)", func(k int, q point.Port) string {
		store := fmt.Sprintf("\tsetSyn(popBase + %[1]d * popN + i, b[%[1]d]);\n", k)
		if twoVars(q) {
			store += fmt.Sprintf("\tsetSyn(targets + popBase + %[1]d * popN + i, a[%[1]d]);\n", k)
		}
		return store
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
			fmt.Fprintf(&s, "\tis = is + %s;\n", synValue(k, q))
		}
	}
	for k, q := range p.Ports {
		if q.Synapse == point.Conductance {
			fmt.Fprintf(&s, "\tgs = gs + %[2]s;\n\tgE = gE + %[2]s * rev[%[1]d];\n", k, synValue(k, q))
		}
	}
	s.WriteString("\tprecise double vn = v + dt * (el - v + r * (I + is + gE - gs * v)) / tau;\n\treturn vn;\n}\n\n")
	each("void decayPorts()", func(k int, q point.Port) string {
		return decayTerm(k, q, p.Method, dt)
	}, "")
	each("double deliver(int at, bool open, double v)", func(k int, q point.Port) string {
		switch {
		case q.Synapse == point.Delta:
			return fmt.Sprintf("\tdouble w%[1]d = inputDue(at + %[1]d * popN);\n\tif (w%[1]d != 0.0 && open) {\n\t\tv = v + w%[1]d;\n\t}\n", k)
		case twoVars(q):
			return fmt.Sprintf("\tdouble w%[1]d = inputDue(at + %[1]d * popN);\n\tif (w%[1]d != 0.0) {\n%[2]s\t}\n", k, receiveSyn(k, q, p.Method, dt, fmt.Sprintf("w%d", k), "\t\t"))
		}
		return fmt.Sprintf("\tb[%[1]d] = b[%[1]d] + inputDue(at + %[1]d * popN);\n", k)
	}, "\treturn v;\n")
	each("double port(int k)", func(k int, q point.Port) string {
		return fmt.Sprintf("\tif (k == %[1]d) {\n\t\tprecise double g = %[2]s;\n\t\treturn g;\n\t}\n", k, synValue(k, q))
	}, "\treturn 0.0;\n")
	return s.String()
}

// twoVars reports whether port q keeps a second variable a[] besides
// b[]: alpha and bi-exponential synapses (sim/network's popState.a),
// stored in the state image after every queue target's b.
func twoVars(q point.Port) bool {
	return q.Synapse != point.Delta && q.Shape != point.Exp
}

// synValue is port k's present current or conductance, as
// sim/network's popState.syn forms it: b − a for a bi-exponential
// synapse, else b.
func synValue(k int, q point.Port) string {
	if q.Synapse != point.Delta && q.Shape == point.BiExp {
		return fmt.Sprintf("(b[%[1]d] - a[%[1]d])", k)
	}
	return fmt.Sprintf("b[%d]", k)
}

// synShape returns the constants of port q's update, as sim/network's
// newPopState computes them: the decays of a and b, what an input of
// weight 1 adds to each, and an alpha synapse's weight of a in b.
func synShape(q point.Port, m point.Method, dt float64) (decayA, decayB, jumpA, jumpB, alphaK float64) {
	decayA, decayB, jumpA, jumpB = 1, point.Decay(q.TauDecay, dt, m), 0, 1
	switch q.Shape {
	case point.Alpha:
		decayA, jumpA, jumpB, alphaK = decayB, math.E, 0, dt/q.TauDecay
		if m != point.Euler {
			alphaK *= decayB
		}
	case point.BiExp:
		tp := q.TauRise * q.TauDecay / (q.TauDecay - q.TauRise) * math.Log(q.TauDecay/q.TauRise)
		f := 1 / (math.Exp(-tp/q.TauDecay) - math.Exp(-tp/q.TauRise))
		decayA, jumpA, jumpB = point.Decay(q.TauRise, dt, m), f, f
	}
	return decayA, decayB, jumpA, jumpB, alphaK
}

// decayTerm is port k's decay over a step, in sim/network's endStep
// order: an alpha synapse's b takes in a before a decays.
func decayTerm(k int, q point.Port, m point.Method, dt float64) string {
	switch {
	case q.Synapse == point.Delta:
		return ""
	case !twoVars(q):
		return fmt.Sprintf("\tb[%[1]d] = b[%[1]d] * decay[%[1]d];\n", k)
	}
	da, db, _, _, ak := synShape(q, m, dt)
	if q.Shape == point.Alpha {
		return fmt.Sprintf("\t{\n\t\tprecise double bn = b[%[1]d] * %[2]s + a[%[1]d] * %[3]s;\n\t\tb[%[1]d] = bn;\n\t}\n\ta[%[1]d] = a[%[1]d] * %[4]s;\n",
			k, literal(db), literal(ak), literal(da))
	}
	return fmt.Sprintf("\ta[%[1]d] = a[%[1]d] * %[2]s;\n\tb[%[1]d] = b[%[1]d] * %[3]s;\n", k, literal(da), literal(db))
}

// receiveSyn adds an input of weight w (a GLSL double) onto port k's
// variables, as sim/network's receive does: a += w·jumpA, b += w·jumpB.
func receiveSyn(k int, q point.Port, m point.Method, dt float64, w, indent string) string {
	if !twoVars(q) {
		return fmt.Sprintf("%[3]s{\n%[3]s\tprecise double bn = b[%[1]d] + %[2]s;\n%[3]s\tb[%[1]d] = bn;\n%[3]s}\n", k, w, indent)
	}
	_, _, ja, jb, _ := synShape(q, m, dt)
	return fmt.Sprintf("%[5]s{\n%[5]s\tprecise double an = a[%[1]d] + %[2]s * %[3]s;\n%[5]s\ta[%[1]d] = an;\n"+
		"%[5]s\tprecise double bn = b[%[1]d] + %[2]s * %[4]s;\n%[5]s\tb[%[1]d] = bn;\n%[5]s}\n", k, w, literal(ja), literal(jb), indent)
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

// literal writes a double as a GLSL constant that reads back to the
// same number (pointmodel.DoubleLiteral).
func literal(x float64) string { return pointmodel.DoubleLiteral(x) }
