package mech_test

import (
	"fmt"

	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
)

func ExampleCompile() {
	src := `NEURON {
	SUFFIX kdr
	USEION k READ ek WRITE ik
	RANGE gbar
}
PARAMETER { gbar = 0.01 (S/cm2) }
ASSIGNED { v (mV) ek (mV) ik (mA/cm2) ninf tau (ms) }
STATE { n }
BREAKPOINT {
	SOLVE states METHOD cnexp
	ik = gbar*n^4*(v - ek)
}
INITIAL { rates() n = ninf }
DERIVATIVE states { rates() n' = (ninf - n)/tau }
PROCEDURE rates() {
	ninf = 1/(1 + exp(-(v + 40)/10))
	if (v < -60) { tau = 5 } else { tau = 1 }
}
`
	m, err := nmodl.Parse("kdr.mod", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	k, err := mech.Compile(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Name, k.Method, k.Params[0].Name, k.Params[0].Default, k.Ions)

	// two instances on nodes 0 and 1
	g := k.NewGroup(2)
	c := &mech.Cable{
		Node: []int32{0, 1}, V: []float64{-70, -40}, Celsius: 6.3, Dt: 0.025,
		Ions: map[string]*mech.IonNodes{"k": {E: []float64{-77, -77}, I: make([]float64, 2)}},
	}
	g.Init(c)
	fmt.Printf("n = %.4f %.4f\n", g.State[0][0], g.State[0][1])
	i, di := make([]float64, 2), make([]float64, 2)
	g.Current(c, i, di)
	fmt.Printf("i = %.3e %.3e mA/cm2, di/dv = %.3e %.3e S/cm2\n", i[0], i[1], di[0], di[1])
	// Output:
	// kdr cnexp gbar 0.01 [{k 1 [ek] [ik]}]
	// n = 0.0474 0.5000
	// i = 3.541e-07 2.312e-02 mA/cm2, di/dv = 5.059e-08 6.250e-04 S/cm2
}
