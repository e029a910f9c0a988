#!/usr/bin/python3
"""NEURON on N copies of the nmodl_hay_cell example (Hay et al. 2011's eleven NMODL mechanisms on a
cylinder cell of 49 compartments; the model of /work/shared/reference/nmodl_hay_cell/make.py):
somatic IClamp step and apical Exp2Syn events in every cell, fixed dt = 0.025 ms, celsius 34,
v_init -80. The .mod files are compiled with nrnivmodl in a scratch folder beside this script
(with the workaround for Debian's neuron 8.2.2 package); only the runs (pc.psolve) are timed,
each from finitialize, and the fastest of --repeat is reported.

usage: neuron_hay.py N_CELLS TSTOP [--mod DIR] [--nthread K] [--repeat R]
"""
import argparse, os, shutil, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("ncells", type=int)
ap.add_argument("tstop", type=float)
ap.add_argument("--mod", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "mod"),
                help="folder of the .mod files (default: mod beside this script)")
ap.add_argument("--nthread", type=int, default=1)
ap.add_argument("--repeat", type=int, default=1)
a = ap.parse_args()


def build_mechanisms(mod):
    """Runs nrnivmodl on a copy of mod in a scratch folder and returns libnrnmech.so."""
    scratch = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nrnivmodl")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(mod, os.path.join(scratch, "mod"), ignore=shutil.ignore_patterns("*.txt"))
    lib = os.path.join(scratch, "x86_64", ".libs", "libnrnmech.so")
    env = dict(os.environ, LC_ALL="C")
    r = subprocess.run(["nrnivmodl", "mod"], cwd=scratch, env=env, capture_output=True, text=True)
    if not os.path.exists(lib):
        # Debian's neuron 8.2.2: nrnivmodl looks for nrnmech_makefile in /usr/bin and for
        # libnrniv.so in /usr/lib; both live in /usr/lib/nrn.
        fix = os.path.join(scratch, "nrnexec", "bin")
        os.makedirs(fix)
        os.symlink("/usr/lib/nrn/nrnmech_makefile", os.path.join(fix, "nrnmech_makefile"))
        env["NRNHOME_EXEC"] = os.path.join(scratch, "nrnexec")
        shutil.rmtree(os.path.join(scratch, "x86_64"), ignore_errors=True)
        r = subprocess.run(["nrnivmodl", "-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn", "mod"],
                           cwd=scratch, env=env, capture_output=True, text=True)
    if not os.path.exists(lib):
        sys.exit("nrnivmodl failed (is neuron-dev installed?):\n" + r.stdout[-3000:] + r.stderr[-3000:])
    return lib


lib = build_mechanisms(a.mod)
from neuron import h  # noqa: E402 (after compiling, as make.py)

h.nrn_load_dll(lib)
h.load_file("stdrun.hoc")

# The model of make.py: geometry, Hay's nseg rule, densities by region.
GEOM = [
    ("soma",    None,      None, 20.0, 20.0, "somatic"),
    ("apic[0]", "soma",    1.0, 200.0, 3.0, "apical"),
    ("apic[1]", "apic[0]", 1.0, 200.0, 2.0, "apical"),
    ("apic[2]", "apic[1]", 1.0, 200.0, 1.0, "apical"),
    ("dend[0]", "soma",    0.0, 150.0, 1.5, "basal"),
    ("dend[1]", "soma",    0.0, 150.0, 1.5, "basal"),
    ("axon",    "soma",    0.5,  30.0, 1.0, "axonal"),
]
CM = {"somatic": 1.0, "apical": 2.0, "basal": 2.0, "axonal": 1.0}
G_PAS = {"somatic": 3.38e-5, "apical": 5.89e-5, "basal": 4.67e-5, "axonal": 3.25e-5}
SOMATIC = [
    ("Ca_LVAst", "gCa_LVAstbar", 0.00343), ("Ca_HVA", "gCa_HVAbar", 0.000992),
    ("SKv3_1", "gSKv3_1bar", 0.693), ("SK_E2", "gSK_E2bar", 0.0441),
    ("K_Tst", "gK_Tstbar", 0.0812), ("K_Pst", "gK_Pstbar", 0.00223),
    ("Nap_Et2", "gNap_Et2bar", 0.00172), ("NaTa_t", "gNaTa_tbar", 2.04),
    ("CaDynamics_E2", "decay", 460.0), ("CaDynamics_E2", "gamma", 0.000501),
    ("Ih", "gIhbar", 0.0002),
]
APICAL = [
    ("Ca_LVAst", "gCa_LVAstbar", 0.000187), ("Ca_HVA", "gCa_HVAbar", 5.55e-5),
    ("SK_E2", "gSK_E2bar", 0.0012), ("SKv3_1", "gSKv3_1bar", 0.000261),
    ("NaTa_t", "gNaTa_tbar", 0.0213), ("Im", "gImbar", 0.0000675),
    ("CaDynamics_E2", "decay", 122.0), ("CaDynamics_E2", "gamma", 0.000509),
]
APICAL_IH = {"apic[0]": 0.000627294, "apic[1]": 0.00244819, "apic[2]": 0.00840739}
BASAL = [("Ih", "gIhbar", 0.0002)]


