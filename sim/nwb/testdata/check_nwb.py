"""Check an NWB file of a Units table against what the NWB 2 schema
(nwb-schema 2.6.0, hdmf-common 1.x) requires, with h5py, and print the
units as JSON: {"ids": [...], "spike_times": [[s, ...], ...]}. Where
pynwb is installed (Debian 12 does not package it) it also reads the
file and must find the same units. Exits non-zero, saying what is
wrong, on the first fault.

usage: check_nwb.py FILE.nwb
"""
import json
import sys

import h5py
import numpy as np


def fail(msg):
    sys.exit("%s: %s" % (sys.argv[1], msg))


def typed(obj, namespace, neurodata_type):
    for key, want in (("namespace", namespace), ("neurodata_type", neurodata_type)):
        got = obj.attrs.get(key)
        if got != want:
            fail("%s: attribute %s is %r, want %r" % (obj.name, key, got, want))
    if not isinstance(obj.attrs.get("object_id"), str):
        fail("%s: no object_id" % obj.name)


def text(obj, path, scalar=True):
    if path not in obj:
        fail("no dataset %s" % path)
    d = obj[path]
    if h5py.check_string_dtype(d.dtype) is None:
        fail("%s holds %s, not text" % (path, d.dtype))
    if scalar and d.shape != ():
        fail("%s has shape %s, want a scalar" % (path, d.shape))
    return d.asstr()[()]


f = h5py.File(sys.argv[1], "r")
typed(f, "core", "NWBFile")
if not str(f.attrs.get("nwb_version", "")).startswith("2."):
    fail("nwb_version %r is not 2.x" % f.attrs.get("nwb_version"))
for name in ("identifier", "session_description"):
    text(f, name)
for name in ("session_start_time", "timestamps_reference_time"):
    value = text(f, name)
    if not (len(value) >= 20 and value[4] == "-" and value[10] == "T" and value[-6] in "+-" and value[-3] == ":"):
        fail("%s %r is not an ISO 8601 time with its time zone" % (name, value))
dates = text(f, "file_create_date", scalar=False)
if len(dates) < 1:
    fail("file_create_date is empty")
for group in ("acquisition", "analysis", "general", "processing", "stimulus/presentation", "stimulus/templates", "units"):
    if not isinstance(f.get(group), h5py.Group):
        fail("no group /%s" % group)

units = f["units"]
typed(units, "core", "Units")
if list(units.attrs["colnames"]) != ["spike_times"] or not isinstance(units.attrs.get("description"), str):
    fail("/units: colnames %r, description %r" % (units.attrs.get("colnames"), units.attrs.get("description")))
ids, times, index = units["id"], units["spike_times"], units["spike_times_index"]
typed(ids, "hdmf-common", "ElementIdentifiers")
typed(times, "hdmf-common", "VectorData")
typed(index, "hdmf-common", "VectorIndex")
if ids.dtype.kind != "i" or times.dtype != np.float64 or index.dtype.kind not in "ui":
    fail("dtypes: id %s, spike_times %s, spike_times_index %s" % (ids.dtype, times.dtype, index.dtype))
if not isinstance(times.attrs.get("description"), str) or not isinstance(index.attrs.get("description"), str):
    fail("spike_times and spike_times_index need a description")
if f[index.attrs["target"]].name != times.name:
    fail("spike_times_index's target is %s, not spike_times" % f[index.attrs["target"]].name)
ends = index[()]
if len(ends) != len(ids) or np.any(np.diff(ends.astype(np.int64)) < 0) or (len(ends) and ends[-1] != len(times)):
    fail("spike_times_index %s does not split %d spike times into %d units" % (ends, len(times), len(ids)))
starts = np.concatenate([[0], ends[:-1]]).astype(int)
trains = [times[s:e].tolist() for s, e in zip(starts, ends.astype(int))]
out = {"ids": ids[()].tolist(), "spike_times": trains}

try:
    import pynwb
except ImportError:
    pynwb = None
if pynwb is not None:
    with pynwb.NWBHDF5IO(sys.argv[1], "r") as io:
        table = io.read().units
        got = {"ids": list(table.id[:]), "spike_times": [list(table["spike_times"][k]) for k in range(len(table))]}
        if got != out:
            fail("pynwb reads %r, h5py %r" % (got, out))
json.dump(out, sys.stdout)
