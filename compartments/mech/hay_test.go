package mech

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"neurite/compartments/nmodl"
)

const hayDir = "../testdata/reference/nmodl_hay_cell"

var hayMods = []string{"CaDynamics_E2", "Ca_HVA", "Ca_LVAst", "Ih", "Im", "K_Pst", "K_Tst", "NaTa_t", "Nap_Et2", "SK_E2", "SKv3_1"}

func compileFile(t testing.TB, path string) *Mechanism {
	t.Helper()
	m, err := nmodl.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mech, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return mech
}

func hay(t testing.TB, name string) *Mechanism {
	return compileFile(t, filepath.Join(hayDir, "mod", name+".mod"))
}

// hayCable is n nodes at voltages v (one instance a node) with the Hay
// case's ions: ena 50, ek -85, cai 5e-5, cao 2, eca by Nernst, 34 C.
func hayCable(v []float64) *Cable {
	n := len(v)
	c := &Cable{Node: make([]int32, n), V: slices.Clone(v), Celsius: 34, Dt: 0.025, Ions: map[string]*IonNodes{}}
	for k := range c.Node {
		c.Node[k] = int32(k)
	}
	for _, ion := range []struct {
		name      string
		e, ci, co float64
	}{{"na", 50, 10, 140}, {"k", -85, 54, 2.5}, {"ca", Nernst(2, 34, 5e-5, 2), 5e-5, 2}} {
		in := &IonNodes{E: make([]float64, n), Ci: make([]float64, n), Co: make([]float64, n), I: make([]float64, n)}
		fill(in.E, ion.e)
		fill(in.Ci, ion.ci)
		fill(in.Co, ion.co)
		c.Ions[ion.name] = in
	}
	return c
}

func index(t testing.TB, vs []Var, name string) int {
	t.Helper()
	i := slices.IndexFunc(vs, func(v Var) bool { return v.Name == name })
	if i < 0 {
		t.Fatalf("no variable %s in %v", name, vs)
	}
	return i
}

// within reports whether got equals want to rel relative to scale.
func within(got, want, rel, scale float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), scale)
}

func TestHayCompiles(t *testing.T) {
	for _, name := range hayMods {
		m := hay(t, name)
		if m.Name != name || m.Point || m.Method != nmodl.Cnexp {
			t.Errorf("%s: compiled as %s point=%v method %q", name, m.Name, m.Point, m.Method)
		}
		if got := m.WritesConcentration; got != (name == "CaDynamics_E2") {
			t.Errorf("%s: WritesConcentration %v", name, got)
		}
	}
}

// TestHayInitStates checks every state of init_states.csv (soma and
// apical rows: all mechanisms at v = -80, cai = 5e-5) to the CSV's
// printed precision.
func TestHayInitStates(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(hayDir, "init_states.csv")) {
		section, variable, text := r[0], r[2], r[3]
		want, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatal(err)
		}
		digits := len(strings.TrimLeft(strings.ReplaceAll(strings.Split(strings.TrimPrefix(text, "-"), "e")[0], ".", ""), "0"))
		rel := 0.5*math.Pow(10, float64(1-digits)) + 1e-15
		var got float64
		switch {
		case variable == "v":
			continue
		case variable == "eca":
			got = Nernst(2, 34, 5e-5, 2)
		case variable == "cai":
			g := hay(t, "CaDynamics_E2").NewGroup(1)
			c := hayCable([]float64{-80})
			g.Init(c)
			got = g.State[0][0]
			if c.Ions["ca"].Ci[0] != got {
				t.Errorf("cai: cable %g, state %g", c.Ions["ca"].Ci[0], got)
			}
		default:
			state, mod, _ := strings.Cut(variable, "_")
			m := hay(t, mod)
			g := m.NewGroup(1)
			g.Init(hayCable([]float64{-80}))
			got = g.State[index(t, m.States, state)][0]
		}
		seen[variable] = true
		if !within(got, want, rel, 0) {
			t.Errorf("%s %s: %.15g, want %s (rel %.2g)", section, variable, got, text, math.Abs(got-want)/math.Abs(want))
		}
	}
	if len(seen) != 18 {
		t.Errorf("checked %d variables, want 18", len(seen))
	}
}