def cell(i):
    secs = {}
    for name, parent, px, L, d, reg in GEOM:
        s = h.Section(name="c%d_%s" % (i, name))
        s.L, s.diam = L, d
        s.nseg = 1 + 2 * int(L / 40.0)
        s.Ra, s.cm = 100.0, CM[reg]
        if parent is not None:
            s.connect(secs[parent](px), 0.0)
        secs[name] = s
        rows = [("pas", "g", G_PAS[reg]), ("pas", "e", -90.0)]
        rows += {"somatic": SOMATIC, "apical": APICAL + [("Ih", "gIhbar", APICAL_IH.get(name))],
                 "basal": BASAL, "axonal": []}[reg]
        for mech, par, val in rows:
            if not h.ismembrane(mech, sec=s):
                s.insert(mech)
            for seg in s:
                setattr(getattr(seg, mech), par, val)
        if reg in ("somatic", "apical"):
            for seg in s:
                seg.ena, seg.ek = 50.0, -85.0
    ic = h.IClamp(secs["soma"](0.5))
    ic.delay, ic.dur, ic.amp = 100.0, 300.0, 0.3
    syn = h.Exp2Syn(secs["apic[1]"](0.5))
    syn.tau1, syn.tau2, syn.e = 0.5, 5.0, 0.0
    nc = h.NetCon(None, syn)
    nc.weight[0], nc.delay = 0.01, 1.0  # nc.event(t) delivers at t; psolve needs a delay > 0
    return secs, ic, syn, nc


cells = [cell(i) for i in range(a.ncells)]


def queue():
    for _, _, _, nc in cells:
        for t in (450.0, 500.0, 502.0, 504.0, 506.0, 508.0):
            nc.event(t)


fih = h.FInitializeHandler(queue)
soma0 = cells[0][0]["soma"]
det = h.NetCon(soma0(0.5)._ref_v, None, sec=soma0)
det.threshold = 0.0
spikes = h.Vector()
det.record(spikes)

pc = h.ParallelContext()
pc.nthread(a.nthread)
pc.set_maxstep(10)
h.CVode().cache_efficient(1)
h.cvode_active(0)
h.secondorder = 0
h.celsius = 34.0
h.dt = 0.025
h.steps_per_ms = 40

ncomp = sum(s.nseg for c in cells for s in c[0].values())
walls = []
for _ in range(max(1, a.repeat)):
    h.finitialize(-80.0)
    t0 = time.perf_counter()
    pc.psolve(a.tstop)
    walls.append(time.perf_counter() - t0)
    assert abs(h.t - a.tstop) < 1e-6, h.t
wall = min(walls)
cs = ncomp * int(round(a.tstop / h.dt))
print("RESULT name=neuron_hay cells=%d compartments=%d nthread=%d wall_s=%.4f rate=%.4e spikes_cell0=%d walls=%s"
      % (a.ncells, ncomp, int(pc.nthread()), wall, cs / wall, len(spikes), ",".join("%.4f" % w for w in walls)))
