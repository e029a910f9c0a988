package spec

// ItemKind is what a user places on a cell: an electrode, a probe or a
// synapse.
type ItemKind int

const (
	ElectrodeItem ItemKind = iota // a current clamp ([[iclamp]])
	ProbeItem                     // a recording ([[record]])
	SynapseItem                   // a synapse with input times ([[synapse]])
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

// Items lists what the model places on the cell, electrodes first, then
// probes, then synapses, each in file order.
func (m *Model) Items() []Item {
	var out []Item
	for _, c := range m.IClamps {
		out = append(out, Item{ElectrodeItem, c.Name, c.At})
	}
	for _, r := range m.Records {
		out = append(out, Item{ProbeItem, r.Name, r.At})
	}
	for _, s := range m.Synapses {
		out = append(out, Item{SynapseItem, s.Name, s.At})
	}
	return out
}

// SynapseNamed returns the synapse of that name, or nil.
func (m *Model) SynapseNamed(name string) *Synapse {
	for i := range m.Synapses {
		if m.Synapses[i].Name == name {
			return &m.Synapses[i]
		}
	}
	return nil
}