// TestHayCurrent sets states by hand and checks the current g*(v-E), di/dv
// = g, the conductance ASSIGNED and the ion total, with g from the mod's
// BREAKPOINT written out here.
func TestHayCurrent(t *testing.T) {
	const v = -20.0
	eca := Nernst(2, 34, 5e-5, 2)
	for _, tc := range []struct {
		mod, gbar, gname, ion string
		e                     float64
		states                map[string]float64
		g                     func(gbar float64, s map[string]float64) float64
	}{
		{"NaTa_t", "gNaTa_tbar", "gNaTa_t", "na", 50, map[string]float64{"m": 0.3, "h": 0.6}, func(g float64, s map[string]float64) float64 { return g * s["m"] * s["m"] * s["m"] * s["h"] }},
		{"Nap_Et2", "gNap_Et2bar", "gNap_Et2", "na", 50, map[string]float64{"m": 0.2, "h": 0.7}, func(g float64, s map[string]float64) float64 { return g * s["m"] * s["m"] * s["m"] * s["h"] }},
		{"K_Pst", "gK_Pstbar", "gK_Pst", "k", -85, map[string]float64{"m": 0.4, "h": 0.5}, func(g float64, s map[string]float64) float64 { return g * s["m"] * s["m"] * s["h"] }},
		{"K_Tst", "gK_Tstbar", "gK_Tst", "k", -85, map[string]float64{"m": 0.4, "h": 0.5}, func(g float64, s map[string]float64) float64 { return g * math.Pow(s["m"], 4) * s["h"] }},
		{"SKv3_1", "gSKv3_1bar", "gSKv3_1", "k", -85, map[string]float64{"m": 0.45}, func(g float64, s map[string]float64) float64 { return g * s["m"] }},
		{"SK_E2", "gSK_E2bar", "gSK_E2", "k", -85, map[string]float64{"z": 0.25}, func(g float64, s map[string]float64) float64 { return g * s["z"] }},
		{"Ca_HVA", "gCa_HVAbar", "gCa_HVA", "ca", eca, map[string]float64{"m": 0.1, "h": 0.8}, func(g float64, s map[string]float64) float64 { return g * s["m"] * s["m"] * s["h"] }},
		{"Ca_LVAst", "gCa_LVAstbar", "gCa_LVAst", "ca", eca, map[string]float64{"m": 0.1, "h": 0.8}, func(g float64, s map[string]float64) float64 { return g * s["m"] * s["m"] * s["h"] }},
		{"Ih", "gIhbar", "gIh", "", -45, map[string]float64{"m": 0.35}, func(g float64, s map[string]float64) float64 { return g * s["m"] }},
		{"Im", "gImbar", "gIm", "k", -85, map[string]float64{"m": 0.05}, func(g float64, s map[string]float64) float64 { return g * s["m"] }},
	} {
		t.Run(tc.mod, func(t *testing.T) {
			m := hay(t, tc.mod)
			grp := m.NewGroup(1)
			const gbar = 0.0123
			grp.Param[index(t, m.Params, tc.gbar)][0] = gbar
			for s, x := range tc.states {
				grp.State[index(t, m.States, s)][0] = x
			}
			c := hayCable([]float64{v})
			const before = 0.5 // the ion total so far: the group adds to it
			if tc.ion != "" {
				c.Ions[tc.ion].I[0] = before
			}
			i, di := make([]float64, 1), make([]float64, 1)
			grp.Current(c, i, di)
			g := tc.g(gbar, tc.states)
			if want := g * (v - tc.e); !within(i[0], want, 1e-14, 0) {
				t.Errorf("i = %.17g, want %.17g", i[0], want)
			}
			if !within(di[0], g, 1e-9, 0) {
				t.Errorf("di = %.17g, want g = %.17g", di[0], g)
			}
			if got := grp.Assigned[index(t, m.Assigned, tc.gname)][0]; !within(got, g, 1e-15, 0) {
				t.Errorf("%s = %.17g, want %.17g", tc.gname, got, g)
			}
			if tc.ion != "" {
				if got := c.Ions[tc.ion].I[0]; got != before+i[0] {
					t.Errorf("i%s total %.17g, want %.17g", tc.ion, got, before+i[0])
				}
			}
			if c.V[0] != v {
				t.Errorf("node voltage changed to %g", c.V[0])
			}
		})
	}
}

// Rate functions of four Hay mechanisms, written out from the .mod files
// (qt = 2.3^1.3), for the cnexp checks.
var qt = math.Pow(2.3, 1.3)

