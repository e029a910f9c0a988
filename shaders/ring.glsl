// The ring of delivery sums (gpu/network/delivery.go): the entry of
// (slot, target) is words 2·(slot·targets + target), its low word, and
// the next, its high word, a 64-bit integer of 2^shift. The includer
// declares the buffer as ring[] (binding of its choice).
//
// ringAdd adds x, an integer below 2^52 in magnitude (a weight in units
// of 2^shift), to the entry at: split exactly into 32-bit words, added
// atomically, the carry out of the low word passed on. Integer sums do
// not depend on the order of the additions, so any number of work
// groups may add in any order.
void ringAdd(int at, double x) {
	double hi = floor(x * (1.0lf / 4294967296.0lf));
	uint lo = uint(x - hi * 4294967296.0lf);
	uint h = uint(int(hi));
	uint old = atomicAdd(ring[2 * at], lo);
	if (old + lo < old) {
		h++;
	}
	if (h != 0u) {
		atomicAdd(ring[2 * at + 1], h);
	}
}
