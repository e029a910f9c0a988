// The ring of fixed-point sums that device delivery adds into
// (net_deliver.comp, net_procedural.comp) and lif_net.comp reads: the
// entry of (slot, target) is words 2·(slot·targets + target) of the
// including shader's ring[], its low word, and the next, its high word.
// Integers of 2^shift, 64 bits as two 32-bit words added atomically with
// the carry passed on (see net_deliver.comp for why the sums are the CPU
// engine's).

uniform int shift;

// add adds weight w to the ring's entry at.
void add(int at, float w) {
	// An integer below 2^52: split exactly into 32-bit words.
	double x = ldexp(double(w), -shift);
	double hi = floor(x * (1.0lf / 4294967296.0lf));
	uint lo = uint(x - hi * 4294967296.0lf);
	uint h = uint(int(hi));
	uint old = atomicAdd(ring[2 * at], lo);
	if (old + lo < old) {
		h++; // the carry out of the low word
	}
	if (h != 0u) {
		atomicAdd(ring[2 * at + 1], h);
	}
}
