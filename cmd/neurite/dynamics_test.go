package main

import (
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// column returns the index of a header name, failing the test if absent.
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, header)
	return -1
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// checkPNG fails unless path is a decodable PNG of a sensible size.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
		t.Errorf("%s is %v", path, b)
	}
}

func TestBifurcationCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := neurite("bifurcation", "inapk:low", "--param", "I", "--from", "0", "--to", "30", "--sweep", "12", "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "hopf  I = 14.659  supercritical") {
		t.Errorf("stdout lacks the Hopf point:\n%s", out)
	}
	points := readCSV(t, filepath.Join(dir, "points.csv"))
	if len(points) != 2 {
		t.Fatalf("points.csv: %v, want header and one Hopf point", points)
	}
	h := points[0]
	if p := points[1]; p[column(t, h, "type")] != "hopf" || p[column(t, h, "note")] != "supercritical" ||
		math.Abs(parse(t, p[column(t, h, "param")])-14.659) > 1e-3 || parse(t, p[column(t, h, "l1")]) >= 0 {
		t.Errorf("points.csv row %v", p)
	}
	branches := readCSV(t, filepath.Join(dir, "branches.csv"))
	h = branches[0]
	kind, stab, period := column(t, h, "kind"), column(t, h, "stability"), column(t, h, "period")
	var stableEq, unstableEq, stableCycles int
	for _, r := range branches[1:] {
		switch {
		case r[kind] == "equilibrium" && r[stab] == "stable":
			stableEq++
		case r[kind] == "equilibrium":
			unstableEq++
		case r[kind] == "cycle" && r[stab] == "stable" && parse(t, r[period]) > 0:
			stableCycles++
		}
	}
	if stableEq == 0 || unstableEq == 0 || stableCycles == 0 {
		t.Errorf("branches.csv: %d stable, %d unstable equilibria, %d stable cycles", stableEq, unstableEq, stableCycles)
	}
	sweep := readCSV(t, filepath.Join(dir, "sweep.csv"))
	values := map[string]bool{}
	for _, r := range sweep[1:] {
		values[r[0]] = true
	}
	if len(values) != 12 {
		t.Errorf("sweep.csv has maxima at %d values of I, want 12", len(values))
	}
	checkPNG(t, filepath.Join(dir, "bifurcation.png"))
	if svg, err := os.ReadFile(filepath.Join(dir, "bifurcation.svg")); err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("bifurcation.svg: %v", err)
	}
}

