package main

import (
	"bytes"
	"cmp"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The exported scripts run on Debian's NEURON 8.2 (python3-neuron,
// neuron-dev's nrnivmodl, openmpi-bin's mpiexec; make deps installs
// them) under the system's python3, which holds the neuron module.
const systemPython = "/usr/bin/python3"

// inExport runs a command in an export's folder and returns its output.
func inExport(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	// nrniv -python embeds the python3 first on the PATH unless told;
	// Open MPI's shared-memory transport cannot use cross-memory attach
	// in containers that forbid ptrace, and need not.
	cmd.Env = append(os.Environ(), "NRN_PYTHONEXE="+systemPython, "OMPI_MCA_btl_vader_single_copy_mechanism=none")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// exportAndRun exports model to NEURON and runs it there (the command
// line in run, "run.py" standing for the script), and runs it in
// Neurite; it returns the two results folders, Neurite's first.
func exportAndRun(t *testing.T, model string, flags []string, compile bool, run ...string) (own, exported string) {
	t.Helper()
	tmp := t.TempDir()
	own, dir := filepath.Join(tmp, "own"), filepath.Join(tmp, "export")
	if code, _, errs := neurite(append([]string{"export", "neuron", model, "--out", dir}, flags...)...); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	if code, _, errs := neurite(append([]string{"run", model, "--out", own, "--quiet"}, flags...)...); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	if compile {
		inExport(t, dir, systemPython, "run.py", "--nrnivmodl")
	}
	out := inExport(t, dir, run...)
	t.Log(strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]))
	return own, filepath.Join(dir, "results")
}

// numbers reads a results CSV file: its header and its rows as numbers.
func numbers(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	rows := readCSV(t, path)
	out := make([][]float64, len(rows)-1)
	for i, r := range rows[1:] {
		for _, s := range r {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+2, err)
			}
			out[i] = append(out[i], x)
		}
	}
	return rows[0], out
}

// compareTraces checks that NEURON's traces are Neurite's: the same
// columns at the same times, each column's RMS difference within the
// tolerance tol gives for its name's prefix; it returns the largest
// difference of a voltage.
func compareTraces(t *testing.T, own, exported string, tol map[string]float64) float64 {
	return compareColumns(t, "traces.csv", own, exported, tol)
}

// compareColumns is compareTraces for a file of columns over time.
func compareColumns(t *testing.T, file, own, exported string, tol map[string]float64) float64 {
	t.Helper()
	h1, a := numbers(t, filepath.Join(own, file))
	h2, b := numbers(t, filepath.Join(exported, file))
	if !slices.Equal(h1, h2) || len(a) != len(b) {
		t.Fatalf("%s: header %v, %d rows; NEURON's %v, %d rows", file, h1, len(a), h2, len(b))
	}
	worst := 0.0
	for c, name := range h1 {
		sum, most := 0.0, 0.0
		for i := range a {
			d := a[i][c] - b[i][c]
			sum += d * d
			most = max(most, math.Abs(d))
		}
		rms := math.Sqrt(sum / float64(len(a)))
		limit := 0.0 // the times are the same
		for prefix, l := range tol {
			if c > 0 && strings.HasPrefix(name, prefix) {
				limit = l
			}
		}
		if c > 0 && limit == 0 {
			t.Fatalf("no tolerance for column %s", name)
		}
		if rms > limit {
			t.Errorf("%s: RMS difference %.3g, more than %g (max %.3g)", name, rms, limit, most)
		}
		if strings.HasPrefix(name, "v") || strings.HasSuffix(name, ".v") || file == "snapshots.csv" {
			worst = max(worst, most)
		}
	}
	return worst
}

// compareSpikes checks that NEURON's spikes are Neurite's: the same
// number from every cell, each within tol ms; it returns the largest
// difference.
func compareSpikes(t *testing.T, own, exported string, want int, tol float64) float64 {
	t.Helper()
	h1, a := numbers(t, filepath.Join(own, "spikes.csv"))
	h2, b := numbers(t, filepath.Join(exported, "spikes.csv"))
	if !slices.Equal(h1, h2) {
		t.Fatalf("spikes.csv: header %v, NEURON's %v", h1, h2)
	}
	byCell := func(x, y []float64) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) }
	slices.SortFunc(a, byCell)
	slices.SortFunc(b, byCell)
	if len(a) != want || len(b) != want {
		t.Fatalf("%d spikes in Neurite, %d in NEURON; want %d", len(a), len(b), want)
	}
	worst := 0.0
	for i := range a {
		if a[i][0] != b[i][0] || a[i][2] != b[i][2] {
			t.Fatalf("spike %d: Neurite's %v, NEURON's %v: not the same cell and step", i, a[i], b[i])
		}
		worst = max(worst, math.Abs(a[i][1]-b[i][1]))
	}
	if worst > tol {
		t.Errorf("spike times differ by up to %.3g ms, more than %g", worst, tol)
	}
	return worst
}

