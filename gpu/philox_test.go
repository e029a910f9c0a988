package gpu

import (
	"math"
	"testing"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/sim/rng"
)

// philoxTest draws, for invocation i, call (i·977, i/32) of stream
// i·2654435761 of input i mod 7 (bit 31 set for every third) and word
// (i·0x9E3779B9, i/8) of the same stream, and writes the four words, the
// word, the word's uniform (a double as two words), the four normals, the
// logarithm, cosine and sine of 2π times the uniform (doubles), and the
// Poisson counts of the four words and of probe[i] under each table.
const philoxTest = `#version 430
#define RNG_POISSON_BINDING 1
#include "philox.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) writeonly buffer Out { uint outw[]; };
layout(std430, binding = 2) readonly buffer Tables { int table[]; }; // offset, first, length
layout(std430, binding = 3) readonly buffer Probes { uint probe[]; };
uniform uint keyLo, keyHi, n, tables;

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= n) {
		return;
	}
	uvec2 key = uvec2(keyLo, keyHi);
	uint inp = i % 7u | (i % 3u == 0u ? 0x80000000u : 0u), stream = i * 2654435761u;
	uvec4 w = rngDraw(key, inp, stream, uvec2(i * 977u, i >> 5));
	uint word = rngWord(key, inp, stream, uvec2(i * 0x9E3779B9u, i >> 3));
	uint o = i * (21u + 5u * tables);
	outw[o] = w.x;
	outw[o + 1u] = w.y;
	outw[o + 2u] = w.z;
	outw[o + 3u] = w.w;
	outw[o + 4u] = word;
	double u = rngUniform(word);
	double d[8] = double[8](u, rngNormal(w, 0u), rngNormal(w, 1u), rngNormal(w, 2u), rngNormal(w, 3u),
		rngLog(u), rngCosSin2Pi(u, false), rngCosSin2Pi(u, true));
	for (uint j = 0u; j < 8u; j++) {
		uvec2 b = unpackDouble2x32(d[j]);
		outw[o + 5u + 2u * j] = b.x;
		outw[o + 6u + 2u * j] = b.y;
	}
	for (uint t = 0u; t < tables; t++) {
		int off = table[3u * t];
		uint first = uint(table[3u * t + 1u]), len = uint(table[3u * t + 2u]);
		for (uint j = 0u; j < 4u; j++) {
			outw[o + 21u + 5u * t + j] = uint(rngPoisson(w[j], off, first, len));
		}
		outw[o + 25u + 5u * t] = uint(rngPoisson(probe[i], off, first, len));
	}
}
`

// TestPhiloxShader: shaders/philox.glsl draws Go's words (sim/rng) for
// calls and words across the 32-bit boundaries of the counter, and
// derives the same uniforms, normals (and their logarithms, cosines and
// sines) and Poisson counts, bit for bit, for means from 0 to 10⁴ and
// words at every threshold.
func TestPhiloxShader(t *testing.T) {
	key := rng.KeyOf(0x9abcdef012345678)
	var pois []*rng.Poisson
	var tables []int32
	var thresholds []uint32
	for _, mean := range []float64{0, 1e-4, 0.4, 2, 31, 1e4} {
		p, err := rng.NewPoisson(mean)
		if err != nil {
			t.Fatal(err)
		}
		pois = append(pois, p)
		tables = append(tables, int32(p.Offset), int32(len(thresholds)), int32(len(p.Threshold)))
		thresholds = append(thresholds, p.Threshold...)
	}
	var probes []uint32
	for _, p := range pois {
		for _, th := range p.Threshold[:min(len(p.Threshold), 200)] {
			probes = append(probes, th-1, th, th+1)
		}
	}
	probes = append(probes, 0, math.MaxUint32)
	for len(probes) < 8192 {
		probes = append(probes, rng.Word(key, 9, 9, uint64(len(probes))))
	}
	n := len(probes)
	stride := 21 + 5*len(pois)
	out := make([]uint32, n*stride)
	tableWords := make([]uint32, len(tables))
	for k, x := range tables {
		tableWords[k] = uint32(x)
	}
	devicetest.Kernel(t, "philox_test.comp", philoxTest, (n+63)/64, func(prog *device.Program) {
		prog.SetUint("keyLo", key[0])
		prog.SetUint("keyHi", key[1])
		prog.SetUint("n", uint32(n))
		prog.SetUint("tables", uint32(len(pois)))
	}, out, thresholds, tableWords, probes)
	for i := range n {
		o := out[i*stride : (i+1)*stride]
		ui := uint32(i)
		input, stream := ui%7, ui*2654435761
		if i%3 == 0 {
			input |= 1 << 31
		}
		w := rng.Draw(key, input, stream, uint64(ui*977)|uint64(ui>>5)<<32)
		if got := [4]uint32(o[:4]); got != w {
			t.Fatalf("invocation %d: words %08x, Go draws %08x", i, got, w)
		}
		word := rng.Word(key, input, stream, uint64(ui*0x9E3779B9)|uint64(ui>>3)<<32)
		if o[4] != word {
			t.Fatalf("invocation %d: word %08x, Go draws %08x", i, o[4], word)
		}
		u := rng.Uniform(word)
		for j, c := range []struct {
			name string
			want float64
		}{
			{"uniform", u}, {"normal 0", rng.Normal(w, 0)}, {"normal 1", rng.Normal(w, 1)}, {"normal 2", rng.Normal(w, 2)}, {"normal 3", rng.Normal(w, 3)},
			{"log", rng.Log(u)}, {"cos(2πu)", rng.CosSin2Pi(u, false)}, {"sin(2πu)", rng.CosSin2Pi(u, true)},
		} {
			if got := math.Float64frombits(uint64(o[6+2*j])<<32 | uint64(o[5+2*j])); math.Float64bits(got) != math.Float64bits(c.want) {
				t.Fatalf("invocation %d, word %08x: %s is %v (%016x), Go makes %v (%016x)", i, word, c.name, got, math.Float64bits(got), c.want, math.Float64bits(c.want))
			}
		}
		for k, p := range pois {
			c := o[21+5*k : 26+5*k]
			for j := range 4 {
				if want := p.Count(w[j]); int(c[j]) != want {
					t.Fatalf("invocation %d, mean %g: word %08x counts %d, Go counts %d", i, p.Mean, w[j], c[j], want)
				}
			}
			if want := p.Count(probes[i]); int(c[4]) != want {
				t.Fatalf("invocation %d, mean %g: word %08x counts %d, Go counts %d", i, p.Mean, probes[i], c[4], want)
			}
		}
	}
}