func TestBifurcationSubcritical(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := neurite("bifurcation", "hh", "--from", "0", "--to", "15", "--cycles=false", "--quiet", "--out", dir)
	if code != 0 || !strings.Contains(out, "hopf  I = 9.749") || !strings.Contains(out, "subcritical") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestFICommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := neurite("fi", "hh", "--from", "0", "--to", "20", "--n", "11", "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"class 2", "rheobase 6.2", "resonator"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	rows := readCSV(t, filepath.Join(dir, "fi.csv"))
	if len(rows) != 12 || strings.Join(rows[0], ",") != "I,rate_hz,spikes" {
		t.Fatalf("fi.csv: %v", rows)
	}
	for _, r := range rows[1:] {
		i, rate := parse(t, r[0]), parse(t, r[1])
		if (i < 6 && rate != 0) || (i > 7 && (rate < 40 || rate > 120)) {
			t.Errorf("rate %g Hz at I = %g", rate, i)
		}
	}
	checkPNG(t, filepath.Join(dir, "fi.png"))
}

func TestIntegratorsCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := neurite("integrators", "fhn", "--set", "I=0.5", "--tstop", "50", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows := readCSV(t, filepath.Join(dir, "integrators.csv"))
	errByMethod := map[string][]float64{}
	for _, r := range rows[1:] {
		errByMethod[r[0]] = append(errByMethod[r[0]], parse(t, r[2]))
	}
	for _, m := range []string{"euler", "rk4", "rk45", "expeuler"} {
		e := errByMethod[m]
		if len(e) < 3 || e[len(e)-1] >= e[0] {
			t.Errorf("%s: errors %v do not fall as the step or tolerance shrinks", m, e)
		}
		if !strings.Contains(out, m) {
			t.Errorf("table lacks %s:\n%s", m, out)
		}
	}
	checkPNG(t, filepath.Join(dir, "integrators.png"))
}

func TestDynamicsCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bifurcation", "nosuch", "--from", "0", "--to", "1"}, 1, `unknown model "nosuch"`},
		{[]string{"fi", "hh", "--set", "foo=1", "--from", "0", "--to", "1"}, 2, `hh has no parameter "foo"`},
		{[]string{"fi", "hh", "--set", "I", "--from", "0", "--to", "1"}, 2, "give NAME=NUMBER"},
		{[]string{"bifurcation", "fhn", "--param", "nope", "--from", "0", "--to", "1"}, 2, `--param "nope": fhn has no such parameter`},
		{[]string{"bifurcation", "fhn"}, 2, "--to must be above --from"},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--method", "leapfrog"}, 2, `--method "leapfrog"`},
		{[]string{"fi", "hh", "--stim", "step:amp=x", "--from", "0", "--to", "1"}, 2, "step"},
		{[]string{"integrators", "testdata/bad.ode"}, 1, "testdata/bad.ode:"},
	} {
		code, _, errs := neurite(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestBifurcationISI sweeps a chattering Izhikevich cell: the intervals
// within bursts are short, those between bursts long.
func TestBifurcationISI(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := neurite("bifurcation", "izhikevich:CH", "--from", "5", "--to", "15", "--sweep", "6", "--isi", "--cycles=false", "--quiet", "--out", dir)
	if code != 0 || !strings.Contains(out, "sweep.png") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	rows := readCSV(t, filepath.Join(dir, "sweep.csv"))
	if strings.Join(rows[0], ",") != "param,isi_ms" {
		t.Fatalf("header %v", rows[0])
	}
	short, long := 0, 0
	for _, r := range rows[1:] {
		switch isi := parse(t, r[1]); {
		case isi < 10:
			short++
		case isi > 25:
			long++
		}
	}
	if short == 0 || long == 0 {
		t.Errorf("%d short and %d long intervals: not bursts", short, long)
	}
	checkPNG(t, filepath.Join(dir, "sweep.png"))
}

// TestLyapunovCommand: the Lorenz system is chaotic with λ1 = 0.9056
// (Sprott 2003); FitzHugh–Nagumo's cycle is not; a model with a reset is
// refused.
func TestLyapunovCommand(t *testing.T) {
	code, out, errs := neurite("lyapunov", "../../assets/models/lorenz.ode", "--duration", "400")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var l float64
	if _, err := fmt.Sscanf(out, "largest Lyapunov exponent λ1 = %g", &l); err != nil || math.Abs(l-0.9056) > 0.05 || !strings.Contains(out, "chaotic: nearby") {
		t.Errorf("%q (%v)", out, err)
	}
	if code, out, _ := neurite("lyapunov", "fhn", "--duration", "300"); code != 0 || !strings.Contains(out, "not chaotic") {
		t.Errorf("fhn: exit %d, %q", code, out)
	}
	if code, _, errs := neurite("lyapunov", "izhikevich"); code != 1 || !strings.Contains(errs, "resets at spikes") {
		t.Errorf("izhikevich: exit %d, %q", code, errs)
	}
}

// TestFIBackends: an F–I curve on the CPU and on the GPU give the same
// class and rheobase; the GPU says so; a model the GPU does not sweep (one
// driven by two Poisson trains) is refused on --backend gpu and run on the
// CPU by auto.
func TestFIBackends(t *testing.T) {
	run := func(backend string) (string, string) {
		code, out, errs := neurite("fi", "inapk:high", "--from", "0", "--to", "10", "--n", "11", "--method", "rk4", "--quiet", "--backend", backend, "--out", t.TempDir())
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", backend, code, errs)
		}
		return out, errs
	}
	cpuOut, _ := run("cpu")
	var gpuOut, gpuErrs string
	onDevice(t, func() { gpuOut, gpuErrs = run("gpu") })
	rheobase := regexp.MustCompile(`^class 1: .* rheobase ([0-9.]+)`)
	a, b := rheobase.FindStringSubmatch(cpuOut), rheobase.FindStringSubmatch(gpuOut)
	if !strings.Contains(gpuErrs, "backend: gpu (") || a == nil || b == nil || math.Abs(parse(t, a[1])-parse(t, b[1])) > 1e-3 {
		t.Errorf("CPU:\n%s\nGPU:\n%s%s", cpuOut, gpuOut, gpuErrs)
	}
	// Two Poisson trains are more than the device runs: gpu refuses them,
	// auto says why it runs on the CPU.
	noisy := "poisson:rate=200,weight=0.5,tau=2,to=1000+poisson:rate=100,weight=0.5,tau=2,to=1000,seed=2"
	if code, _, errs := neurite("fi", "fhn", "--stim", noisy, "--from", "0", "--to", "1", "--backend", "gpu", "--out", t.TempDir()); code != 1 || !strings.Contains(errs, "one Poisson train") {
		t.Errorf("a Poisson stimulus on the GPU: exit %d: %s", code, errs)
	}
	if code, _, errs := neurite("fi", "fhn", "--stim", noisy, "--from", "0", "--to", "1", "--n", "3", "--quiet", "--out", t.TempDir()); code != 0 || !strings.Contains(errs, "backend: cpu (auto:") {
		t.Errorf("a Poisson stimulus on auto: exit %d: %s", code, errs)
	}
}
