// Package shaders holds the GLSL 430 compute shaders of the gpu package,
// embedded in the binary. A shader may pull in a shared file with a line
// #include "name.glsl" (GLSL has no includes of its own). philox.glsl is
// the counter-based generator of sim/rng, for the shaders that draw
// random inputs.
package shaders
