#version 430
// The Poisson sources of a point network on the GPU (gpu/network/source.go):
// one invocation per source of one population draws its spikes of an
// epoch as the CPU engine draws them (sim/network's fire and gap), from
// the same words (net_source.glsl): word n of input waitInput for the
// wait after a spike at step n, word 0 of input startInput for the first,
// both of the stream numbered by the source's neuron, under the network's
// key. It loops once a spike, not once a step: a source of λ expected
// spikes a step costs λ passes a step (llvmpipe's loop guard, 65,535
// passes, stays above an epoch's steps, the most spikes a source makes in
// one). The spikes go into the population's part of the spike buffer,
// (step, neuron), as lif_net.comp's do (net_state.glsl's layout), and the
// host delivers them with the neurons'.

layout(local_size_x = GROUP_SIZE) in;

#include "philox.glsl"
#include "net_source.glsl"

// The head of 4 words at 4·popIndex (its spikes, unused, its invocations
// whose loop ended early) and the spikes from word spikeAt.
layout(std430, binding = 0) buffer Spikes { uint sw[]; };
// By source, from srcAt: the step of its next spike (a double; negative
// at the start of a run, its first not drawn yet) and its λ.
layout(binding = 4, rgba32ui) uniform uimageBuffer srcImg;

uniform int popFirst, popN, popIndex, spikeAt, spikeCap, srcAt;
uniform int stepFrom, stepTo;
// The key and the inputs as uniforms, not literals: Mesa's llvmpipe folds
// some products of constants wrongly (philox.glsl).
uniform uint keyLo, keyHi, waitInput, startInput;

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= popN) {
		return;
	}
	int g = popFirst + i;
	uvec2 key = uvec2(keyLo, keyHi);
	uvec4 s = imageLoad(srcImg, srcAt + i);
	double next = packDouble2x32(s.xy), lambda = packDouble2x32(s.zw);
	double next0 = next;
	if (next < 0.0LF) {
		next = sourceDue(0.0LF, sourceWait(rngWord(key, startInput, uint(g), uvec2(0u)), lambda));
	}
	double to = double(stepTo);
	while (next < to) {
		int n = int(next);
		uint k = atomicAdd(sw[4 * popIndex], 1u);
		if (k < uint(spikeCap)) {
			sw[spikeAt + 2 * int(k)] = uint(n);
			sw[spikeAt + 2 * int(k) + 1] = uint(g);
		}
		next = sourceDue(double(n + 1), sourceWait(rngWord(key, waitInput, uint(g), uvec2(uint(n), 0u)), lambda));
	}
	if (next < to) {
		atomicAdd(sw[4 * popIndex + 2], 1u);
	}
	if (next != next0) {
		imageStore(srcImg, srcAt + i, uvec4(unpackDouble2x32(next), s.zw));
	}
}
