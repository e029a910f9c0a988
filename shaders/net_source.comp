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
// By source, from srcAt: the step of its next spike, −1 at the start of
// a run (its first not drawn yet), SOURCE_STEP_NEVER where none is due
// before the last step a kernel counts (an int: the run's steps are);
// and its λ, a double read only when it spikes. 4 bytes a source read
// each epoch: a source spikes in few epochs, and llvmpipe's loads cost.
layout(binding = 4, r32i) uniform iimageBuffer srcImg;
uniform usamplerBuffer lambdaTex;

uniform int popFirst, popN, popIndex, spikeAt, spikeCap, srcAt;
uniform int stepTo; // the epoch's end: it begins where the last ended
// The key and the inputs as uniforms, not literals: Mesa's llvmpipe folds
// some products of constants wrongly (philox.glsl).
uniform uint keyLo, keyHi, waitInput, startInput;

const int SOURCE_STEP_NEVER = 0x7FFFFFFF;

// step returns a step due as an int.
int step(double due) {
	return due < double(SOURCE_STEP_NEVER) ? int(due) : SOURCE_STEP_NEVER;
}

void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= popN) {
		return;
	}
	int next0 = imageLoad(srcImg, srcAt + i).x, next = next0;
	if (next >= stepTo) {
		return;
	}
	int g = popFirst + i;
	uvec2 key = uvec2(keyLo, keyHi);
	double lambda = packDouble2x32(texelFetch(lambdaTex, srcAt + i).xy);
	if (next < 0) {
		next = step(sourceDue(0.0LF, sourceWait(rngWord(key, startInput, uint(g), uvec2(0u)), lambda)));
	}
	while (next < stepTo) {
		uint k = atomicAdd(sw[4 * popIndex], 1u);
		if (k < uint(spikeCap)) {
			sw[spikeAt + 2 * int(k)] = uint(next);
			sw[spikeAt + 2 * int(k) + 1] = uint(g);
		}
		next = step(sourceDue(double(next + 1), sourceWait(rngWord(key, waitInput, uint(g), uvec2(uint(next), 0u)), lambda)));
	}
	if (next < stepTo) {
		atomicAdd(sw[4 * popIndex + 2], 1u);
	}
	if (next != next0) {
		imageStore(srcImg, srcAt + i, ivec4(next, 0, 0, 0));
	}
}
