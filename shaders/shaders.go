package shaders

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.comp *.glsl
var files embed.FS

// Shader is a compute shader's text with its includes expanded. A #line
// directive before each included file gives it its own GLSL source string
// number, Files[N], and numbers its lines from N·LineBase: Mesa reports
// every message as from source string 0, so the line number alone must
// say the file (Locate decodes it).
type Shader struct {
	Name  string
	Text  string
	Files []string

	generated map[string]string
}

// Generated is a file a program writes (a model's equations translated
// to GLSL, say), included by name like the embedded ones.
type Generated struct{ Name, Text string }

// Load returns a shader with its includes expanded, the generated files
// taking precedence over embedded ones of the same name.
func Load(name string, generated ...Generated) (Shader, error) {
	s := Shader{Name: name, Files: []string{name}, generated: map[string]string{}}
	for _, g := range generated {
		s.generated[g.Name] = g.Text
	}
	var out strings.Builder
	if err := s.expand(&out, name, 0, 0); err != nil {
		return Shader{}, err
	}
	s.Text = out.String()
	return s, nil
}

func (s *Shader) expand(out *strings.Builder, name string, index, depth int) error {
	if depth > 4 {
		return fmt.Errorf("shader %s: includes nest too deep", name)
	}
	text, err := s.read(name)
	if err != nil {
		return fmt.Errorf("shader %s: %w", s.Name, err)
	}
	for i, line := range strings.Split(text, "\n") {
		inc, ok := strings.CutPrefix(strings.TrimSpace(line), "#include ")
		if !ok {
			out.WriteString(line + "\n")
			continue
		}
		file := strings.Trim(inc, `"`)
		s.Files = append(s.Files, file)
		fmt.Fprintf(out, "#line %d %d\n", (len(s.Files)-1)*LineBase+1, len(s.Files)-1)
		if err := s.expand(out, file, len(s.Files)-1, depth+1); err != nil {
			return fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		fmt.Fprintf(out, "#line %d %d\n", index*LineBase+i+2, index)
	}
	return nil
}

// Define returns the shader with a #define NAME VALUE after its #version
// line (where GLSL wants it), its line numbers kept.
func (s Shader) Define(name string, value int) Shader {
	version, rest, _ := strings.Cut(s.Text, "\n")
	s.Text = fmt.Sprintf("%s\n#define %s %d\n#line 2 0\n%s", version, name, value, rest)
	return s
}

// LineBase separates the line numbers of the files of a shader: file N's
// line L is numbered N·LineBase + L.
const LineBase = 100000

// Locate returns the file and line a compiler message "FILE:LINE" points
// at, with the line's text; ok is false if there is no such line.
func (s Shader) Locate(file, line int) (name string, n int, text string, ok bool) {
	if line >= LineBase {
		file, line = line/LineBase, line%LineBase
	}
	if file < 0 || file >= len(s.Files) {
		return "", 0, "", false
	}
	src, err := s.read(s.Files[file])
	if err != nil {
		return "", 0, "", false
	}
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return "", 0, "", false
	}
	return s.Files[file], line, lines[line-1], true
}

// read returns the text of a file, generated or embedded.
func (s Shader) read(name string) (string, error) {
	if text, ok := s.generated[name]; ok {
		return text, nil
	}
	b, err := files.ReadFile(name)
	return string(b), err
}
