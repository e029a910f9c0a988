package gpu

import (
	"strings"
	"testing"

	"neurite/shaders"
)

// device opens the shared device; on the CI machines (Mesa llvmpipe) and
// the development machine there is one, so not having one fails.
func device(t testing.TB) *Device {
	t.Helper()
	d, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDeviceInfo(t *testing.T) {
	i := device(t).Info()
	if !strings.HasPrefix(i.Version, "4.") || i.MaxWorkGroupInvocations < 128 || i.MaxStorageBlockSize < 1<<24 {
		t.Errorf("info:\n%s", i)
	}
	t.Logf("\n%s", i)
}

// TestCompileErrorNamesLine: a compile error names the shader, the file
// and the line, and shows it.
func TestCompileErrorNamesLine(t *testing.T) {
	d := device(t)
	src := shaders.Shader{Name: "broken.comp", Files: []string{"broken.comp"},
		Text: "#version 430\nlayout(local_size_x = 1) in;\nvoid main() {\n\tfloat x = undefined_thing;\n}\n"}
	err := d.Do(func() error {
		_, err := compileProgram(src)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "shader broken.comp: compile failed") || !strings.Contains(err.Error(), "undefined_thing") {
		t.Errorf("error %v", err)
	}
}
