package nmodl_test

import (
	"fmt"

	"neurite/compartments/nmodl"
)

func ExampleParse() {
	src := `NEURON {
	SUFFIX leak
	NONSPECIFIC_CURRENT i
	RANGE g, e
}
PARAMETER { g = 0.001 (S/cm2) e = -70 (mV) }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = g*(v - e) }
`
	m, err := nmodl.Parse("leak.mod", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Kind, m.Name)
	for _, s := range m.Symbols {
		fmt.Println(s)
	}
	_, err = nmodl.Parse("bad.mod", []byte("NEURON { SUFFIX s }\nINITIAL {\n\tVERBATIM x = 1; ENDVERBATIM\n}\n"))
	fmt.Println(err)
	// Output:
	// SUFFIX leak
	// PARAMETER g = 0.001 (S/cm2) RANGE
	// PARAMETER e = -70 (mV) RANGE
	// ASSIGNED v (mV)
	// ASSIGNED i (mA/cm2)
	// bad.mod:3: VERBATIM (C code) is not supported
}
