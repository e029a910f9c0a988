// Package shaders will hold the GLSL 430 compute shaders of the gpu
// package, embedded with go:embed. It has none yet (see the README's
// status).
package shaders
