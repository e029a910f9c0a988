package dist

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
)

func TestCheck(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name string
		d    Dist
		want string // substring of the error; "" for none
	}{
		{"constant", Constant(3), ""},
		{"constant nan", Constant(math.NaN()), "not a finite number"},
		{"uniform", Uniform(-1, 1), ""},
		{"uniform reversed", Uniform(2, 1), "uniform low (2) must be below high (1)"},
		{"uniform infinite", Uniform(0, inf), "finite low and high"},
		{"normal", Normal(0, 1), ""},
		{"normal negative sd", Normal(0, -1), "normal sd (-1) must not be negative"},
		{"normal truncated", Normal(0, 1).Truncate(-1, inf), ""},
		{"normal truncated reversed", Normal(0, 1).Truncate(1, -1), "low (1) must be below high (-1)"},
		{"normal truncated far tail", Normal(0, 1).Truncate(10, 11), "widen the range"},
		{"normal sd 0 outside range", Normal(5, 0).Truncate(0, 1), "widen the range"},
		{"lognormal", LogNormal(1, 0.5), ""},
		{"lognormal negative mean", LogNormal(-1, 0.5), "lognormal mean (-1) must be positive"},
		{"uniform truncated", Uniform(0, 1).Truncate(0, 0.5), "only normal and lognormal values can be cut"},
		{"column", Column([]float64{1, 2}), ""},
		{"column inf", Column([]float64{1, inf}), "csv value 2 (+Inf) is not a finite number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.d.Check()
			if c.want == "" {
				if err != nil {
					t.Fatalf("%v: unexpected error %v", c.d, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v: error %v, want one containing %q", c.d, err, c.want)
			}
		})
	}
}

// TestSampleMoments checks the mean and sd of 200,000 draws against the
// distribution's, within 6 standard errors.
func TestSampleMoments(t *testing.T) {
	const n = 200_000
	// Moments of a standard normal truncated to [-1, 2].
	phi := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	z := 0.5 * (math.Erf(2/math.Sqrt2) - math.Erf(-1/math.Sqrt2))
	tMean := (phi(-1) - phi(2)) / z
	tVar := 1 + (-1*phi(-1)-2*phi(2))/z - tMean*tMean
	cases := []struct {
		name     string
		d        Dist
		mean, sd float64
		low, hi  float64
	}{
		{"uniform", Uniform(-60, -50), -55, 10 / math.Sqrt(12), -60, -50},
		{"normal", Normal(-60, 5), -60, 5, math.Inf(-1), math.Inf(1)},
		{"truncated normal", Normal(0, 1).Truncate(-1, 2), tMean, math.Sqrt(tVar), -1, 2},
		{"lognormal", LogNormal(0.4, 0.2), 0.4, 0.2, 0, math.Inf(1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := make([]float64, n)
			if err := c.d.Sample(x, 1, 7); err != nil {
				t.Fatal(err)
			}
			var sum, sum2 float64
			for _, v := range x {
				if v < c.low || v > c.hi {
					t.Fatalf("value %g outside [%g, %g]", v, c.low, c.hi)
				}
				sum += v
			}
			mean := sum / n
			for _, v := range x {
				sum2 += (v - mean) * (v - mean)
			}
			sd := math.Sqrt(sum2 / (n - 1))
			if se := c.sd / math.Sqrt(n); math.Abs(mean-c.mean) > 6*se {
				t.Errorf("mean %g, want %g ± %g", mean, c.mean, 6*se)
			}
			if math.Abs(sd-c.sd) > 0.02*c.sd {
				t.Errorf("sd %g, want %g within 2%%", sd, c.sd)
			}
		})
	}
}

func TestSampleConstantAndColumn(t *testing.T) {
	x := make([]float64, 3)
	if err := Constant(2.5).Sample(x, 1, 1); err != nil || !slices.Equal(x, []float64{2.5, 2.5, 2.5}) {
		t.Fatalf("constant: %v %v", x, err)
	}
	if err := Column([]float64{1, 2, 3}).Sample(x, 1, 1); err != nil || !slices.Equal(x, []float64{1, 2, 3}) {
		t.Fatalf("column: %v %v", x, err)
	}
	err := Column([]float64{1, 2}).Sample(x, 1, 1)
	if err == nil || !strings.Contains(err.Error(), "2 values for 3 items") {
		t.Fatalf("short column: %v", err)
	}
	if err := Uniform(1, 0).Sample(x, 1, 1); err == nil {
		t.Fatal("sampling a bad distribution gave no error")
	}
}

