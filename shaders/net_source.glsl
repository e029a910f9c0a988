// The waiting times of a point network's Poisson sources, as sim/network
// draws them (SourceWait, MaxSourceWait): after its spike at step n a
// source spikes again ⌊wait⌋ + 1 steps later, the wait −log(u)/λ of u,
// the uniform of word n of its stream (rngUniform), λ its expected
// spikes a step; its first spike is at ⌊wait⌋ of word 0 of its start
// input. rngLog is sim/rng's Log to the bit, and the quotient one
// division rounded as Go rounds it: Go's doubles. Include philox.glsl
// first.

// SOURCE_NEVER is 2^62 (sim/network's MaxSourceWait), past any run's
// steps: a wait that long, or a source of λ 0, spikes no more. Its bits,
// not a decimal literal (philox.glsl: some compilers read a double
// literal in single precision).
const double SOURCE_NEVER = packDouble2x32(uvec2(0u, 0x43D00000u));

// sourceWait returns the wait drawn from word w at lambda expected
// spikes a step (SourceWait), SOURCE_NEVER for lambda 0 (where Go
// divides by 0 to +Inf and GLSL promises nothing).
double sourceWait(uint w, double lambda) {
	if (!(lambda > 0.0LF)) {
		return SOURCE_NEVER;
	}
	precise double x = -rngLog(rngUniform(w)) / lambda;
	return x;
}

// sourceDue returns the step of a source's next spike: the step from
// which it waits (0 for its first, the step after its spike for the
// others) plus the wait's whole steps, or SOURCE_NEVER for a wait past
// any run.
double sourceDue(double from, double wait) {
	if (!(wait < SOURCE_NEVER)) {
		return SOURCE_NEVER;
	}
	precise double due = from + trunc(wait);
	return due;
}
