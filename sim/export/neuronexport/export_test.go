package neuronexport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"neurite/sim/spec"
)

const models = "../../../assets/models/"

// load reads a model file with settings (--set's).
func load(t *testing.T, file string, sets ...string) *spec.Model {
	t.Helper()
	m, err := spec.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Override(sets...); err != nil {
		t.Fatal(err)
	}
	return m
}

func readModel(t *testing.T, dir string) *model {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d model
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// TestCellWritesTheModel: ball_and_stick's sections, synapses at the
// centres of the segments their sites fall in, input events, detector
// and probes reach model.json and events.csv as the model gives them.
func TestCellWritesTheModel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ex, err := Cell(load(t, models+"ball_and_stick.toml", "run.tstop=200"), dir)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Cells != 1 || len(ex.Mods) != 0 {
		t.Errorf("export: %+v", ex)
	}
	d := readModel(t, dir)
	if d.Dt != 0.025 || d.Tstop != 200 || d.Celsius != 6.3 || d.VInit != -65 || d.RecordEvery != 4 || d.SecondOrder != 0 || d.SpikeHeader != "cell" {
		t.Errorf("run settings: %+v", d)
	}
	if len(d.Types) != 1 || len(d.Types[0]) != 2 {
		t.Fatalf("types: %+v", d.Types)
	}
	soma, dend := d.Types[0][0], d.Types[0][1]
	if soma.L != 20 || soma.Diam != 20 || soma.Nseg != 1 || soma.Ranges["hh"]["gnabar"] != 0.12 || *soma.Ions["na"].E != 50 || *soma.Ions["k"].E != -77 {
		t.Errorf("soma: %+v", soma)
	}
	if dend.Parent != 0 || dend.ParentX != 1 || dend.L != 400 || dend.Nseg != 81 || dend.Ra != 100 || dend.Ranges["pas"]["g"] != 1e-4 || dend.Ranges["pas"]["e"] != -65 {
		t.Errorf("dend: %+v", dend)
	}
	c := d.Cells[0]
	// dend(0.9) is the centre of segment 72 of 81.
	if len(c.Syns) != 3 || c.Syns[0].Kind != "ExpSyn" || c.Syns[0].Sec != 1 || int(c.Syns[0].X*81) != 72 || c.Syns[0].Set["tau"] != 2 ||
		c.Syns[1].Kind != "Exp2Syn" || c.Syns[1].Set["tau1"] != 0.5 || c.Syns[1].Set["tau2"] != 4 || c.Syns[2].Set["e"] != -80 {
		t.Errorf("synapses: %+v", c.Syns)
	}
	if c.Detector == nil || c.Detector.Sec != 0 || c.Detector.X != 0.5 || c.Detector.Threshold != 0 {
		t.Errorf("detector: %+v", c.Detector)
	}
	if len(d.Probes) != 7 || d.Probes[3].Ref != "v" || d.Probes[3].X != 1 || d.Probes[4].On != "syn" || d.Probes[4].Ref != "i" || d.Probes[6].Index != 2 {
		t.Errorf("probes: %+v", d.Probes)
	}
	events, err := os.ReadFile(filepath.Join(dir, "events.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(events)), "\n")
	if len(lines) != 1+16+8+3 || lines[0] != "gid,syn,weight,t_ms" || lines[1] != "0,0,0.004,10" || !strings.Contains(string(events), "0,2,0.01,168\n") {
		t.Errorf("events.csv: %d lines, %q ...", len(lines), lines[:2])
	}
	if sn := d.Snapshots; sn == nil || len(sn.Steps) != 401 || sn.Steps[1] != 20 || len(sn.Segments) != 82 ||
		sn.Segments[0].Name != "soma(0.5)" || sn.Segments[1].Ref != "v" || sn.Segments[1].Name != "dend(0.00617284)" {
		t.Errorf("snapshots: %+v", d.Snapshots)
	}
	segs, err := os.ReadFile(filepath.Join(dir, "segments.csv"))
	if err != nil || !strings.HasPrefix(string(segs), "column,segment,x_um,y_um,z_um,diam_um,area_um2,quantity,unit\n0,soma(0.5),10,0,0,20,1256.6370614359173,v,mV\n") {
		t.Errorf("segments.csv: %v\n%.200s", err, segs)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("beside the export: %v", entries)
	}
}

// TestNMODLParameters: a .mod file's literal PARAMETER defaults that
// NEURON would round to six digits are set by the script, with the
// values the model sets; the files are copied.
func TestNMODLParameters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	m := load(t, models+"nmodl_kinetics_point.toml")
	if err := m.Override("biophysics.1.ions.na.ci=15", "biophysics.1.ions.na.nernst=true", "run.tstop=300"); err != nil {
		t.Fatal(err)
	}
	ex, err := Cell(m, dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ex.Mods, " ") != "KIn.mod ampa.mod na8st.mod" {
		t.Errorf("mods: %v", ex.Mods)
	}
	for _, f := range ex.Mods {
		if _, err := os.Stat(filepath.Join(dir, "mod", f)); err != nil {
			t.Error(err)
		}
	}
	d := readModel(t, dir)
	na := d.Types[0][0].Ranges["na8st"]
	if na["gbar"] != 30 || na["a1_0"] != 51.42954478051616 {
		t.Errorf("na8st: %v", na)
	}
	ions := d.Types[0][0].Ions
	if s := ions["na"]; *s.E != 75 || *s.Ci != 15 || s.Co != nil || !*s.Nernst || *ions["k"].E != -95 || *ions["k"].Nernst {
		t.Errorf("ions: %+v", ions)
	}
	c := d.Cells[0]
	if len(c.Points) != 1 || c.Points[0].Mech != "AMPA_S" || len(c.NetCons) != 2 || c.NetCons[1].Args[0] != 0.001 || len(c.NetCons[1].Events) != 7 {
		t.Errorf("point process: %+v %+v", c.Points, c.NetCons)
	}
	if p := d.Probes[13]; p.On != "point" || p.Ref != "Ron" || d.Probes[11].Ref != "n_KIn" || d.Probes[1].Ref != "ina" || d.Probes[17].On != "iclamp" {
		t.Errorf("probes: %+v", d.Probes)
	}
}

// TestNetworkWritesConnections: ball_and_stick_net's 100 cells share one
// type; its 400 connections and the Poisson trains Neurite drew are
// written out.
func TestNetworkWritesConnections(t *testing.T) {
	n, err := spec.LoadNetwork(models + "ball_and_stick_net.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	ex, err := Network(n, dir)
	if err != nil {
		t.Fatal(err)
	}
	d := readModel(t, dir)
	if ex.Cells != 100 || len(d.Types) != 1 || len(d.Cells) != 100 || !d.Network || d.SpikeHeader != "neuron_id" || len(d.SpikeGIDs) != 100 {
		t.Fatalf("export %+v: %d types, %d cells", ex, len(d.Types), len(d.Cells))
	}
	if len(d.Populations) != 2 || d.Populations[1] != (population{"second", 20, 80}) || d.RateBin != 10 {
		t.Errorf("populations %+v, rate bin %v", d.Populations, d.RateBin)
	}
	if len(d.Cells[0].Syns) != 1 || len(d.Cells[20].Syns) != 1 || d.Cells[20].Syns[0].Sec != 1 || d.Cells[20].Syns[0].X != 0.5 {
		t.Errorf("synapses: %+v %+v", d.Cells[0].Syns, d.Cells[20].Syns)
	}
	conns, err := os.ReadFile(filepath.Join(dir, "connections.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(conns)), "\n")
	if len(lines) != 401 || lines[0] != "source,target,syn,weight,delay" {
		t.Errorf("connections.csv: %d lines", len(lines))
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[2] != "0" || f[3] != "0.004" || f[4] != "2" || len(f[0]) > 2 || len(f[1]) < 2 {
			t.Errorf("connection %q: from the first 20 cells to the last 80, weight 0.004, delay 2", l)
			break
		}
	}
	events, _ := os.ReadFile(filepath.Join(dir, "events.csv"))
	if k := strings.Count(string(events), "\n"); k < 20*30 || k > 20*50 {
		t.Errorf("events.csv: %d lines, want about 20 cells × 200 Hz × 200 ms", k)
	}
}

// TestErrors: what cannot be written is refused, naming it, and nothing
// is left behind.
func TestErrors(t *testing.T) {
	tmp := t.TempDir()
	full := filepath.Join(tmp, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	na8st, err := filepath.Abs(models + "nmodl_kinetics_point/mod/na8st.mod")
	if err != nil {
		t.Fatal(err)
	}
	// cellFile writes a cell with hh and na8st, which uses the ion na.
	cellFile := func(name, biophysics string) string {
		path := filepath.Join(tmp, name+".toml")
		os.WriteFile(path, []byte("mechanisms = [\""+na8st+"\"]\n[[morphology.section]]\nname = \"soma\"\nlength = 20\ndiam = 20\n"+
			"[[biophysics]]\nwhere = \"all\"\nna8st = {}\n"+biophysics+"\n[run]\ntstop = 10\n"), 0o644)
		return path
	}
	for _, tc := range []struct {
		name, file, dir, want string
		network               bool
	}{
		{"a folder with files", models + "passive_cable.toml", full, "already holds files", false},
		{"point neurons", models + "coba.toml", "", "population E is of point neurons", true},
		{"hh and the ion's concentrations", cellFile("ci", "hh = {}\nions = { na = { ci = 12 } }"), "", "ions.na: hh's ena is fixed", false},
		{"hh and the ion disagree", cellFile("e", "hh = {}\nions = { na = { e = 55 } }"), "", "hh's ena = 50 and the na ion's ena = 55 differ", false},
		{"hh and the ion's default disagree", cellFile("hh", "hh = { ena = 60 }"), "", "hh's ena = 60 and the na ion's ena = 50 differ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = filepath.Join(tmp, "out")
			}
			var err error
			if tc.network {
				n, lerr := spec.LoadNetwork(tc.file)
				if lerr != nil {
					t.Fatal(lerr)
				}
				_, err = Network(n, dir)
			} else {
				_, err = Cell(load(t, tc.file, "run.tstop=10"), dir)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if tc.dir == "" {
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("%s was written", dir)
				}
			}
			entries, _ := os.ReadDir(tmp)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// TestSixDigits: the values NEURON's %g keeps as they are.
func TestSixDigits(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want bool
	}{{0.12, true}, {-54.3, true}, {123456, true}, {1234567, false}, {51.42954478051616, false}, {1e-300, true}} {
		if got := sixDigits(tc.x); got != tc.want {
			t.Errorf("sixDigits(%v) = %v", tc.x, got)
		}
	}
}

// TestSnapshotQuantity: snapshots of an ion's or a mechanism's variable
// read it where the segment has it and write NaN (Ref "") elsewhere, as
// Neurite's do: Hay's axon has neither calcium nor Ih.
func TestSnapshotQuantity(t *testing.T) {
	for _, tc := range []struct{ quantity, soma, axon string }{
		{"cai", "cai", ""},
		{"Ih.m", "m_Ih", ""},
		{"v", "v", "v"},
	} {
		m := load(t, models+"nmodl_hay_cell.toml")
		if err := m.Override("snapshots.interval=1", "snapshots.quantity="+tc.quantity, "run.tstop=600"); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := Cell(m, dir); err != nil {
			t.Fatal(err)
		}
		sn := readModel(t, dir).Snapshots
		refs := map[string]string{}
		for _, s := range sn.Segments {
			refs[s.Name] = s.Ref
		}
		if len(sn.Steps) != 601 || refs["soma(0.5)"] != tc.soma || refs["axon(0.5)"] != tc.axon {
			t.Errorf("%s: %d steps, soma %q, axon %q", tc.quantity, len(sn.Steps), refs["soma(0.5)"], refs["axon(0.5)"])
		}
	}
}
