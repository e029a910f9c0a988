package mech

import (
	"math"
	"neurite/compartments/nmodl"
	"path/filepath"
	"testing"
)

// TestAMPAReceive delivers the case's events to the middle one of three
// AMPA_S instances and checks NET_RECEIVE's effect written out from the
// .mod file: the pulse start (flag 0), its net_send, and the pulse end
// (flag == nspike), the per-NetCon state in the weight vector, and that
// the other instances are untouched.
func TestAMPAReceive(t *testing.T) {
	m := compileFile(t, filepath.Join(kinDir, "mod", "ampa.mod"))
	if !m.Point || m.Name != "AMPA_S" {
		t.Fatalf("compiled as %s point=%v", m.Name, m.Point)
	}
	want := []string{"weight", "on", "nspike", "r0", "t0"}
	if len(m.NetArgs) != len(want) {
		t.Fatalf("NetArgs %v", m.NetArgs)
	}
	for i, a := range want {
		if m.NetArgs[i] != a {
			t.Fatalf("NetArgs %v, want %v", m.NetArgs, want)
		}
	}
	g := m.NewGroup(3)
	c := &Cable{Node: []int32{0, 1, 2}, V: []float64{-75, -70, -65}, Dt: 0.025, Celsius: 30}
	g.Init(c)
	ron, roff := index(t, m.States, "Ron"), index(t, m.States, "Roff")
	const alpha, beta, w = 0.94, 0.18, 0.0007
	rinf, rtau := alpha/(alpha+beta), 1/(alpha+beta)
	nc := []float64{w, 0, 0, 0, 0}
	type sent struct{ d, flag float64 }
	var got []sent
	send := func(d, flag float64) { got = append(got, sent{d, flag}) }

	c.T = 100
	g.Receive(c, 1, nc, 0, send)
	if len(got) != 1 || got[0] != (sent{0.3, 1}) {
		t.Errorf("net_send calls %v, want [{0.3 1}]", got)
	}
	if nc[1] != 1 || nc[2] != 1 || nc[3] != 0 || nc[4] != 100 {
		t.Errorf("NetCon state after the input %v", nc)
	}
	// 12 steps of the pulse: Ron -> rinf*w*(1 - exp(-0.3/rtau)) exactly
	for range 12 {
		g.Advance(c)
	}
	wantOn := w * rinf * (1 - math.Exp(-0.3/rtau))
	if x := g.State[ron][1]; !within(x, wantOn, 1e-12, 0) {
		t.Errorf("Ron after the pulse %.17g, want %.17g", x, wantOn)
	}
	c.T = 100.3
	got = nil
	g.Receive(c, 1, nc, 1, send)
	r0 := w*rinf + (0-w*rinf)*math.Exp(-(100.3-100)/rtau)
	if len(got) != 0 || nc[1] != 0 || !within(nc[3], r0, 1e-14, 0) || nc[4] != 100.3 {
		t.Errorf("after the pulse end: sent %v, NetCon state %v, want r0 %.17g", got, nc, r0)
	}
	if x := g.State[roff][1]; x != nc[3] {
		t.Errorf("Roff %.17g, want r0 = %.17g", x, nc[3])
	}
	if x := g.State[ron][1]; !within(x, wantOn-r0, 1e-9, wantOn) {
		t.Errorf("Ron %.17g, want %.17g", x, wantOn-r0)
	}
	for _, k := range []int{0, 2} {
		if g.State[ron][k] != 0 || g.State[roff][k] != 0 {
			t.Errorf("instance %d moved: Ron %g Roff %g", k, g.State[ron][k], g.State[roff][k])
		}
	}
	// current: g = Ron + Roff uS, i = g*(v - 0) nA
	i, di := make([]float64, 3), make([]float64, 3)
	g.Current(c, i, di)
	gs := g.State[ron][1] + g.State[roff][1]
	if !within(i[1], gs*-70, 1e-14, 0) || !within(di[1], gs, 1e-8, 0) || i[0] != 0 {
		t.Errorf("i, di = %v, %v; want i[1] = %.17g", i, di, gs*-70)
	}
}

// TestInitEvents checks net_send in INITIAL over more instances than a
// block (each instance sends once, with its own delay) and NET_RECEIVE's
// INITIAL block setting a NetCon's state.
func TestInitEvents(t *testing.T) {
	src := `NEURON { POINT_PROCESS tick RANGE start, n }
PARAMETER { start = 5 (ms) }
ASSIGNED { n }
INITIAL {
	n = 0
	net_send(start, 1)
}
NET_RECEIVE(w, last) {
	INITIAL { last = -1 }
	n = n + w
	last = t
	if (flag == 1) { net_send(2, 1) }
}
`
	m, err := nmodl.Parse("tick.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mech, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if !mech.InitSends {
		t.Error("InitSends false")
	}
	const n = 2*block + 7
	g := mech.NewGroup(n)
	c := &Cable{Node: make([]int32, n), V: []float64{-65}, Dt: 0.025}
	for k := range n {
		g.Param[0][k] = float64(k)
	}
	sent := map[int]float64{}
	g.InitEvents(c, func(k int, d, flag float64) {
		if _, dup := sent[k]; dup || flag != 1 {
			t.Errorf("instance %d: second send or flag %g", k, flag)
		}
		sent[k] = d
	})
	for k := range n {
		if d, ok := sent[k]; !ok || d != float64(k) {
			t.Errorf("instance %d: sent %v %g, want delay %d", k, ok, d, k)
		}
	}
	nc := []float64{0.5, 0}
	g.InitNetCon(c, 3, nc)
	if nc[1] != -1 {
		t.Errorf("NET_RECEIVE INITIAL: last = %g, want -1", nc[1])
	}
	c.T = 3
	var again []float64
	g.Receive(c, 3, nc, 1, func(d, flag float64) { again = append(again, d, flag) })
	if nc[1] != 3 || g.Assigned[0][3] != 0.5 || len(again) != 2 || again[0] != 2 || again[1] != 1 {
		t.Errorf("after the self-event: NetCon %v, n = %g, sent %v", nc, g.Assigned[0][3], again)
	}
	if plain := mech.NewGroup(1); !panics(func() { plain.Init(&Cable{Node: []int32{0}, V: []float64{-65}}) }) {
		t.Error("Init of a mechanism whose INITIAL sends events did not panic")
	}
}

func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}
