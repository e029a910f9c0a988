package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRecentFiles: the recent files are kept most recent first, once
// each, at most maxRecent, in a settings file replaced whole (no
// temporary file left beside it).
func TestRecentFiles(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	if got := recentFiles(); len(got) != 0 {
		t.Fatalf("recent files before any: %v", got)
	}
	dir := t.TempDir()
	var want []string
	for i := range maxRecent + 2 {
		f := filepath.Join(dir, string(rune('a'+i))+".toml")
		if err := addRecent(f); err != nil {
			t.Fatal(err)
		}
		want = append([]string{f}, want...)
	}
	again := want[3]
	if err := addRecent(again); err != nil {
		t.Fatal(err)
	}
	want = append([]string{again}, slices.Delete(want, 3, 4)...)[:maxRecent]
	if got := recentFiles(); !slices.Equal(got, want) {
		t.Errorf("recent files\n%v\nwant\n%v", got, want)
	}
	entries, err := os.ReadDir(filepath.Join(config, "neurite"))
	if err != nil || len(entries) != 1 || entries[0].Name() != "settings.json" {
		t.Errorf("the settings folder holds %v (%v)", entries, err)
	}
}

// TestSettingsNotNeurites: a settings file Neurite did not write is named
// in the error, and replaced by the next change.
func TestSettingsNotNeurites(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	path := filepath.Join(config, "neurite", "settings.json")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, []byte("recent = 3\n"), 0o644)
	if _, err := loadSettings(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want one naming %s", err, path)
	}
	if err := addRecent("/x/cell.toml"); err != nil {
		t.Fatal(err)
	}
	if s, err := loadSettings(); err != nil || !slices.Equal(s.Recent, []string{"/x/cell.toml"}) {
		t.Errorf("after a change: %+v, %v", s, err)
	}
}
