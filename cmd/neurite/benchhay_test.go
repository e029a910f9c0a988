package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchHay: bench hay runs copies of the nmodl_hay_cell example's cell
// on the CPU, past the step's onset at 100 ms so that cell 0 fires, and
// ends with its RESULT line; asked for the GPU, which refuses NMODL, it
// says so in one line and runs the CPU.
func TestBenchHay(t *testing.T) {
	for _, c := range []struct {
		args []string
		also string // a line that must come before the RESULT
	}{
		{[]string{"--cells", "1", "--tstop", "150", "--threads", "1", "--repeat", "2"},
			`(?m)^INFO backend=cpu cells=1 model="models/nmodl_hay_cell.toml" threads=1 spikes_cell0=[1-9][0-9]* walls=[0-9.]+,[0-9.]+$`},
		{[]string{"--cells", "2", "--tstop", "20", "--backend", "gpu"},
			`(?m)^SKIP backend=gpu: .*NMODL mechanisms \(.*NaTa_t.*\)`},
		{[]string{"--cells", "2", "--tstop", "20", "--backend", "both"},
			`(?m)^INFO backend=cpu cells=2 .*\n^SKIP backend=gpu: .*NMODL`},
	} {
		code, out, errs := neurite(append([]string{"bench", "hay"}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		cells := c.args[1]
		last := regexp.MustCompile(`^RESULT name=neurite_hay cells=` + cells + ` compartments=` + map[string]string{"1": "49", "2": "98"}[cells] + ` wall_s=[0-9.]+ rate=[0-9.e+]+$`)
		if code != 0 || !last.MatchString(lines[len(lines)-1]) || !regexp.MustCompile(c.also).MatchString(out) || strings.Contains(out, "RATIO") {
			t.Errorf("bench hay %s: exit %d:\n%s%s", strings.Join(c.args, " "), code, out, errs)
		}
	}
}

// TestBenchHayBadFlags: bad values are usage errors in the user's words.
func TestBenchHayBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cells", "0"}, "--cells 0: give at least 1"},
		{[]string{"--repeat", "0"}, "--repeat 0: give at least 1"},
		{[]string{"--tstop", "-1"}, "--tstop -1: give a positive time in ms"},
		{[]string{"--backend", "tpu"}, `--backend "tpu": give cpu, gpu or both`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, _, errs := neurite(append([]string{"bench", "hay"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("bench hay %s: exit %d, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}
}
