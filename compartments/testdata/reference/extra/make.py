#!/usr/bin/python3
"""Extra NEURON references for Neurite, made beside the shared cases:

1. hh at 18.5 degC (hh.mod's Q10 of 3: rates x 3.76): the hh_single cell
   (area 1000 um^2, IClamp 0.25 nA from 10 to 110 ms), backward Euler
   -> celsius_traces.csv, celsius_spikes.csv
2. Crank-Nicolson (h.secondorder = 2) on the same cell at 6.3 degC with
   0.15 nA (the hh_single stimulus) -> cn_hh_traces.csv, cn_hh_spikes.csv
3. Crank-Nicolson on the ball_and_stick case (same model as
   ../ball_and_stick/make.py) -> cn_bs_traces.csv, cn_bs_spikes.csv

Rate tables off (usetable_hh = 0), dt = 0.025 ms, v_init = -65 mV.
Run with:  /usr/bin/python3 make.py      (NEURON 8.2.2, Debian package)
"""
import csv, math, os
import numpy as np
from neuron import h

HERE = os.path.dirname(os.path.abspath(__file__))
h.load_file("stdrun.hoc")
DT = 0.025


def crossings(t, v, thr=0.0):
    idx = np.where((v[:-1] < thr) & (v[1:] >= thr))[0]
    return t[idx] + (thr - v[idx]) * (t[idx + 1] - t[idx]) / (v[idx + 1] - v[idx])


def run(tstop, secondorder, recs):
    h.usetable_hh = 0
    h.cvode_active(0)
    h.secondorder = secondorder
    h.dt = DT
    h.steps_per_ms = 1.0 / DT
    t = h.Vector().record(h._ref_t)
    vecs = [h.Vector().record(r) for r in recs]
    h.finitialize(-65.0)
    h.continuerun(tstop)
    return np.array(t), [np.array(v) for v in vecs]


def write(name, header, t, cols, spikes):
    with open(os.path.join(HERE, name + "_traces.csv"), "w") as f:
        f.write(",".join(["t_ms"] + header) + "\n")
        for k in range(0, len(t), 4):
            f.write("%.4f," % t[k] + ",".join("%.8f" % c[k] for c in cols) + "\n")
    with open(os.path.join(HERE, name + "_spikes.csv"), "w") as f:
        f.write("neuron_id,t_ms\n")
        for s in spikes:
            f.write("0,%.6f\n" % s)
    print(name, "spikes:", np.round(spikes, 4))


def hh_cell(celsius, amp):
    h.celsius = celsius
    d = math.sqrt(1000.0 / math.pi)
    soma = h.Section(name="soma")
    soma.L = soma.diam = d
    soma.nseg, soma.Ra, soma.cm = 1, 35.4, 1.0
    soma.insert("hh")
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 10.0, 100.0, amp
    return soma, stim


def main():
    soma, stim = hh_cell(18.5, 0.25)
    t, (v, m, hh_h, n) = run(150.0, 0, [soma(0.5)._ref_v, soma(0.5).hh._ref_m, soma(0.5).hh._ref_h, soma(0.5).hh._ref_n])
    write("celsius", ["v_mV", "m", "h", "n"], t, [v, m, hh_h, n], crossings(t, v))
    del soma, stim

    soma, stim = hh_cell(6.3, 0.15)
    t, (v,) = run(150.0, 2, [soma(0.5)._ref_v])
    write("cn_hh", ["v_mV"], t, [v], crossings(t, v))
    del soma, stim

    h.celsius = 6.3
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20.0
    soma.nseg, soma.Ra, soma.cm = 1, 100.0, 1.0
    soma.insert("hh")
    dend = h.Section(name="dend")
    dend.L, dend.diam, dend.nseg, dend.Ra, dend.cm = 400.0, 1.0, 81, 100.0, 1.0
    dend.insert("pas")
    for seg in dend:
        seg.pas.g, seg.pas.e = 1e-4, -65.0
    dend.connect(soma(1), 0)
    syns = {}
    for name, kind, x, p in (("exc_d09", "ExpSyn", 0.9, dict(tau=2, e=0)),
                             ("exc2_d07", "Exp2Syn", 0.7, dict(tau1=0.5, tau2=4, e=0)),
                             ("inh_d03", "ExpSyn", 0.3, dict(tau=8, e=-80))):
        s = getattr(h, kind)(dend(x))
        for k, val in p.items():
            setattr(s, k, val)
        syns[name] = s
    weights = {"exc_d09": 0.004, "exc2_d07": 0.004, "inh_d03": 0.01}
    inputs = list(csv.DictReader(open(os.path.join(HERE, "..", "ball_and_stick", "inputs.csv"))))
    ncs = {k: h.NetCon(None, s) for k, s in syns.items()}
    for k, nc in ncs.items():
        nc.weight[0] = weights[k]

    def queue():
        for r in inputs:
            ncs[r["synapse"]].event(float(r["t_ms"]))
    fih = h.FInitializeHandler(queue)
    t, (vs, vd) = run(200.0, 2, [soma(0.5)._ref_v, dend(0.9)._ref_v])
    write("cn_bs", ["v_soma_mV", "v_dend0.9_mV"], t, [vs, vd], crossings(t, vs))


if __name__ == "__main__":
    main()
