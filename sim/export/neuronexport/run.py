#!/usr/bin/env python3
"""A Neurite model exported for NEURON 8.2 (neurite export neuron).

This folder holds the whole model: model.json (cells: sections, geometry,
nseg, Ra, cm, mechanisms, ions, synapses, clamps, point processes, spike
detectors, probes), events.csv (input spike times onto synapses, exactly
those Neurite drew), connections.csv (NetCons between cells: source and
target gids, synapse, weight, delay) and mod/ (the model's .mod files, if
any).

Run it:
    python3 run.py --nrnivmodl        # once, only if mod/ exists: compiles mod/
    python3 run.py [--out DIR]        # one process
    mpiexec -n K nrniv -mpi -python run.py [--out DIR]   # K ranks
The cells are dealt round-robin to the ranks (gid % K). Results go to DIR
(default: results/ beside this file) in Neurite's formats: traces.csv
(t_ms and a column per probe) and spikes.csv (cell or neuron_id, t_ms
interpolated at the threshold crossing, t_step_ms the end of the step, as
NEURON's NetCon reports it). Open them with neurite, or compare them with
neurite run MODEL --out DIR.
"""
import csv
import json
from array import array
from decimal import Decimal
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__ if "__file__" in globals() else sys.argv[0]))
LIB = os.path.join(HERE, "x86_64", ".libs", "libnrnmech.so")


def nrnivmodl():
    """Compile mod/ here. Debian's neuron 8.2 package needs two fixes: its
    nrnivmodl looks for nrnmech_makefile beside itself (NRNHOME_EXEC) and
    links against /usr/lib/nrn, where libnrniv.so lives."""
    env = dict(os.environ, LC_ALL="C")
    r = subprocess.run(["nrnivmodl", "mod"], cwd=HERE, env=env, capture_output=True, text=True)
    if not os.path.exists(LIB) and os.path.exists("/usr/lib/nrn/nrnmech_makefile"):
        fix = os.path.join(HERE, "nrnexec", "bin")
        os.makedirs(fix, exist_ok=True)
        link = os.path.join(fix, "nrnmech_makefile")
        if not os.path.lexists(link):
            os.symlink("/usr/lib/nrn/nrnmech_makefile", link)
        env["NRNHOME_EXEC"] = os.path.join(HERE, "nrnexec")
        shutil.rmtree(os.path.join(HERE, "x86_64"), ignore_errors=True)
        r = subprocess.run(["nrnivmodl", "-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn", "mod"],
                           cwd=HERE, env=env, capture_output=True, text=True)
    if not os.path.exists(LIB):
        sys.exit("nrnivmodl failed:\n" + r.stdout[-3000:] + r.stderr[-3000:])
    print("compiled mod/ into", LIB)


def option(name, default):
    """--name VALUE or --name=VALUE from the command line."""
    args = sys.argv[1:]
    for k, a in enumerate(args):
        if a == name and k + 1 < len(args):
            return args[k + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1:]
    return default


if "--nrnivmodl" in sys.argv[1:]:
    nrnivmodl()
    sys.exit(0)

from neuron import h  # noqa: E402  (after --nrnivmodl, which needs no NEURON)

h.load_file("stdrun.hoc")
with open(os.path.join(HERE, "model.json")) as f:
    M = json.load(f)
OUT = os.path.abspath(option("--out", os.path.join(HERE, "results")))
pc = h.ParallelContext()
RANK, NHOST = int(pc.id()), int(pc.nhost())


def known(name):
    """Whether NEURON has a mechanism of that name (density or point)."""
    for kind in (0, 1):
        mt = h.MechanismType(kind)
        s = h.ref("")
        for i in range(int(mt.count())):
            mt.select(i)
            mt.selected(s)
            if s[0] == name:
                return True
    return False


def load_mechanisms():
    missing = [m for m in M["mechanisms"] if not known(m)]
    if missing and os.path.exists(LIB):
        h.nrn_load_dll(LIB)
        missing = [m for m in M["mechanisms"] if not known(m)]
    if missing:
        if RANK == 0:
            print("NEURON lacks the mechanisms %s: compile mod/ first with\n    python3 %s --nrnivmodl"
                  % (", ".join(missing), os.path.join(HERE, "run.py")), file=sys.stderr)
        sys.exit(1)


