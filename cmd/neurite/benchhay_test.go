package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchHay: bench hay runs copies of the nmodl_hay_cell example's cell
// on the CPU, past the step's onset at 100 ms so that cell 0 fires, and
// ends with its RESULT line; on the GPU, and on both with their ratio.
func TestBenchHay(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string // lines, in order, the last the last of the output
	}{
		{[]string{"--cells", "1", "--tstop", "150", "--threads", "1", "--repeat", "2"}, []string{
			`^INFO backend=cpu cells=1 model="models/nmodl_hay_cell.toml" threads=1 spikes_cell0=[1-9][0-9]* walls=[0-9.]+,[0-9.]+$`,
			`^RESULT name=neurite_hay cells=1 compartments=49 wall_s=[0-9.]+ rate=[0-9.e+]+$`}},
		{[]string{"--cells", "2", "--tstop", "20", "--backend", "gpu"}, []string{
			`^INFO backend=gpu cells=2 `,
			`^RESULT name=neurite_hay_gpu cells=2 compartments=98 wall_s=[0-9.]+ rate=[0-9.e+]+$`}},
		{[]string{"--cells", "2", "--tstop", "20", "--backend", "both"}, []string{
			`^INFO backend=cpu cells=2 `, `^INFO backend=gpu cells=2 `, `^RATIO gpu/cpu=[0-9.]+ `,
			`^RESULT name=neurite_hay cells=2 compartments=98 `,
			`^RESULT name=neurite_hay_gpu cells=2 compartments=98 wall_s=[0-9.]+ rate=[0-9.e+]+$`}},
	} {
		code, out, errs := neurite(append([]string{"bench", "hay"}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		ok := code == 0 && len(lines) >= len(c.want)
		for k, w := range c.want {
			if ok {
				ok = regexp.MustCompile(w).MatchString(lines[len(lines)-len(c.want)+k])
			}
		}
		if !ok {
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
		{[]string{"--cells", "0"}, `--cells "0": give a whole number from 1 to 10000`},
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
