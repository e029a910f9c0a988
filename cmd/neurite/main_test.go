package main

import (
	"bytes"
	"encoding/csv"
	"image/color"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"neurite/gpu"
	"neurite/gpu/device"
	"neurite/gpu/sweep"
	"neurite/sim/point"
	"neurite/views"
)

// neurite runs the command line in-process.
func neurite(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = mainCode(args, &out, &errb)
	return code, out.String(), errb.String()
}

const example = "../../assets/models/swc_cell_A.toml"

func TestCheckValid(t *testing.T) {
	code, out, errs := neurite("check", example)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"valid", "sections     156 (soma 2, dend 101, apic 53)", "compartments 626", "membrane     32493.467 µm²", "soma: cylinders"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckMechanisms: check lists a model's NMODL mechanisms with where
// they are inserted, their ions, states, parameters and method.
func TestCheckMechanisms(t *testing.T) {
	code, out, errs := neurite("check", "../../assets/models/nmodl_hay_cell.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"CaDynamics_E2  SUFFIX in 34 compartments; ions: ca reads ica writes cai; states: cai; parameters: gamma decay depth minCai; method: cnexp",
		"SK_E2          SUFFIX in 34 compartments; ions: k reads ek writes ik, ca reads cai; states: z; parameters: gSK_E2bar zTau (global); method: cnexp",
		"K_Pst          SUFFIX in 1 compartments",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckReportsEveryError(t *testing.T) {
	code, _, errs := neurite("check", "testdata/bad.toml")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"testdata/bad.toml:7: tstop = -5 must be positive", `testdata/bad.toml:8: unknown method "leapfrog"`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	code, _, errs = neurite("check", "testdata/bad.swc")
	if code != 1 || !strings.Contains(errs, "testdata/bad.swc:3: radius -1 must be positive") ||
		!strings.Contains(errs, "testdata/bad.swc:4: point 3 has parent 7, which is not in the file") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

// TestRunSnapshotsOfAQuantity: snapshots.quantity records cai at every
// segment (NaN where no mechanism uses calcium), segments.csv says what
// the columns hold, the GPU (which snapshots v only) leaves the run to
// the CPU, and a quantity the model lacks is refused, listing those it has.
func TestRunSnapshotsOfAQuantity(t *testing.T) {
	const hay = "../../assets/models/nmodl_hay_cell.toml"
	dir := t.TempDir()
	code, _, errs := neurite("run", hay, "--out", dir, "--tstop", "5", "--quiet", "--backend", "auto",
		"--set", "snapshots.quantity=cai", "--set", "snapshots.interval=1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	segs := readCSV(t, filepath.Join(dir, "segments.csv"))
	if h := segs[0]; h[len(h)-2] != "quantity" || h[len(h)-1] != "unit" || segs[1][len(h)-2] != "cai" || segs[1][len(h)-1] != "mM" {
		t.Errorf("segments.csv: header %v, first row %v; want the quantity cai in mM", h, segs[1])
	}
	snaps := readCSV(t, filepath.Join(dir, "snapshots.csv"))
	if len(snaps) != 7 {
		t.Fatalf("snapshots.csv: %d rows, want a header and 6", len(snaps))
	}
	nan := 0
	for j, x := range snaps[6][1:] {
		v, err := strconv.ParseFloat(x, 64)
		switch {
		case err != nil:
			t.Errorf("column %d: %v", j, err)
		case math.IsNaN(v):
			nan++
		case v < 1e-5 || v > 1e-3:
			t.Errorf("%s: cai %v mM", snaps[0][j+1], v)
		}
	}
	if nan != 15 { // the two basal dendrites, 7 segments each, and the axon
		t.Errorf("%d segments without cai, want the 15 of the basal dendrites and the axon", nan)
	}
	gif := filepath.Join(t.TempDir(), "cai.gif")
	if code, _, errs := neurite("render", hay, "--gif", gif, "--to", "2", "--size", "320x240", "--quiet", "--set", "snapshots.quantity=cai"); code != 0 {
		t.Fatalf("render: exit %d: %s", code, errs)
	} else if grey := countNear(t, gif, views.Absent); grey < 20 {
		t.Errorf("the video's dendrites, without cai, drawn in the absent grey: %d pixels", grey)
	}
	if code, _, errs := neurite("run", hay, "--out", t.TempDir(), "--tstop", "1", "--quiet", "--backend", "gpu",
		"--set", "snapshots.quantity=cai"); code != 1 || !strings.Contains(errs, "snapshots v only") {
		t.Errorf("--backend gpu with snapshots of cai: exit %d: %s", code, errs)
	}
	code, _, errs = neurite("run", hay, "--out", t.TempDir(), "--tstop", "1", "--quiet", "--set", "snapshots.quantity=NaTa_t.x")
	if code != 1 || !strings.Contains(errs, `snapshots.quantity = "NaTa_t.x": this model's segments show v, eca, cai`) {
		t.Errorf("an unknown quantity: exit %d: %s", code, errs)
	}
}

func TestRunWritesResults(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := neurite("run", "../../assets/models/ball_and_stick.toml", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows := readCSV(t, filepath.Join(dir, "spikes.csv"))
	if len(rows) != 5 {
		t.Fatalf("spikes.csv has %d rows, want header + 4 spikes", len(rows))
	}
	// The first spike of the reference is at 35.669 ms.
	if t0, _ := strconv.ParseFloat(rows[1][1], 64); t0 < 35.66 || t0 > 35.68 {
		t.Errorf("first spike at %v ms", t0)
	}
	traces := readCSV(t, filepath.Join(dir, "traces.csv"))
	if len(traces) != 2002 || traces[0][0] != "t_ms" || traces[0][1] != "v_soma" {
		t.Errorf("traces.csv: %d rows, header %v", len(traces), traces[0])
	}
	snaps := readCSV(t, filepath.Join(dir, "snapshots.csv"))
	if len(snaps) != 402 || len(snaps[0]) != 1+82 {
		t.Errorf("snapshots.csv: %d rows of %d columns, want 402 of 83", len(snaps), len(snaps[0]))
	}
	for _, f := range []string{"traces.npy", "snapshots.npy", "snapshot_times.npy", "segments.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestRunBareSWC(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := neurite("run", "../../assets/models/morph_ca1_n120.swc", "--out", dir, "--tstop", "30")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if len(readCSV(t, filepath.Join(dir, "traces.csv"))) != 302 {
		t.Error("traces.csv does not cover 30 ms at 0.1 ms")
	}
}

func TestRunBlowUpNamesTimeAndPlace(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := neurite("run", "testdata/blowup.toml", "--out", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	if !regexp.MustCompile(`numerical blow-up at t = [0-9.]+ ms in soma\(0\.5\)`).MatchString(errs) {
		t.Errorf("stderr: %s", errs)
	}
	// What was recorded before the blow-up is complete and finite.
	rows := readCSV(t, filepath.Join(dir, "traces.csv"))
	if len(rows) < 2 {
		t.Fatalf("traces.csv has no samples: %v", rows)
	}
	for _, r := range rows[1:] {
		if v, err := strconv.ParseFloat(r[1], 64); err != nil || v > 1e4 || v < -1e4 {
			t.Fatalf("row %v is not a finite voltage", r)
		}
	}
}

func TestRunErrors(t *testing.T) {
	if code, _, errs := neurite("run", "testdata/bad.toml", "--out", t.TempDir()); code != 1 || !strings.Contains(errs, "testdata/bad.toml:7") {
		t.Errorf("bad model: exit %d, %s", code, errs)
	}
	if code, _, errs := neurite("run", "no-such-model.toml"); code != 1 || !strings.Contains(errs, "no-such-model.toml") {
		t.Errorf("missing model: exit %d, %s", code, errs)
	}
	if code, _, _ := neurite("run"); code != 2 {
		t.Errorf("no model: exit %d, want 2", code)
	}
	if code, _, errs := neurite("run", example, "--backend", "tpu", "--out", t.TempDir()); code != 2 || !strings.Contains(errs, `--backend "tpu": give auto, cpu or gpu`) {
		t.Errorf("tpu backend: exit %d, %s", code, errs)
	}
}

// onDevice runs f, commands that should run on the GPU, and fails t if
// meanwhile the shared device was lost or a sweep on it fell back to the
// CPU: either gives the CPU's results, which pass any comparison with the
// CPU, under the GPU's name.
func onDevice(t *testing.T, f func()) {
	t.Helper()
	dev, err := device.Shared()
	if err != nil {
		t.Fatal(err)
	}
	hh, err := point.Builtin("hh")
	if err != nil {
		t.Fatal(err)
	}
	batch, _, err := gpu.NewBatch("gpu", hh) // the device's shared sweep, which the commands use
	if err != nil {
		t.Fatal(err)
	}
	shared := batch.(*sweep.Sweep)
	before := shared.Fallbacks
	f()
	if n := shared.Fallbacks - before; n != 0 {
		t.Errorf("%d sweep batches fell back to the CPU", n)
	}
	if err := dev.Do(func() error { return nil }); err != nil {
		t.Errorf("the device was lost, its work finished on the CPU: %v", err)
	}
}

// TestRunGPU runs the ball-and-stick model on the GPU backend: it says so,
// and its spikes are the CPU's to within a microsecond, but not to the
// bit: the GPU's single-precision channel kinetics move every spike by
// about 1e-5 ms, so a run that went on on the CPU (which the command does
// not say) would show as a spike at the CPU's very time.
func TestRunGPU(t *testing.T) {
	spikes := func(backend string) [][]string {
		dir := t.TempDir()
		code, _, errs := neurite("run", "../../assets/models/ball_and_stick.toml", "--backend", backend, "--out", dir, "--quiet")
		if code != 0 || (backend == "gpu") != strings.Contains(errs, "backend: gpu (") {
			t.Fatalf("%s: exit %d, %s", backend, code, errs)
		}
		return readCSV(t, filepath.Join(dir, "spikes.csv"))
	}
	var cpu, dev [][]string
	onDevice(t, func() { cpu, dev = spikes("cpu"), spikes("gpu") })
	if len(cpu) != len(dev) || len(cpu) < 3 {
		t.Fatalf("spikes: CPU %v, GPU %v", cpu, dev)
	}
	for i := 1; i < len(cpu); i++ {
		a, _ := strconv.ParseFloat(cpu[i][1], 64)
		b, _ := strconv.ParseFloat(dev[i][1], 64)
		if math.Abs(a-b) > 1e-3 || a == b {
			t.Errorf("spike %d at %v ms on the CPU, %v on the GPU", i, a, b)
		}
	}
}

// TestModelBackend: a model file's run.backend is honoured, and --backend
// overrides it.
func TestModelBackend(t *testing.T) {
	src, err := os.ReadFile("../../assets/models/ball_and_stick.toml")
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(t.TempDir(), "bs.toml")
	text := strings.Replace(string(src), "[run]\n", "[run]\nbackend = \"gpu\"\n", 1)
	if err := os.WriteFile(model, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	onDevice(t, func() {
		if code, _, errs := neurite("run", model, "--tstop", "5", "--quiet", "--out", t.TempDir()); code != 0 || !strings.Contains(errs, "backend: gpu (") {
			t.Errorf("run.backend = gpu: exit %d: %s", code, errs)
		}
	})
	if code, _, errs := neurite("run", model, "--tstop", "5", "--quiet", "--backend", "cpu", "--out", t.TempDir()); code != 0 || strings.Contains(errs, "backend: gpu") {
		t.Errorf("--backend cpu: exit %d: %s", code, errs)
	}
}

// TestBenchBothBackends: the benchmark runs both backends side by side,
// with their ratio, the RESULT lines last.
func TestBenchBothBackends(t *testing.T) {
	code, out, errs := neurite("bench", "cable", "--cells", "2", "--nseg", "10", "--tstop", "5", "--backend", "both")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 5 || !strings.HasPrefix(lines[len(lines)-3], "RATIO gpu/cpu=") ||
		!strings.HasPrefix(lines[len(lines)-2], "RESULT name=neurite_cable ") || !strings.HasPrefix(lines[len(lines)-1], "RESULT name=neurite_cable_gpu ") {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
}

func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, errs := neurite()
	if code != 1 || !strings.Contains(errs, "no display") || !strings.Contains(errs, "neurite run") {
		t.Errorf("exit %d, stderr: %s", code, errs)
	}
}

func TestBenchPrintsResultLast(t *testing.T) {
	code, out, errs := neurite("bench", "cable", "--cells", "2", "--nseg", "10", "--tstop", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^RESULT name=neurite_cable cells=2 compartments=82 wall_s=[0-9.]+ rate=[0-9.e+]+$`).MatchString(last) {
		t.Errorf("last line %q", last)
	}
}

// TestUnknownCommand: a mistyped command gets one line, with the command
// it is nearest to when one is near, and the hint; not the whole usage.
func TestUnknownCommand(t *testing.T) {
	for args, want := range map[string]string{
		"frobnicate": "neurite: unknown command \"frobnicate\"\nrun \"neurite help\" for the commands\n",
		"rn":         "neurite: unknown command \"rn\" (did you mean run?)\nrun \"neurite help\" for the commands\n",
		"bifurcaton": "neurite: unknown command \"bifurcaton\" (did you mean bifurcation?)\nrun \"neurite help\" for the commands\n",
	} {
		if code, _, errs := neurite(args); code != 2 || errs != want {
			t.Errorf("%s: exit %d, stderr %q, want %q", args, code, errs, want)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestGPUInfo: the CI and development machines have Mesa's llvmpipe, so
// the device opens and computes right.
func TestGPUInfo(t *testing.T) {
	code, out, errs := neurite("gpuinfo")
	if code != 0 || !strings.Contains(out, "self-test  passed") || !strings.Contains(out, "version    4.") {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
}

// TestBenchSweep times a small sweep on both backends: the same spikes on
// both, and their ratio.
func TestBenchSweep(t *testing.T) {
	var code int
	var out, errs string
	onDevice(t, func() { code, out, errs = neurite("bench", "sweep", "--n", "16", "--tstop", "50") })
	if code != 0 || !strings.Contains(out, "RATIO gpu/cpu=") || !strings.Contains(out, "RESULT name=neurite_sweep_gpu") {
		t.Fatalf("exit %d:\n%s%s", code, out, errs)
	}
	spikes := regexp.MustCompile(`spikes=(\d+)`).FindAllStringSubmatch(out, -1)
	if len(spikes) != 2 || spikes[0][1] != spikes[1][1] || spikes[0][1] == "0" {
		t.Errorf("spikes: %v", spikes)
	}
	if code, _, errs := neurite("bench", "sweep", "--n", "0"); code != 2 || !strings.Contains(errs, `--n "0": give a whole number from 1 to 100000000`) {
		t.Errorf("--n 0: exit %d, %s", code, errs)
	}
	// Brian2's script models hh at its defaults only.
	if code, _, errs := neurite("bench", "sweep", "--model", "fhn", "--n", "2", "--tstop", "1", "--compare"); code != 2 || !strings.Contains(errs, "--compare runs Brian2 on the built-in hh") {
		t.Errorf("--compare on fhn: exit %d, %s", code, errs)
	}
}

// TestBenchSweepTyped: a model typed as equations runs on the device too
// (translated to GLSL), with the same maxima as on the CPU; with two
// Poisson trains, which the device does not run, the GPU's bench refuses
// rather than time the CPU under its name.
func TestBenchSweepTyped(t *testing.T) {
	var code int
	var out, errs string
	onDevice(t, func() {
		code, out, errs = neurite("bench", "sweep", "--model", "../../assets/models/morris_lecar.ode", "--n", "4", "--from", "90", "--to", "110", "--tstop", "100")
	})
	if code != 0 || !strings.Contains(out, "RESULT name=neurite_sweep_gpu model=morris-lecar") {
		t.Fatalf("exit %d:\n%s%s", code, out, errs)
	}
	maxima := regexp.MustCompile(`maxima=(\d+)`).FindAllStringSubmatch(out, -1)
	if len(maxima) != 2 || maxima[0][1] != maxima[1][1] || maxima[0][1] == "0" {
		t.Errorf("maxima: %v", maxima)
	}
	code, _, errs = neurite("bench", "sweep", "--model", "fhn", "--stim", "poisson:rate=100,weight=1,tau=2,to=10+poisson:rate=50,weight=1,tau=2,to=10,seed=2", "--n", "2", "--tstop", "10", "--backend", "gpu")
	if code != 1 || !strings.Contains(errs, "one Poisson train") {
		t.Errorf("with a stimulus: exit %d, %s", code, errs)
	}
}

// TestRunSaysLargeOutput: a run that will write much says how much before
// it starts, and --snapshots off avoids it. The folder cannot be created,
// so nothing is written either way.
func TestRunSaysLargeOutput(t *testing.T) {
	out := "/proc/neurite-test"
	code, _, errs := neurite("run", example, "--tstop", "3000", "--out", out)
	if code != 1 || !strings.Contains(errs, "this run writes about 143 MB into "+out+": most of it snapshots of 626 segments every 0.25 ms; --snapshots off") {
		t.Errorf("3 s run: exit %d, %s", code, errs)
	}
	for _, snap := range []string{"off", "1"} {
		if code, _, errs := neurite("run", example, "--tstop", "3000", "--snapshots", snap, "--out", out); code != 1 || strings.Contains(errs, "this run writes") {
			t.Errorf("--snapshots %s: exit %d, %s", snap, code, errs)
		}
	}
	if code, _, errs := neurite("run", example, "--snapshots", "0"); code != 2 || !strings.HasPrefix(errs, `neurite run: --snapshots "0"`) {
		t.Errorf("--snapshots 0: exit %d, %s", code, errs)
	}
}

// panicWriter fails as a bug below a command would.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("a bug") }

// TestPanicIsOneLine: a panic below a command is one line naming the
// command, with exit status 70, never a stack trace.
func TestPanicIsOneLine(t *testing.T) {
	var stderr strings.Builder
	code := mainCode([]string{"version"}, panicWriter{}, &stderr)
	want := "neurite version: internal error: a bug (please report it, with the command; NEURITE_TRACE=1 adds the trace)\n"
	if code != 70 || stderr.String() != want {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// countNear counts the pixels of a GIF's first frame near colour c.
func countNear(t *testing.T, path string, c color.RGBA) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := gif.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if nearRGB(img.At(x, y), c, 10) { // the GIF palette rounds colours
				n++
			}
		}
	}
	return n
}
