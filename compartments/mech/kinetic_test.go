package mech

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const kinDir = "../testdata/reference/nmodl_kinetics_point"

func kinInit(t *testing.T) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range readCSV(t, filepath.Join(kinDir, "init_states.csv")) {
		v, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		out[r[0]] = v
	}
	return out
}

// kinCable is the kinetics case's single node: ena 75, ek -95, 30 C.
func kinCable(v float64) *Cable {
	c := &Cable{Node: []int32{0}, V: []float64{v}, Celsius: 30, Dt: 0.025, Ions: map[string]*IonNodes{
		"na": {E: []float64{75}, Ci: []float64{10}, Co: []float64{140}, I: []float64{0}},
		"k":  {E: []float64{-95}, Ci: []float64{54}, Co: []float64{2.5}, I: []float64{0}},
	}}
	return c
}

var na8States = []string{"c1", "c2", "c3", "i1", "i2", "i3", "i4", "o"}

// TestNa8stSteadyState checks SOLVE kin STEADYSTATE sparse at -75 mV
// against init_states.csv, to 1e-7 relative: NEURON's own steady state
// (one backward-Euler step of 1e9 ms) is exact to about 1e-8.
func TestNa8stSteadyState(t *testing.T) {
	want := kinInit(t)
	m := compileFile(t, filepath.Join(kinDir, "mod", "na8st.mod"))
	if m.Method != "sparse" {
		t.Errorf("method %q", m.Method)
	}
	// the literal, not nocmodl's 6-digit 51.4295
	if p := m.Params[index(t, m.Params, "a1_0")]; p.Default != 5.142954478051616e+01 || p.Global {
		t.Errorf("a1_0: %+v", p)
	}
	if p := m.Params[index(t, m.Params, "vShift")]; p.Default != 12 || !p.Global {
		t.Errorf("vShift: %+v", p)
	}
	g := m.NewGroup(1)
	g.Param[index(t, m.Params, "gbar")][0] = 30
	c := kinCable(-75)
	g.Init(c)
	sum := 0.0
	for _, s := range na8States {
		got := g.State[index(t, m.States, s)][0]
		sum += got
		if w := want[s+"_na8st"]; !within(got, w, 1e-7, 0) {
			t.Errorf("%s = %.15g, want %.15g", s, got, w)
		}
	}
	// the elimination runs on entries of 1e9 * rates up to 8000/ms
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("states sum to %.17g", sum)
	}
	i, di := []float64{0}, []float64{0}
	g.Current(c, i, di)
	if w := want["ina_mA_cm2"]; !within(i[0], w, 1e-7, 0) {
		t.Errorf("ina = %.15g, want %.15g", i[0], w)
	}
	o := g.State[index(t, m.States, "o")][0]
	if w := 30 * o * (-75 - 75) * 1e-3; i[0] != w || !within(di[0], 30*o*1e-3, 1e-9, 0) {
		t.Errorf("i, di = %.17g, %.17g; want %.17g, %.17g", i[0], di[0], w, 30*o*1e-3)
	}
}

// na8Rates are na8st's rates at v and celsius, written out from the
// .mod file with its default parameters.
func na8Rates(v, celsius float64) (a1, b1, a2, b2, a3, b3, ah, bh float64) {
	vS := v - 12
	tadj := math.Pow(2.5, (celsius-23)/10)
	lim := func(r float64) float64 { return tadj * r * 8000 / (r + 8000) }
	a1 = lim(5.142954478051616e+01 * math.Exp(7.674641248142576e-03*vS))
	b1 = lim(9.132202467321037e-03 * math.Exp(-9.342823457307300e-02*vS))
	a2 = lim(7.488753944786941e+01 * math.Exp(2.014613733367395e-02*vS))
	b2 = lim(6.387047323688771e-03 * math.Exp(-1.501806374396736e-01*vS))
	a3 = lim(3.838866325780059e+01 * math.Exp(1.253027842782742e-02*vS))
	b3 = lim(3.989222258297797e-01 * math.Exp(-9.001475021228642e-02*vS))
	bh = lim(1.687524670388565e+00 / (1 + 1.210600094822588e-01*math.Exp(-6.827857751079400e-02*(vS-10))))
	ah = lim(3.800097357917129e+00 / (1 + 4.445911330118979e+03*math.Exp(4.059075804728014e-02*(vS-10))))
	return
}

// TestNa8stAdvance checks one sparse step from the -75 mV steady state
// at -20 mV: the new states satisfy the backward-Euler equations of the
// reaction scheme, written out here, and sum to 1.
func TestNa8stAdvance(t *testing.T) {
	m := compileFile(t, filepath.Join(kinDir, "mod", "na8st.mod"))
	g := m.NewGroup(1)
	c := kinCable(-75)
	g.Init(c)
	x0 := map[string]float64{}
	for _, s := range na8States {
		x0[s] = g.State[index(t, m.States, s)][0]
	}
	c.V[0] = -20
	g.Advance(c)
	x := map[string]float64{}
	for _, s := range na8States {
		x[s] = g.State[index(t, m.States, s)][0]
	}
	a1, b1, a2, b2, a3, b3, ah, bh := na8Rates(-20, 30)
	d := map[string]float64{}
	flow := func(from, to string, kf, kb float64) {
		j := kf*x[from] - kb*x[to]
		d[from] -= j
		d[to] += j
	}
	flow("c1", "c2", a1, b1)
	flow("c2", "c3", a2, b2)
	flow("c3", "o", a3, b3)
	flow("i1", "i2", a1, b1)
	flow("i2", "i3", a2, b2)
	flow("i3", "i4", a3, b3)
	flow("i1", "c1", ah, bh)
	flow("i2", "c2", ah, bh)
	flow("i3", "c3", ah, bh)
	flow("i4", "o", ah, bh)
	sum := 0.0
	moved := false
	for _, s := range na8States {
		sum += x[s]
		moved = moved || x[s] != x0[s]
		if r := (x[s]-x0[s])/c.Dt - d[s]; math.Abs(r) > 1e-9 {
			t.Errorf("%s: backward-Euler residual %.3g (%s %.15g -> %.15g)", s, r, s, x0[s], x[s])
		}
	}
	if !moved || math.Abs(sum-1) > 1e-14 {
		t.Errorf("states moved %v, sum %.17g", moved, sum)
	}
}

// TestKInInit checks KIn (FUNCTION vtrap with if/else and fabs, GLOBAL
// ASSIGNED written by a PROCEDURE) at -75 mV against init_states.csv.
func TestKInInit(t *testing.T) {
	want := kinInit(t)
	m := compileFile(t, filepath.Join(kinDir, "mod", "KIn.mod"))
	g := m.NewGroup(1)
	g.Init(kinCable(-75))
	for _, s := range []string{"n", "h"} {
		got := g.State[index(t, m.States, s)][0]
		w := want[s+"_KIn"]
		digits := len(strings.TrimLeft(strings.ReplaceAll(strconv.FormatFloat(w, 'g', -1, 64), ".", ""), "0"))
		if !within(got, w, 0.5*math.Pow(10, float64(1-digits))+1e-15, 0) {
			t.Errorf("%s = %.17g, want %.15g", s, got, w)
		}
	}
}
