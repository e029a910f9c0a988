TITLE pas.mod   passive membrane channel

COMMENT
NEURON's pas, a leak of constant conductance g reversing at e, written
as an ordinary NMODL mechanism. Neurite folds the built-in pas into the
constant part of the cable system (compartments.Lower); this file is its
definition for the generic path (compartments/mech).
ENDCOMMENT

UNITS {
	(mV) = (millivolt)
	(mA) = (milliamp)
	(S) = (siemens)
}

NEURON {
	SUFFIX pas
	NONSPECIFIC_CURRENT i
	RANGE g, e
	THREADSAFE
}

PARAMETER {
	g = .001 (S/cm2) <0,1e9>
	e = -70 (mV)
}

ASSIGNED {
	v (mV)
	i (mA/cm2)
}

BREAKPOINT {
	i = g*(v - e)
}