def set_ion(sec, ion, st):
    """Set an ion in a section as the model does: per-section initial
    concentrations (so finitialize must not reset them from the globals
    <ion>i0_<ion>_ion: cinit off), e fixed or following Nernst (einit and
    eadvance), the segments' values."""
    name = ion + "_ion"
    if not h.ismembrane(name, sec=sec):
        return  # no mechanism here uses the ion: it acts on nothing
    style = int(h.ion_style(name, sec=sec))
    c, e, einit, eadvance, cinit = style & 3, (style >> 2) & 3, (style >> 4) & 1, (style >> 5) & 1, (style >> 6) & 1
    if "ci" in st or "co" in st:
        cinit = 0
    if "nernst" in st:
        e, einit, eadvance = (2, 1, 1) if st["nernst"] else (1, 0, 0)
    h.ion_style(name, c, e, einit, eadvance, cinit, sec=sec)
    for seg in sec:
        for key, var in (("e", "e" + ion), ("ci", ion + "i"), ("co", ion + "o")):
            if key in st:
                setattr(seg, var, st[key])


class Cell:
    """One cell of the model: its sections (by index, as model.json lists
    them), synapses, clamps, point processes and spike detector."""

    def __init__(self, gid, spec):
        self.gid = gid
        self.secs = []
        for s in M["types"][spec["type"]]:
            sec = h.Section(name="%s.%s" % (gid, s["name"]))
            if "pt3d" in s:
                for x, y, z, d in s["pt3d"]:
                    h.pt3dadd(x, y, z, d, sec=sec)
            sec.nseg = s["nseg"]
            if "L" in s:
                sec.L, sec.diam = s["L"], s["diam"]
            sec.Ra, sec.cm = s["Ra"], s["cm"]
            if s["parent"] >= 0:
                sec.connect(self.secs[s["parent"]](s["parent_x"]), 0)
            for mech, params in s["mechanisms"].items():
                sec.insert(mech)
                for seg in sec:
                    for name, value in params.items():
                        setattr(seg, "%s_%s" % (name, mech), value)
            for ion, st in s.get("ions", {}).items():
                set_ion(sec, ion, st)
            self.secs.append(sec)
        self.syns = []
        for s in spec.get("syns", []):
            syn = getattr(h, s["kind"])(self.at(s))
            for k, v in s["set"].items():
                setattr(syn, k, v)
            self.syns.append(syn)
        self.iclamps = []
        for s in spec.get("iclamps", []):
            ic = h.IClamp(self.at(s))
            ic.delay, ic.dur, ic.amp = s["delay"], s["dur"], s["amp"]
            self.iclamps.append(ic)
        self.points = []
        for s in spec.get("points", []):
            pp = getattr(h, s["mech"])(self.at(s))
            for k, v in s["set"].items():
                setattr(pp, k, v)
            self.points.append(pp)
        self.netcons = []  # NetCons from event lists: (NetCon, times)
        for s in spec.get("netcons", []):
            nc = h.NetCon(None, self.points[s["point"]])
            for k, a in enumerate(s["args"]):
                nc.weight[k] = a
            nc.delay = 0
            self.netcons.append((nc, s["events"]))
        self.detector = None
        det = spec.get("detector")
        if det is not None:
            sec = self.secs[det["sec"]]
            self.detector = h.NetCon(sec(det["x"])._ref_v, None, sec=sec)
            self.detector.threshold = det["threshold"]
            # Neurite interpolates each crossing between the steps that
            # bracket it: the detector's v is kept at every step.
            self.vdet = h.Vector().record(sec(det["x"])._ref_v)

    def at(self, s):
        return self.secs[s["sec"]](s["x"])

    def ref(self, p):
        """The pointer a probe records."""
        if p["on"] == "seg":
            return getattr(self.at(p), "_ref_" + p["ref"])
        obj = {"syn": self.syns, "iclamp": self.iclamps, "point": self.points}[p["on"]][p["index"]]
        return getattr(obj, "_ref_" + p["ref"])


def read_csv(name):
    with open(os.path.join(HERE, name)) as f:
        return list(csv.DictReader(f))


