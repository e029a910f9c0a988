package sweep

import (
	"fmt"
	"math"
	"strings"

	"neurite/gpu/device"
	"neurite/gpu/pointmodel"
	"neurite/sim/point"
)

// modelSource returns the model.glsl that sweeps m, in single precision:
// its stimulus, then the built-in models' file or m's equations
// translated to GLSL. The error says why the device cannot run m.
func modelSource(m *point.Model) (pointmodel.Model, error) {
	stim, head := "0.0", "#include \"real.glsl\"\n\n"
	if m.Stim != nil {
		var err error
		if stim, err = stimulusGLSL(m.Stim); err != nil {
			return pointmodel.Model{}, err
		}
		if trains := poissonTrains(m.Stim); len(trains) > 0 {
			if n := len(trains[0].Times()); len(trains) > 1 || n > maxTrainEvents {
				return pointmodel.Model{}, fmt.Errorf("the GPU runs one Poisson train of up to %d events (this stimulus: %d trains, %d events in the first)", maxTrainEvents, len(trains), n)
			}
			head += trainGLSL
		}
	}
	head += fmt.Sprintf("// The stimulus added to the input.\nfloat stim(float t) { return %s; }\n\n", stim)
	return pointmodel.Body(m, head, pointmodel.FloatLiteral)
}

// stimulusGLSL writes a stimulus as a GLSL expression in t, as
// sim/point's stimuli define it; a Poisson train's events, drawn on the
// CPU, are read from the Train buffer (trainGLSL).
func stimulusGLSL(st point.Stimulus) (string, error) {
	// on is the condition from ≤ t < to, an infinite end left out.
	on := func(from, to float64) string {
		var c []string
		if !math.IsInf(from, -1) {
			c = append(c, "t >= "+pointmodel.FloatLiteral(from))
		}
		if !math.IsInf(to, 1) {
			c = append(c, "t < "+pointmodel.FloatLiteral(to))
		}
		if len(c) == 0 {
			return "true"
		}
		return strings.Join(c, " && ")
	}
	f := pointmodel.FloatLiteral
	switch st := st.(type) {
	case point.Step:
		return fmt.Sprintf("(%s ? %s : 0.0)", on(st.From, st.To), f(st.Amp)), nil
	case point.Ramp:
		if !(st.To > st.From) {
			return "0.0", nil // never on
		}
		return fmt.Sprintf("(%s ? %s + %s * (t - %s) : 0.0)", on(st.From, st.To), f(st.Start), f((st.End-st.Start)/(st.To-st.From)), f(st.From)), nil
	case point.Pulses:
		if st.Period <= 0 {
			return "0.0", nil
		}
		return fmt.Sprintf("(%s && mod(t - %s, %s) < %s ? %s : 0.0)", on(st.From, st.To), f(st.From), f(st.Period), f(st.Width), f(st.Amp)), nil
	case point.Sine:
		return fmt.Sprintf("(%s ? %s + %s * sin(%s * (t - %s)) : 0.0)", on(st.From, st.To), f(st.Offset), f(st.Amp), f(2*math.Pi*st.Freq/1000), f(st.From)), nil
	case point.Sum:
		terms := make([]string, len(st))
		for i, x := range st {
			var err error
			if terms[i], err = stimulusGLSL(x); err != nil {
				return "", err
			}
		}
		return "(" + strings.Join(terms, " + ") + ")", nil
	case *point.Poisson:
		return fmt.Sprintf("poisson(t, %s, %s)", f(st.Weight), f(st.Tau)), nil
	}
	return "", fmt.Errorf("the GPU cannot run a stimulus of type %T", st)
}

// trainGLSL reads a Poisson train's events, uploaded by trainData:
// I(t) = w·Σ exp(−(t − t_i)/τ) over the events at or before t is
// w·exp(−(t − t_k)/τ)·A_k, with t_k the last of them and A_k = Σ
// exp(−(t_k − t_i)/τ) over i ≤ k. The times asked only grow (RK4's stages
// included), half a step at most, so point.comp's cursor trainAt (the
// last event at or before the latest time asked, kept in the record
// between dispatches) finds t_k in a few ifs: a loop in the step loop
// would run into Mesa's loop limit, which counts every entry. Traces
// checks that no half step holds more than trainAdvance events.
const trainGLSL = `layout(std430, binding = 3) readonly buffer Train { vec2 train[]; }; // (t_k, A_k)
uniform int nTrain;

void advanceTrain(float t) {
	if (trainAt + 1 < nTrain && train[trainAt + 1].x <= t) {
		trainAt++;
	}
}

float poisson(float t, float w, float tau) {
	advanceTrain(t);
	advanceTrain(t);
	advanceTrain(t);
	advanceTrain(t);
	return trainAt < 0 ? 0.0 : w * exp(-(t - train[trainAt].x) / tau) * train[trainAt].y;
}

`

// trainAdvance is how many events poisson passes in one call.
const trainAdvance = 4

// maxTrainEvents bounds a Poisson train on the device.
const maxTrainEvents = 1 << 20

// trainFits reports whether no window of half a step holds more than
// trainAdvance of a train's events.
func trainFits(p *point.Poisson, dt float64) bool {
	ts := p.Times()
	for i := trainAdvance; i < len(ts); i++ {
		if ts[i]-ts[i-trainAdvance] <= dt/2 {
			return false
		}
	}
	return true
}

// poissonTrains returns the Poisson trains of a stimulus.
func poissonTrains(st point.Stimulus) []*point.Poisson {
	switch st := st.(type) {
	case *point.Poisson:
		return []*point.Poisson{st}
	case point.Sum:
		var out []*point.Poisson
		for _, x := range st {
			out = append(out, poissonTrains(x)...)
		}
		return out
	}
	return nil
}

// poissonTrain returns a stimulus's Poisson train, nil if it has none.
func poissonTrain(st point.Stimulus) *point.Poisson {
	if ps := poissonTrains(st); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// bindTrain uploads a stimulus's Poisson train, if it has one, for prog
// (trainGLSL), on the device's thread; free deletes the buffer.
func bindTrain(prog *device.Program, st point.Stimulus) (free func()) {
	train := poissonTrain(st)
	if train == nil {
		return func() {}
	}
	data := trainData(train)
	b := device.NewBuffer(data, 0)
	b.Bind(3)
	prog.SetInt("nTrain", len(data)/2)
	return b.Delete
}

// trainData lays out a Poisson train for trainGLSL: each event's time and
// A_k.
func trainData(p *point.Poisson) []float32 {
	var out []float32
	a, prev := 0.0, math.Inf(-1)
	for _, t := range p.Times() {
		a = 1 + a*math.Exp(-(t-prev)/p.Tau)
		out = append(out, float32(t), float32(a))
		prev = t
	}
	return out
}
