package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLineErrors: every mistake on a command line is named on
// stderr's first line, followed by the hint, with exit status 2 (1 for a
// model that does not load), nothing on stdout and no files written.
func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "image.ode")
	if err := os.WriteFile(binary, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args  []string
		code  int
		first string // stderr's first line contains this
	}{
		{[]string{"run", example, "--tstopp", "5"}, 2, "neurite run: unknown flag --tstopp (did you mean --tstop?)"},
		{[]string{"fi", "hh", "--frm", "0"}, 2, "unknown flag --frm (did you mean --from?)"},
		{[]string{"run", example, "--zzzzzzzz"}, 2, "unknown flag --zzzzzzzz"},
		{[]string{"run", example, "-o", out}, 2, "unknown flag -o (flags take two dashes: --name)"},
		{[]string{"run", example, "-tstop", "5"}, 2, "unknown flag -tstop (did you mean --tstop?)"},
		{[]string{"run", example, "--tstop", "abc"}, 2, `--tstop "abc": give a number`},
		{[]string{"run", example, "--tstop"}, 2, "--tstop needs a value"},
		{[]string{"run", example, "--tstop", "-5", "--out", out}, 2, "--tstop -5: give a positive time in ms"},
		{[]string{"run", example, "--tstop", "0", "--out", out}, 2, "--tstop 0: give a positive time"},
		{[]string{"run", example, "--tstop", "NaN", "--out", out}, 2, "--tstop NaN: give a positive time"},
		{[]string{"run"}, 2, "neurite run: give a MODEL"},
		{[]string{"run", example, "extra"}, 2, "give one MODEL, not 2 arguments"},
		{[]string{"run", example, "--out", out, "--set", "run.celsius=hot"}, 1, "--set run.celsius=hot"},
		{[]string{"fi", "hh", "--n", "0", "--from", "0", "--to", "1"}, 2, `--n "0": give a whole number from 2 to 1000000`},
		{[]string{"fi", "hh", "--n", "100000000000", "--from", "0", "--to", "1"}, 2, `--n "100000000000": give a whole number from 2 to 1000000`},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--stim", "step:amp=nan"}, 2, `"amp=nan" is not key=number`},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--stim", "step:amp=1,from=5,to=2"}, 2, "from = 5 must be before to = 2"},
		{[]string{"bifurcation", "hh", "--from", "0", "--to", "1", "--backend", "tpu", "--out", out}, 2, `--backend "tpu": give auto, cpu or gpu`},
		{[]string{"run", example, "--backend", "tpu", "--out", out}, 2, `--backend "tpu": give auto, cpu or gpu`},
		{[]string{"run", example, "--threads", "-1", "--out", out}, 2, `--threads "-1": give a whole number from 0 to 4096`},
		{[]string{"run", example, "--tstop", "1e18", "--out", out}, 1, "is 4e+19 steps, more than 1e+10"},
		{[]string{"fi", "hh", "--from", "5", "--to", "5"}, 2, "--from 5 --to 5: --to must be above --from"},
		{[]string{"fi", "hh", "--from", "5", "--to", "1", "--out", out}, 2, "--from 5 --to 1: --to must be above --from"},
		{[]string{"bifurcation", "fhn", "--from", "1", "--to", "0", "--out", out}, 2, "--to must be above --from"},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--set", "gnabar=abc"}, 2, `--set "gnabar=abc": give NAME=NUMBER`},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--stim", "bogus"}, 2, `--stim "bogus": unknown stimulus`},
		{[]string{"integrators", "hh", "--tstop", "0", "--out", out}, 2, "--tstop 0: give a positive time"},
		{[]string{"integrators", "hh", "--tstop", "-3", "--out", out}, 2, "--tstop -3: give a positive time"},
		{[]string{"lyapunov", "fhn", "--tau", "0"}, 2, "--tau 0: give a positive interval"},
		{[]string{"fi", "missing.ode", "--from", "0", "--to", "1"}, 1, "missing.ode: no such file"},
		{[]string{"fi", binary, "--from", "0", "--to", "1"}, 1, "image.ode: not a text file of equations"},
		{[]string{"check", binary}, 1, "image.ode: not a text file of equations"},
		{[]string{"check", "testdata/bad.ode"}, 1, "testdata/bad.ode:"},
		{[]string{"run", "testdata/bad.ode", "--out", out}, 1, "testdata/bad.ode: a point model's equations"},
		{[]string{"check"}, 2, "neurite check: give a FILE"},
		{[]string{"check", "testdata/bad.ode", "--set", "run.celsius=6"}, 2, "is a file of equations"},
		{[]string{"render", example}, 2, "give --video FILE.mp4 or --gif FILE.gif"},
		{[]string{"render", example, "--gif", filepath.Join(out, "x.gif"), "--fps", "0"}, 2, "--fps 0"},
		{[]string{"render", "nosuch.toml", "--gif", filepath.Join(out, "x.gif"), "--size", "big"}, 2, `--size: size "big"`},
		{[]string{"render", "nosuch.toml", "--gif", filepath.Join(out, "x.gif"), "--view", "north"}, 2, `--view "north"`},
		{[]string{"render", "nosuch.toml", "--gif", filepath.Join(out, "x.gif"), "--view", "nan,10"}, 2, `--view "nan,10"`},
		{[]string{"render", example, "--video", filepath.Join(out, "x.avi")}, 2, `--video "` + filepath.Join(out, "x.avi") + `": give a .mp4 file`},
		{[]string{"fi", "hh", "--from", "0", "--to", "1", "--out", binary}, 2, `is a file; give a folder`},
		{[]string{"render", "nosuch.toml", "--gif", filepath.Join(out, "x.gif"), "--size", "100000x100000"}, 2, "each from 16 to 16384"},
		{[]string{"bench"}, 2, "neurite bench: give what to measure"},
		{[]string{"bench", "cable", "--nseg", "0"}, 2, `--nseg "0": give a whole number from 1 to 1000000`},
		{[]string{"bench", "cable", "--cells", "100000", "--nseg", "1000"}, 2, "are 4e+08 compartments: give at most 1e+08"},
		{[]string{"bench", "sweep", "--backend", "tpu"}, 2, `--backend "tpu": give cpu, gpu or both`},
		{[]string{"bench", "cable", "--layot", "team"}, 2, "unknown flag --layot (did you mean --layout?)"},
		{[]string{"bench", "sweep", "--n", "0"}, 2, `--n "0": give a whole number from 1 to 100000000`},
		{[]string{"gpuinfo", "x"}, 2, `unexpected argument "x"`},
		{[]string{"check", "testdata/badnet.toml"}, 1, `testdata/badnet.toml:18: projection E->Inh: unknown population "Inh"`},
		{[]string{"run", "testdata/badnet.toml", "--out", out}, 1, `testdata/badnet.toml:18:`},
		{[]string{"run", "testdata/badrows.toml", "--out", out}, 1, `testdata/badrows.csv:3: post "three" is not a number`},
		{[]string{"run", "testdata/badrows.toml", "--out", out, "--snapshots", "1"}, 2, "--snapshots is for cells"},
		{[]string{"run", "testdata/badrows.toml", "--out", out, "--figure", "r.jpg"}, 2, `--figure "r.jpg": give a .png or .svg file`},
		{[]string{"run", example, "--out", out, "--figure", "r.png"}, 2, "--figure draws a network's raster"},
	} {
		code, stdout, stderr := neurite(c.args...)
		first, rest, _ := strings.Cut(stderr, "\n")
		if code != c.code || !strings.Contains(first, c.first) || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant exit %d, first line with %q", c.args, code, stdout, stderr, c.code, c.first)
		}
		if c.code == 2 && rest != "run \"neurite "+strings.TrimPrefix(first[:strings.Index(first, ":")], "neurite ")+" --help\" for the flags\n" {
			t.Errorf("%q: stderr after the first line is %q, want only the hint", c.args, rest)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused command wrote %s", out)
	}
}

