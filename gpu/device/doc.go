// Package device is Neurite's OpenGL 4.3 compute device: a context with no
// window system (EGL) on its own locked OS thread that runs jobs handed to
// it (Do), shader programs compiled from package shaders, storage buffers
// and buffer textures, the device's limits (Info), a self-test, and the
// detection of a lost context.
package device
