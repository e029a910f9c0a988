package point

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// Stimulus is an input current over time, added to a model's input
// parameter.
type Stimulus interface {
	I(t float64) float64
	// NextBreak is the first time after t at which I jumps (+Inf if none),
	// so that integrators can end their steps there.
	NextBreak(t float64) float64
}

// Step is Amp from From (inclusive) to To (exclusive).
type Step struct{ Amp, From, To float64 }

func (s Step) I(t float64) float64 {
	if t >= s.From && t < s.To {
		return s.Amp
	}
	return 0
}

func (s Step) NextBreak(t float64) float64 { return nextOf(t, s.From, s.To) }

// nextOf returns the smallest of the times after t.
func nextOf(t float64, times ...float64) float64 {
	next := math.Inf(1)
	for _, x := range times {
		if x > t && x < next {
			next = x
		}
	}
	return next
}

// Ramp rises linearly from Start at From to End at To, and is 0 outside.
type Ramp struct{ From, To, Start, End float64 }

func (r Ramp) I(t float64) float64 {
	if t < r.From || t >= r.To {
		return 0
	}
	return r.Start + (r.End-r.Start)*(t-r.From)/(r.To-r.From)
}

func (r Ramp) NextBreak(t float64) float64 { return nextOf(t, r.From, r.To) }

// Pulses is a train of square pulses of Amp and Width every Period,
// starting at From and ending by To.
type Pulses struct{ Amp, Width, Period, From, To float64 }

func (p Pulses) I(t float64) float64 {
	if t < p.From || t >= p.To || p.Period <= 0 {
		return 0
	}
	if math.Mod(t-p.From, p.Period) < p.Width {
		return p.Amp
	}
	return 0
}

func (p Pulses) NextBreak(t float64) float64 {
	if p.Period <= 0 || t >= p.To {
		return math.Inf(1)
	}
	if t < p.From {
		return p.From
	}
	k := math.Floor((t - p.From) / p.Period)
	start := p.From + k*p.Period
	return math.Min(nextOf(t, start+p.Width, start+p.Period), p.To)
}

// Sine is Offset + Amp·sin(2π·Freq·(t − From)/1000) from From to To
// (Freq in Hz, t in ms).
type Sine struct{ Amp, Freq, Offset, From, To float64 }

func (s Sine) I(t float64) float64 {
	if t < s.From || t >= s.To {
		return 0
	}
	return s.Offset + s.Amp*math.Sin(2*math.Pi*s.Freq*(t-s.From)/1000)
}

func (s Sine) NextBreak(t float64) float64 { return nextOf(t, s.From, s.To) }

// Poisson is a seeded Poisson train of input events at Rate (Hz) between
// From and To, each adding Weight to the current, which decays with Tau
// (ms): I(t) = Weight·Σ exp(−(t − t_k)/Tau) over past events.
type Poisson struct {
	Rate, Weight, Tau, From, To float64
	Seed                        uint64
	times                       []float64
}

// NewPoisson draws the event times.
func NewPoisson(rate, weight, tau, from, to float64, seed uint64) *Poisson {
	p := &Poisson{Rate: rate, Weight: weight, Tau: tau, From: from, To: to, Seed: seed}
	rng := rand.New(rand.NewPCG(seed, 0x6e657572697465))
	for t := from; rate > 0; {
		t += rng.ExpFloat64() / rate * 1000
		if t >= to {
			break
		}
		p.times = append(p.times, t)
	}
	return p
}

// Times returns the event times.
func (p *Poisson) Times() []float64 { return p.times }

func (p *Poisson) I(t float64) float64 {
	k := sort.SearchFloat64s(p.times, t)
	if k < len(p.times) && p.times[k] == t {
		k++
	}
	sum := 0.0
	for i := k - 1; i >= 0; i-- {
		d := t - p.times[i]
		if d > 30*p.Tau {
			break
		}
		sum += math.Exp(-d / p.Tau)
	}
	return p.Weight * sum
}

func (p *Poisson) NextBreak(t float64) float64 {
	k := sort.SearchFloat64s(p.times, t)
	for k < len(p.times) && p.times[k] <= t {
		k++
	}
	if k < len(p.times) {
		return p.times[k]
	}
	return math.Inf(1)
}

// Sum adds stimuli.
type Sum []Stimulus

func (s Sum) I(t float64) float64 {
	total := 0.0
	for _, x := range s {
		total += x.I(t)
	}
	return total
}

func (s Sum) NextBreak(t float64) float64 {
	next := math.Inf(1)
	for _, x := range s {
		next = math.Min(next, x.NextBreak(t))
	}
	return next
}

