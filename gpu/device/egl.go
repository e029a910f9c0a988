package device

/*
#cgo pkg-config: egl
#include <stdlib.h>
#include <string.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>

// A display with no window system: Mesa's surfaceless platform first, then
// the first EGL device (the way on drivers without surfaceless, NVIDIA's).
static const char *neuriteDisplay(EGLDisplay *out, const char **platform) {
	PFNEGLGETPLATFORMDISPLAYEXTPROC getDisplay =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	if (getDisplay == NULL) {
		return "EGL has no eglGetPlatformDisplayEXT (EGL_EXT_platform_base)";
	}
	const char *ext = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (ext != NULL && strstr(ext, "EGL_MESA_platform_surfaceless") != NULL) {
		EGLDisplay d = getDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
		EGLint major, minor;
		if (d != EGL_NO_DISPLAY && eglInitialize(d, &major, &minor)) {
			*out = d;
			*platform = "EGL surfaceless";
			return NULL;
		}
	}
	PFNEGLQUERYDEVICESEXTPROC queryDevices =
		(PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
	if (queryDevices != NULL) {
		EGLDeviceEXT devices[8];
		EGLint n = 0;
		if (queryDevices(8, devices, &n) && n > 0) {
			for (EGLint i = 0; i < n; i++) {
				EGLDisplay d = getDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], NULL);
				EGLint major, minor;
				if (d != EGL_NO_DISPLAY && eglInitialize(d, &major, &minor)) {
					*out = d;
					*platform = "EGL device";
					return NULL;
				}
			}
		}
	}
	return "no EGL display without a window system (neither EGL_MESA_platform_surfaceless nor a usable EGL device; is libgl1-mesa-dri installed?)";
}

// neuriteContext makes an OpenGL 4.3 core context current on the calling
// thread, with no surface: one that reports a GPU reset as a lost context
// (EGL 1.5, or EGL_EXT_create_context_robustness) where the driver offers
// it, else a plain one.
static const char *neuriteContext(EGLDisplay d, EGLContext *out) {
	if (!eglBindAPI(EGL_OPENGL_API)) {
		return "eglBindAPI(EGL_OPENGL_API) failed";
	}
	EGLint attrs[] = {
		EGL_CONTEXT_MAJOR_VERSION, 4,
		EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY, EGL_LOSE_CONTEXT_ON_RESET,
		EGL_NONE,
	};
	EGLContext c = eglCreateContext(d, (EGLConfig)0, EGL_NO_CONTEXT, attrs);
	if (c == EGL_NO_CONTEXT) {
		attrs[6] = EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT;
		c = eglCreateContext(d, (EGLConfig)0, EGL_NO_CONTEXT, attrs);
	}
	if (c == EGL_NO_CONTEXT) {
		attrs[6] = EGL_NONE;
		c = eglCreateContext(d, (EGLConfig)0, EGL_NO_CONTEXT, attrs);
	}
	if (c == EGL_NO_CONTEXT) {
		return "eglCreateContext: no OpenGL 4.3 core context (the driver offers less, or lacks EGL_KHR_no_config_context)";
	}
	if (!eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, c)) {
		eglDestroyContext(d, c);
		return "eglMakeCurrent without a surface failed (EGL_KHR_surfaceless_context missing?)";
	}
	*out = c;
	return NULL;
}

// neuriteRelease destroys the calling thread's context. The display is
// not terminated: EGL hands every device of the process the same one, and
// terminating it under another device's live context left that display
// unable to make contexts.
static void neuriteRelease(EGLDisplay d, EGLContext c) {
	eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(d, c);
	eglReleaseThread();
}
*/
import "C"

import "errors"

// eglContext is a context made current on the calling (locked) thread.
type eglContext struct {
	display C.EGLDisplay
	context C.EGLContext
	name    string // the EGL platform used
}

// newEGLContext creates an OpenGL 4.3 core context with no window system
// and makes it current on the calling thread, which must be locked.
func newEGLContext() (*eglContext, error) {
	var c eglContext
	var platform *C.char
	if msg := C.neuriteDisplay(&c.display, &platform); msg != nil {
		return nil, errors.New(C.GoString(msg))
	}
	c.name = C.GoString(platform)
	if msg := C.neuriteContext(c.display, &c.context); msg != nil {
		return nil, errors.New(C.GoString(msg)) // the display stays: see neuriteRelease
	}
	return &c, nil
}

func (c *eglContext) platform() string { return c.name }

func (c *eglContext) release() { C.neuriteRelease(c.display, c.context) }
