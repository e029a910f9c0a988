#!/usr/bin/python3
"""Writes the initial synaptic conductances of ../coba.toml as input spikes at
t = 0: ge = 1.5·N(0,1) + 4 and gi = 12·N(0,1) + 20 in units of the leak
conductance g_L = 0.01 µS, as ../shared/peers/brian_coba.py draws them.
Reproducible: a fixed seed of Python's own generator. Run from this folder."""
import random

G_L = 0.01  # µS
rng = random.Random(12345)
for pop, n in (("E", 3200), ("I", 800)):
    for name, mean, sd in (("ge", 4, 1.5), ("gi", 20, 12)):
        with open("%s_%s.csv" % (name, pop), "w") as f:
            f.write("neuron,t_ms,weight\n")
            for i in range(n):
                f.write("%d,0,%.6g\n" % (i, G_L * (sd * rng.gauss(0, 1) + mean)))