// ParseStimulus reads a stimulus written as KIND:key=value,...; several
// joined with "+" add up. Kinds and keys (times in ms, rates in Hz):
//
//	step:amp,from,to            ramp:from,to,start,end
//	pulses:amp,width,period,from,to
//	sine:amp,freq,offset,from,to
//	poisson:rate,weight,tau,from,to,seed
func ParseStimulus(s string) (Stimulus, error) {
	var sum Sum
	for _, part := range strings.Split(s, "+") {
		kind, args, _ := strings.Cut(strings.TrimSpace(part), ":")
		vals := map[string]float64{}
		for _, kv := range strings.Split(args, ",") {
			if strings.TrimSpace(kv) == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			k = strings.TrimSpace(k)
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if !ok || err != nil || math.IsNaN(x) {
				return nil, fmt.Errorf("stimulus %q: %q is not key=number", part, kv)
			}
			// A window without end, pulses that never stop, a single
			// pulse: only these may be infinite.
			if endless := (k == "to" && kind != "ramp") || (kind == "pulses" && (k == "width" || k == "period")); math.IsInf(x, 0) && !(endless && x > 0) {
				return nil, fmt.Errorf("stimulus %q: %s = %g must be finite (only to, and a pulse's width and period, may be inf)", part, k, x)
			}
			vals[k] = x
		}
		get := func(keys ...string) ([]float64, error) {
			out := make([]float64, len(keys))
			for i, k := range keys {
				def, optional := map[string]float64{"from": 0, "to": math.Inf(1), "offset": 0, "seed": 1}[k]
				v, ok := vals[k]
				if !ok && !optional {
					return nil, fmt.Errorf("stimulus %q needs %s (keys: %s)", part, k, strings.Join(keys, ", "))
				}
				if !ok {
					v = def
				}
				out[i] = v
				delete(vals, k)
			}
			for k := range vals {
				return nil, fmt.Errorf("stimulus %q: unknown key %q (keys: %s)", part, k, strings.Join(keys, ", "))
			}
			return out, nil
		}
		var st Stimulus
		var v []float64
		var err error
		switch kind {
		case "step":
			if v, err = get("amp", "from", "to"); err == nil {
				st = Step{v[0], v[1], v[2]}
			}
		case "ramp":
			if v, err = get("from", "to", "start", "end"); err == nil {
				st = Ramp{v[0], v[1], v[2], v[3]}
			}
		case "pulses":
			if v, err = get("amp", "width", "period", "from", "to"); err == nil {
				st = Pulses{v[0], v[1], v[2], v[3], v[4]}
			}
		case "sine":
			if v, err = get("amp", "freq", "offset", "from", "to"); err == nil {
				st = Sine{v[0], v[1], v[2], v[3], v[4]}
			}
		case "poisson":
			if v, err = get("rate", "weight", "tau", "from", "to", "seed"); err == nil {
				if math.IsInf(v[4], 1) {
					return nil, fmt.Errorf("stimulus %q: a Poisson train needs an end (to=...)", part)
				}
				if err := checkPoisson(part, v[0], v[2], v[3], v[4]); err != nil {
					return nil, err
				}
				st = NewPoisson(v[0], v[1], v[2], v[3], v[4], uint64(v[5]))
			}
		default:
			return nil, fmt.Errorf("unknown stimulus %q (step, ramp, pulses, sine, poisson)", kind)
		}
		if err != nil {
			return nil, err
		}
		if err := checkStimulus(part, st); err != nil {
			return nil, err
		}
		sum = append(sum, st)
	}
	if len(sum) == 1 {
		return sum[0], nil
	}
	return sum, nil
}

// checkStimulus refuses a stimulus whose window is empty or reversed, or
// whose shape cannot be: a pulse of no width, a train of no period.
func checkStimulus(part string, st Stimulus) error {
	window := func(from, to float64) error {
		if !(from < to) {
			return fmt.Errorf("stimulus %q: from = %g must be before to = %g", part, from, to)
		}
		return nil
	}
	switch st := st.(type) {
	case Step:
		return window(st.From, st.To)
	case Ramp:
		return window(st.From, st.To)
	case Pulses:
		if !(st.Width > 0 && st.Period > 0) {
			return fmt.Errorf("stimulus %q: width = %g and period = %g must be positive", part, st.Width, st.Period)
		}
		return window(st.From, st.To)
	case Sine:
		if !(st.Freq >= 0) {
			return fmt.Errorf("stimulus %q: freq = %g must not be negative", part, st.Freq)
		}
		return window(st.From, st.To)
	}
	return nil
}

// maxPoissonEvents bounds the events a Poisson stimulus draws ahead.
const maxPoissonEvents = 1e8

// checkPoisson refuses a Poisson train before its events are drawn.
func checkPoisson(part string, rate, tau, from, to float64) error {
	switch {
	case !(rate >= 0 && tau > 0):
		return fmt.Errorf("stimulus %q: rate = %g must not be negative and tau = %g must be positive", part, rate, tau)
	case !(from < to):
		return fmt.Errorf("stimulus %q: from = %g must be before to = %g", part, from, to)
	case rate*(to-from)/1000 > maxPoissonEvents:
		return fmt.Errorf("stimulus %q: %g Hz over %g ms is %.3g events, more than %.0e", part, rate, to-from, rate*(to-from)/1000, float64(maxPoissonEvents))
	}
	return nil
}
