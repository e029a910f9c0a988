// Package reftest compares a cable engine with the reference cases made
// with NEURON 8.2 (compartments/testdata/reference, each with the script
// that made it): it reads their tables and runs every case, with the
// tolerances its case.md states, through whichever engine a test hands it.
// The CPU engine (compartments) and the GPU engine (gpu) run the same
// cases.
package reftest

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"neurite/sim"
)

// Dir is the folder of the reference cases.
var Dir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "reference")
}()

// Table is a CSV file read as a header and rows of strings.
type Table struct {
	Header []string
	Rows   [][]string
}

// Read reads a table of the references (path under Dir).
func Read(t testing.TB, path ...string) *Table {
	t.Helper()
	return ReadFile(t, filepath.Join(append([]string{Dir}, path...)...))
}

// ReadFile reads a CSV table, such as a run's output.
func ReadFile(t testing.TB, path string) *Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return &Table{Header: recs[0], Rows: recs[1:]}
}

// Col returns the index of a column.
func (tb *Table) Col(t testing.TB, name string) int {
	t.Helper()
	for i, h := range tb.Header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, tb.Header)
	return -1
}

// Floats returns a column as numbers.
func (tb *Table) Floats(t testing.TB, name string) []float64 {
	t.Helper()
	c := tb.Col(t, name)
	out := make([]float64, len(tb.Rows))
	for i, r := range tb.Rows {
		v, err := strconv.ParseFloat(r[c], 64)
		if err != nil {
			t.Fatalf("row %d column %s: %v", i+1, name, err)
		}
		out[i] = v
	}
	return out
}

// Strings returns a column as text.
func (tb *Table) Strings(t testing.TB, name string) []string {
	t.Helper()
	c := tb.Col(t, name)
	out := make([]string, len(tb.Rows))
	for i, r := range tb.Rows {
		out[i] = r[c]
	}
	return out
}

// RMS is the root-mean-square difference of a and b.
func RMS(a, b []float64) float64 {
	s := 0.0
	for i := range b {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(b)))
}

// MaxAbs is the largest absolute difference of a and b.
func MaxAbs(a, b []float64) float64 {
	m := 0.0
	for i := range b {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// CheckTrace compares one trace with a reference column by RMS and max.
func CheckTrace(t *testing.T, what string, got, want []float64, rmsTol, maxTol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, reference %d", what, len(got), len(want))
	}
	r, m := RMS(got, want), MaxAbs(got, want)
	t.Logf("%s: RMS %.2g, max %.2g (tolerances %g, %g)", what, r, m, rmsTol, maxTol)
	if r > rmsTol || m > maxTol {
		t.Errorf("%s: RMS %.3g, max %.3g; tolerances %g, %g", what, r, m, rmsTol, maxTol)
	}
}

// CompareSpikes checks the spike count and the largest time difference.
func CompareSpikes(t *testing.T, got []sim.Spike, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d spikes, reference %d: %v", len(got), len(want), got)
	}
	worst := 0.0
	for i, s := range got {
		worst = math.Max(worst, math.Abs(s.T-want[i]))
	}
	t.Logf("%d spikes, max |Δt| = %.2g ms (tolerance %g)", len(got), worst, tol)
	if worst > tol {
		t.Errorf("spike times differ by up to %.3g ms, tolerance %g", worst, tol)
	}
}

// Nearest returns the index of the value in xs nearest x.
func Nearest(xs []float64, x float64) int {
	best := 0
	for i := range xs {
		if math.Abs(xs[i]-x) < math.Abs(xs[best]-x) {
			best = i
		}
	}
	return best
}

// BrianLIFNet checks a run's spikes against the brian_lif_net case's file
// (spikes.csv, or spikes_euler.csv for the Euler method) as its case.md
// asks: every neuron's count, at least 99% of the spikes at Brian2's
// step (dt = 0.1 ms) and none more than 2 steps away.
func BrianLIFNet(t testing.TB, file string, got []sim.Spike) {
	t.Helper()
	ref := Read(t, "brian_lif_net", file)
	ids, steps := ref.Floats(t, "neuron_id"), ref.Floats(t, "step")
	want, have := map[int][]int64{}, map[int][]int64{}
	for k := range ids {
		want[int(ids[k])] = append(want[int(ids[k])], int64(steps[k]))
	}
	for _, s := range got {
		have[s.Cell] = append(have[s.Cell], int64(math.Round(s.T/0.1)))
	}
	same, worst := 0, int64(0)
	for id := range 50 {
		g, w := have[id], want[id]
		if len(g) != len(w) {
			t.Errorf("neuron %d: %d spikes, Brian2 %d", id, len(g), len(w))
			continue
		}
		for k := range g {
			d := g[k] - w[k]
			if d == 0 {
				same++
			}
			worst = max(worst, d, -d)
		}
	}
	t.Logf("%s: %d spikes (Brian2 %d), %d at Brian2's step, worst %d steps", file, len(got), len(ids), same, worst)
	if float64(same) < 0.99*float64(len(ids)) || worst > 2 {
		t.Errorf("%d of %d spikes at Brian2's step, worst off by %d steps: want 99%% and at most 2", same, len(ids), worst)
	}
}
