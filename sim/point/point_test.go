package point

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"neurite/sim/ode"
)

func readCSV(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]float64, len(recs)-1)
	for i, r := range recs[1:] {
		for _, s := range r {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				v = math.NaN()
			}
			rows[i] = append(rows[i], v)
		}
	}
	return recs[0], rows
}

// TestIzhikevichReference reproduces the reference's forward-Euler scheme
// (dt = 0.1 ms, threshold tested and reset at the start of each step) for
// all seven parameter sets: same spike times, v within 0.01 mV and u within
// 0.001 at every sample (case.md's same-scheme tolerances).
func TestIzhikevichReference(t *testing.T) {
	dir := filepath.Join("testdata", "reference", "izhikevich_patterns")
	header, rows := readCSV(t, filepath.Join(dir, "traces_euler_dt0.1.csv"))
	_, spikeRows := readCSV(t, filepath.Join(dir, "spikes_euler_dt0.1.csv"))
	for id, name := range []string{"RS", "IB", "CH", "FS", "LTS", "TC", "RZ"} {
		m, err := Builtin("izhikevich:" + name)
		if err != nil {
			t.Fatal(err)
		}
		m.SetParam("I", 0)
		m.Stim = Step{Amp: 10, From: 20, To: 270}
		x := m.InitialState()
		var vs, us []float64
		res, err := ode.Integrate(context.Background(), m, x, 0, 300, ode.Settings{Method: ode.Euler, Dt: 0.1}, func(t float64, x []float64) {
			vs, us = append(vs, x[0]), append(us, x[1])
		})
		if err != nil {
			t.Fatal(err)
		}
		cv, cu := colIndex(header, "v_"+name), colIndex(header, "u_"+name)
		worstV, worstU := 0.0, 0.0
		for k, r := range rows {
			worstV = math.Max(worstV, math.Abs(vs[k]-r[cv]))
			worstU = math.Max(worstU, math.Abs(us[k]-r[cu]))
		}
		var want []float64
		for _, r := range spikeRows {
			if int(r[0]) == id {
				want = append(want, r[2])
			}
		}
		if len(res.Spikes) != len(want) {
			t.Errorf("%s: %d spikes, reference %d", name, len(res.Spikes), len(want))
			continue
		}
		for k := range want {
			if math.Abs(res.Spikes[k]-want[k]) > 1e-9 {
				t.Errorf("%s: spike %d at %v, reference %v", name, k, res.Spikes[k], want[k])
			}
		}
		t.Logf("%s: %d spikes identical; max |Δv| %.2g mV, |Δu| %.2g", name, len(want), worstV, worstU)
		if worstV > 0.01 || worstU > 0.001 {
			t.Errorf("%s: max |Δv| %.3g mV, |Δu| %.3g", name, worstV, worstU)
		}
	}
}

