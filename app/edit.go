package app

import (
	"fmt"
	"slices"
	"strings"

	"neurite/sim/spec"
)

// ItemKind is what the user can place on a cell.
type ItemKind int

const (
	Electrode ItemKind = iota // a current clamp ([[iclamp]])
	Probe                     // a recording ([[record]])
	Synapse                   // a synapse with input times ([[synapse]])
)

func (k ItemKind) String() string {
	return [...]string{"electrode", "probe", "synapse"}[k]
}

// Item is one placed thing, named as in the model file.
type Item struct {
	Kind ItemKind
	Name string
	At   string // section(x)
}

// Items lists what the model places on the cell.
func Items(m *spec.Model) []Item {
	var out []Item
	for _, c := range m.IClamps {
		out = append(out, Item{Electrode, c.Name, c.At})
	}
	for _, r := range m.Records {
		out = append(out, Item{Probe, r.Name, r.At})
	}
	for _, s := range m.Synapses {
		out = append(out, Item{Synapse, s.Name, s.At})
	}
	return out
}

// Defaults for placed items, chosen to show something on a typical cell:
// a 0.5 nA step from 5 ms, and an excitatory synapse firing three times.
var (
	defaultAmp     = 0.5
	defaultDur     = 1e9
	defaultTau     = 2.0
	defaultWeight  = 0.005
	defaultEvents  = []float64{10, 20, 30}
	defaultElDelay = 5.0
)

// uniqueName returns prefix followed by the smallest number not yet used
// by any item.
func uniqueName(m *spec.Model, prefix string) string {
	used := map[string]bool{}
	for _, it := range Items(m) {
		used[it.Name] = true
	}
	for i := 1; ; i++ {
		if name := fmt.Sprintf("%s%d", prefix, i); !used[name] {
			return name
		}
	}
}

// place adds an item of the given kind at a location and returns its name.
func place(m *spec.Model, kind ItemKind, at string) string {
	switch kind {
	case Electrode:
		amp, dur := defaultAmp, defaultDur
		name := uniqueName(m, "stim")
		m.IClamps = append(m.IClamps, spec.IClamp{Name: name, At: at, Delay: defaultElDelay, Dur: &dur, Amp: &amp})
		return name
	case Synapse:
		tau, w := defaultTau, defaultWeight
		name := uniqueName(m, "syn")
		m.Synapses = append(m.Synapses, spec.Synapse{Name: name, Type: "ExpSyn", At: at, Tau: &tau, Weight: &w,
			Events: slices.Clone(defaultEvents)})
		return name
	}
	name := "v@" + at
	for i := 2; slices.ContainsFunc(Items(m), func(it Item) bool { return it.Name == name }); i++ {
		name = fmt.Sprintf("v@%s#%d", at, i)
	}
	m.Records = append(m.Records, spec.Record{Name: name, At: at, Var: "v"})
	return name
}

// remove deletes an item, and the probes that read it.
func remove(m *spec.Model, it Item) {
	switch it.Kind {
	case Electrode:
		m.IClamps = slices.DeleteFunc(m.IClamps, func(c spec.IClamp) bool { return c.Name == it.Name })
	case Synapse:
		m.Synapses = slices.DeleteFunc(m.Synapses, func(s spec.Synapse) bool { return s.Name == it.Name })
	}
	m.Records = slices.DeleteFunc(m.Records, func(r spec.Record) bool {
		return (it.Kind == Probe && r.Name == it.Name) || strings.HasPrefix(r.Var, it.Name+".")
	})
}

// move puts an item at another location.
func move(m *spec.Model, it Item, at string) {
	switch it.Kind {
	case Electrode:
		for i := range m.IClamps {
			if m.IClamps[i].Name == it.Name {
				m.IClamps[i].At = at
			}
		}
	case Synapse:
		for i := range m.Synapses {
			if m.Synapses[i].Name == it.Name {
				m.Synapses[i].At = at
			}
		}
	case Probe:
		for i := range m.Records {
			if m.Records[i].Name == it.Name {
				m.Records[i].At = at
			}
		}
	}
}