def build():
    """This rank's cells, their inputs and their incoming connections."""
    cells = {}
    for gid, spec in enumerate(M["cells"]):
        if gid % NHOST != RANK:
            continue
        c = Cell(gid, spec)
        cells[gid] = c
        pc.set_gid2node(gid, RANK)
        if c.detector is None:
            # a cell without a detector of its own still has a gid; its
            # output is never connected.
            continue
        pc.cell(gid, c.detector)
    # Input events: a NetCon without a source per synapse and weight.
    inputs = {}
    for row in read_csv(M["events_file"]):
        gid = int(row["gid"])
        if gid not in cells:
            continue
        key = (gid, int(row["syn"]), float(row["weight"]))
        inputs.setdefault(key, []).append(float(row["t_ms"]))
    sources = []
    for (gid, syn, w), times in inputs.items():
        nc = h.NetCon(None, cells[gid].syns[syn])
        nc.weight[0], nc.delay = w, 0
        sources.append((nc, times))
    for c in cells.values():
        sources.extend(c.netcons)
    links = []
    for row in read_csv(M["connections_file"]):
        target = int(row["target"])
        if target not in cells:
            continue
        nc = pc.gid_connect(int(row["source"]), cells[target].syns[int(row["syn"])])
        nc.weight[0], nc.delay = float(row["weight"]), float(row["delay"])
        links.append(nc)
    return cells, sources, links


def crossings(v, threshold, dt, grid):
    """Upward crossings of v (sampled every step): (interpolated time, end
    of the step), armed as Neurite's detector is."""
    out = []
    above = v[0] >= threshold
    for k in range(1, len(v)):
        if not above and v[k] >= threshold:
            t = (k - 1) * dt
            out.append((t + dt * (threshold - v[k - 1]) / (v[k] - v[k - 1]), grid(k)))
            above = True
        elif above and v[k] < threshold:
            above = False
    return out


def num(x):
    """x as Neurite (Go's strconv 'g', shortest) writes it: 0, -65, 0.1,
    1e-05, 1e+06."""
    r = repr(float(x))
    if r in ("inf", "-inf", "nan"):
        return {"inf": "+Inf", "-inf": "-Inf", "nan": "NaN"}[r]
    neg, digits, exp = Decimal(r).as_tuple()
    sign = "-" if neg else ""
    digits = "".join(map(str, digits)).lstrip("0")
    while digits.endswith("0"):
        digits, exp = digits[:-1], exp + 1
    if not digits:
        return sign + "0"
    point = len(digits) + exp  # the decimal point's place after the first digit
    e = point - 1
    if e < -4 or e >= 6:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, m, "-" if e < 0 else "+", abs(e))
    if point <= 0:
        return sign + "0." + "0" * -point + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


def num32(x):
    """x rounded to float32, written as Neurite writes snapshots: the
    shortest text that reads back as the same float32."""
    f = struct.unpack("<f", struct.pack("<f", x))[0]
    if f != f or f in (float("inf"), float("-inf")):
        return num(f)
    for p in range(1, 10):
        s = "%.*g" % (p, f)
        if struct.unpack("<f", struct.pack("<f", float(s)))[0] == f:
            return num(float(s))
    return num(f)