// TestExportNeuronBallAndStick: the reference case ball_and_stick,
// exported and run by NEURON in one process, gives Neurite's traces and
// spikes within the case's tolerances for the same scheme (case.md:
// spike times within 0.01 ms, V RMS 0.2 mV at the soma and 0.05 mV in
// the dendrite), and its voltage snapshots of every segment, written as
// Neurite writes them (float32), and their segments.csv. On two MPI ranks,
// one of which has no cell, it writes the same files.
func TestExportNeuronBallAndStick(t *testing.T) {
	own, exported := exportAndRun(t, "../../assets/models/ball_and_stick.toml", nil, false, systemPython, "run.py")
	dv := compareTraces(t, own, exported, map[string]float64{"v_soma": 0.2, "v_dend": 0.05, "i_": 1e-4})
	ds := compareSpikes(t, own, exported, 4, 0.01)
	dsnap := compareColumns(t, "snapshots.csv", own, exported, map[string]float64{"soma": 0.2, "dend": 0.05})
	t.Logf("NEURON against Neurite: max |ΔV| %.3g mV, spike times within %.3g ms; snapshots within %.3g mV", dv, ds, dsnap)
	for _, f := range []string{"segments.csv", "snapshot_times.npy"} {
		a, err1 := os.ReadFile(filepath.Join(own, f))
		b, err2 := os.ReadFile(filepath.Join(exported, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: NEURON's is not Neurite's (%v, %v)", f, err1, err2)
		}
	}
	dir := filepath.Dir(exported)
	inExport(t, dir, "mpiexec", "-n", "2", "--allow-run-as-root", "--oversubscribe", "nrniv", "-mpi", "-python", "run.py", "--out", "ranks")
	for _, f := range []string{"traces.csv", "spikes.csv", "snapshots.npy"} {
		one, err1 := os.ReadFile(filepath.Join(exported, f))
		two, err2 := os.ReadFile(filepath.Join(dir, "ranks", f))
		if err1 != nil || err2 != nil || !bytes.Equal(one, two) {
			t.Errorf("%s differs between one process and two ranks (%v, %v)", f, err1, err2)
		}
	}
}

// TestExportNeuronNetworkMPI: ball_and_stick_net, 100 cells over two MPI
// ranks with ParallelContext, fires as in Neurite: the same spikes from
// every cell, at the same steps, within 0.01 ms; the populations and
// rates files are Neurite's to the byte.
func TestExportNeuronNetworkMPI(t *testing.T) {
	own, exported := exportAndRun(t, "../../assets/models/ball_and_stick_net.toml", []string{"--tstop", "100"}, false,
		"mpiexec", "-n", "2", "--allow-run-as-root", "--oversubscribe", "nrniv", "-mpi", "-python", "run.py")
	_, spikes := numbers(t, filepath.Join(own, "spikes.csv"))
	if len(spikes) < 200 {
		t.Fatalf("Neurite's run has %d spikes; the network should fire about 400 in 100 ms", len(spikes))
	}
	ds := compareSpikes(t, own, exported, len(spikes), 0.01)
	dv := compareTraces(t, own, exported, map[string]float64{"first": 0.2, "second": 0.2})
	for _, f := range []string{"populations.csv", "rates.csv"} {
		a, err1 := os.ReadFile(filepath.Join(own, f))
		b, err2 := os.ReadFile(filepath.Join(exported, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: NEURON's is not Neurite's (%v, %v):\n%s\n%s", f, err1, err2, a, b)
		}
	}
	t.Logf("NEURON on 2 ranks against Neurite: %d spikes, times within %.3g ms; max |ΔV| %.3g mV", len(spikes), ds, dv)
}

// TestExportNeuronNMODL: nmodl_kinetics_point, three .mod files compiled
// by nrnivmodl (a KINETIC scheme whose literal rate constants NEURON
// would round to six digits, an HH-style channel and a POINT_PROCESS
// synapse with two NetCons of their own state), ek fixed and ena
// following Nernst from an inner concentration the model sets, fires its
// seven spikes as in Neurite; the Markov states, gates and synapse follow.
func TestExportNeuronNMODL(t *testing.T) {
	nernst := []string{"--set", "biophysics.1.ions.na.ci=15", "--set", "biophysics.1.ions.na.nernst=true"}
	own, exported := exportAndRun(t, "../../assets/models/nmodl_kinetics_point.toml", nernst, true, systemPython, "run.py")
	dv := compareTraces(t, own, exported, map[string]float64{"v": 0.05, "i": 1e-3, "c": 1e-4, "o": 1e-4, "n": 1e-4, "h": 1e-4, "R": 1e-6, "g_": 1e-6})
	ds := compareSpikes(t, own, exported, 7, 0.01)
	t.Logf("NEURON against Neurite: max |ΔV| %.3g mV, spike times within %.3g ms", dv, ds)
}

// TestExportNeuronTypedChannels: hh_channels, Hodgkin and Huxley's
// channels typed as equations, exported as the NMODL Neurite writes for
// them (compiled by nrnivmodl), fires its eight spikes as in Neurite,
// whose are NEURON's hh_single's. The channels read nai and nao, where
// NEURON by itself would compute ena from them: the script keeps the
// model's ena as Neurite does.
func TestExportNeuronTypedChannels(t *testing.T) {
	own, exported := exportAndRun(t, "../../assets/models/hh_channels.toml", nil, true, systemPython, "run.py")
	dv := compareTraces(t, own, exported, map[string]float64{"v": 0.2, "m": 1e-3, "h": 1e-3, "n": 1e-3, "i_stim": 1e-9})
	ds := compareSpikes(t, own, exported, 8, 0.01)
	t.Logf("NEURON against Neurite: max |ΔV| %.3g mV, spike times within %.3g ms", dv, ds)
}

// TestExportUsage: the command's own mistakes.
func TestExportUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export"}, 2, "give what to export to: neurite export neuron|pynn|swc|neuroml"},
		{[]string{"export", "brian", "x.toml"}, 2, "give what to export to: neurite export neuron|pynn|swc|neuroml"},
		{[]string{"export", "neuron", "../../assets/models/ball_and_stick.toml"}, 2, "--out DIR is required"},
		{[]string{"export", "neuron", "../../assets/models/coba.toml", "--out", "unused"}, 1, "population E is of point neurons"},
	} {
		code, _, errs := neurite(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}
