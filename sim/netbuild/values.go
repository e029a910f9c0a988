package netbuild

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"

	"neurite/sim/dist"
	"neurite/sim/spec"
)

// stream names a random quantity: the same name gives the same stream in
// every run.
func stream(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// distOf turns a value of the file into a distribution.
func (b *builder) distOf(v spec.Value) (dist.Dist, error) {
	switch v.Dist {
	case spec.DistConst:
		return dist.Constant(v.Const), nil
	case spec.DistUniform:
		return dist.Uniform(v.Low, v.High), nil
	case spec.DistNormal, spec.DistLognormal:
		d := dist.Normal(v.Mean, v.SD)
		if v.Dist == spec.DistLognormal {
			d = dist.LogNormal(v.Mean, v.SD)
		}
		if !math.IsInf(v.Low, -1) || !math.IsInf(v.High, 1) {
			d = d.Truncate(v.Low, v.High)
		}
		return d, nil
	case spec.DistCSV:
		col, err := b.open.ReadCSVColumn(v.File, v.Column)
		if err != nil {
			return dist.Dist{}, err
		}
		return dist.Column(col), nil
	}
	return dist.Dist{}, fmt.Errorf("unknown distribution %q", v.Dist)
}

// sample draws n values of v for the quantity named by parts.
func (b *builder) sample(v spec.Value, n int, parts ...string) ([]float64, error) {
	d, err := b.distOf(v)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	if err := d.Sample(out, b.seed, stream(parts...)); err != nil {
		return nil, fmt.Errorf("%s: %w", parts[len(parts)-1], err)
	}
	return out, nil
}