def write_npy(name, descr, rows):
    """An NPY file of rows (a list of lists of numbers): descr <f8 or <f4."""
    path = os.path.join(OUT, name)
    cols = len(rows[0]) if rows else 0
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (descr, len(rows), cols)
    header += " " * ((-(10 + len(header) + 1)) % 64) + "\n"
    data = array("d" if descr == "<f8" else "f", (x for r in rows for x in r))
    if sys.byteorder == "big":
        data.byteswap()
    with open(path + ".part", "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(data.tobytes())
    os.replace(path + ".part", path)


def write_csv(name, header, rows):
    """Write a results file under a temporary name, then rename it."""
    path = os.path.join(OUT, name)
    tmp = path + ".part"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def write_snapshots(snaps, grid):
    """snapshots.csv and .npy (float32), snapshot_times.npy and segments.csv,
    as Neurite writes them for a cell."""
    nan = float("nan")
    steps = M["snapshots"]["steps"]
    values = [list(v) if v is not None else None for v in snaps]
    rows = [[values[j][k] if values[j] is not None else nan for j in range(len(values))] for k in steps]
    times = [grid(k) for k in steps]
    write_csv("snapshots.csv", ["t_ms"] + [s["name"] for s in M["snapshots"]["segments"]],
              [[num(t)] + [num32(x) for x in r] for t, r in zip(times, rows)])
    write_npy("snapshots.npy", "<f4", rows)
    write_npy("snapshot_times.npy", "<f8", [[t] for t in times])
    shutil.copyfile(os.path.join(HERE, "segments.csv"), os.path.join(OUT, "segments.csv"))


def write_network(spikes):
    """populations.csv and, where the model records rates, rates.csv: each
    population's rate (Hz per neuron) in the bins the run completed,
    counting every spike, as Neurite does."""
    pops = M["populations"]
    write_csv("populations.csv", ["population", "first_id", "size"],
              [[p["name"], p["first"], p["size"]] for p in pops])
    width = M["rate_bin"]
    if not width:
        return
    bins = 0
    while (bins + 1) * width <= M["tstop"] + 1e-9:
        bins += 1
    counts = [[0] * bins for _ in pops]
    for t, _, gid in spikes:
        for p, pop in enumerate(pops):
            k = int(t / width)
            if pop["first"] <= gid < pop["first"] + pop["size"] and k < bins:
                counts[p][k] += 1
    write_csv("rates.csv", ["t_ms"] + [p["name"] + "_hz" for p in pops],
              [[num(k * width)] + ["%.6g" % (counts[p][k] / pop["size"] / width * 1000) for p, pop in enumerate(pops)]
               for k in range(bins)])


def main():
    load_mechanisms()
    h.celsius = M["celsius"]
    h.usetable_hh = 0  # Neurite computes hh's rates exactly, without tables
    for name, value in M["globals"].items():
        setattr(h, name, value)
    cells, sources, links = build()
    probes = []
    for k, p in enumerate(M["probes"]):
        if p["gid"] in cells:
            probes.append((k, h.Vector().record(cells[p["gid"]].ref(p))))
    # A cell's snapshots: its quantity at every segment, kept at every step
    # and sampled at the snapshot steps (None where the segment has none).
    snaps = []
    if M["snapshots"] and 0 in cells:
        for seg in M["snapshots"]["segments"]:
            if seg["ref"]:
                snaps.append(h.Vector().record(getattr(cells[0].at(seg), "_ref_" + seg["ref"])))
            else:
                snaps.append(None)

    def queue():
        for nc, times in sources:
            for t in times:
                nc.event(t)
    fih = h.FInitializeHandler(queue)
    h.cvode_active(0)
    h.secondorder = M["secondorder"]
    dt = M["dt"]
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.tstop = M["tstop"]
    pc.set_maxstep(10)
    h.finitialize(M["v_init"])
    pc.psolve(M["tstop"])
    del fih

    decimals = len(repr(dt).split(".")[1]) if "." in repr(dt) else 0

    def grid(k):
        return round(k * dt, decimals)

    every = M["record_every"]
    traces = {k: list(v)[::every] for k, v in probes}
    spikes = []
    for gid, c in cells.items():
        if c.detector is not None:
            spikes += [(t, step, gid) for t, step in crossings(list(c.vdet), c.detector.threshold, dt, grid)]
    gathered = pc.py_gather((traces, spikes), 0)
    if RANK == 0:
        os.makedirs(OUT, exist_ok=True)
        traces, every_spike = {}, []
        for tr, sp in gathered:
            traces.update(tr)
            every_spike += sp
        spiking = set(M["spike_gids"])
        spikes = [s for s in every_spike if s[2] in spiking]
        # a row at 0 and every `every` steps to tstop, as Neurite samples
        n = int(round(M["tstop"] / dt)) // every + 1
        names = [p["name"] for p in M["probes"]]
        short = [names[k] for k, v in traces.items() if len(v) < n]
        if short:
            sys.exit("probes %s recorded fewer than %d samples" % (", ".join(short), n))
        rows = [[grid(i * every)] + [traces[k][i] for k in range(len(names))] for i in range(n)]
        write_csv("traces.csv", ["t_ms"] + names, [[num(x) for x in r] for r in rows])
        write_npy("traces.npy", "<f8", rows)
        spikes.sort(key=lambda s: (s[1], s[0], s[2]))  # by step, then time, as Neurite
        write_csv("spikes.csv", [M["spike_header"], "t_ms", "t_step_ms"],
                  [[gid, num(t), num(step)] for t, step, gid in spikes])
        if M["network"]:
            write_network(every_spike)
        if M["snapshots"]:
            write_snapshots(snaps, grid)

        def count(n, what):
            return "%d %s%s" % (n, what, "" if n == 1 else "s")
        print("%s: %s on %s, %g ms; %s; results in %s" % (M["name"], count(len(M["cells"]), "cell"),
              count(NHOST, "rank"), M["tstop"], count(len(spikes), "spike"), OUT))
    pc.barrier()
    pc.done()
    return links


main()
h.quit()
