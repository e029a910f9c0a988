"""Make the SONATA spike reports that sonata's tests read, with h5py, in
the layouts other simulators write, and expected.json, the spikes each
holds as a reader should see them (populations in name order, times in
ms). Run it from this folder (python3-h5py): python3 make_reports.py

  neurodamus.h5  NEURON through Neurodamus/libsonatareport: root magic
                 and version, two populations, sorting an int8
                 enumeration (by_time), node_ids uint64, timestamps
                 float64 with units "ms"
  bmtk.h5        bmtk (and NEST runs through it): sorting a string
                 ("by_id"), node_ids uint32, no magic
  compressed.h5  the newest file format (h5py libver "latest"), chunked
                 and gzip-compressed datasets, node_ids int64,
                 timestamps float32 in seconds, no sorting
  Bad reports, each with the error a reader gives:
  no_node_ids.h5, mismatch.h5, bad_sorting.h5, no_spikes.h5,
  string_times.h5, unwritten.h5 (a billion timestamps never written)
  hangs.h5 and crashes.h5 are not made here: neurodamus.h5 with a few
  bytes changed at random (found by a search for damaged files), on
  which libhdf5 1.10 loops and crashes; ReadSpikesApart's test reads
  them apart.
"""
import json

import h5py
import numpy as np

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="i1")
expected = {}


def population(f, name, ids, times, sorting=None, id_dtype="u8", t_dtype="f8", units="ms", **kw):
    g = f.create_group("spikes/" + name)
    g.create_dataset("node_ids", data=np.array(ids, dtype=id_dtype), **kw)
    ts = g.create_dataset("timestamps", data=np.array(times, dtype=t_dtype), **kw)
    if units is not None:
        ts.attrs["units"] = units
    if isinstance(sorting, int):
        g.attrs.create("sorting", sorting, dtype=SORTING)
    elif sorting is not None:
        g.attrs["sorting"] = sorting


def stamp(f):
    f.attrs.create("magic", 0x0A7A, dtype="u4")
    f.attrs.create("version", [0, 1], dtype="u4")


with h5py.File("neurodamus.h5", "w") as f:
    stamp(f)
    population(f, "NodeB", [3, 0, 3], [0.5, 2.25, 7.0], sorting=2)
    population(f, "NodeA", [1, 0, 2, 1], [0.1, 1.0, 1.0, 12.025], sorting=2)
expected["neurodamus.h5"] = [
    {"name": "NodeA", "sorting": "by_time", "node_ids": [1, 0, 2, 1], "timestamps": [0.1, 1.0, 1.0, 12.025]},
    {"name": "NodeB", "sorting": "by_time", "node_ids": [3, 0, 3], "timestamps": [0.5, 2.25, 7.0]},
]

with h5py.File("bmtk.h5", "w") as f:
    population(f, "v1", [0, 0, 4], [3.0, 9.5, 1.0], sorting="by_id", id_dtype="u4", units=None)
expected["bmtk.h5"] = [{"name": "v1", "sorting": "by_id", "node_ids": [0, 0, 4], "timestamps": [3.0, 9.5, 1.0]}]

with h5py.File("compressed.h5", "w", libver="latest") as f:
    stamp(f)
    population(f, "cortex", [2, 5], [0.001, 0.5], id_dtype="i8", t_dtype="f4", units="s",
               chunks=True, compression="gzip")
expected["compressed.h5"] = [{"name": "cortex", "sorting": "none", "node_ids": [2, 5],
                              "timestamps": [float(np.float32(0.001)) * 1000, 500.0]}]

with h5py.File("no_node_ids.h5", "w") as f:
    f.create_dataset("spikes/p/timestamps", data=[1.0])
with h5py.File("mismatch.h5", "w") as f:
    population(f, "p", [0, 1], [1.0])
with h5py.File("bad_sorting.h5", "w") as f:
    population(f, "p", [0], [1.0], sorting="by_colour")
with h5py.File("no_spikes.h5", "w") as f:
    f.create_group("report")
with h5py.File("string_times.h5", "w") as f:
    population(f, "p", [0], ["1.0"], t_dtype=h5py.string_dtype())

with h5py.File("unwritten.h5", "w") as f:
    g = f.create_group("spikes/p")
    g.create_dataset("timestamps", shape=(2**30,), dtype="f8", chunks=(1024,))
    g.create_dataset("node_ids", shape=(2**30,), dtype="u8", chunks=(1024,))

with open("expected.json", "w") as out:
    json.dump(expected, out, indent=1)
    out.write("\n")