func nataRates(v float64) (mInf, mTau, hInf, hTau float64) {
	if v == -38 {
		v += 0.0001
	}
	ma := 0.182 * (v + 38) / (1 - math.Exp(-(v+38)/6))
	mb := 0.124 * (-v - 38) / (1 - math.Exp(-(-v-38)/6))
	if v == -66 {
		v += 0.0001
	}
	ha := -0.015 * (v + 66) / (1 - math.Exp((v+66)/6))
	hb := -0.015 * (-v - 66) / (1 - math.Exp((-v-66)/6))
	return ma / (ma + mb), 1 / (ma + mb) / qt, ha / (ha + hb), 1 / (ha + hb) / qt
}

func kpstRates(v float64) (mInf, mTau, hInf, hTau float64) {
	v += 10
	mInf = 1 / (1 + math.Exp(-(v+1)/12))
	if v < -50 {
		mTau = (1.25 + 175.03*math.Exp(v*0.026)) / qt
	} else {
		mTau = (1.25 + 13*math.Exp(-v*0.026)) / qt
	}
	hInf = 1 / (1 + math.Exp((v+54)/11))
	hTau = (360 + (1010+24*(v+55))*math.Exp(-math.Pow((v+75)/48, 2))) / qt
	return
}

func ihRates(v float64) (mInf, mTau float64) {
	a := 0.001 * 6.43 * (v + 154.9) / (math.Exp((v+154.9)/11.9) - 1)
	b := 0.001 * 193 * math.Exp(v/33.1)
	return a / (a + b), 1 / (a + b)
}

func skRates(cai float64) (zInf, zTau float64) {
	if cai < 1e-7 {
		cai += 1e-7
	}
	return 1 / (1 + math.Pow(0.00043/cai, 4.8)), 1
}

// TestHayAdvance compares cnexp with the exact exponential update
// inf + (x - inf)*exp(-dt/tau), on both sides of K_Pst's if/else and
// of SK_E2's guard on its argument.
func TestHayAdvance(t *testing.T) {
	type gate struct {
		name     string
		x        float64
		inf, tau float64
	}
	type tcase struct {
		mod   string
		v     float64
		cai   float64
		gates func(v, cai float64) []gate
	}
	nata := func(v, _ float64) []gate {
		mi, mt, hi, ht := nataRates(v)
		return []gate{{"m", 0.3, mi, mt}, {"h", 0.6, hi, ht}}
	}
	kpst := func(v, _ float64) []gate {
		mi, mt, hi, ht := kpstRates(v)
		return []gate{{"m", 0.3, mi, mt}, {"h", 0.6, hi, ht}}
	}
	ih := func(v, _ float64) []gate {
		mi, mt := ihRates(v)
		return []gate{{"m", 0.3, mi, mt}}
	}
	sk := func(_, cai float64) []gate {
		zi, zt := skRates(cai)
		return []gate{{"z", 0.3, zi, zt}}
	}
	for _, tc := range []tcase{
		{"NaTa_t", -20, 5e-5, nata}, {"NaTa_t", -38, 5e-5, nata}, {"NaTa_t", -66, 5e-5, nata},
		{"K_Pst", -70, 5e-5, kpst}, {"K_Pst", 0, 5e-5, kpst},
		{"Ih", -80, 5e-5, ih},
		{"SK_E2", -80, 5e-4, sk}, {"SK_E2", -80, 5e-8, sk},
	} {
		m := hay(t, tc.mod)
		g := m.NewGroup(1)
		c := hayCable([]float64{tc.v})
		c.Ions["ca"].Ci[0] = tc.cai
		gates := tc.gates(tc.v, tc.cai)
		for _, gt := range gates {
			g.State[index(t, m.States, gt.name)][0] = gt.x
		}
		g.Advance(c)
		for _, gt := range gates {
			want := gt.inf + (gt.x-gt.inf)*math.Exp(-c.Dt/gt.tau)
			if got := g.State[index(t, m.States, gt.name)][0]; !within(got, want, 1e-13, 1) {
				t.Errorf("%s at v=%g cai=%g: %s = %.17g, want %.17g", tc.mod, tc.v, tc.cai, gt.name, got, want)
			}
		}
	}
}

