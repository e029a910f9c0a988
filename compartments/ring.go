package compartments

import "fmt"

// Ring is the network of NEURON's ring benchmark (the peers'
// neuron_ring.py, after NEURON's ringtest): ball-and-stick cells, a soma
// (L = diam = 12.6157 µm, hh) and a passive dendrite (200 µm × 1 µm,
// g_pas 0.001 S/cm², e_pas −65 mV), Ra 100 Ω·cm, arranged in rings in
// which each cell's soma (threshold 10 mV) drives an ExpSyn (τ 2 ms,
// e 0 mV) at the middle of the next cell's dendrite after 1 ms; the first
// cell of every ring is kicked by one event at 1 ms.
type Ring struct {
	Cells    int     // cells in all
	Size     int     // cells per ring, a divisor of Cells; 0: one ring of all cells
	NsegDend int     // segments of a dendrite; 0: neuron_ring.py's 11
	Weight   float64 // µS, of the connections and the kick; 0: neuron_ring.py's 0.05
}

// RingNetwork builds the ring network's plan for settings s (the
// benchmark's: dt 0.025 ms, 6.3 °C, v_init −65 mV).
func RingNetwork(r Ring, s Settings) (*Plan, error) {
	cells, netcons, err := r.network()
	if err != nil {
		return nil, err
	}
	return BuildNetwork(cells, netcons, s)
}

// network makes the ring's cells and connections.
func (r Ring) network() ([]*Cell, []NetCon, error) {
	size, nseg, w := r.Size, r.NsegDend, r.Weight
	if size == 0 {
		size = r.Cells
	}
	if nseg == 0 {
		nseg = 11
	}
	if w == 0 {
		w = 0.05
	}
	switch {
	case r.Cells < 1:
		return nil, nil, fmt.Errorf("a ring needs at least one cell, not %d", r.Cells)
	case size < 1 || r.Cells%size != 0:
		return nil, nil, fmt.Errorf("%d cells do not make rings of %d", r.Cells, size)
	case nseg < 1:
		return nil, nil, fmt.Errorf("a dendrite needs at least one segment, not %d", nseg)
	}
	m, err := BuildCylinders([]Cylinder{
		{Name: "soma", Region: "soma", L: 12.6157, Diam: 12.6157},
		{Name: "dend", Region: "dend", Parent: "soma", ParentX: 1, L: 200, Diam: 1},
	})
	if err != nil {
		return nil, nil, err
	}
	hh := DefaultHH()
	props := []SectionProps{
		{Ra: 100, Cm: 1, Nseg: 1, HH: &hh},
		{Ra: 100, Cm: 1, Nseg: nseg, Pas: &Pas{G: 0.001, E: -65}},
	}
	cells := make([]*Cell, r.Cells)
	netcons := make([]NetCon, r.Cells)
	for i := range cells {
		syn := Synapse{Name: "syn", Kind: ExpSyn, At: Location{Section: 1, X: 0.5}, Tau: 2, E: 0, Weight: w}
		first := i / size * size
		if i == first {
			syn.Events = []float64{1}
		}
		cells[i] = &Cell{
			Name: fmt.Sprintf("cell%d", i), Morph: m, Props: props,
			Synapses: []Synapse{syn},
			Spike:    &Detector{At: Location{Section: 0, X: 0.5}, Threshold: 10},
		}
		netcons[i] = NetCon{Source: i, Target: first + (i-first+1)%size, Synapse: "syn", Weight: w, Delay: 1}
	}
	return cells, netcons, nil
}
