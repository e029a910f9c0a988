package pynnexport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sbinet/npyio/npy"

	"neurite/assets"
	"neurite/sim/netbuild"
	"neurite/sim/spec"
)

// TestCOBA: the COBA network maps to IF_cond_exp (cm = τ/R), its E
// projections onto the excitatory receptor and its I ones onto the
// inhibitory one, with Neurite's synapses row by row and its initial
// membrane potentials and conductances.
func TestCOBA(t *testing.T) {
	n, err := spec.LoadNetworkFS(assets.FS, "models/coba.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "coba")
	ex, err := Network(n, dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := netbuild.Build(n)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "network.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg config
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if ex.Neurons != 4000 || len(cfg.Populations) != 2 || cfg.Populations[1].First != 3200 || cfg.Dt != 0.1 {
		t.Fatalf("%d neurons, populations %+v", ex.Neurons, cfg.Populations)
	}
	e := cfg.Populations[0]
	if e.Cell != "IF_cond_exp" || e.Params["cm"] != 0.2 || e.Params["e_rev_I"] != -80.0 || e.Params["tau_syn_I"] != 10.0 {
		t.Errorf("E: %s %v", e.Cell, e.Params)
	}
	var v []float64
	readNPY(t, filepath.Join(dir, e.Init["v"]), &v)
	if len(v) != 3200 || v[7] != m.Point.Pops[0].V0[7] {
		t.Errorf("initial v: %d values, v[7] %v, Neurite's %v", len(v), v[7], m.Point.Pops[0].V0[7])
	}
	for k, p := range cfg.Projections {
		pr := m.Point.Projections[k]
		want := map[string]string{"E": "excitatory", "I": "inhibitory"}[p.Pre]
		if p.Receptor != want || p.Synapses != pr.Synapses() {
			t.Errorf("projection %s: %s, %d synapses; want %s, %d", p.Name, p.Receptor, p.Synapses, want, pr.Synapses())
		}
		var rows []float64
		readNPY(t, filepath.Join(dir, p.File), &rows)
		s := pr.Start[1] // the first synapse of neuron 1
		if len(rows) != 4*int(pr.Synapses()) || rows[4*s] != 1 || rows[4*s+1] != float64(pr.Target[s]) || rows[4*s+2] != float64(pr.Weight(s)) || rows[4*s+3] != 0.1 {
			t.Errorf("projection %s: row %d is %v", p.Name, s, rows[4*s:4*s+4])
		}
	}
}

// TestRefusedOrAllOrNothing: a folder that holds files is refused, and a
// network that cannot export leaves no folder.
func TestRefusedOrAllOrNothing(t *testing.T) {
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	n, err := spec.LoadNetworkFS(assets.FS, "models/coba.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Network(n, full); err == nil {
		t.Error("exported into a folder that holds files")
	}
	b, err := spec.LoadNetworkFS(assets.FS, "models/brunel.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "brunel")
	if _, err := Network(b, dir); err == nil {
		t.Error("Brunel's delta synapses exported")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused export left %s: %v", dir, err)
	}
}

func readNPY(t *testing.T, path string, dst *[]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := npy.Read(f, dst); err != nil {
		t.Fatal(err)
	}
}
