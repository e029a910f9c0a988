package device

import (
	"errors"
	"fmt"
	"os"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// glfwContext is an OpenGL 4.3 core context of a hidden GLFW window, made
// current on the device's thread: the way where EGL is missing or has no
// usable device.
type glfwContext struct{ win *glfw.Window }

// newGLFWContext makes a hidden 16×16 window with a 4.3 core context and
// makes its context current on the calling (locked) thread. GLFW wants its
// windows made on the main thread; X11, the one platform with both GLFW
// and OpenGL 4.3 compute that this serves, accepts any thread (checked
// beside a live Fyne window: ../shared/notes/gl-and-fyne.md).
func newGLFWContext() (c *glfwContext, err error) {
	// GLFW with no display "initialises" and then panics on the next call
	// (NotInitialized); go-gl/glfw also panics on other misuse. Both are
	// reasons for no device, not for a crash.
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, errors.New("GLFW: no display (DISPLAY and WAYLAND_DISPLAY are unset)")
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("GLFW: %v", r)
		}
	}()
	if err := glfw.Init(); err != nil {
		return nil, fmt.Errorf("GLFW: %w", err)
	}
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 4)
	glfw.WindowHint(glfw.ContextVersionMinor, 3)
	glfw.WindowHint(glfw.OpenGLProfile, glfw.OpenGLCoreProfile)
	glfw.WindowHint(glfw.OpenGLForwardCompatible, glfw.True)
	win, err := glfw.CreateWindow(16, 16, "Neurite compute", nil, nil)
	// The hints are global: left set, Fyne's next window would ask for a
	// core profile with its 2.1 version and panic.
	glfw.DefaultWindowHints()
	if err != nil {
		return nil, fmt.Errorf("GLFW: %w", err)
	}
	win.MakeContextCurrent()
	return &glfwContext{win: win}, nil
}

func (c *glfwContext) platform() string { return "GLFW hidden window" }

// release detaches the context and destroys the window. GLFW itself is
// not terminated: in the app it is Fyne's, which terminates it on quit.
func (c *glfwContext) release() {
	glfw.DetachCurrentContext()
	c.win.Destroy()
}