// TestCaDynamics checks the cai update from a given ica, and that it is
// written to the cable.
func TestCaDynamics(t *testing.T) {
	m := hay(t, "CaDynamics_E2")
	g := m.NewGroup(1)
	c := hayCable([]float64{-60})
	const ica, cai0, gamma, decay, depth, minCai = -0.002, 2e-4, 0.000501, 460.0, 0.1, 1e-4
	g.Param[index(t, m.Params, "gamma")][0] = gamma
	g.Param[index(t, m.Params, "decay")][0] = decay
	c.Ions["ca"].I[0] = ica
	c.Ions["ca"].Ci[0] = cai0
	g.Advance(c)
	inf := minCai - decay*10000*ica*gamma/(2*Faraday*depth)
	want := inf + (cai0-inf)*math.Exp(-c.Dt/decay)
	if got := c.Ions["ca"].Ci[0]; !within(got, want, 1e-13, 0) {
		t.Errorf("cai = %.17g, want %.17g", got, want)
	}
	if g.State[0][0] != c.Ions["ca"].Ci[0] {
		t.Errorf("state cai %g, cable %g", g.State[0][0], c.Ions["ca"].Ci[0])
	}
}

func TestNernst(t *testing.T) {
	for _, tc := range []struct{ ci, co float64 }{{5e-5, 2}, {1e-4, 2}, {2e-3, 1.5}} {
		want := 13.234069557 * math.Log(tc.co/tc.ci)
		if got := Nernst(2, 34, tc.ci, tc.co); !within(got, want, 1e-10, 0) {
			t.Errorf("Nernst(2, 34, %g, %g) = %.12g, want %.12g", tc.ci, tc.co, got, want)
		}
	}
}

// TestGroupIndependent evaluates instances at voltages that take every
// guard and branch of the Hay procedures, together and one by one: the
// results must be equal bit for bit. The kinetics case's mechanisms
// (KINETIC, FUNCTION, a point process) are run the same way.
func TestGroupIndependent(t *testing.T) {
	vs := []float64{-38, -66, -17, -64.4, -27, -154.9, -60, -45, 12, -80}
	var paths []string
	for _, name := range hayMods {
		paths = append(paths, filepath.Join(hayDir, "mod", name+".mod"))
	}
	for _, name := range []string{"na8st", "KIn", "ampa"} {
		paths = append(paths, filepath.Join(kinDir, "mod", name+".mod"))
	}
	for _, path := range paths {
		m := compileFile(t, path)
		name := m.Name
		run := func(idx []int) (*Group, *Cable, []float64, []float64) {
			v := make([]float64, len(idx))
			for j, k := range idx {
				v[j] = vs[k]
			}
			g := m.NewGroup(len(idx))
			c := hayCable(v)
			for j, k := range idx {
				c.Ions["ca"].Ci[j] = 1e-5 * float64(k+1) * float64(k%3)
				c.Ions["ca"].I[j] = -1e-3 * float64(k)
				for p := range g.Param {
					g.Param[p][j] *= 1 + 0.1*float64(k)
				}
			}
			g.Init(c)
			for s := range g.State {
				for j, k := range idx {
					g.State[s][j] *= 1 + 0.01*float64(k)
				}
			}
			i, di := make([]float64, len(idx)), make([]float64, len(idx))
			g.Current(c, i, di)
			for j := range c.V {
				c.V[j] += 3
			}
			g.Advance(c)
			return g, c, i, di
		}
		// more instances than a block, so that the blocks are checked too
		all := make([]int, 3*block+len(vs))
		for k := range all {
			all[k] = k % len(vs)
		}
		ga, ca, ia, dia := run(all)
		for k := range all {
			g1, c1, i1, di1 := run([]int{all[k]})
			same := ia[k] == i1[0] && dia[k] == di1[0] && ca.Ions["ca"].Ci[k] == c1.Ions["ca"].Ci[0]
			for s := range ga.State {
				same = same && ga.State[s][k] == g1.State[s][0]
			}
			for a := range ga.Assigned {
				same = same && ga.Assigned[a][k] == g1.Assigned[a][0]
			}
			for _, ion := range []string{"na", "k", "ca"} {
				same = same && ca.Ions[ion].I[k] == c1.Ions[ion].I[0]
			}
			if !same {
				t.Errorf("%s: instance %d (v=%g) differs in a group from alone", name, k, vs[all[k]])
			}
		}
	}
}
