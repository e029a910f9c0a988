package device

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// Device is an OpenGL 4.3 core context with compute shaders, owned by one
// goroutine locked to its OS thread: every GL call runs there, through Do.
type Device struct {
	jobs chan func()
	info Info
	once sync.Once
	lost error // why the context was lost; touched on the device's thread only
}

// Info describes the device and its compute limits.
type Info struct {
	Platform                        string // how the context was made: "EGL surfaceless", "EGL device", "GLFW hidden window"
	Vendor, Renderer, Version, GLSL string
	// Compute limits.
	MaxWorkGroupCount       [3]int
	MaxWorkGroupSize        [3]int
	MaxWorkGroupInvocations int
	MaxSharedMemory         int // bytes of shared memory per work group
	MaxStorageBlockSize     int // bytes of one shader storage buffer binding
	MaxStorageBindings      int
	MaxTextureBufferSize    int // texels of a buffer texture
	MaxImageUnits           int // images a compute shader may use
	// ResetNotification: the context reports a GPU reset (a hung kernel,
	// a driver fault) as lost, which every Do then returns.
	ResetNotification bool
}

// String lays the description out for people.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform   %s\nvendor     %s\nrenderer   %s\nversion    %s\nGLSL       %s\n", i.Platform, i.Vendor, i.Renderer, i.Version, i.GLSL)
	fmt.Fprintf(&b, "compute    work groups up to %d × %d × %d, of up to %d invocations (%d × %d × %d)\n",
		i.MaxWorkGroupCount[0], i.MaxWorkGroupCount[1], i.MaxWorkGroupCount[2], i.MaxWorkGroupInvocations,
		i.MaxWorkGroupSize[0], i.MaxWorkGroupSize[1], i.MaxWorkGroupSize[2])
	fmt.Fprintf(&b, "memory     %d KiB shared per work group, storage buffers up to %d MiB, %d bindings\n",
		i.MaxSharedMemory/1024, i.MaxStorageBlockSize>>20, i.MaxStorageBindings)
	fmt.Fprintf(&b, "textures   buffer textures up to %d texels, %d images\n", i.MaxTextureBufferSize, i.MaxImageUnits)
	resets := "not reported by this driver (a reset shows as errors or unfinished work)"
	if i.ResetNotification {
		resets = "reported (the context is lost; runs carry on on the CPU)"
	}
	fmt.Fprintf(&b, "resets     %s\n", resets)
	return b.String()
}

// Context names a way to make the device's OpenGL context.
type Context string

const (
	// Auto tries EGL, then a hidden GLFW window.
	Auto Context = "auto"
	// EGL makes a context with no window system: Mesa's surfaceless
	// platform, or the first EGL device (NVIDIA's way).
	EGL Context = "egl"
	// GLFW makes a hidden window's context: the way where EGL is missing
	// or has no usable device (some Linux setups, Windows drivers); it
	// needs a display.
	GLFW Context = "glfw"
)

// glContext is an OpenGL context current on the device's thread.
type glContext interface {
	platform() string // how it was made, for Info
	release()
}

// newContext makes a context of the kind asked for on the calling
// (locked) thread; auto's error gives both ways' reasons.
func newContext(kind Context) (glContext, error) {
	switch kind {
	case EGL:
		return newEGLContext()
	case GLFW:
		return newGLFWContext()
	case Auto, "":
		c, err := newEGLContext()
		if err == nil {
			return c, nil
		}
		g, gerr := newGLFWContext()
		if gerr == nil {
			return g, nil
		}
		return nil, fmt.Errorf("EGL: %v; %v", err, gerr)
	}
	return nil, fmt.Errorf("unknown context %q (auto, egl or glfw)", kind)
}

// Open creates a device on the first way that works (Auto): a context on
// a new locked thread. It fails, with the reasons, where no OpenGL 4.3
// compute context can be had.
func Open() (*Device, error) { return OpenContext(Auto) }

