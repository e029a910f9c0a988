package cable

import (
	"fmt"
	"slices"
	"strings"

	"neurite/compartments"
	"neurite/compartments/mech"
	"neurite/gpu/mechglsl"
	"neurite/gpu/pointmodel"
)

// The NMODL mechanisms' storage buffers (mechs.glsl, generated).
const (
	bMechData = 10 // the instances' variables (mechglsl.Layout), mechanism after mechanism
	bMechIdx  = 11 // each cell's instance range of each mechanism, then the instances' slots
	bNodeIons = 12 // the ions by slot: E, I, Ci, Co and the Nernst flag; then area·10⁻² and area by slot
	// The point processes' events (points.go).
	bPointInts = 13 // each cell's header, the NetCons, the inputs' NetCons, the queued self-events
	bPointDbls = 14 // the inputs' times, the NetCons' arguments, the queued self-events' times and flags
	// The storage buffers a kernel binds with mechanisms, and with point
	// processes too.
	mechBindings  = bNodeIons + 1
	pointBindings = bPointDbls + 1
)

// ionFields are the doubles an ion keeps a slot: mech.IonField's four and
// whether E follows the concentrations by Nernst.
const ionFields = 5

// mechTables are the plan's NMODL mechanisms on the device: their
// GLSL (written by gpu/mechglsl from the trees the CPU compiles) and where
// their instances and the ions live.
type mechTables struct {
	order   []int // the plan's mechanisms, concentration writers first (NEURON's order, the CPU engine's)
	lay     []mechglsl.Layout
	base    []int        // by mechanism: its first word in the instance buffer
	slotsAt []int        // by mechanism: its instances' slots in the index buffer
	points  *pointTables // nil without point processes
	src     string
}

