#version 430
// Copies v at the segment centres into a snapshot buffer, so that a
// heatmap frame is read back without the rest of the nodes' state.
layout(local_size_x = 64) in;

struct Node {
	double v, d, rhs, dBase, rBase, capCj, gax;
	float gm, ge;
	int parent, pad;
};

layout(std430, binding = 0) readonly buffer Nodes { Node nodes[]; };
layout(std430, binding = 1) readonly buffer Segs { uint segs[]; };
layout(std430, binding = 2) writeonly buffer Out { float snap[]; };
uniform int n;

void main() {
	int k = int(gl_GlobalInvocationID.x);
	if (k < n) {
		snap[k] = float(nodes[segs[k]].v);
	}
}
