package compartments

import "fmt"

// BenchmarkCells returns n copies of the cell of NEURON's cable benchmark
// (the peers' neuron_cable.py): a soma (L = diam = 20 µm) with four
// dendrites of 200 µm × 1 µm, nseg segments each, hh everywhere, Ra 100 Ω·cm,
// and an IClamp of amp nA at every soma from 1 ms on. Cell 0 fires 8 spikes
// in 100 ms at 0.5 nA.
func BenchmarkCells(n, nseg int, amp float64) ([]*Cell, error) {
	cyls := []Cylinder{{Name: "soma", L: 20, Diam: 20}}
	for k := range 4 {
		cyls = append(cyls, Cylinder{Name: fmt.Sprintf("dend[%d]", k), Region: "dend", Parent: "soma", ParentX: 1, L: 200, Diam: 1})
	}
	m, err := BuildCylinders(cyls)
	if err != nil {
		return nil, err
	}
	hh := DefaultHH()
	props := make([]SectionProps, len(m.Sections))
	for i := range props {
		props[i] = SectionProps{Ra: 100, Cm: 1, Nseg: nseg, HH: &hh}
	}
	props[0].Nseg = 1
	cells := make([]*Cell, n)
	for i := range cells {
		cells[i] = &Cell{
			Name: fmt.Sprintf("cell%d", i), Morph: m, Props: props,
			IClamps: []IClamp{{Name: "stim", At: Location{Section: 0, X: 0.5}, Delay: 1, Dur: 1e9, Amp: amp}},
			Spike:   &Detector{At: Location{Section: 0, X: 0.5}, Threshold: 0},
		}
	}
	return cells, nil
}
