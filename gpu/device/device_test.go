package device

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/shaders"
)

// sharedDevice opens the shared device; on the CI machines (Mesa llvmpipe) and
// the development machine there is one, so not having one fails.
// (Other packages' tests use devicetest.Shared.)
func sharedDevice(t testing.TB) *Device {
	t.Helper()
	d, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDeviceInfo(t *testing.T) {
	i := sharedDevice(t).Info()
	if !strings.HasPrefix(i.Version, "4.") || i.MaxWorkGroupInvocations < 128 || i.MaxStorageBlockSize < 1<<24 {
		t.Errorf("info:\n%s", i)
	}
	t.Logf("\n%s", i)
}

// TestCompileErrorNamesLine: a compile error names the shader, the file
// and the line, and shows it, for an error in the shader itself and in a
// file it includes.
func TestCompileErrorNamesLine(t *testing.T) {
	d := sharedDevice(t)
	main := "#version 430\nlayout(local_size_x = 1) in;\n#include \"part.glsl\"\nvoid main() {\n\tfloat x = undefined_thing;\n}\n"
	src, err := shaders.Load("broken.comp", shaders.Generated{Name: "broken.comp", Text: main},
		shaders.Generated{Name: "part.glsl", Text: "float a = 1.0;\nfloat b = also_undefined;\n"})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Do(func() error {
		_, err := Compile(src)
		return err
	})
	for _, want := range []string{"shader broken.comp: compile failed", "broken.comp:5 | float x = undefined_thing;", "part.glsl:2 | float b = also_undefined;"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestLostDeviceRefuses: the context reports GPU resets (Mesa's does; CI
// has Mesa), and once lost the device runs nothing more and says why, so that a run moves
// to the CPU instead of reading garbage. (A reset cannot be caused on
// purpose; the loss is marked by hand.)
func TestLostDeviceRefuses(t *testing.T) {
	d, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if Software(d.Info()) && (!d.Info().ResetNotification || !strings.Contains(d.Info().String(), "resets     reported")) {
		t.Errorf("Mesa reports resets, but not here:\n%s", d.Info())
	}
	d.MarkLost(fmt.Errorf("gpu: the context was lost (%s)", resetCause(gl.GUILTY_CONTEXT_RESET)))
	ran := false
	err = d.Do(func() error {
		ran = true
		return nil
	})
	if ran || err == nil || !strings.Contains(err.Error(), "a kernel ran too long") {
		t.Errorf("ran %v, error %v", ran, err)
	}
}

// TestContexts opens a device each way: EGL (what auto takes where it
// works, as here) and a hidden GLFW window (make test runs the tests under
// Xvfb, so there is a display), each computing right; GLFW without a
// display and an unknown way fail with the reason.
func TestContexts(t *testing.T) {
	for _, c := range []struct {
		kind     Context
		platform string
	}{{Auto, "EGL"}, {EGL, "EGL"}, {GLFW, "GLFW hidden window"}} {
		d, err := OpenContext(c.kind)
		if err != nil {
			t.Fatalf("%s: %v (the tests need a display for GLFW: make test runs them under xvfb-run)", c.kind, err)
		}
		if !strings.HasPrefix(d.Info().Platform, c.platform) || !strings.HasPrefix(d.Info().Version, "4.") {
			t.Errorf("%s: platform %q, version %q", c.kind, d.Info().Platform, d.Info().Version)
		}
		if err := d.SelfTest(); err != nil {
			t.Errorf("%s: %v", c.kind, err)
		}
		d.Close()
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if _, err := OpenContext(GLFW); err == nil || !strings.Contains(err.Error(), "no display") {
		t.Errorf("GLFW with no display: %v", err)
	}
	if _, err := OpenContext("vulkan"); err == nil || !strings.Contains(err.Error(), `unknown context "vulkan"`) {
		t.Errorf("unknown context: %v", err)
	}
}

// TestWriteAfterNew: what is written into a new zeroed buffer at once
// stays there, for buffers of every size the engines make (NVIDIA's
// driver once ran a zeroing clear after such a write and wiped it).
func TestWriteAfterNew(t *testing.T) {
	dev := sharedDevice(t)
	for _, size := range []int{16, 4096, 1 << 20} {
		err := dev.Do(func() error {
			b := NewBuffer[uint32](nil, size)
			defer b.Delete()
			Write(b, []uint32{7, math.MaxUint32, 9})
			got := make([]uint32, 4)
			Read(b, 0, got)
			if want := []uint32{7, math.MaxUint32, 9, 0}; !slices.Equal(got, want) {
				t.Errorf("buffer of %d bytes: read %v, wrote %v", size, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestLocateLog: both drivers' compile messages get the file and line
// they name, Mesa's "FILE:LINE(COL): error" and NVIDIA's "FILE(LINE) :
// error".
func TestLocateLog(t *testing.T) {
	src, err := shaders.Load("broken.comp", shaders.Generated{Name: "broken.comp", Text: "#version 430\n#include \"part.glsl\"\nvoid main() {\n\tfloat x = y;\n}\n"},
		shaders.Generated{Name: "part.glsl", Text: "float a = 1.0;\nfloat b = c;\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ log, want string }{
		{"0:4(12): error: `y' undeclared", "broken.comp:4 | float x = y;"},
		{fmt.Sprintf("1:%d(11): error: `c' undeclared", shaders.LineBase+2), "part.glsl:2 | float b = c;"},
		{"0(4) : error C1503: undefined variable \"y\"", "broken.comp:4 | float x = y;"},
		{fmt.Sprintf("1(%d) : error C1503: undefined variable \"c\"", shaders.LineBase+2), "part.glsl:2 | float b = c;"},
	} {
		if got := locateLog(c.log, src); !strings.Contains(got, c.want) {
			t.Errorf("%q: have %q, want it to name %q", c.log, got, c.want)
		}
	}
}
