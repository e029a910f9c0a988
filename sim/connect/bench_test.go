package connect

import "testing"

// BenchmarkFixedIndegree builds 10,000 × 10,000 neurons with in-degree
// 1,000 (1e7 synapses) and reports synapses built per second.
func BenchmarkFixedIndegree(b *testing.B) {
	benchmarkRule(b, Rule{Kind: FixedIndegree, Indegree: 1000}, 10_000)
}

// BenchmarkFixedProbability builds 10,000 × 10,000 neurons with p = 0.1.
func BenchmarkFixedProbability(b *testing.B) {
	benchmarkRule(b, Rule{Kind: FixedProbability, P: 0.1}, 10_000)
}

// BenchmarkFixedTotal builds 1e7 synapses among 10,000 × 10,000 neurons,
// multapses allowed (the microcircuit's rule).
func BenchmarkFixedTotal(b *testing.B) {
	benchmarkRule(b, Rule{Kind: FixedTotal, Total: 10_000_000, Multapses: true}, 10_000)
}

// BenchmarkTranspose transposes 1e7 synapses among 10,000 neurons.
func BenchmarkTranspose(b *testing.B) {
	c := mustGenerate(b, Rule{Kind: FixedIndegree, Indegree: 1000}, 10_000, 10_000, false, nil, nil, 1)
	for b.Loop() {
		if _, err := c.Transpose(10_000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Len())*float64(b.N)/b.Elapsed().Seconds(), "synapses/s")
}

func benchmarkRule(b *testing.B, r Rule, n int) {
	var synapses int64
	for b.Loop() {
		c, err := Generate(r, n, n, false, nil, nil, 1)
		if err != nil {
			b.Fatal(err)
		}
		synapses += c.Len()
	}
	b.ReportMetric(float64(synapses)/b.Elapsed().Seconds(), "synapses/s")
}
