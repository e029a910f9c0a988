package sim

// Frustum is a piece of cable between two 3-D points (µm) with the
// diameters at its ends: the unit in which views draw a cell. Segment is
// the index of the snapshot column (compartment) whose value colours it.
type Frustum struct {
	A, B    [3]float64
	DA, DB  float64
	Segment int
}

// Segment describes one compartment: its name (NEURON's "dend[3](0.25)"),
// the 3-D point of its centre, its mean diameter and membrane area.
type Segment struct {
	Name       string
	X, Y, Z    float64 // µm
	Diam, Area float64 // µm, µm²
}
