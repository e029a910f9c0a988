package netbuild

import (
	"context"
	"math"
	"testing"

	"neurite/sim"
	"neurite/sim/network"
	"neurite/sim/spec"
)

// TestRateProjection: synapse "rate" lowers to a projection carrying the
// source's variable (by default its main one, r) into the target's parameter
// (by default its input, I; here also Wilson–Cowan's Q), with its delay
// in steps and no spike port; the driven unit settles where its input
// plus the weighted source puts it.
func TestRateProjection(t *testing.T) {
	n, err := spec.LoadNetwork(write(t, "net.toml", `[run]
tstop = 200
dt = 0.1
[[population]]
name = "R"
size = 2
model = "rate-relu"
params = { I = 1, tau = 5 }
[[population]]
name = "S"
size = 2
model = "rate-relu"
params = { I = 0.5, tau = 8 }
[[population]]
name = "W"
size = 2
model = "wilson-cowan"
[[projection]]
from = "R"
to = "S"
rule = "one_to_one"
weight = 0.7
delay = 3
synapse = "rate"
[[projection]]
from = "R"
to = "W"
rule = "one_to_one"
weight = 0.5
delay = 0.1
synapse = "rate"
input = "Q"
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(n)
	if err != nil {
		t.Fatal(err)
	}
	prs := m.Point.Projections
	for k, want := range []network.Rate{{Var: "r", Input: "I"}, {Var: "r", Input: "Q"}} {
		if prs[k].Rate == nil || *prs[k].Rate != want {
			t.Errorf("projection %s carries %+v; want %+v", prs[k].Name, prs[k].Rate, want)
		}
	}
	if prs[0].Delay[0] != 30 || len(m.Point.Pops[1].Ports) != 0 {
		t.Errorf("delay %d steps, %d ports on S; want 30 and none", prs[0].Delay[0], len(m.Point.Pops[1].Ports))
	}
	probe := network.Probe{Pop: m.Point.Pops[1], Var: "r"}
	e, err := network.NewEngine(m.Point, network.Options{Probes: []network.Probe{probe}})
	if err != nil {
		t.Fatal(err)
	}
	e.Init()
	var rec sim.Memory
	if err := e.Run(context.Background(), 200, &rec, nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.Values[len(rec.T)-1][0]; math.Abs(got-1.2) > 1e-6 {
		t.Errorf("S settles at %.7f; want 0.5 + 0.7·1 = 1.2", got)
	}
}
