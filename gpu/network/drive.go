package network

import (
	"fmt"
	"strings"

	point "neurite/sim/network"
	"neurite/sim/rng"
)

// maxTable bounds a Poisson drive's table on the GPU: the kernel counts
// a word against every threshold, written out as constants (a mean of
// about 400 events a step needs this many).
const maxTable = 256

// maxMasked bounds the index of a drive onto part of a population: a
// neuron's drives that pass it by are bits of one parameter (skipBits).
const maxMasked = 31

// skipBits returns neuron i's drives that do not reach it, bit d for
// drive d (0 for a population whose drives all reach every neuron, so
// that its neurons still share their parameters).
func skipBits(p *point.Population, i int) int {
	bits := 0
	for d, dr := range p.Drives {
		if dr.Neurons != nil && !dr.Neurons[i] {
			bits |= 1 << d
		}
	}
	return bits
}

// driveSupported returns why a population's drives do not run on the
// GPU, or "" when they do: Poisson trains, independent or shared, drawn
// as sim/network draws them, current drives and noise, each onto a
// whole population or part of it (Neurons).
func driveSupported(p *point.Population, dt float64) string {
	for k, d := range p.Drives {
		switch {
		case d.Neurons != nil && k >= maxMasked:
			return fmt.Sprintf("drive %d reaches part of the population; the GPU kernel takes such a drive among the first %d only", k+1, maxMasked)
		case d.Kind != point.Poisson:
			continue
		}
		pd, err := rng.NewPoisson(d.Rate * dt * 1e-3)
		if err != nil {
			return err.Error()
		}
		if len(pd.Threshold) > maxTable {
			return fmt.Sprintf("a Poisson drive of rate %g Hz needs %d thresholds a step, the GPU kernel takes at most %d", d.Rate, len(pd.Threshold), maxTable)
		}
	}
	return ""
}

// driveShader returns the population's drive(i, n, open, v), which
// lif_net.comp calls after the synapses' decay and before the inputs
// due: each Poisson drive in turn adds its count of step n times its
// weight onto its port (a voltage jump only where open, the neuron not
// refractory), as sim/network's endStep does; a drive onto part of the
// population passes by the neurons whose skipDrives bit it has. The words are the CPU's
// (sim/network/drive.go): one Philox call every fourth step (and at the
// epoch's first), kept in a register, under the network's key; input d,
// stream the neuron's number for an independent train; input
// SharedInput|d, stream the population's index for a shared one (the
// uniform popIndex, not a literal: Mesa 22.3's llvmpipe folds the high
// word of umulExtended of two constants to 0, so a counter word known
// when compiling draws other numbers, see shaders/philox.glsl). The
// count is rng.Poisson's: the offset plus the number of thresholds at or
// below the word, the thresholds written out as constants (no loop and
// no load: llvmpipe's loop guard, and a table that stays in registers).
// p's drives are those driveSupported accepts.
//
// A noise drive steps its Ornstein–Uhlenbeck current noiseD in the same
// place, as endStep does (sim/network's NoiseUpdate with NoiseStep's
// factors, computed on the host): from rng.Normal number n mod 4 of the
// neuron's call n/4 of input d, rngNormal in philox.glsl, Go's double to
// the bit. The currents live in the state image after the ports' a,
// from 2·targets + noiseBase, drive by drive (noiseSlots): loadDrives and
// storeDrives move them to and from registers around the epoch.
func driveShader(p *point.Population, seed uint64, dt float64, noiseBase int) string {
	var s strings.Builder
	key := rng.KeyOf(seed)
	fmt.Fprintf(&s, "const uvec2 RNG_KEY = uvec2(%#xu, %#xu);\n\n", key[0], key[1])
	var load, store strings.Builder
	slot := noiseBase
	for d, dr := range p.Drives {
		if dr.Kind != point.CurrentDrive {
			fmt.Fprintf(&s, "uvec4 drawn%d; // drive %d's words of the present call\n", d, d)
		}
		if dr.Kind == point.Noise {
			fmt.Fprintf(&s, "double noise%d; // drive %d's current\n", d, d)
			fmt.Fprintf(&load, "\tnoise%d = syn(2 * targets + %d + i);\n", d, slot)
			fmt.Fprintf(&store, "\tsetSyn(2 * targets + %d + i, noise%d);\n", slot, d)
			slot += p.N
		}
	}
	fmt.Fprintf(&s, "\nvoid loadDrives(int i) {\n%s}\n\nvoid storeDrives(int i) {\n%s}\n", load.String(), store.String())
	s.WriteString("\ndouble drive(int i, int n, bool open, double v) {\n")
	if len(p.Drives) > 0 {
		s.WriteString("\tbool draw = (n & 3) == 0 || n == stepFrom;\n\tuvec2 call = uvec2(uint(n >> 2), 0u);\n")
	}
	for d, dr := range p.Drives {
		if dr.Kind == point.Noise {
			s.WriteString(noiseStep(d, dr, dt))
			continue
		}
		if dr.Kind != point.Poisson {
			continue
		}
		input, stream := fmt.Sprintf("%du", d), "uint(popFirst + i)"
		if dr.Shared {
			input, stream = fmt.Sprintf("%#xu", point.SharedInput|uint32(d)), "uint(popIndex)"
		}
		pd, _ := rng.NewPoisson(dr.Rate * dt * 1e-3) // driveSupported has made it
		if dr.Neurons != nil {
			// sim/network skips a neuron the drive does not reach; its
			// words are a function of the step alone, so none is owed.
			fmt.Fprintf(&s, "\tif ((skipDrives & %d) == 0) {\n", 1<<d)
		}
		fmt.Fprintf(&s, "\tif (draw) {\n\t\tdrawn%[1]d = rngDraw(RNG_KEY, %[2]s, %[3]s, call);\n\t}\n", d, input, stream)
		fmt.Fprintf(&s, "\tuint w%[1]d = drawn%[1]d[n & 3];\n\tint k%[1]d = %[2]d", d, pd.Offset)
		for _, t := range pd.Threshold {
			fmt.Fprintf(&s, " + int(w%d >= %#xu)", d, t)
		}
		s.WriteString(";\n")
		fmt.Fprintf(&s, "\tif (k%[1]d > 0) {\n\t\tprecise double x%[1]d = double(k%[1]d) * %[2]s;\n", d, literal(dr.W))
		if p.Ports[dr.Port].Synapse == point.Delta {
			fmt.Fprintf(&s, "\t\tif (open) {\n\t\t\tprecise double vn = v + x%d;\n\t\t\tv = vn;\n\t\t}\n", d)
		} else {
			s.WriteString(receiveSyn(dr.Port, p.Ports[dr.Port], p.Method, dt, fmt.Sprintf("x%d", d), "\t\t"))
		}
		s.WriteString("\t}\n")
		if dr.Neurons != nil {
			s.WriteString("\t}\n")
		}
	}
	s.WriteString("\treturn v;\n}\n")
	return s.String()
}

