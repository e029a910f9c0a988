package app

import (
	"fmt"
	"slices"
	"strings"

	"neurite/sim/spec"
)

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
	for _, it := range m.Items() {
		used[it.Name] = true
	}
	for i := 1; ; i++ {
		if name := fmt.Sprintf("%s%d", prefix, i); !used[name] {
			return name
		}
	}
}

// place adds an item of the given kind at a location and returns its name.
func place(m *spec.Model, kind spec.ItemKind, at string) string {
	switch kind {
	case spec.ElectrodeItem:
		amp, dur := defaultAmp, defaultDur
		name := uniqueName(m, "stim")
		m.IClamps = append(m.IClamps, spec.IClamp{Name: name, At: at, Delay: defaultElDelay, Dur: &dur, Amp: &amp})
		return name
	case spec.SynapseItem:
		tau, w := defaultTau, defaultWeight
		name := uniqueName(m, "syn")
		m.Synapses = append(m.Synapses, spec.Synapse{Name: name, Type: "ExpSyn", At: at, Tau: &tau, Weight: &w,
			Events: slices.Clone(defaultEvents)})
		return name
	}
	// Named as the example files name their probes, "v_" and the location
	// ("v_apic[0](0.5)"), so that placed and loaded probes read alike in
	// the legend; they were "v@apic[44](0.8)" beside "v_apic[0](0.5)".
	name := probeName(at)
	for i := 2; slices.ContainsFunc(m.Items(), func(it spec.Item) bool { return it.Name == name }); i++ {
		name = fmt.Sprintf("%s#%d", probeName(at), i)
	}
	m.Records = append(m.Records, spec.Record{Name: name, At: at, Var: "v"})
	return name
}

// probeName is the name of a voltage probe placed at a location.
func probeName(at string) string { return "v_" + at }

// remove deletes an item, and the probes that read it.
func remove(m *spec.Model, it spec.Item) {
	switch it.Kind {
	case spec.ElectrodeItem:
		m.IClamps = slices.DeleteFunc(m.IClamps, func(c spec.IClamp) bool { return c.Name == it.Name })
	case spec.SynapseItem:
		m.Synapses = slices.DeleteFunc(m.Synapses, func(s spec.Synapse) bool { return s.Name == it.Name })
	}
	m.Records = slices.DeleteFunc(m.Records, func(r spec.Record) bool {
		return (it.Kind == spec.ProbeItem && r.Name == it.Name) || strings.HasPrefix(r.Var, it.Name+".")
	})
}

// move puts an item at another location.
func move(m *spec.Model, it spec.Item, at string) {
	switch it.Kind {
	case spec.ElectrodeItem:
		for i := range m.IClamps {
			if m.IClamps[i].Name == it.Name {
				m.IClamps[i].At = at
			}
		}
	case spec.SynapseItem:
		for i := range m.Synapses {
			if m.Synapses[i].Name == it.Name {
				m.Synapses[i].At = at
			}
		}
	case spec.ProbeItem:
		for i := range m.Records {
			if m.Records[i].Name == it.Name {
				m.Records[i].At = at
			}
		}
	}
}
