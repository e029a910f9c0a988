package main

import (
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"neurite/sim/output"
	"neurite/sim/spiketrain"
)

// TestExportPyNNCOBA exports the COBA network to PyNN, runs it on NEURON
// on two MPI ranks, and compares its activity with Neurite's run of the
// same network (the same synapses and initial state, another integrator):
// the populations' rates within 10% and their mean CV of ISI within 0.1.
func TestExportPyNNCOBA(t *testing.T) {
	const coba, tstop = "../../assets/models/coba.toml", 300.0
	dir := t.TempDir()
	exp, own := filepath.Join(dir, "pynn"), filepath.Join(dir, "neurite")
	if code, out, errs := neurite("export", "pynn", coba, "--out", exp, "--tstop", "300"); code != 0 || !strings.Contains(out, "4000 neurons in 2 populations") {
		t.Fatalf("export: exit %d: %s%s", code, out, errs)
	}
	cmd := exec.Command("mpiexec", "--allow-run-as-root", "--oversubscribe", "-n", "2", "/usr/bin/python3", "run.py")
	cmd.Dir = exp
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "RESULT name=pynn_coba ranks=2") {
		t.Fatalf("mpiexec -n 2 python3 run.py: %v\n%s", err, out)
	}
	if code, _, errs := neurite("run", coba, "--out", own, "--tstop", "300", "--quiet"); code != 0 {
		t.Fatalf("neurite run: exit %d: %s", code, errs)
	}
	pops := []struct {
		name   string
		lo, hi int
	}{{"E", 0, 3200}, {"I", 3200, 4000}}
	activity := func(dir string) (rate, cv [2]float64) {
		res, err := output.ReadRun(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Network {
			t.Fatalf("%s: spikes not by neuron_id", dir)
		}
		trains := map[int][]float64{}
		for _, s := range res.Spikes {
			trains[s.Cell] = append(trains[s.Cell], s.T)
		}
		for k, p := range pops {
			n, sum, count := 0, 0.0, 0
			for i := p.lo; i < p.hi; i++ {
				n += len(trains[i])
				if c, ok := spiketrain.CV(trains[i]); ok {
					sum, count = sum+c, count+1
				}
			}
			rate[k], cv[k] = float64(n)/float64(p.hi-p.lo)/(tstop/1000), sum/float64(count)
		}
		return rate, cv
	}
	pr, pc := activity(filepath.Join(exp, "results"))
	nr, nc := activity(own)
	for k, p := range pops {
		t.Logf("%s: PyNN/NEURON %.2f Hz, CV %.3f; Neurite %.2f Hz, CV %.3f", p.name, pr[k], pc[k], nr[k], nc[k])
		if math.Abs(pr[k]-nr[k]) > 0.1*nr[k] || math.Abs(pc[k]-nc[k]) > 0.1 || nr[k] < 5 {
			t.Errorf("%s: PyNN/NEURON %.2f Hz (CV %.3f) against Neurite's %.2f Hz (CV %.3f)", p.name, pr[k], pc[k], nr[k], nc[k])
		}
	}
}

// TestExportPyNNRefuses: what has no exact PyNN standard cell is refused,
// naming it; a cell is sent to export neuron.
func TestExportPyNNRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"../../assets/models/brunel.toml"}, 1, "population"},
		{[]string{"../../assets/models/ball_and_stick.toml"}, 2, "neurite export neuron"},
		{[]string{"../../assets/models/ball_and_stick_net.toml"}, 1, "exports to NEURON (neurite export neuron)"},
	} {
		code, _, errs := neurite(append([]string{"export", "pynn", "--out", t.TempDir()}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, errs)
		}
	}
}
