package spec_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"neurite/assets"
	"neurite/sim/spec"
)

// TestMarshalRoundTrip writes every example model and reads it back.
func TestMarshalRoundTrip(t *testing.T) {
	for _, name := range assets.Models() {
		m, err := spec.LoadFS(assets.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := spec.ParseFS(assets.FS, data, name)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
		again, _ := back.Marshal()
		if string(again) != string(data) {
			t.Errorf("%s: marshalling is not stable:\n%s\n---\n%s", name, data, again)
		}
		if !reflect.DeepEqual(exported(m), exported(back)) {
			t.Errorf("%s: the model read back differs", name)
		}
	}
}

// exported copies the model's exported fields.
func exported(m *spec.Model) spec.Model {
	return spec.Model{Name: m.Name, Mechanisms: m.Mechanisms, Globals: m.Globals, Morphology: m.Morphology, Discretization: m.Discretization, Biophysics: m.Biophysics,
		IClamps: m.IClamps, Synapses: m.Synapses, Spikes: m.Spikes, Records: m.Records, Snapshots: m.Snapshots, Run: m.Run, View: m.View}
}

// TestSaveAsFromEmbedded saves the embedded example into a directory: the
// morphology is copied beside it and the saved model reopens.
func TestSaveAsFromEmbedded(t *testing.T) {
	m, err := spec.LoadFS(assets.FS, assets.Example)
	if err != nil {
		t.Fatal(err)
	}
	m.View.Azimuth, m.View.Colormap = 40, "coolwarm"
	dir := t.TempDir()
	file := filepath.Join(dir, "session.toml")
	if err := m.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "morph_ca1_n120.swc")); err != nil {
		t.Fatal("the morphology was not copied:", err)
	}
	back, err := spec.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if back.View.Azimuth != 40 || back.View.Colormap != "coolwarm" || back.Morphology.SWC != "morph_ca1_n120.swc" {
		t.Errorf("reopened view %+v, swc %q", back.View, back.Morphology.SWC)
	}
	// Saving again elsewhere refers to the morphology by a relative path.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	if err := back.SaveAs(filepath.Join(sub, "again.toml")); err != nil {
		t.Fatal(err)
	}
	again, err := spec.Load(filepath.Join(sub, "again.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Morphology.SWC != filepath.Join("..", "morph_ca1_n120.swc") {
		t.Errorf("swc = %q", again.Morphology.SWC)
	}
	r, err := again.Open(again.Morphology.SWC)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

func TestCloneIsIndependent(t *testing.T) {
	m, err := spec.LoadFS(assets.FS, "models/ball_and_stick.toml")
	if err != nil {
		t.Fatal(err)
	}
	c := m.Clone()
	c.Synapses[0].Events[0] = 99
	if m.Synapses[0].Events[0] == 99 {
		t.Error("clone shares event slices")
	}
}

// TestSaveAsCopiesMechanisms saves the embedded Hay cell elsewhere: its
// .mod files are copied beside it under the same pattern, and the saved
// model reopens with all eleven mechanisms; saved again from there into
// another folder, the pattern points back at the first copy.
func TestSaveAsCopiesMechanisms(t *testing.T) {
	m, err := spec.LoadFS(assets.FS, "models/nmodl_hay_cell.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.SaveAs(filepath.Join(dir, "hay.toml")); err != nil {
		t.Fatal(err)
	}
	back, err := spec.Load(filepath.Join(dir, "hay.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Mods) != 11 {
		t.Fatalf("%d mechanisms after saving, want 11", len(back.Mods))
	}
	other := filepath.Join(dir, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := back.SaveAs(filepath.Join(other, "hay.toml")); err != nil {
		t.Fatal(err)
	}
	again, err := spec.Load(filepath.Join(other, "hay.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Mods) != 11 || again.Mechanisms[0] != filepath.Join("..", "nmodl_hay_cell", "mod", "*.mod") {
		t.Fatalf("saved again: %d mechanisms from %v", len(again.Mods), again.Mechanisms)
	}
}