// TestSampleDeterministic checks that the values depend on seed and stream
// only, not on the number of threads.
func TestSampleDeterministic(t *testing.T) {
	const n = 3*parallelAbove + 17
	draw := func(procs int, seed, stream uint64) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x := make([]float64, n)
		if err := Normal(0, 1).Truncate(-2, 2).Sample(x, seed, stream); err != nil {
			t.Fatal(err)
		}
		return x
	}
	one := draw(1, 5, 3)
	if !slices.Equal(one, draw(4, 5, 3)) {
		t.Error("1 and 4 threads drew different values")
	}
	if slices.Equal(one, draw(4, 5, 4)) || slices.Equal(one, draw(4, 6, 3)) {
		t.Error("another stream or seed drew the same values")
	}
	if slices.Equal(one[:ChunkSize], one[ChunkSize:2*ChunkSize]) {
		t.Error("two chunks drew the same values")
	}
}

func TestBounds(t *testing.T) {
	cases := []struct {
		d       Dist
		low, hi float64
	}{
		{Constant(1), 1, 1},
		{Uniform(0.5, 2), 0.5, 2},
		{Normal(1, 1), math.Inf(-1), math.Inf(1)},
		{Normal(1, 1).Truncate(0.1, math.Inf(1)), 0.1, math.Inf(1)},
		{LogNormal(1, 1), 0, math.Inf(1)},
		{Column([]float64{3, -1, 2}), -1, 3},
	}
	for _, c := range cases {
		if low, hi := c.d.Bounds(); low != c.low || hi != c.hi {
			t.Errorf("%v: bounds [%g, %g], want [%g, %g]", c.d, low, hi, c.low, c.hi)
		}
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "values.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadCSVColumn(t *testing.T) {
	cases := []struct {
		name, text string
		want       []float64
		line       int    // line of the error; 0 for none or a whole-file one
		msg        string // substring of the error
	}{
		{"by name", "id,w\n0,0.5\n# comment\n\n1, 0.25\n", []float64{0.5, 0.25}, 0, ""},
		{"header case", "ID,W\n0,1\n", []float64{1}, 0, ""},
		{"bad number", "id,w\n0,0.5\n1,abc\n", nil, 3, `w "abc" is not a number`},
		{"nan", "w\nNaN\n", nil, 2, "is not a number"},
		{"short row", "id,w\n0,1\n1\n", nil, 3, `column "w" is missing`},
		{"no column", "id,x\n0,1\n", nil, 1, `no column "w"`},
		{"no header", "0,1\n", nil, 1, "no header row"},
		{"empty", "", nil, 0, "the file is empty"},
		{"bad quote", "w\n\"1\n", nil, 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.text)
			got, err := ReadCSVColumn(path, "w")
			if c.want != nil {
				if err != nil || !slices.Equal(got, c.want) {
					t.Fatalf("got %v, %v; want %v", got, err, c.want)
				}
				return
			}
			var fe *sim.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a file error", err)
			}
			if fe.File != path || fe.Line != c.line || !strings.Contains(fe.Msg, c.msg) {
				t.Fatalf("error %q, want line %d and %q", err, c.line, c.msg)
			}
		})
	}
	if _, err := ReadCSVColumn(filepath.Join(t.TempDir(), "none.csv"), "w"); err == nil || !strings.Contains(err.Error(), "none.csv: no such file") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestReadColumnsPositionalAndOptional(t *testing.T) {
	tab, err := ReadColumns(writeFile(t, "1,2\n3,4\n"), []string{"pre", "post"}, []string{"weight"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Columns[0], []float64{1, 3}) || !slices.Equal(tab.Columns[1], []float64{2, 4}) || tab.Columns[2] != nil {
		t.Fatalf("columns %v", tab.Columns)
	}
	if !slices.Equal(tab.Lines, []int{1, 2}) {
		t.Fatalf("lines %v", tab.Lines)
	}
}

func BenchmarkSampleNormal(b *testing.B) {
	x := make([]float64, 1<<20)
	d := Normal(0, 1)
	b.SetBytes(8 << 20)
	for b.Loop() {
		if err := d.Sample(x, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
}
