package netbuild

import (
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/sim/connect"
	"neurite/sim/network"
	"neurite/sim/spec"
)

// TestProceduralProjection: a projection with procedural = true holds
// the rows its procedural form draws, row by row, with their weights (as
// float32) and delays (in steps); a constant weight or delay stays one
// number; and the same projection stored draws other rows.
func TestProceduralProjection(t *testing.T) {
	const proj = `
[[projection]]
from = "E"
to = "I"
rule = "fixed_probability"
p = 0.2
weight = { dist = "normal", mean = 0.5, sd = 0.1, low = 0 }
delay = 2
`
	build := func(procedural bool) *network.Projection {
		text := strings.Replace(twoPops, "%E%", "50", 1) + proj
		if procedural {
			text += "procedural = true\n"
		}
		n, err := spec.LoadNetwork(write(t, "net.toml", text))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Build(n)
		if err != nil {
			t.Fatal(err)
		}
		return m.Point.Projections[0]
	}
	pr := build(true)
	g := pr.Procedural
	if g == nil || g.Kind != connect.FixedProbability || g.Weight.Shape != connect.NormalShape || g.Delay.Shape != connect.ConstantShape {
		t.Fatalf("the projection's procedural form: %+v", g)
	}
	if len(pr.Delay) != 1 || pr.Delay[0] != 20 {
		t.Errorf("delays %v, want one of 20 steps", pr.Delay)
	}
	for i := range pr.From.N {
		tg, w, _ := g.Row(i, nil, nil, nil)
		s := pr.Start[i]
		if !slices.Equal(tg, pr.Target[s:pr.Start[i+1]]) {
			t.Fatalf("row %d: %v stored, %v drawn", i, pr.Target[s:pr.Start[i+1]], tg)
		}
		for m, x := range w {
			if pr.W[s+int64(m)] != float32(x) || x < 0 || math.IsNaN(x) {
				t.Fatalf("row %d synapse %d: weight %g stored, %g drawn", i, m, pr.W[s+int64(m)], x)
			}
		}
	}
	if stored := build(false); stored.Procedural != nil || slices.Equal(stored.Target, pr.Target) {
		t.Error("the stored projection draws the procedural one's rows")
	}
}
