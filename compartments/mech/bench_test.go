package mech

import (
	"fmt"
	"path/filepath"
	"testing"
)

// benchHay runs op over groups of every Hay mechanism at voltages spread
// over -90..30 mV and reports ns per instance (all 11 mechanisms
// together): groups of one instance (a soma's), of 34 (the example
// cell's apical and somatic compartments) and of 10,000.
func benchHay(b *testing.B, op func(g *Group, c *Cable, i, di []float64)) {
	for _, n := range []int{1, 34, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			v := make([]float64, n)
			for k := range v {
				v[k] = -90 + 120*float64(k)/float64(n)
			}
			c := hayCable(v)
			var groups []*Group
			for _, name := range hayMods {
				g := hay(b, name).NewGroup(n)
				g.Init(c)
				groups = append(groups, g)
			}
			i, di := make([]float64, n), make([]float64, n)
			for b.Loop() {
				for _, g := range groups {
					op(g, c, i, di)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instance")
		})
	}
}

func BenchmarkHayCurrent(b *testing.B) {
	benchHay(b, func(g *Group, c *Cable, i, di []float64) { g.Current(c, i, di) })
}

func BenchmarkHayAdvance(b *testing.B) {
	benchHay(b, func(g *Group, c *Cable, _, _ []float64) { g.Advance(c) })
}

// BenchmarkNa8stAdvance is one sparse step of the 8-state KINETIC scheme
// over 10,000 instances, in ns per instance.
func BenchmarkNa8stAdvance(b *testing.B) {
	const n = 10000
	v := make([]float64, n)
	for k := range v {
		v[k] = -90 + 120*float64(k)/n
	}
	c := hayCable(v)
	g := compileFile(b, filepath.Join(kinDir, "mod", "na8st.mod")).NewGroup(n)
	g.Init(c)
	b.ResetTimer()
	for range b.N {
		g.Advance(c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/instance")
}