// newMechTables writes the mechanisms' GLSL for the layout's e.slots
// slots; a mechanism the GPU does not run is an error naming it.
func (e *Cable) newMechTables() (*mechTables, error) {
	p := e.plan
	t := &mechTables{}
	var ions []string
	for _, ion := range p.Ions {
		ions = append(ions, ion.Name)
	}
	t.order = p.MechOrder()
	var src strings.Builder
	d := pointmodel.DoubleLiteral
	fmt.Fprintf(&src, `// The plan's NMODL mechanisms (gpu/cable/mechs.go writes this file).
// A team shares out each mechanism's instances (lid, lid + stride, ...)
// and waits for all (MECH_SYNC, which the including kernel defines)
// before the next: a density mechanism has one instance at a node, so no
// two invocations write one node's words at once; point processes, which
// may share a node, run serially where they write to it.
#define HAS_MECHS 1
layout(std430, binding = %d) coherent buffer MechData { double mechData[]; };
layout(std430, binding = %d) readonly buffer MechIdx { int mechIdx[]; };
layout(std430, binding = %d) coherent buffer NodeIons { double nodeIons[]; };
#define MECH_DATA mechData
#define MECH_ION(k, f, node) nodeIons[((k) * %d + (f)) * %d + (node)]
#define MECH_SCALE(s) nodeIons[%d + (s)]
#define MECH_AREA(s) nodeIons[%d + (s)]
#define MECH_CELSIUS (%s)
#define MECH_DT (%s)
`, bMechData, bMechIdx, bNodeIons, ionFields, e.slots, len(ions)*ionFields*e.slots, (len(ions)*ionFields+1)*e.slots, d(p.Celsius), d(p.Dt))
	src.WriteString(mechglsl.Prelude())
	var text strings.Builder
	words, slots := 0, 2*len(p.Cells)*len(p.Mechs)
	for _, mp := range p.Mechs {
		m, lay, err := mechglsl.Emit(mp.Mech, ions)
		if err != nil {
			return nil, fmt.Errorf("gpu: mechanism %s: %w", mp.Mech.Name, err)
		}
		text.WriteString(m)
		t.lay = append(t.lay, lay)
		t.base = append(t.base, words)
		t.slotsAt = append(t.slotsAt, slots)
		words += lay.Words * len(mp.Node)
		slots += len(mp.Node)
	}
	if slices.ContainsFunc(p.Mechs, func(mp compartments.MechPlan) bool { return mp.Mech.Point }) {
		// the queue and MECH_SEND, which the mechanisms call, first
		t.points = e.newPointTables()
		for k, mp := range p.Mechs {
			if mp.Mech.NetArgs != nil {
				t.points.receiveLoops = max(t.points.receiveLoops, t.lay[k].Loops)
			}
		}
		src.WriteString(t.points.head)
	}
	src.WriteString(text.String())
	if t.points != nil {
		src.WriteString(t.points.calls(p, t))
	} else {
		src.WriteString("\nvoid mechEvents(int c, int step, int lid, int stride) {}\n")
	}
	// The ion pass: the step's ion currents start from 0 and the reversal
	// potentials follow the concentrations where NEURON's do.
	src.WriteString("\nvoid mechIons(int c, int lid, int stride) {\n\tfor (int k = lid; k < nodesPerCell; k += stride) {\n\t\tint s = SLOT(k, c);\n")
	for k, ion := range p.Ions {
		f := mech.NernstFactor(ion.Valence, p.Celsius)
		fmt.Fprintf(&src, "\t\tMECH_ION(%[1]d, 1, s) = 0.0lf;\n\t\tif (MECH_ION(%[1]d, 4, s) != 0.0lf) {\n\t\t\tMECH_ION(%[1]d, 0, s) = %[2]s * mech_log(MECH_ION(%[1]d, 3, s) / MECH_ION(%[1]d, 2, s));\n\t\t}\n", k, d(f))
	}
	src.WriteString("\t}\n\tMECH_SYNC();\n}\n")
	// each writes a pass over the mechanisms, a team sharing out each
	// one's instances; but invocation 0 takes a point process's alone
	// where serial says so (several may share a node, whose accumulator
	// they add to, and INITIAL's net_send queues on the cell).
	each := func(name, params string, serial func(m *mech.Mechanism) bool, body func(k int, m *mech.Mechanism, base, n int) string, tail string) {
		fmt.Fprintf(&src, "\nvoid %s(int c%s, int lid, int stride) {\n", name, params)
		for _, k := range t.order {
			mp := p.Mechs[k]
			from, step := "lid", "stride"
			if serial(mp.Mech) {
				from, step = "(lid == 0 ? 0 : hi)", "1"
			}
			fmt.Fprintf(&src, "\tfor (int hi = mechIdx[%[1]d * c + %[3]d], i = mechIdx[%[1]d * c + %[2]d] + %[5]s; i < hi; i += %[6]s) {\n\t\tint s = mechIdx[%[4]d + i];\n",
				2*len(p.Mechs), 2*k, 2*k+1, t.slotsAt[k], from, step)
			src.WriteString(body(k, mp.Mech, t.base[k], len(mp.Node)))
			src.WriteString("\t}\n\tMECH_SYNC();\n")
		}
		src.WriteString(tail + "}\n")
	}
	point := func(m *mech.Mechanism) bool { return m.Point }
	// A point process's INITIAL may net_send: the queue notes for whom.
	initTail := ""
	if t.points != nil {
		initTail = "\tpointNetCons(c, lid);\n"
	}
	each("mechInit", "", point, func(k int, m *mech.Mechanism, base, n int) string {
		send := ""
		if m.Point {
			send = fmt.Sprintf("\t\tevCell = c;\n\t\tevMech = %d;\n\t\tevInst = i;\n\t\tevArgs = -1;\n", k)
		}
		return fmt.Sprintf("%s\t\t%s_init(%d, %d, i, s, vAt(s), 0.0lf);\n", send, m.Name, base, n)
	}, initTail)
	// Each instance's current, linearised about v (NEURON's numeric
	// di/dv), into the node's equation, in nA and µS: a density
	// mechanism's scaled from mA/cm² and S/cm² by the area, a point
	// process's as it is.
	each("mechCurrents", ", double t", point, func(_ int, m *mech.Mechanism, base, n int) string {
		sc := "MECH_SCALE(s)"
		if m.Point {
			sc = "1.0lf"
		}
		return fmt.Sprintf("\t\tdouble v = vAt(s), di;\n\t\tdouble i0 = %s_current(%d, %d, i, s, v, t, di);\n"+
			"\t\tdouble sc = %s;\n\t\tsetAcc(s, acc(s) + dvec2(di * sc, (di * v - i0) * sc));\n", m.Name, base, n, sc)
	}, "")
	never := func(*mech.Mechanism) bool { return false }
	each("mechClear", "", never, func(int, *mech.Mechanism, int, int) string { return "\t\tsetAcc(s, dvec2(0.0lf));\n" }, "")
	// A point process that stores an ion's value at its node advances
	// alone, as two at a node would write one word.
	each("mechAdvance", ", double t", func(m *mech.Mechanism) bool { return m.Point && writesIon(m) }, func(_ int, m *mech.Mechanism, base, n int) string {
		return fmt.Sprintf("\t\t%s_advance(%d, %d, i, s, vAt(s), t);\n", m.Name, base, n)
	}, "")
	fmt.Fprintf(&src, "\ndouble mechProbe(int kind, int index) {\n\treturn kind == %d ? mechData[index] : nodeIons[index];\n}\n", compartments.ProbeMech)
	t.src = src.String()
	return t, nil
}

