package compartments

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// refDir is where the NEURON and Brian2 reference cases are kept, each with
// the script that made it (copied from the project's shared references).
var refDir = filepath.Join("testdata", "reference")

// table is a CSV file read as a header and rows of strings.
type table struct {
	header []string
	rows   [][]string
}

func readTable(t testing.TB, path ...string) *table {
	t.Helper()
	f, err := os.Open(filepath.Join(append([]string{refDir}, path...)...))
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
	return &table{header: recs[0], rows: recs[1:]}
}

func (tb *table) col(t testing.TB, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, tb.header)
	return -1
}

func (tb *table) floats(t testing.TB, name string) []float64 {
	t.Helper()
	c := tb.col(t, name)
	out := make([]float64, len(tb.rows))
	for i, r := range tb.rows {
		v, err := strconv.ParseFloat(r[c], 64)
		if err != nil {
			t.Fatalf("row %d column %s: %v", i+1, name, err)
		}
		out[i] = v
	}
	return out
}

func (tb *table) strings(t testing.TB, name string) []string {
	t.Helper()
	c := tb.col(t, name)
	out := make([]string, len(tb.rows))
	for i, r := range tb.rows {
		out[i] = r[c]
	}
	return out
}
