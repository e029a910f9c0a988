"""A network of point neurons exported by Neurite (neurite export pynn), in PyNN.

It builds the network network.json describes beside it (populations as PyNN
standard cells, Neurite's own connections and initial values from the .npy
files) and runs it:

    python3 run.py [--simulator neuron|nest] [--out results]
    mpiexec -n 4 python3 run.py          # NEURON, distributed over 4 ranks

and writes the spikes into OUT/spikes.csv (neuron_id, t_ms, t_step_ms) and
OUT/populations.csv, as `neurite run --out` writes them, for `neurite open`.
PyNN's NEURON backend needs its own mechanisms compiled once (nrnivmodl in
pyNN/neuron/nmodl; Neurite's `make deps` does it).
"""
import argparse
import csv
import importlib
import json
import math
import os
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--simulator", default="neuron", help="the PyNN backend: neuron (default) or nest")
ap.add_argument("--out", default=os.path.join(here, "results"), help="folder for spikes.csv and populations.csv")
a = ap.parse_args()

sim = importlib.import_module("pyNN." + a.simulator)
with open(os.path.join(here, "network.json")) as f:
    cfg = json.load(f)
dt = cfg["dt"]

delays = [np.load(os.path.join(here, p["file"]))[:, 3] for p in cfg["projections"] if p["synapses"] > 0]
max_delay = max([float(d.max()) for d in delays] + [dt])
# NEURON's parallel fixed step wants every delay longer than dt: under MPI
# a delay of one step (Neurite's shortest) runs as dt*(1 + 1e-6).
min_delay = dt
if a.simulator == "neuron":
    from mpi4py import MPI  # noqa: F401  (PyNN's NEURON backend finds the ranks through it)
    if MPI.COMM_WORLD.Get_size() > 1:
        min_delay = dt * (1 + 1e-6)
sim.setup(timestep=dt, min_delay=min_delay, max_delay=max(max_delay, min_delay), rng_seed=cfg["seed"] or 1)
rank = sim.rank()
start = time.time()

pops = {}
synapse_inits = []  # (synapse, variable, value) of the local cells
for p in cfg["populations"]:
    params = {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in p["params"].items()}
    pop = sim.Population(p["n"], getattr(sim, p["cell"])(**params), label=p["name"])
    for state, name in p.get("init", {}).items():
        values = np.load(os.path.join(here, name))
        pop.initialize(**{state: values})
        if state != "v" and a.simulator == "neuron":
            # PyNN's NEURON cells keep gsyn_exc and the like as initial
            # values but start their synapses at 0: set them after the
            # mechanisms' INITIAL blocks (below).
            syn = "esyn" if state.endswith("exc") else "isyn"
            var = "g" if state.startswith("gsyn") else "i"
            for cell in pop:  # the cells of this rank
                synapse_inits.append((getattr(cell._cell, syn), var, float(values[pop.id_to_index(cell)])))
    for k, d in enumerate(p.get("poisson", [])):
        n = 1 if d["shared"] else p["n"]
        src = sim.Population(n, sim.SpikeSourcePoisson(rate=d["rate"]), label="%s_poisson_%d" % (p["name"], k))
        conn = sim.AllToAllConnector() if d["shared"] else sim.OneToOneConnector()
        sim.Projection(src, pop, conn, sim.StaticSynapse(weight=abs(d["weight"]), delay=min_delay), receptor_type=d["receptor"])
    pop.record("spikes")
    pops[p["name"]] = pop

for p in cfg["projections"]:
    if p["synapses"] == 0:
        continue
    rows = np.load(os.path.join(here, p["file"]))
    conns = [(int(i), int(j), float(w), max(float(d), min_delay)) for i, j, w, d in rows]
    sim.Projection(pops[p["pre"]], pops[p["post"]], sim.FromListConnector(conns, column_names=["weight", "delay"]),
                   sim.StaticSynapse(), receptor_type=p["receptor"], label=p["name"])

if synapse_inits:
    from neuron import h

    def set_synapses():
        for syn, var, value in synapse_inits:
            setattr(syn, var, value)

    init_handler = h.FInitializeHandler(1, set_synapses)

built = time.time()
sim.run(cfg["tstop"])
ran = time.time()

spikes = []
for p in cfg["populations"]:
    block = pops[p["name"]].get_data("spikes", gather=True)
    for train in block.segments[0].spiketrains:
        i = int(train.annotations["source_index"])
        for t in train.magnitude:
            spikes.append((p["first"] + i, float(t)))
if rank == 0:
    os.makedirs(a.out, exist_ok=True)
    spikes.sort(key=lambda s: (s[1], s[0]))
    with open(os.path.join(a.out, "spikes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["neuron_id", "t_ms", "t_step_ms"])
        for i, t in spikes:
            step = math.ceil(t / dt - 1e-9) * dt
            w.writerow([i, repr(t), repr(round(step, 10))])
    with open(os.path.join(a.out, "populations.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["population", "first_id", "size"])
        for p in cfg["populations"]:
            w.writerow([p["name"], p["first"], p["n"]])
    print("RESULT name=pynn_%s ranks=%d neurons=%d spikes=%d build_s=%.2f run_s=%.2f" % (
        cfg["name"], sim.num_processes(), sum(p["n"] for p in cfg["populations"]), len(spikes), built - start, ran - built))
sim.end()