// writesIon says a mechanism stores an ion variable other than a current
// at its node (a concentration, a reversal potential).
func writesIon(m *mech.Mechanism) bool {
	return slices.ContainsFunc(m.IonVars, func(iv mech.IonVar) bool { return iv.Write && iv.What != mech.IonI })
}

// noMechs is mechs.glsl for a plan without NMODL mechanisms.
const noMechs = `// The plan has no NMODL mechanisms.
#define HAS_MECHS 0
#define MECH_DT 0.0lf
void mechIons(int c, int lid, int stride) {}
void mechInit(int c, int lid, int stride) {}
void mechEvents(int c, int step, int lid, int stride) {}
void mechCurrents(int c, double t, int lid, int stride) {}
void mechClear(int c, int lid, int stride) {}
void mechAdvance(int c, double t, int lid, int stride) {}
double mechProbe(int kind, int index) { return 0.0lf; }
`

// loops is the loop iterations a step of the mechanisms makes in cell ci
// in the busiest of stride invocations: the ion pass over the nodes,
// three loops over each mechanism's instances, and each instance's own
// (mechglsl.Layout.Loops).
func (t *mechTables) loops(p *compartments.Plan, perCell, ci, stride int) int {
	share := func(n int) int { return (n + stride - 1) / stride }
	n := share(perCell) + 1
	for k, mp := range p.Mechs {
		lo, _ := slices.BinarySearch(mp.Cell, int32(ci))
		hi, _ := slices.BinarySearch(mp.Cell, int32(ci+1))
		if mp.Mech.Point {
			n += 3 + (hi-lo)*(3+t.lay[k].Loops) // invocation 0 takes them alone
			continue
		}
		n += 3 + share(hi-lo)*(3+t.lay[k].Loops)
	}
	if t.points != nil {
		step, _ := t.points.loops(ci)
		n += step
	}
	return n
}

// buffers returns the contents of the three buffers: the instances with
// their parameters, the index, and the ions as the plan starts them.
func (t *mechTables) buffers(e *Cable) (data []float64, idx []int32, ions []float64) {
	p := e.plan
	for k, mp := range p.Mechs {
		n := len(mp.Node)
		w := make([]float64, t.lay[k].Words*n)
		for j := range mp.Param {
			copy(w[j*n:], mp.Param[j])
		}
		data = append(data, w...)
	}
	idx = make([]int32, 2*len(p.Cells)*len(p.Mechs))
	for k, mp := range p.Mechs {
		for i, c := range mp.Cell {
			at := 2*(int(c)*len(p.Mechs)+k) + 1
			if idx[at] == 0 {
				idx[at-1] = int32(i)
			}
			idx[at] = int32(i + 1)
		}
	}
	for _, mp := range p.Mechs {
		for _, node := range mp.Node {
			idx = append(idx, int32(e.slot[node]))
		}
	}
	ions = make([]float64, (len(p.Ions)*ionFields+2)*e.slots)
	at := func(k, f, s int) *float64 { return &ions[(k*ionFields+f)*e.slots+s] }
	for k, ion := range p.Ions {
		for node := range p.Nodes {
			s := e.slot[node]
			*at(k, int(mech.IonE), s) = ion.E[node]
			*at(k, int(mech.IonCi), s) = ion.Ci[node]
			*at(k, int(mech.IonCo), s) = ion.Co[node]
			if ion.Nernst[node] {
				*at(k, 4, s) = 1
			}
		}
	}
	for node := range p.Nodes {
		ions[len(p.Ions)*ionFields*e.slots+e.slot[node]] = p.Area[node] * 1e-2
		ions[(len(p.Ions)*ionFields+1)*e.slots+e.slot[node]] = p.Area[node]
	}
	return data, idx, ions
}

// probeIndex is where a probe of a mechanism's variable reads in the
// instance buffer, or a probe of an ion in the ions buffer.
func (t *mechTables) probeIndex(e *Cable, pr compartments.ProbePlan) int {
	if pr.Var == compartments.ProbeIon {
		// the plan's fields are E, Ci, Co, I
		f := [...]mech.IonField{mech.IonE, mech.IonCi, mech.IonCo, mech.IonI}[pr.Field.Index]
		return (int(pr.Index)*ionFields+int(f))*e.slots + e.slot[pr.Node]
	}
	k, lay := pr.Mech, t.lay[pr.Mech]
	word := [...]int{compartments.MechState: lay.States, compartments.MechAssigned: lay.Assigned, compartments.MechParam: lay.Params}[pr.Field.Kind] + pr.Field.Index
	return t.base[k] + word*len(e.plan.Mechs[k].Node) + int(pr.Index)
}
