#version 430
// Copies v at the segment centres into a snapshot buffer, so that a
// heatmap frame is read back without the rest of the nodes' state.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer D { double dn[]; }; // v is the first per-node array
layout(std430, binding = 1) readonly buffer Slots { int slots[]; };
layout(std430, binding = 2) writeonly buffer Out { float snap[]; };
uniform int n;

void main() {
	int k = int(gl_GlobalInvocationID.x);
	if (k < n) {
		snap[k] = float(dn[slots[k]]);
	}
}
