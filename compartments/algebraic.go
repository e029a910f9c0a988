package compartments

// Algebraic is a node without capacitance (a section's zero-area end, the
// root) and the nodes it is linked to: Crank–Nicolson gives it v from
// Kirchhoff's law with its neighbours' new v rather than extrapolating it.
type Algebraic struct {
	Node int32
	Nbrs []Link
}

// Link is a neighbour of a node and the axial conductance between them
// (µS).
type Link struct {
	Node int32
	G    float64
}

// AlgebraicNodes lists a cell's nodes without capacitance, in node order,
// with their neighbours.
func (p *Plan) AlgebraicNodes(c CellPlan) []Algebraic {
	nbrs := map[int32][]int32{}
	for i := c.First; i < c.End; i++ {
		par := p.Parent[i]
		if par < 0 {
			continue
		}
		if p.Cap[par] == 0 {
			nbrs[par] = append(nbrs[par], int32(i))
		}
		if p.Cap[i] == 0 {
			nbrs[int32(i)] = append(nbrs[int32(i)], int32(i))
		}
	}
	var out []Algebraic
	for i := c.First; i < c.End; i++ {
		ns, ok := nbrs[int32(i)]
		if !ok {
			continue
		}
		a := Algebraic{Node: int32(i)}
		for _, j := range ns {
			// The link between a node and its parent belongs to the child
			// (j) and has conductance GAxial[j]; the neighbour is whichever
			// end of it is not i.
			other := j
			if int(j) == i {
				other = p.Parent[j]
			}
			a.Nbrs = append(a.Nbrs, Link{Node: other, G: p.GAxial[j]})
		}
		out = append(out, a)
	}
	return out
}