func colIndex(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// TestLIFExact compares firing rates of the LIF neuron, integrated with
// exponential Euler (exact between spikes, crossings located exactly),
// with the closed form.
func TestLIFExact(t *testing.T) {
	for _, I := range []float64{1.55, 2, 3.7, 10} {
		m := LIF()
		m.SetParam("I", I)
		x := m.InitialState()
		res, err := ode.Integrate(context.Background(), m, x, 0, 500, ode.Settings{Method: ode.ExpEuler, Dt: 0.37}, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := len(res.Spikes)
		if n < 3 {
			t.Fatalf("I = %v: %d spikes", I, n)
		}
		isi := (res.Spikes[n-1] - res.Spikes[1]) / float64(n-2)
		got, want := 1000/isi, LIFRate(10, -65, 10, -50, -65, 2, I)
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("I = %v nA: %.12f Hz, closed form %.12f Hz", I, got, want)
		}
	}
}

// TestTypedModelMatchesBuiltin writes FitzHugh–Nagumo as equations and
// checks it moves exactly as the built-in model.
func TestTypedModelMatchesBuiltin(t *testing.T) {
	src := `# FitzHugh–Nagumo, typed
par a=0.08, b=0.7, c=0.8, I=0.5
init v=-1.2, w=-0.6
v' = v - v^3/3 - w + I
dw/dt = a*(v + b - c*w)
`
	typed, err := Parse(strings.NewReader(src), "fhn.ode")
	if err != nil {
		t.Fatal(err)
	}
	built := FHN()
	xa, xb := typed.InitialState(), built.InitialState()
	for _, pair := range []struct {
		m *Model
		x []float64
	}{{typed, xa}, {built, xb}} {
		if _, err := ode.Integrate(context.Background(), pair.m, pair.x, 0, 50, ode.Settings{Method: ode.RK4, Dt: 0.01}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if math.Abs(xa[0]-xb[0]) > 1e-12 || math.Abs(xa[1]-xb[1]) > 1e-12 {
		t.Errorf("typed %v, built-in %v", xa, xb)
	}
}

func TestTypedModelSpikes(t *testing.T) {
	src := `par a=0.02, b=0.2, c=-65, d=8, I=10
init v=-65, u=-13
v' = 0.04*v^2 + 5*v + 140 - u + I
u' = a*(b*v - u)
spike v >= 30: v = c, u = u + d
`
	m, err := Parse(strings.NewReader(src), "izh.ode")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := Builtin("izhikevich:RS")
	xa, xb := m.InitialState(), ref.InitialState()
	ra, _ := ode.Integrate(context.Background(), m, xa, 0, 200, ode.Settings{Method: ode.Euler, Dt: 0.1}, nil)
	rb, _ := ode.Integrate(context.Background(), ref, xb, 0, 200, ode.Settings{Method: ode.Euler, Dt: 0.1}, nil)
	if len(ra.Spikes) != len(rb.Spikes) || len(ra.Spikes) < 3 {
		t.Fatalf("typed %d spikes, built-in %d", len(ra.Spikes), len(rb.Spikes))
	}
	for i := range ra.Spikes {
		if ra.Spikes[i] != rb.Spikes[i] {
			t.Errorf("spike %d: %v vs %v", i, ra.Spikes[i], rb.Spikes[i])
		}
	}
}

// TestTypedSpikeLevel: "spike V >= 0" with no reset makes upward
// crossings of the level count as spikes, of the variable named.
func TestTypedSpikeLevel(t *testing.T) {
	m, err := Parse(strings.NewReader("par I=0\ninit w=0, V=-60\nw' = -w\nV' = I - V\nspike V >= -20\n"), "m.ode")
	if err != nil {
		t.Fatal(err)
	}
	if m.Spiking() || m.SpikeAt != -20 || m.V != 1 || len(m.Params) != 1 {
		t.Errorf("spiking %v, level %g, V %d, %d parameters", m.Spiking(), m.SpikeAt, m.V, len(m.Params))
	}
}

func TestTypedModelErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"par a=1\nx' = a*y\n", "m.ode:2:"},
		{"par a=1\nx' = a*y\n", "unknown name y"},
		{"x' = (1 + \n", "m.ode:1:"},
		{"par a=one\nx' = 1\n", "m.ode:1: \"a=one\": give name=number"},
		{"x' = 1\nx' = 2\n", "m.ode:2: x has two equations"},
		{"par I=0, I=1\nx' = I\n", "m.ode:1: I is given twice (first on line 1)"},
		{"par a=1\nparam a=2\nx' = a\n", "m.ode:2: a is given twice (first on line 1)"},
		{"param t=5\nx' = t\n", "m.ode:1: t is reserved"},
		{"par a=1\ny = a/0\nx' = -y\n", "m.ode:2: a / 0 divides by zero"},
		{"par a=1\nx' = a/(2 - 2)\n", "divides by zero"},
		{"hello\n", "m.ode:1: cannot read \"hello\""},
		{"x' = 1\nspike y >= 1: x = 0\n", "m.ode:2: spike: y is not a variable"},
		{"x' = 1\nspike x >= 1:\n", "m.ode:2: write a reset as"},
		{"par t=5\nx' = t\n", "m.ode:1: t is reserved"},
		{"par a=1\nexp' = -a\n", "m.ode:2: exp is reserved"},
		{"x' = 1\nspike x = 1\n", "m.ode:2: write a reset as"},
		{"# nothing\n", "no equations"},
		{"par a=1\na = 2\nx' = a\n", "m.ode:2: a is defined twice"},
		{"x' = 1\nrange x=1..0\n", "m.ode:2: range \"x=1..0\": give name=low..high"},
		{"x' = 1\nrange y=0..1\n", "m.ode:2: range y: y is not a variable"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.src), "m.ode")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.src, err, c.want)
		}
	}
}

// TestTypedQuantities: quantities defined in terms of the variables feed
// the equations (Morris–Lecar's gating functions), and range sets the
// window.
func TestTypedQuantities(t *testing.T) {
	m, err := ReadModelFile("../../assets/models/morris_lecar.ode")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "morris-lecar" || m.Vars[0].Min != -80 || m.Vars[0].Max != 60 || m.Vars[1].Max != 0.6 {
		t.Errorf("%s, windows %+v", m.Name, m.Vars)
	}
	V, w := -30.0, 0.2
	minf := 0.5 * (1 + math.Tanh((V+1.2)/18))
	winf := 0.5 * (1 + math.Tanh((V-2)/30))
	tauw := 1 / math.Cosh((V-2)/60)
	want := []float64{(0 - 2*(V+60) - 4.4*minf*(V-120) - 8*w*(V+84)) / 20, 0.04 * (winf - w) / tauw}
	dx := make([]float64, 2)
	m.Deriv(0, []float64{V, w}, dx)
	for i := range want {
		if math.Abs(dx[i]-want[i]) > 1e-12*math.Abs(want[i]) {
			t.Errorf("d%s/dt = %v, want %v", m.Vars[i].Name, dx[i], want[i])
		}
	}
}

