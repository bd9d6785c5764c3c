"""Shared by ned-ncs-ned-id-arg and ned-make-package-meta-data: the ned-id of
a NED package, derived from its package-meta-data.xml.in the way NSO names
NED identities: <package>-<nc|cli|gen|snmp>-<major>.<minor>."""

import sys
import xml.etree.ElementTree as ET

NS = "{http://tail-f.com/ns/ncs-packages}"
ABBREVIATIONS = {"netconf": "nc", "cli": "cli", "generic": "gen", "snmp": "snmp"}


def ned_id(meta_path):
    root = ET.parse(meta_path).getroot()
    name = root.findtext(f"{NS}name")
    version = root.findtext(f"{NS}package-version") or "1.0"
    for ned in root.iter(f"{NS}ned"):
        for kind, abbreviation in ABBREVIATIONS.items():
            if ned.find(f"{NS}{kind}") is not None:
                major_minor = ".".join(version.split(".")[:2])
                return f"{name}-{abbreviation}-{major_minor}"
    return None


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)
