"""Dump an HDF5 file as JSON, as h5py reads it, for Go tests to check
what Neurite writes: every group and dataset by path, with the dataset's
NumPy dtype, shape and values, and every attribute's value and dtype.
An enumeration attribute dumps as {"enum": {name: value}, "value": v},
an object reference as {"ref": path}.

usage: dump_h5.py FILE
"""
import json
import sys

import h5py
import numpy as np


def plain(value):
    """A JSON value for what h5py read."""
    if isinstance(value, h5py.Reference):
        return {"ref": h5file[value].name}
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.dtype.kind in "OS" else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def attrs(obj):
    out, dtypes = {}, {}
    for name in obj.attrs:
        aid = obj.attrs.get_id(name)
        dtype = aid.dtype
        value = obj.attrs[name]
        enum = h5py.check_enum_dtype(dtype)
        if enum is not None:
            out[name] = {"enum": enum, "value": plain(value)}
        else:
            out[name] = plain(value)
        if h5py.check_string_dtype(dtype) is not None:
            info = h5py.check_string_dtype(dtype)
            dtypes[name] = "str:%s:%s" % (info.encoding, "vlen" if info.length is None else info.length)
        else:
            dtypes[name] = dtype.str
    return out, dtypes


def visit(name, obj):
    path = "/" + name
    a, ad = attrs(obj)
    node = {"attrs": a, "attr_dtypes": ad}
    if isinstance(obj, h5py.Dataset):
        node["kind"] = "dataset"
        node["shape"] = list(obj.shape)
        info = h5py.check_string_dtype(obj.dtype)
        if info is not None:
            node["dtype"] = "str:%s:%s" % (info.encoding, "vlen" if info.length is None else info.length)
            node["value"] = plain(obj.asstr()[()])
        else:
            node["dtype"] = obj.dtype.str
            node["value"] = plain(obj[()])
    else:
        node["kind"] = "group"
    tree[path] = node


h5file = h5py.File(sys.argv[1], "r")
tree = {}
a, ad = attrs(h5file)
tree["/"] = {"kind": "group", "attrs": a, "attr_dtypes": ad}
h5file.visititems(visit)
json.dump(tree, sys.stdout)
