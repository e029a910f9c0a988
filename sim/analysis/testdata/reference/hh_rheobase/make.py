#!/usr/bin/python3
"""hh_rheobase: thresholds of NEURON's hh for long current steps.

One hh compartment of 100 um^2 (L = diam = sqrt(100/pi) um), so that
1 nA = 1000 uA/cm2, NEURON's defaults (gnabar 0.12, gkbar 0.036, gl 0.0003,
el -54.3, ena 50, ek -77), celsius 6.3, rate tables off, v_init -65 mV.
A step of density I (uA/cm2) from 0 to 500 ms. Bisection (to 1e-4 uA/cm2)
on I for:
  single     the smallest I that gives at least one spike (0 mV upward crossing)
  repetitive the smallest I that gives at least 5 spikes (tonic firing)
at dt = 0.025, 0.0125 and 0.003125 ms (backward Euler), to show the
scheme's effect. Writes rheobase.csv.
Run with /usr/bin/python3 make.py (NEURON 8.2.2).
"""
import math, os
from neuron import h

HERE = os.path.dirname(os.path.abspath(__file__))
h.load_file("stdrun.hoc")
h.usetable_hh = 0
h.celsius = 6.3
soma = h.Section(name="soma")
soma.L = soma.diam = math.sqrt(100.0 / math.pi)
soma.nseg = 1
soma.insert("hh")
stim = h.IClamp(soma(0.5))
stim.delay, stim.dur = 0.0, 1e9
nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
nc.threshold = 0.0
times = h.Vector()
nc.record(times)


def spikes(I, dt):
    stim.amp = I * 1e-3          # uA/cm2 over 100 um^2 = 1e-6 cm2 -> nA
    h.cvode_active(0)
    h.secondorder = 0
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.finitialize(-65.0)
    h.continuerun(500.0)
    return len(times)


def threshold(count, dt, lo=0.0, hi=20.0):
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        if spikes(mid, dt) >= count:
            hi = mid
        else:
            lo = mid
    return hi


with open(os.path.join(HERE, "rheobase.csv"), "w") as f:
    f.write("dt_ms,single_uA_cm2,repetitive_uA_cm2\n")
    for dt in (0.025, 0.0125, 0.003125):
        s, r = threshold(1, dt), threshold(5, dt)
        f.write("%g,%.4f,%.4f\n" % (dt, s, r))
        print(dt, s, r)
