package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"neurite/sim/sonata"
)

// TestRunNetworkSONATA: neurite run on a network writes spikes.h5 with a
// node population per population, holding spikes.csv's spikes, and
// units.nwb; neurite check reads spikes.h5 back.
func TestRunNetworkSONATA(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := neurite("run", "../../assets/models/brian_lif_net.toml", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	path := filepath.Join(out, "spikes.h5")
	report, err := sonata.ReadSpikes(path)
	if err != nil {
		t.Fatal(err)
	}
	spikes, pops, err := sonata.Spikes(path, report, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "spikes.csv"))[1:]
	if len(rows) == 0 || len(spikes) != len(rows) {
		t.Fatalf("spikes.h5 holds %d spikes, spikes.csv %d", len(spikes), len(rows))
	}
	count := map[int]int{}
	for _, row := range rows {
		id, _ := strconv.Atoi(row[0])
		count[id]++
	}
	for _, s := range spikes {
		count[s.Cell]--
	}
	for id, n := range count {
		if n != 0 {
			t.Errorf("neuron %d: %d more spikes in spikes.csv than in spikes.h5", id, n)
		}
	}
	populations, err := os.ReadFile(filepath.Join(out, "populations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pops {
		if !strings.Contains(string(populations), p.Name+",") {
			t.Errorf("population %s of spikes.h5 is not in populations.csv:\n%s", p.Name, populations)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "units.nwb")); err != nil {
		t.Error(err)
	}
	code, stdout, stderr := neurite("check", path)
	if code != 0 || !strings.Contains(stdout, "a SONATA spike report of "+strconv.Itoa(len(rows))+" spikes") {
		t.Errorf("check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestCheckSpikeReport: neurite check reads a report NEURON's
// Neurodamus would write, and names the file and the fault of a bad one.
func TestCheckSpikeReport(t *testing.T) {
	code, stdout, stderr := neurite("check", "../../sim/sonata/testdata/neurodamus.h5")
	want := "  population NodeA: 4 spikes, sorted by_time, 0.1 to 12.025 ms, nodes 0–2 as neurons 0–2\n" +
		"  population NodeB: 3 spikes, sorted by_time, 0.5 to 7 ms, nodes 0–3 as neurons 3–6\n"
	if code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = neurite("check", "../../sim/sonata/testdata/mismatch.h5")
	if code != 1 || stdout != "" || stderr != "../../sim/sonata/testdata/mismatch.h5: /spikes/p: 2 node_ids for 1 timestamps\n" {
		t.Errorf("bad report: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
