// Package gpu is Neurite's OpenGL 4.3 compute backend: a context with no
// window system (EGL) on its own locked OS thread, shader programs,
// storage buffers and buffer textures, and on them the GPU versions of the
// cable engine and of the dynamics lab's parameter sweeps, with the choice
// between CPU and GPU (NewSimulator, NewBatch). The CPU engines are the reference
// the GPU ones are tested against.
package gpu
