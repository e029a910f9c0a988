// The state and the buffers of a point network's kernels (lif_net.comp,
// point_net.comp), which share it: one population's dispatch reads and
// writes its neurons' part.

// The state lives in images and the read-only arrays in buffer textures
// rather than storage buffers: Mesa's llvmpipe reads a storage buffer
// lane by lane, six times slower than an image (go test -bench Access
// ./gpu), and an epoch of one step reads and writes every neuron's state.
layout(binding = 0, rg32ui) uniform uimageBuffer vImg;  // v by neuron
layout(binding = 1, r32i) uniform iimageBuffer refImg;  // by neuron: the first step not refractory
layout(binding = 2, rg32ui) uniform uimageBuffer synImg; // by queue target: base + k·N + i; then a, the same; then the noise currents
uniform usamplerBuffer parTex; // the parameters, doubles
uniform usamplerBuffer dueTex; // the inputs due, doubles: (step − stepFrom)·targets + target
// Or, where the device delivers the spikes (ringSlots > 0), the inputs
// due are in a ring of slots by step modulo ringSlots, fixed-point sums
// of 2^ringShift in two words (net_deliver.comp), emptied as they are
// read.
layout(binding = 3, rg32ui) uniform uimageBuffer ringImg;
uniform int ringSlots, slotFrom, ringShift;
double ringQ; // 2^ringShift

double par(int k) { return packDouble2x32(texelFetch(parTex, k).xy); }
double due(int k) { return packDouble2x32(texelFetch(dueTex, k).xy); }
// inputDue is the synaptic input due at entry k of the epoch's slots.
double inputDue(int k) {
	if (ringSlots == 0) {
		return due(k);
	}
	uvec2 x = imageLoad(ringImg, k).xy;
	if (x != uvec2(0u)) {
		imageStore(ringImg, k, uvec4(0u));
	}
	// Below 2^52 in magnitude: exact, as is the scaling by a power of 2.
	precise double f = (double(int(x.y)) * 4294967296.0lf + double(x.x)) * ringQ;
	return f;
}
// NaN and infinity are told by the bits, not by comparisons: GLSL does
// not require comparisons to honour NaN, and Mesa's compiler may rewrite
// them as if no operand were NaN (!(a <= b) as a > b, say). The bits are
// integers, which no rewrite touches.
bool finiteD(double x) { return (unpackDouble2x32(x).y & 0x7ff00000u) != 0x7ff00000u; }
// withinD is sim/network's check !(|x| > bound) made safe: false for NaN
// and ±Inf, as Go's !(math.Abs(x) <= bound) is true for them.
bool withinD(double x, double bound) { return finiteD(x) && abs(x) <= bound; }

double syn(int k) { return packDouble2x32(imageLoad(synImg, k).xy); }
void setSyn(int k, double x) { imageStore(synImg, k, uvec4(unpackDouble2x32(x), 0u, 0u)); }

// The spikes: each population has a head of 4 words at 4·popIndex (its
// spikes, the earliest step at which one of its neurons blew up, its
// invocations whose step loop ended early — llvmpipe's loop guard, the
// least (step − stepFrom)·popN + neuron of those that blew up) and
// its spikes (step, neuron) from word spikeAt, so that the populations'
// dispatches share nothing and need no barrier between them.
layout(std430, binding = 0) buffer Spikes { uint sw[]; };
layout(std430, binding = 1) readonly buffer Probes { int probes[]; };
layout(std430, binding = 2) buffer Rec { double trace[]; }; // the record rows: row·nProbes + probe

uniform int popFirst, popBase, popN;
uniform int popIndex, spikeAt, spikeCap;
uniform int neurons, targets, stepFrom, stepTo;
uniform int recordEvery, recBase, nProbes;
uniform int curBase, curCols; // the current table in dueTex: (step − stepFrom)·curCols + drive

// The per-neuron parameters, PW doubles each: vinf (exact) or E_L
// (Euler), exp(−dt/τ), R, I, τ, threshold, reset, refractory steps, and
// each port's exact current weight p21, and last the bits of the drives
// that pass the neuron by (a drive onto part of the population: bit d
// set, drive d skipped, as sim/network skips it). lif_pop.glsl's param(at, j)
// reads them, or, where the population's neurons share them (the common
// case of large networks), gives them as constants: no load at all. A
// point model's neurons (point_net.comp) have only the drives' bits here.
const int PW = 9 + MAX_PORTS;

double b[MAX_PORTS];   // the ports' currents or conductances
double a[MAX_PORTS];   // alpha and bi-exponential ports: the second variable
double p21[MAX_PORTS]; // exact: the voltage a unit current adds over a step
double decay[MAX_PORTS], rev[MAX_PORTS];
int skipDrives; // the neuron's drives not reaching it, bit by drive
