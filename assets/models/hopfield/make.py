#!/usr/bin/python3
"""Writes the stored patterns and the Hebbian weights of ../hopfield.toml and
../hopfield_overload.toml, and prints the neurons the cue drives (the
neurons = [...] of their [[input]] cue). Reproducible: fixed seeds of
Python's own generator. Run from this folder.

Hopfield's field h_i = sum_j w_ij sigma_j, with w_ij = (1/N) sum_mu
xi_i^mu xi_j^mu and sigma_j = +1 or -1, becomes for spiking neurons whose
activity s_j is 1 (firing) or 0 (silent) h_i = sum_j 2 w_ij s_j - sum_j w_ij:
a weight 2 w_ij and a bias -sum_j w_ij. As currents scaled by C (nA): a
spike of neuron j adds 2 C w_ij / A to an exponential current of 10 ms
(A = rate * 10 ms of a firing neuron, about 2 here), and neuron i receives
the constant current -C sum_j w_ij.

patterns.csv: one row per pattern, one column per neuron (x0, x1, ...), +1 or -1.
weights_LOW.csv, weights_HIGH.csv: pre,post,weight (nA), pairs of zero
weight left out, storing the first LOW and the first HIGH patterns (0.05 N
and 0.3 N; the capacity is about 0.138 N). bias.csv: columns I_LOW and
I_HIGH (nA). The cue is pattern 0 with FLIPS of its N entries flipped."""
import random

N, LOW, HIGH, FLIPS = 100, 5, 30, 20
C, A = 0.2, 2.0
rng = random.Random(2000)
patterns = [[rng.choice((-1, 1)) for _ in range(N)] for _ in range(HIGH)]
with open("patterns.csv", "w") as f:
    f.write(",".join("x%d" % i for i in range(N)) + "\n")
    for p in patterns:
        f.write(",".join(str(x) for x in p) + "\n")
bias = {}
for count in (LOW, HIGH):
    w = [[0 if i == j else sum(p[i] * p[j] for p in patterns[:count]) / N for j in range(N)] for i in range(N)]
    bias[count] = [-C * sum(row) for row in w]
    with open("weights_%d.csv" % count, "w") as f:
        f.write("pre,post,weight\n")
        for j in range(N):
            for i in range(N):
                if w[i][j] != 0:
                    f.write("%d,%d,%.6g\n" % (j, i, 2 * C * w[i][j] / A))
with open("bias.csv", "w") as f:
    f.write("I_%d,I_%d\n" % (LOW, HIGH))
    for i in range(N):
        f.write("%.6g,%.6g\n" % (bias[LOW][i], bias[HIGH][i]))
cue = list(patterns[0])
for i in random.Random(1).sample(range(N), FLIPS):
    cue[i] = -cue[i]
print("neurons = %s" % [i for i in range(N) if cue[i] > 0])