// sqrtTest writes, for invocation i, rngRoundSqrt(x, c) and rngSqrt(x)
// of the pair (x, c) in[i].
const sqrtTest = `#version 430
#include "philox.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) writeonly buffer Out { uvec2 outd[]; };
layout(std430, binding = 1) readonly buffer In { uvec2 ind[]; };
uniform uint n;

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= n) {
		return;
	}
	double x = packDouble2x32(ind[2u * i]), c = packDouble2x32(ind[2u * i + 1u]);
	outd[2u * i] = unpackDouble2x32(rngRoundSqrt(x, c));
	outd[2u * i + 1u] = unpackDouble2x32(rngSqrt(x));
}
`

// TestRoundSqrtShader: rngRoundSqrt rounds a square root an ulp off
// either way, or right, to math.Sqrt's, and rngSqrt is math.Sqrt, bit
// for bit: for the squares of Box–Muller (−2 log u of the words' uniforms),
// for the doubles about the squares of doubles and about the squares of
// midpoints (where rounding is closest to a tie), across exponents and
// across the powers of two (where the ulp below is half the ulp above).
func TestRoundSqrtShader(t *testing.T) {
	var xs []float64
	k := rng.KeyOf(77)
	for i := range 1 << 12 {
		xs = append(xs, -2*rng.Log(rng.Uniform(rng.Word(k, 1, 2, uint64(i)))))
	}
	for i := range 1 << 10 {
		c := math.Ldexp(1+float64(i)/1024, i%201-100)
		mid := c * math.Nextafter(c, math.Inf(1)) // c·c⁺ = m² − u²/4 for the midpoint m, u the ulp, rounded
		for _, x := range []float64{c * c, mid} {
			xs = append(xs, math.Nextafter(x, 0), x, math.Nextafter(x, math.Inf(1)))
		}
	}
	for e := -60; e <= 60; e++ {
		p := math.Ldexp(1, e)
		xs = append(xs, math.Nextafter(p, 0), p, math.Nextafter(p, math.Inf(1)))
	}
	in := make([]float64, 0, 2*3*len(xs))
	for _, x := range xs {
		s := math.Sqrt(x)
		for _, c := range []float64{math.Nextafter(s, 0), s, math.Nextafter(s, math.Inf(1))} {
			in = append(in, x, c)
		}
	}
	n := len(in) / 2
	words := make([]uint32, 2*len(in))
	for k, x := range in {
		b := math.Float64bits(x)
		words[2*k], words[2*k+1] = uint32(b), uint32(b>>32)
	}
	out := make([]uint32, 4*n)
	devicetest.Kernel(t, "sqrt_test.comp", sqrtTest, (n+63)/64, func(prog *device.Program) { prog.SetUint("n", uint32(n)) }, out, words)
	double := func(k int) float64 { return math.Float64frombits(uint64(out[2*k+1])<<32 | uint64(out[2*k])) }
	for i := range n {
		x, c, want := in[2*i], in[2*i+1], math.Sqrt(in[2*i])
		if got := double(2 * i); got != want {
			t.Fatalf("rngRoundSqrt(%v, %v) = %v, math.Sqrt gives %v", x, c, got, want)
		}
		if got := double(2*i + 1); got != want {
			t.Fatalf("rngSqrt(%v) = %v, math.Sqrt gives %v", x, got, want)
		}
	}
}
