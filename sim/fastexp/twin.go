package fastexp

// Twin holds Exp's constants and table, for its twins on other devices
// (gpu/sweep writes the GPU's in GLSL): each is the float64 Exp uses.
type Twin struct {
	InvLn2N, Ln2HiN, Ln2LoN, Shifter float64
	MinArg, MaxArg                   float64
	Poly                             [4]float64 // 1/720, 1/120, 1/24, 1/6: the polynomial's coefficients after ½
	Table                            [tableSize]uint64
	TableBits                        int
}

// Constants returns Exp's constants and table.
func Constants() Twin {
	return Twin{InvLn2N: invLn2N, Ln2HiN: ln2HiN, Ln2LoN: ln2LoN, Shifter: shifter, MinArg: minArg, MaxArg: maxArg,
		Poly: [4]float64{1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6}, Table: table, TableBits: tableBits}
}