func TestStimuli(t *testing.T) {
	s, err := ParseStimulus("step:amp=2,from=10,to=20 + sine:amp=1,freq=100,from=0")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.I(12.5); math.Abs(got-(2+math.Sin(2*math.Pi*100*12.5/1000))) > 1e-12 {
		t.Errorf("I(12.5) = %v", got)
	}
	if got := s.NextBreak(0); got != 10 {
		t.Errorf("next break %v, want 10", got)
	}
	p := Pulses{Amp: 1, Width: 2, Period: 10, From: 5, To: 50}
	for _, c := range []struct{ t, i, next float64 }{{4, 0, 5}, {5, 1, 7}, {6, 1, 7}, {8, 0, 15}, {49, 0, 50}} {
		if p.I(c.t) != c.i || p.NextBreak(c.t) != c.next {
			t.Errorf("pulses at %v: I %v next %v, want %v %v", c.t, p.I(c.t), p.NextBreak(c.t), c.i, c.next)
		}
	}
	a := NewPoisson(50, 1, 5, 0, 1000, 7)
	b := NewPoisson(50, 1, 5, 0, 1000, 7)
	if len(a.Times()) != len(b.Times()) || len(a.Times()) < 30 || len(a.Times()) > 75 {
		t.Errorf("poisson: %d and %d events for 50 Hz over 1 s", len(a.Times()), len(b.Times()))
	}
	for _, bad := range []string{"step:amp=1,when=3", "wave:amp=1", "poisson:rate=10,weight=1,tau=2", "step:amp",
		"step:amp=nan", "step:amp=inf", "step:amp=1,from=5,to=2", "step:amp=1,from=5,to=5", "ramp:from=0,to=inf,start=0,end=1",
		"pulses:amp=1,width=0,period=5", "pulses:amp=1,width=1,period=-5", "sine:amp=1,freq=-3",
		"poisson:rate=-1,weight=1,tau=2,to=10", "poisson:rate=10,weight=1,tau=0,to=10", "poisson:rate=1e12,weight=1,tau=2,to=1e3"} {
		if _, err := ParseStimulus(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseStimulus("step:amp=1,from=5,to=inf"); err != nil {
		t.Errorf("a step without end: %v", err)
	}
}

func TestBuiltinNamesAndPresets(t *testing.T) {
	for _, name := range Names() {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		dx := make([]float64, m.Dim())
		m.Deriv(0, m.InitialState(), dx)
		for i, v := range dx {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: derivative %d is %v at the initial state", name, i, v)
			}
		}
	}
	if _, err := Builtin("izhikevich:XX"); err == nil || !strings.Contains(err.Error(), "RS") {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "fhn") {
		t.Errorf("unknown model: %v", err)
	}
}

// FuzzParse feeds arbitrary text to the parser of typed models: it must
// answer with a model or an error naming the file, never panic; a model
// it accepts must evaluate without panicking.
func FuzzParse(f *testing.F) {
	f.Add("par a=0.08, b=0.7, c=0.8, I=0.5\ninit v=-1.2, w=-0.6\nv' = v - v^3/3 - w + I\ndw/dt = a*(v + b - c*w)\n")
	f.Add("par a=0.02, b=0.2, c=-65, d=8, I=10\ninit v=-65, u=-13\nv' = 0.04*v^2 + 5*v + 140 - u + I\nu' = a*(b*v - u)\nspike v >= 30: v = c, u = u + d\n")
	f.Add("par k=1\nq = k > 0 ? exp(k) : 1\nrange x=-1..1\nx' = -q*x\n")
	f.Fuzz(func(t *testing.T, src string) {
		m, err := Parse(strings.NewReader(src), "fuzz.ode")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.ode") {
				t.Fatalf("error without the file's name: %v", err)
			}
			return
		}
		x := m.InitialState()
		dx := make([]float64, len(x))
		m.Deriv(0, x, dx)
		if m.Spiking() {
			m.Reset(0, x)
		}
	})
}

// A file that is not text, or not there, is refused in one line.
func TestReadModelFileRefusesNonText(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, want string
		body       []byte // nil: no file
	}{
		{"nul.ode", "nul.ode: not a text file of equations", []byte("v' = -v\x00\x01\x02")},
		{"latin1.ode", "latin1.ode: not a text file of equations", []byte("# caf\xe9\nv' = -v\n")},
		{"missing.ode", "missing.ode: no such file", nil},
	} {
		path := filepath.Join(dir, c.name)
		if c.body != nil {
			if err := os.WriteFile(path, c.body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := ReadModelFile(path)
		if err == nil || !strings.HasSuffix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line ending %q", c.name, err, c.want)
		}
	}
}
