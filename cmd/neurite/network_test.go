package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworkErrorsAllAtOnce: every mistake of a network file is reported,
// each with its line, in one go.
func TestNetworkErrorsAllAtOnce(t *testing.T) {
	code, stdout, stderr := neurite("check", "testdata/badnet.toml")
	want := []string{
		`badnet.toml:18: projection E->Inh: unknown population "Inh"`,
		`badnet.toml:28: projection E->I: p = 1.5 must lie in [0, 1]`,
		`badnet.toml:36: projection I->E: indegree = 30 is more than the 20 distinct sources I offers`,
		`badnet.toml:38: projection I->E: delay = -2 ms must not be negative`,
		`badnet.toml:46: projection E->E: delay 0.05 ms is shorter than dt = 0.1 ms`,
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || stdout != "" || len(lines) != len(want) {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	for k, w := range want {
		if !strings.Contains(lines[k], w) {
			t.Errorf("line %d: %q, want %q", k+1, lines[k], w)
		}
	}
}

// TestRunNetwork: neurite run on a network writes its spikes and says
// what it ran.
func TestRunNetwork(t *testing.T) {
	out := t.TempDir()
	fig := filepath.Join(out, "raster.png")
	code, stdout, stderr := neurite("run", "../../assets/models/brian_lif_net.toml", "--out", out, "--quiet", "--figure", fig)
	note := "backend: cpu (auto: 50 neurons are too few to gain on the GPU; --backend gpu forces it)\n"
	if code != 0 || stderr != note || !strings.Contains(stdout, "50 neurons, 400 synapses, 500 ms") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	f, err := os.Open(fig)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() < 300 {
		t.Errorf("the raster figure: %v, %v", err, img.Bounds())
	}
	code, stdout, _ = neurite("check", "../../assets/models/hh_network_det.toml")
	if code != 0 || !strings.Contains(stdout, "a network of 20 neurons (20 compartments), 120 connections") {
		t.Errorf("check: exit %d, stdout %q", code, stdout)
	}
}

// TestCheckRateProjection: neurite check names what a rate projection
// carries, the defaults filled (the source's main variable, the target's
// input) and a parameter given by --set.
func TestCheckRateProjection(t *testing.T) {
	const example = "../../assets/models/wilson_cowan_field.toml"
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{nil, "projection EI: E → I, one_to_one, rate of E.r into I.I\n"},
		{[]string{"--set", "projection.EI.input=theta"}, "projection EI: E → I, one_to_one, rate of E.r into I.theta\n"},
	} {
		code, stdout, stderr := neurite(append([]string{"check", example}, tc.sets...)...)
		if code != 0 || !strings.Contains(stdout, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tc.sets, code, stdout, stderr, tc.want)
		}
	}
}

// TestCheckProcedural: neurite check marks a projection made procedural
// by --set, and refuses one whose rule cannot be, naming the setting.
func TestCheckProcedural(t *testing.T) {
	file := filepath.Join(t.TempDir(), "net.toml")
	net := "[run]\ntstop = 10\n[[population]]\nname = \"E\"\nsize = 40\nmodel = \"lif\"\n[[projection]]\nname = \"EE\"\nfrom = \"E\"\nto = \"E\"\nrule = \"fixed_probability\"\np = 0.1\nweight = 1\ndelay = 1\n"
	if err := os.WriteFile(file, []byte(net), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := neurite("check", file, "--set", "projection.EE.procedural=true")
	if want := "projection EE: E → E, fixed_probability, delta, procedural\n"; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("EE procedural: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	code, _, stderr = neurite("check", "../../assets/models/brunel.toml", "--set", "projection.EE.procedural=true")
	if want := "--set projection.EE.procedural=true: projection EE: fixed_indegree draws each target's sources, by column, and cannot be procedural"; code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("brunel with EE procedural: exit %d, stderr %q; want %q", code, stderr, want)
	}
}

// TestRunNetworkOnGPU: neurite run --backend gpu runs point networks on
// the GPU, says so, and writes the CPU engine's spikes byte for byte:
// brian_lif_net, Brunel's network under its Poisson drives, and the ring
// attractor under its cue and noise.
func TestRunNetworkOnGPU(t *testing.T) {
	spikes := func(model, backend string, args ...string) (string, string) {
		out := t.TempDir()
		code, _, stderr := neurite(append([]string{"run", "../../assets/models/" + model, "--out", out, "--quiet", "--backend", backend}, args...)...)
		if code != 0 {
			t.Fatalf("%s --backend %s: exit %d, stderr %q", model, backend, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "spikes.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b), stderr
	}
	for _, c := range []struct {
		model string
		args  []string
		lines int
	}{
		{"brian_lif_net.toml", nil, 534},
		{"brunel.toml", []string{"--tstop", "100"}, 12403},
		{"ring_attractor.toml", nil, 3252},
	} {
		gpu, note := spikes(c.model, "gpu", c.args...)
		cpu, _ := spikes(c.model, "cpu", c.args...)
		if !strings.HasPrefix(note, "backend: gpu (") || gpu != cpu || strings.Count(gpu, "\n") != c.lines {
			t.Errorf("%s: the GPU's spikes.csv (%d lines, note %q) is not the CPU's (%d lines)", c.model, strings.Count(gpu, "\n"), note, strings.Count(cpu, "\n"))
		}
	}
}
