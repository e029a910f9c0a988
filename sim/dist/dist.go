package dist

import (
	"fmt"
	"math"
	"strconv"
)

type kind uint8

const (
	constant kind = iota
	uniform
	normal
	lognormal
	column
)

// Dist is a distribution of per-item values. The zero Dist is the
// constant 0. Build one with Constant, Uniform, Normal, LogNormal or
// Column, cut it with Truncate, and check it with Check before sampling.
type Dist struct {
	kind      kind
	a, b      float64 // constant: a; uniform: low a, high b; normal, lognormal: mean a, sd b
	low, high float64 // truncation (normal, lognormal); both 0 when not truncated
	truncated bool
	values    []float64 // column
}

// Constant gives every item the value x.
func Constant(x float64) Dist { return Dist{kind: constant, a: x} }

// Uniform draws from [low, high).
func Uniform(low, high float64) Dist { return Dist{kind: uniform, a: low, b: high} }

// Normal draws from a Gaussian of the given mean and standard deviation.
func Normal(mean, sd float64) Dist { return Dist{kind: normal, a: mean, b: sd} }

// LogNormal draws positive values whose mean and standard deviation are
// mean and sd (those of the value, not of its logarithm).
func LogNormal(mean, sd float64) Dist { return Dist{kind: lognormal, a: mean, b: sd} }

// Column gives item i the value values[i]; sampling checks that there is
// one value per item.
func Column(values []float64) Dist { return Dist{kind: column, values: values} }

// Truncate keeps a normal or lognormal distribution's values within
// [low, high] by drawing again those that fall outside. Pass math.Inf(-1)
// or math.Inf(1) for a side left open.
func (d Dist) Truncate(low, high float64) Dist {
	d.low, d.high, d.truncated = low, high, true
	return d
}

// IsConstant tells whether every item gets the same value, so that a
// builder can store one number instead of an array.
func (d Dist) IsConstant() bool {
	return d.kind == constant || (d.kind == normal || d.kind == lognormal) && d.b == 0
}

// minMass is the least probability of the truncation range that Check
// accepts: below it, drawing again until a value falls inside takes too long.
const minMass = 1e-3

// Check tells, in the words of a model file, what is wrong with the
// parameters; nil when they can be sampled.
func (d Dist) Check() error {
	switch d.kind {
	case constant:
		if math.IsInf(d.a, 0) || math.IsNaN(d.a) {
			return fmt.Errorf("the value %s is not a finite number", num(d.a))
		}
	case uniform:
		if !finite(d.a) || !finite(d.b) {
			return fmt.Errorf("uniform needs finite low and high (got %s and %s)", num(d.a), num(d.b))
		}
		if !(d.a < d.b) {
			return fmt.Errorf("uniform low (%s) must be below high (%s)", num(d.a), num(d.b))
		}
	case normal, lognormal:
		if err := d.checkShape(); err != nil {
			return err
		}
	case column:
		for i, v := range d.values {
			if !finite(v) {
				return fmt.Errorf("csv value %d (%s) is not a finite number", i+1, num(v))
			}
		}
	}
	if d.truncated && d.kind != normal && d.kind != lognormal {
		return fmt.Errorf("only normal and lognormal values can be cut at low and high, not %s ones", d.kind)
	}
	return nil
}

func (d Dist) checkShape() error {
	name := d.kind.String()
	if !finite(d.a) || !finite(d.b) {
		return fmt.Errorf("%s needs a finite mean and sd (got %s and %s)", name, num(d.a), num(d.b))
	}
	if d.b < 0 {
		return fmt.Errorf("%s sd (%s) must not be negative", name, num(d.b))
	}
	if d.kind == lognormal && d.a <= 0 {
		return fmt.Errorf("lognormal mean (%s) must be positive (lognormal values are)", num(d.a))
	}
	if !d.truncated {
		return nil
	}
	if math.IsNaN(d.high) || math.IsNaN(d.low) {
		return fmt.Errorf("%s low and high must be numbers", name)
	}
	if !(d.low < d.high) {
		return fmt.Errorf("%s low (%s) must be below high (%s)", name, num(d.low), num(d.high))
	}
	if mass := d.mass(); mass < minMass {
		return fmt.Errorf("%s with mean %s and sd %s falls between low %s and high %s with probability %.2g only; widen the range or move the mean",
			name, num(d.a), num(d.b), num(d.low), num(d.high), mass)
	}
	return nil
}

// mass is the probability that an untruncated draw falls in [low, high].
func (d Dist) mass() float64 {
	if d.b == 0 {
		if d.low <= d.a && d.a <= d.high {
			return 1
		}
		return 0
	}
	mu, sigma, low, high := d.a, d.b, d.low, d.high
	if d.kind == lognormal {
		mu, sigma = d.logParams()
		low, high = math.Log(max(low, 0)), math.Log(max(high, 0))
	}
	cdf := func(x float64) float64 { return 0.5 * math.Erfc(-(x-mu)/(sigma*math.Sqrt2)) }
	return cdf(high) - cdf(low)
}

// logParams are the mean and sd of the logarithm of a lognormal value.
func (d Dist) logParams() (mu, sigma float64) {
	s2 := math.Log1p(d.b * d.b / (d.a * d.a))
	return math.Log(d.a) - s2/2, math.Sqrt(s2)
}

// Bounds are the least and greatest values the distribution can give
// (infinite for an open side), for checks such as "every delay >= dt".
func (d Dist) Bounds() (low, high float64) {
	switch d.kind {
	case constant:
		return d.a, d.a
	case uniform:
		return d.a, d.b
	case column:
		if len(d.values) == 0 {
			return 0, 0
		}
		low, high = math.Inf(1), math.Inf(-1)
		for _, v := range d.values {
			low, high = min(low, v), max(high, v)
		}
		return low, high
	}
	if d.b == 0 {
		return d.a, d.a
	}
	low, high = math.Inf(-1), math.Inf(1)
	if d.kind == lognormal {
		low = 0
	}
	if d.truncated {
		low, high = max(low, d.low), min(high, d.high)
	}
	return low, high
}

// String writes the distribution as a model file would.
func (d Dist) String() string {
	var s string
	switch d.kind {
	case constant:
		return num(d.a)
	case uniform:
		return fmt.Sprintf("uniform(low %s, high %s)", num(d.a), num(d.b))
	case column:
		return fmt.Sprintf("csv column of %d values", len(d.values))
	default:
		s = fmt.Sprintf("%s(mean %s, sd %s", d.kind, num(d.a), num(d.b))
	}
	if d.truncated {
		s += fmt.Sprintf(", low %s, high %s", num(d.low), num(d.high))
	}
	return s + ")"
}

func (k kind) String() string {
	return [...]string{"constant", "uniform", "normal", "lognormal", "csv"}[k]
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
