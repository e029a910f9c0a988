"""Validates NeuroML files against the NeuroML 2.3 schema beside this script.

usage: python3 validate.py FILE...   (exit status 1 and the errors if any is invalid)
"""
import os
import sys

from lxml import etree

schema = etree.XMLSchema(etree.parse(os.path.join(os.path.dirname(os.path.abspath(__file__)), "NeuroML_v2.3.xsd")))
bad = 0
for path in sys.argv[1:]:
    doc = etree.parse(path)
    if not schema.validate(doc):
        bad += 1
        for e in schema.error_log:
            print(f"{path}:{e.line}: {e.message}")
sys.exit(1 if bad else 0)
