TITLE hh.mod   squid sodium, potassium, and leak channels

COMMENT
NEURON 8.2's hh.mod, the Hodgkin-Huxley channels of the squid giant axon
(Hodgkin and Huxley 1952) with rates scaled by Q10 = 3 from 6.3 degC,
written again here from its documented equations: the rates in mV and
ms, vtrap guarding the removable singularities of the two activations.
Neurite runs the built-in hh with a kernel of its own (compartments,
gpu/cable); this file is that kernel's definition as an ordinary NMODL
mechanism, which the generic path (compartments/mech) runs to check it.
ENDCOMMENT

UNITS {
	(mA) = (milliamp)
	(mV) = (millivolt)
	(S) = (siemens)
}

NEURON {
	SUFFIX hh
	USEION na READ ena WRITE ina
	USEION k READ ek WRITE ik
	NONSPECIFIC_CURRENT il
	RANGE gnabar, gkbar, gl, el, gna, gk
	GLOBAL minf, hinf, ninf, mtau, htau, ntau
	THREADSAFE
}

PARAMETER {
	gnabar = .12 (S/cm2) <0,1e9>
	gkbar = .036 (S/cm2) <0,1e9>
	gl = .0003 (S/cm2) <0,1e9>
	el = -54.3 (mV)
}

STATE {
	m h n
}

ASSIGNED {
	v (mV)
	celsius (degC)
	ena (mV)
	ek (mV)
	gna (S/cm2)
	gk (S/cm2)
	ina (mA/cm2)
	ik (mA/cm2)
	il (mA/cm2)
	minf hinf ninf
	mtau (ms) htau (ms) ntau (ms)
}

BREAKPOINT {
	SOLVE states METHOD cnexp
	gna = gnabar*m*m*m*h
	ina = gna*(v - ena)
	gk = gkbar*n*n*n*n
	ik = gk*(v - ek)
	il = gl*(v - el)
}

INITIAL {
	rates(v)
	m = minf
	h = hinf
	n = ninf
}

DERIVATIVE states {
	rates(v)
	m' = (minf-m)/mtau
	h' = (hinf-h)/htau
	n' = (ninf-n)/ntau
}

PROCEDURE rates(v(mV)) {
	LOCAL alpha, beta, sum, q10
	TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius FROM -100 TO 100 WITH 200
UNITSOFF
	q10 = 3^((celsius - 6.3)/10)
	: m, sodium activation
	alpha = .1 * vtrap(-(v+40), 10)
	beta = 4 * exp(-(v+65)/18)
	sum = alpha + beta
	mtau = 1/(q10*sum)
	minf = alpha/sum
	: h, sodium inactivation
	alpha = .07 * exp(-(v+65)/20)
	beta = 1 / (exp(-(v+35)/10) + 1)
	sum = alpha + beta
	htau = 1/(q10*sum)
	hinf = alpha/sum
	: n, potassium activation
	alpha = .01*vtrap(-(v+55), 10)
	beta = .125*exp(-(v+65)/80)
	sum = alpha + beta
	ntau = 1/(q10*sum)
	ninf = alpha/sum
}

FUNCTION vtrap(x, y) {
	: x/(exp(x/y) - 1), and its limit near x = 0
	if (fabs(x/y) < 1e-6) {
		vtrap = y*(1 - x/y/2)
	} else {
		vtrap = x/(exp(x/y) - 1)
	}
}
UNITSON
