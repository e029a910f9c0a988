#!/usr/bin/python3
"""Seed-to-seed statistics of Brian2's COBA network (Vogels & Abbott 2005,
Brette et al. 2007 benchmark 1), the model of ../../../../../shared/peers/brian_coba.py
(4000 LIF, 3200 E / 800 I, p = 0.02, conductance-based exponential synapses,
Euler, dt = 0.1 ms) with one change: every synapse has a delay of dt = 0.1 ms,
Neurite's (and NEST's) shortest delay.

For each seed it runs 1 s (numpy code generation, float64) and writes
stats.csv: seed, spikes, mean rate (Hz), mean CV of the ISIs (neurons with at
least 3 spikes; population standard deviation, as numpy's std), and the
fraction of neurons with >= 3 spikes. case.md says how a test uses it.
usage: make.py [SEEDS]  (default 8)"""
import sys
import numpy as np
from brian2 import *  # noqa

prefs.codegen.target = "numpy"
seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
rows = []
for s in range(1, seeds + 1):
    start_scope()
    seed(s)
    np.random.seed(s)
    defaultclock.dt = 0.1 * ms
    N, NE = 4000, 3200
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El, Ee, Ei = -50 * mV, -60 * mV, -60 * mV, 0 * mV, -80 * mV
    we, wi = 6.0 / 10.0, 67.0 / 10.0
    eqs = """
    dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : 1
    dgi/dt = -gi / taui : 1
    """
    P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="euler")
    P.v = "El + (5*randn() - 5)*mV"
    P.ge = "1.5*randn() + 4"
    P.gi = "12*randn() + 20"
    Ce = Synapses(P[:NE], P, on_pre="ge += we", delay=0.1 * ms)
    Ci = Synapses(P[NE:], P, on_pre="gi += wi", delay=0.1 * ms)
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    sm = SpikeMonitor(P)
    run(1 * second)
    trains = sm.spike_trains()
    cvs = []
    for i in range(N):
        t = np.asarray(trains[i] / ms)
        if len(t) >= 3:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    rows.append((s, sm.num_spikes, sm.num_spikes / N, np.mean(cvs), len(cvs) / N))
    print("seed %d: %d spikes, %.2f Hz, CV %.3f" % rows[-1][:4], flush=True)

with open("stats.csv", "w") as f:
    f.write("seed,spikes,rate_hz,cv_isi,active_fraction\n")
    for r in rows:
        f.write("%d,%d,%.4f,%.4f,%.4f\n" % r)
