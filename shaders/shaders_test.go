package shaders

import (
	"fmt"
	"strings"
	"testing"
)

// checkLines follows the #line directives through a shader's text and
// checks that every line is the line of the file they say it is, so that
// a compiler's "FILE:LINE" points at the right source.
func checkLines(t *testing.T, s Shader) {
	t.Helper()
	file, line := 0, 1
	lines := strings.Split(strings.TrimSuffix(s.Text, "\n"), "\n")
	for k, text := range lines {
		var l, f int
		if n, _ := fmt.Sscanf(text, "#line %d %d", &l, &f); n == 2 {
			file, line = f, l
			continue
		}
		if k == 0 && strings.HasPrefix(text, "#version") {
			line++
			continue
		}
		// Define's lines: a #define, then a #line that renumbers.
		if strings.HasPrefix(text, "#define ") && k+1 < len(lines) && strings.HasPrefix(lines[k+1], "#line ") {
			continue
		}
		name, n, got, _ := s.Locate(0, line) // as Mesa reports it
		if got != text || name != s.Files[file] {
			t.Fatalf("text line %d %q is said to be %s:%d, which is %q", k+1, text, name, n, got)
		}
		line++
	}
}

func TestLoadIncludes(t *testing.T) {
	builtin := Generated{Name: "model.glsl", Text: "const int MODEL = 0;\n#include \"point_builtin.glsl\"\n"}
	typed := Generated{Name: "model.glsl", Text: "#include \"typed.glsl\"\nconst int V = 0;\n"}
	mechs := Generated{Name: "mechs.glsl", Text: "#define HAS_MECHS 0\nvoid mechIons(int c, int lid, int stride) {}\n"}
	for _, c := range []struct {
		name  string
		gen   []Generated
		files string
	}{
		{"cable.comp", []Generated{mechs}, "cable.comp cable.glsl hh.glsl mechs.glsl"},
		{"cable_team.comp", []Generated{mechs}, "cable_team.comp cable.glsl hh.glsl mechs.glsl"},
		{"point.comp", []Generated{builtin}, "point.comp model.glsl point_builtin.glsl hh.glsl kahan.glsl"},
		{"point.comp", []Generated{typed}, "point.comp model.glsl typed.glsl kahan.glsl"},
		{"gather.comp", nil, "gather.comp"},
		{"saxpy.comp", nil, "saxpy.comp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Load(c.name, c.gen...)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(s.Text, "#include") {
				t.Error("an #include is left in the text")
			}
			if got := strings.Join(s.Files, " "); got != c.files {
				t.Errorf("files %s, want %s", got, c.files)
			}
			checkLines(t, s)
			checkLines(t, s.Define("GROUP_SIZE", 8).Define("CRANK_NICOLSON", 1))
		})
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load("nothing.comp"); err == nil || !strings.Contains(err.Error(), "nothing.comp") {
		t.Errorf("error %v", err)
	}
}
