// Package gpu is the home of Neurite's OpenGL 4.3 compute backend: the GL
// context on its own locked OS thread, buffers, dispatch, and the GPU
// implementation of the cable engine. It is built in a later step (see the
// README's status); until then every run uses the CPU engine in
// compartments, and the command line says so.
package gpu