// OpenContext creates a device whose context is made the way asked for.
func OpenContext(kind Context) (*Device, error) {
	d := &Device{jobs: make(chan func())}
	ready := make(chan error)
	go d.loop(kind, ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return d, nil
}

// loop is the device's thread: it makes the context, then runs jobs until
// Close.
func (d *Device) loop(kind Context, ready chan<- error) {
	runtime.LockOSThread()
	ctx, err := newContext(kind)
	if err != nil {
		ready <- fmt.Errorf("gpu: %w", err)
		return
	}
	defer ctx.release()
	if err := gl.Init(); err != nil {
		ready <- fmt.Errorf("gpu: loading OpenGL functions: %w", err)
		return
	}
	d.info = readInfo(ctx.platform())
	ready <- nil
	for job := range d.jobs {
		job()
	}
}

func readInfo(platform string) Info {
	i := Info{
		Platform: platform, Vendor: glString(gl.VENDOR), Renderer: glString(gl.RENDERER),
		Version: glString(gl.VERSION), GLSL: glString(gl.SHADING_LANGUAGE_VERSION),
	}
	for k := range 3 {
		var c, s int32
		gl.GetIntegeri_v(gl.MAX_COMPUTE_WORK_GROUP_COUNT, uint32(k), &c)
		gl.GetIntegeri_v(gl.MAX_COMPUTE_WORK_GROUP_SIZE, uint32(k), &s)
		i.MaxWorkGroupCount[k], i.MaxWorkGroupSize[k] = int(c), int(s)
	}
	get := func(name uint32) int {
		var v int32
		gl.GetIntegerv(name, &v)
		return int(v)
	}
	i.MaxWorkGroupInvocations = get(gl.MAX_COMPUTE_WORK_GROUP_INVOCATIONS)
	i.MaxSharedMemory = get(gl.MAX_COMPUTE_SHARED_MEMORY_SIZE)
	i.MaxStorageBlockSize = get(gl.MAX_SHADER_STORAGE_BLOCK_SIZE)
	i.MaxStorageBindings = get(gl.MAX_SHADER_STORAGE_BUFFER_BINDINGS)
	i.MaxTextureBufferSize = get(gl.MAX_TEXTURE_BUFFER_SIZE)
	i.MaxImageUnits = get(gl.MAX_COMPUTE_IMAGE_UNIFORMS)
	// glGetGraphicsResetStatus is core from OpenGL 4.5.
	version := 10*get(gl.MAJOR_VERSION) + get(gl.MINOR_VERSION)
	i.ResetNotification = version >= 45 && get(gl.RESET_NOTIFICATION_STRATEGY) == gl.LOSE_CONTEXT_ON_RESET
	return i
}

func glString(name uint32) string {
	if p := gl.GetString(name); p != nil {
		return gl.GoStr(p)
	}
	return ""
}

// Info describes the device.
func (d *Device) Info() Info { return d.info }

// Do runs f on the device's thread, where GL calls may be made, and
// returns its error. A GL error f leaves behind is reported too, and a
// reset of the GPU, after which the device refuses all work.
func (d *Device) Do(f func() error) error {
	done := make(chan error, 1)
	d.jobs <- func() {
		if d.lost != nil {
			done <- d.lost
			return
		}
		err := f()
		if d.info.ResetNotification {
			if status := gl.GetGraphicsResetStatus(); status != gl.NO_ERROR {
				d.lost = fmt.Errorf("gpu: the context was lost (%s)", resetCause(status))
				err = d.lost
			}
		}
		if code := gl.GetError(); code != gl.NO_ERROR && err == nil {
			err = fmt.Errorf("gpu: OpenGL error 0x%04x", code)
		}
		done <- err
	}
	return <-done
}

// resetCause words a graphics reset status.
func resetCause(status uint32) string {
	switch status {
	case gl.GUILTY_CONTEXT_RESET:
		return "the GPU was reset because of Neurite's own work: a kernel ran too long or faulted"
	case gl.INNOCENT_CONTEXT_RESET:
		return "the GPU was reset because of another program"
	}
	return "the GPU was reset"
}

// Close ends the device's thread and its context.
func (d *Device) Close() { d.once.Do(func() { close(d.jobs) }) }

// ErrTooLarge is returned when a model does not fit the device's limits.
var ErrTooLarge = errors.New("too large for the GPU")

// Software reports whether the device is Mesa's software rasteriser.
func Software(info Info) bool {
	return strings.Contains(info.Renderer, "llvmpipe") || strings.Contains(info.Renderer, "softpipe")
}

// MarkLost marks the context lost, as a GPU reset does, so that the device
// runs nothing more and says why: what callers do on a lost device can be
// tested, though a reset cannot be caused on purpose.
func (d *Device) MarkLost(err error) {
	d.Do(func() error {
		d.lost = err
		return nil
	})
}
