package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchNetworks: each network benchmark runs a small case and ends
// with its RESULT line, the figures the README quotes.
func TestBenchNetworks(t *testing.T) {
	for _, c := range []struct {
		args []string
		last string // a pattern of the last line
		also string // a line that must come before it
	}{
		{[]string{"coba", "--neurons", "400", "--duration", "0.05", "--repeat", "2"},
			`^RESULT name=neurite_coba neurons=400 wall_s=[0-9.]+ events_per_s=[0-9.e+]+ spikes=[0-9]+ rate_hz=[0-9.]+$`, "INFO neurons=400 "},
		{[]string{"brunel", "--neurons", "500", "--duration", "0.05"},
			`^RESULT name=neurite_brunel neurons=500 wall_s=[0-9.]+ sim_s=0.05 rtf=[0-9.]+ `, "INFO neurons=500 synapses=25000 "},
		{[]string{"microcircuit", "--scale", "0.01", "--duration", "0.02"},
			`^RESULT name=neurite_microcircuit scale=0.01 neurons=772 synapses=[0-9]+ wall_s=[0-9.]+ sim_s=0.02 rtf=[0-9.]+ `, "RATE population=L5E neurons=49 "},
		{[]string{"microcircuit", "--scale", "0.01", "--duration", "0.02", "--procedural", "--backend", "gpu", "--delivery", "device"},
			`^RESULT name=neurite_microcircuit_gpu scale=0.01 neurons=772 synapses=[0-9]+ wall_s=[0-9.]+ sim_s=0.02 rtf=[0-9.]+ `, "DEVICE procedural=true synapse_bytes="},
		{[]string{"ring", "--cells", "10", "--tstop", "20"},
			`^RESULT name=neurite_ring cells=10 ring_size=10 compartments=120 wall_s=[0-9.]+ spikes=[0-9]+ `, "INFO backend=cpu cells=10 "},
	} {
		code, out, errs := neurite(append([]string{"bench"}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || !regexp.MustCompile(c.last).MatchString(lines[len(lines)-1]) || !strings.Contains(out, c.also) {
			t.Errorf("bench %s: exit %d:\n%s%s", strings.Join(c.args, " "), code, out, errs)
		}
	}
}

// TestBenchNetworksBadFlags: bad sizes are usage errors in the user's
// words.
func TestBenchNetworksBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"coba", "--neurons", "2"}, `--neurons "2": give a whole number from 5 to 100000000`},
		{[]string{"coba", "--duration", "0"}, "--duration 0: give a positive time in s"},
		{[]string{"coba", "--repeat", "0"}, "--repeat 0: give at least 1"},
		{[]string{"brunel", "--neurons", "10"}, `--neurons "10": give a whole number from 50 to 100000000`},
		{[]string{"microcircuit", "--scale", "2"}, "--scale 2: give a fraction in (0, 1]"},
		{[]string{"ring", "--cells", "10", "--ring-size", "3"}, "10 cells do not make rings of 3"},
		{[]string{"ring", "--tstop", "-1"}, "--tstop -1: give a positive time in ms"},
		{[]string{"coba", "--backend", "tpu"}, `--backend "tpu": give cpu, gpu or both`},
		{[]string{"ring", "--backend", "tpu"}, `--backend "tpu": give cpu, gpu or both`},
		{[]string{"coba", "--delivery", "nowhere"}, `--delivery "nowhere": give auto, host or device`},
	} {
		code, _, errs := neurite(append([]string{"bench"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("bench %s: exit %d, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}
}

// TestBenchNetworkBackends: --backend both runs a network on the CPU and
// the GPU and ends with their ratio, the same spikes on both: COBA, and
// Brunel's network under its Poisson drives, the GPU delivering the
// spikes where auto chooses, on the device and on the host.
func TestBenchNetworkBackends(t *testing.T) {
	ratio := regexp.MustCompile(`^RATIO gpu/cpu=[0-9.]+ \(the CPU's wall time over the GPU's; the same spikes of every neuron\)$`)
	for _, c := range []struct{ model, neurons, duration, delivery string }{
		{"coba", "400", "0.05", "auto"}, {"brunel", "500", "0.05", "auto"}, {"coba", "400", "0.05", "device"}, {"brunel", "500", "0.05", "host"},
	} {
		code, out, errs := neurite("bench", c.model, "--neurons", c.neurons, "--duration", c.duration, "--backend", "both", "--delivery", c.delivery)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || !strings.Contains(out, "RESULT name=neurite_"+c.model+"_gpu neurons="+c.neurons+" ") || !ratio.MatchString(lines[len(lines)-1]) {
			t.Errorf("bench %s --backend both --delivery %s: exit %d:\n%s%s", c.model, c.delivery, code, out, errs)
		}
	}
}

// TestBenchRingBackends: bench ring --backend both runs the rings on the
// CPU and the GPU cable engines, with the same spikes, and prints both
// results and their ratio.
func TestBenchRingBackends(t *testing.T) {
	code, out, errs := neurite("bench", "ring", "--cells", "10", "--ring-size", "5", "--tstop", "40", "--backend", "both")
	spikes := regexp.MustCompile(`(?m)^INFO backend=(cpu|gpu) cells=10 ring_size=5 compartments=120 threads=[0-9]+ spikes=([0-9]+)`).FindAllStringSubmatch(out, -1)
	if code != 0 || len(spikes) != 2 || spikes[0][2] != spikes[1][2] || spikes[0][2] == "0" ||
		!regexp.MustCompile(`(?m)^RATIO gpu/cpu=[0-9.]+ `).MatchString(out) || !strings.Contains(out, "RESULT name=neurite_ring_gpu cells=10 ") {
		t.Errorf("bench ring --backend both: exit %d:\n%s%s", code, out, errs)
	}
}
