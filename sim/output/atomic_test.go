package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteDir: a folder is written whole or not at all: its files under
// their paths, nothing (not even the folder) where one fails, and a
// folder that holds files refused.
func TestWriteDir(t *testing.T) {
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	base := t.TempDir()
	dir := filepath.Join(base, "export")
	if err := WriteDir(dir, map[string]func(io.Writer) error{"a.txt": text("a"), "mod/b.mod": text("b")}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a.txt": "a", "mod/b.mod": "b"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q (%v), want %q", name, got, err, want)
		}
	}
	if err := WriteDir(dir, map[string]func(io.Writer) error{"c.txt": text("c")}); err == nil || !strings.Contains(err.Error(), "already holds files") {
		t.Errorf("a folder with files: %v, want a refusal", err)
	}
	precious := filepath.Join(base, "precious.txt")
	if err := os.WriteFile(precious, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(precious, map[string]func(io.Writer) error{"c.txt": text("c")}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("a file in the folder's place: %v, want a refusal", err)
	}
	if got, err := os.ReadFile(precious); err != nil || string(got) != "data" {
		t.Errorf("the file in the folder's place now holds %q (%v)", got, err)
	}
	os.Remove(precious)
	failed := filepath.Join(base, "failed")
	broken := func(io.Writer) error { return errors.New("disk full") }
	if err := WriteDir(failed, map[string]func(io.Writer) error{"a.txt": text("a"), "b.txt": broken}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("a failing file: %v, want its error", err)
	}
	entries, _ := os.ReadDir(base)
	if len(entries) != 1 {
		t.Errorf("after a failed write %s holds %d entries, want the first export alone", base, len(entries))
	}
}
