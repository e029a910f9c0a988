#!/usr/bin/python3
"""The peer of `neurite bench sweep --compare`: the runs of an F-I curve in
Brian2. N uncoupled Hodgkin-Huxley neurons (NEURON's hh.mod at 6.3 C, as
Neurite's built-in hh: gnabar 120, gkbar 36, gl 0.3 mS/cm2, ena 50, ek -77,
el -54.3 mV, C 1 uF/cm2), neuron i driven by I_i = FROM + (TO - FROM) i/(N - 1)
uA/cm2, from v = -65 mV with the gates at their steady state, integrated with
RK4 at dt = 0.01 ms for TSTOP ms. A spike is an upward crossing of 0 mV.

usage: brian_fi.py N TSTOP [--from A] [--to B] [--mode runtime|cpp_standalone] [--threads K]
prints: RESULT name=brian2_sweep_hh instances=N wall_s=... rate=... spikes=...
(rate in neuron-steps per second; code generation and compilation are not
timed: runtime mode runs 0 ms first, cpp_standalone reports the binary's own
run time.)
"""
import argparse
import os
import shutil
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("tstop", type=float)
ap.add_argument("--from", dest="lo", type=float, default=0.0)
ap.add_argument("--to", dest="hi", type=float, default=20.0)
ap.add_argument("--mode", default="runtime", choices=["runtime", "cpp_standalone"])
ap.add_argument("--threads", type=int, default=0)
a = ap.parse_args()

import numpy as np  # noqa: E402
from brian2 import (NeuronGroup, SpikeMonitor, defaultclock, device, ms,  # noqa: E402
                    prefs, run, set_device)

builddir = None
if a.mode == "cpp_standalone":
    builddir = tempfile.mkdtemp(prefix="neurite_brian_fi_")
    set_device("cpp_standalone", directory=builddir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = a.threads
else:
    try:
        import Cython  # noqa: F401
        prefs.codegen.target = "cython"
    except ImportError:
        prefs.codegen.target = "numpy"

defaultclock.dt = 0.01 * ms
# Units: mV, ms, uA/cm2, mS/cm2, uF/cm2, written dimensionless with time in ms.
eqs = """
dv/dt = (I - 120*m**3*h*(v - 50) - 36*n**4*(v + 77) - 0.3*(v + 54.3)) / ms : 1
dm/dt = (am*(1 - m) - bm*m) / ms : 1
dh/dt = (ah*(1 - h) - bh*h) / ms : 1
dn/dt = (an*(1 - n) - bn*n) / ms : 1
am = 1/exprel(-(v + 40)/10) : 1
bm = 4*exp(-(v + 65)/18) : 1
ah = 0.07*exp(-(v + 65)/20) : 1
bh = 1/(exp(-(v + 35)/10) + 1) : 1
an = 0.1/exprel(-(v + 55)/10) : 1
bn = 0.125*exp(-(v + 65)/80) : 1
I : 1 (constant)
"""
g = NeuronGroup(a.n, eqs, threshold="v > 0", refractory="v > 0", method="rk4")


def steady(alpha, beta):
    return alpha / (alpha + beta)


v0 = -65.0
g.v = v0
g.m = steady(1 / np.expm1(2.5) * 2.5, 4 * np.exp(0.0))
g.h = steady(0.07, 1 / (np.exp(3.0) + 1))
g.n = steady(0.1 / np.expm1(1.0), 0.125)
g.I = a.lo + (a.hi - a.lo) * np.arange(a.n) / max(1, a.n - 1)
spikes = SpikeMonitor(g, record=False)

if a.mode == "cpp_standalone":
    run(a.tstop * ms)
    device.build(directory=builddir, compile=True, run=True)
    wall = device._last_run_time
else:
    run(0 * ms)
    start = time.perf_counter()
    run(a.tstop * ms)
    wall = time.perf_counter() - start
count = int(spikes.num_spikes)
if builddir:
    shutil.rmtree(builddir, ignore_errors=True)
steps = a.n * round(a.tstop / 0.01)
print(f"RESULT name=brian2_sweep_hh instances={a.n} wall_s={wall:.4f} rate={steps / wall:.4e} spikes={count} target={prefs.codegen.target if a.mode == 'runtime' else 'cpp_standalone'}")