// noiseStep returns drive d's step of its noise current (see
// driveShader), skipped where it does not reach the neuron.
func noiseStep(d int, dr point.Drive, dt float64) string {
	decay, scale := dr.NoiseStep(dt)
	var s strings.Builder
	if dr.Neurons != nil {
		fmt.Fprintf(&s, "\tif ((skipDrives & %d) == 0) {\n", 1<<d)
	}
	fmt.Fprintf(&s, "\tif (draw) {\n\t\tdrawn%[1]d = rngDraw(RNG_KEY, %[1]du, uint(popFirst + i), call);\n\t}\n"+
		"\t{\n\t\tprecise double x = %[2]s + (noise%[1]d - %[2]s) * %[3]s + %[4]s * rngNormal(drawn%[1]d, uint(n & 3));\n\t\tnoise%[1]d = x;\n\t}\n",
		d, literal(dr.Mean), literal(decay), literal(scale))
	if dr.Neurons != nil {
		s.WriteString("\t}\n")
	}
	return s.String()
}

// noiseSlots returns the noise currents a population keeps: a neuron's
// for each noise drive.
func noiseSlots(p *point.Population) int {
	k := 0
	for _, d := range p.Drives {
		if d.Kind == point.Noise {
			k += p.N
		}
	}
	return k
}

// hasCurrents reports whether p has current or noise drives: drives
// whose current the kernel forms each step (currentShader).
func hasCurrents(p *point.Population) bool {
	for _, d := range p.Drives {
		if d.Kind == point.CurrentDrive || d.Kind == point.Noise {
			return true
		}
	}
	return false
}

// currentShader returns the population's currentInput(n): the current
// its current and noise drives give at step n, summed in drive order
// from 0 as sim/network's popState.input sums them, each current drive's
// I(t) read from the epoch's current table (column col, from the first
// of the population's, currents), each noise drive's current where it
// acts at t = n·dt (Start ≤ t < Stop, as Drive.on), each skipped where
// it does not reach the neuron.
func currentShader(p *point.Population, col int) string {
	var s strings.Builder
	s.WriteString("double currentInput(int n) {\n\tprecise double cur = 0.0;\n")
	s.WriteString("\tprecise double t = double(n) * DT;\n")
	for d, dr := range p.Drives {
		if dr.Kind == point.Noise {
			cond := "t >= " + literal(dr.Start)
			if dr.Stop != 0 {
				cond += " && t < " + literal(dr.Stop)
			}
			if dr.Neurons != nil {
				cond = fmt.Sprintf("(skipDrives & %d) == 0 && %s", 1<<d, cond)
			}
			fmt.Fprintf(&s, "\tif (%s) {\n\t\tcur = cur + noise%d;\n\t}\n", cond, d)
			continue
		}
		if dr.Kind != point.CurrentDrive {
			continue
		}
		at := fmt.Sprintf("due(curBase + (n - stepFrom) * curCols + %d)", col)
		col++
		if dr.Neurons != nil {
			fmt.Fprintf(&s, "\tif ((skipDrives & %d) == 0) {\n\t\tcur = cur + %s;\n\t}\n", 1<<d, at)
			continue
		}
		fmt.Fprintf(&s, "\tcur = cur + %s;\n", at)
	}
	s.WriteString("\treturn cur;\n}\n")
	return s.String()
}

// currentTable sets row to each current drive's I at step n, 0 where
// it is off (adding 0 to the sum changes nothing, as skipping it), in
// the columns currentShader reads: the populations' current drives in
// order. I is the drive's own Go function, called at the CPU engine's t,
// so that any waveform is the CPU's to the bit. A drive acts from Start
// to Stop (sim/network's Drive.on).
func currentTable(pops []*pop, n int64, dt float64, row []float64) {
	t := float64(n) * dt
	k := 0
	for _, p := range pops {
		for _, d := range p.Drives {
			if d.Kind != point.CurrentDrive {
				continue
			}
			row[k] = 0
			if t >= d.Start && (d.Stop == 0 || t < d.Stop) {
				row[k] = d.I(t)
			}
			k++
		}
	}
}