// TestSubcommandHelp: --help and -h print a command's usage on stdout
// and exit 0.
func TestSubcommandHelp(t *testing.T) {
	for _, cmd := range [][]string{{"run"}, {"check"}, {"render"}, {"fi"}, {"bifurcation"}, {"integrators"}, {"lyapunov"}, {"bench"}, {"bench", "cable"}, {"bench", "sweep"}, {"gpuinfo"}} {
		for _, flag := range []string{"--help", "-h"} {
			code, stdout, stderr := neurite(append(cmd, flag)...)
			if code != 0 || !strings.HasPrefix(stdout, "usage: neurite "+cmd[0]) || stderr != "" {
				t.Errorf("%v %s: exit %d, stdout %q, stderr %q", cmd, flag, code, stdout, stderr)
			}
		}
	}
}

// TestCheckEquations: check recognises a file of equations, by its
// extension or by its content, and describes the point model.
func TestCheckEquations(t *testing.T) {
	text := "# FitzHugh-Nagumo\nname mine\npar a=0.7, b=0.8, I=0.5\ninit v=-1, w=1\nv' = v - v^3/3 - w + I\nw' = 0.08*(v + a - b*w)\nspike v >= 1\n"
	for _, name := range []string{"fhn.ode", "fhn.txt"} {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := neurite("check", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		for _, want := range []string{`valid point model "mine"`, "variables    v (init -1), w (init 1)", "parameters   a=0.7, b=0.8, I=0.5", "input        I", "spikes       v crossing 1 upwards"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", name, want, out)
			}
		}
	}
}

// TestSetOverridesModelKeys: --set changes a model file's keys for run
// and check, and a key the model cannot take is refused naming it.
func TestSetOverridesModelKeys(t *testing.T) {
	code, out, errs := neurite("check", example, "--set", "run.celsius=16", "--set", "run.dt=0.05")
	if code != 0 || !strings.Contains(out, "dt 0.05 ms") || !strings.Contains(out, "16 °C") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	code, _, errs = neurite("check", example, "--set", "run.nosuch=1")
	if code != 1 || !strings.Contains(errs, "--set run.nosuch=1") {
		t.Errorf("unknown key: exit %d, stderr:\n%s", code, errs)
	}
}
