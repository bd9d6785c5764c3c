"""Command line of the ncsc stand-in: the options NSO package Makefiles use.

    ncsc -c [-a Ann.yang] [--yangpath Dir]... [--fail-on-warnings] [-o Out.fxs] File.yang
    ncsc -c [-o Out.ccl] File.cli
    ncsc --emit-java JFile [--java-package P] [--java-disable-prefix] [--exclude-enums] File.fxs
    ncsc --emit-python PyFile [--python-disable-prefix] [--exclude-enums] File.fxs
    ncsc --ncs-compile-bundle Dir --ncs-device-dir Out --ncs-device-type T [--yangpath Dir]...
    ncsc --ncs-compile-module File.yang --ncs-device-dir Out --ncs-device-type T
    ncsc --get-info File.fxs | --get-uri File.fxs | --list-builtins | --version
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Optional

from .checker import Checker
from .diagnostics import Reporter
from .emit import emit_java, emit_python, java_target, python_target
from .modules import Library, Module
from .schema import SchemaBuilder

FXS_FORMAT = "nso-sim-fxs"
CLISPEC_NS = "http://tail-f.com/ns/clispec/1.0"

# Options that take one value.
VALUE_OPTIONS = {
    "-o": "output",
    "--output": "output",
    "-a": "annotate",
    "--annotate": "annotate",
    "--yangpath": "yangpath",
    "-f": "fxsdep",
    "--fxsdep": "fxsdep",
    "--java-package": "java_package",
    "--emit-java": "emit_java",
    "--emit-python": "emit_python",
    "--deviation": "deviation",
    "-F": "feature",
    "--feature": "feature",
    "--no-feature": "no_feature",
    "-C": "conformance",
    "--conformance": "conformance",
    "--datastore": "datastore",
    "--max-status": "max_status",
    "-p": "prefix",
    "--prefix": "prefix",
    "--export": "export",
    "-W": "warning_code",
    "-w": "no_warning_code",
    "--no-warning": "no_warning_code",
    "-E": "error_code",
    "--error": "error_code",
    "--warning": "warning_code",
    "--ncs-compile-bundle": "bundle",
    "--ncs-compile-module": "compile_module",
    "--ncs-device-dir": "device_dir",
    "--ncs-device-type": "device_type",
    "--ncs-ned-id": "ned_id",
    "--ncs-depend-package": "depend_package",
    "--emulator-flags": "emulator_flags",
    "--get-info": "get_info",
    "--get-uri": "get_uri",
    "-I": "include_dir",
    "--include-file": "include_file",
    "--mib-annotation": "mib_annotation",
}

FLAGS = {
    "-c": "compile",
    "--compile": "compile",
    "--fail-on-warnings": "fail_on_warnings",
    "--java-disable-prefix": "java_disable_prefix",
    "--python-disable-prefix": "python_disable_prefix",
    "--exclude-enums": "exclude_enums",
    "--print-java-filename": "print_java_filename",
    "--print-python-filename": "print_python_filename",
    "--no-init-py": "no_init_py",
    "--builtin": "builtin",
    "--verbose": "verbose",
    "-v": "verbose",
    "--no-yang-source": "no_yang_source",
    "--include-doc": "include_doc",
    "--strict-yang": "strict_yang",
    "--allow-interop-issues": "allow_interop_issues",
    "--no-features": "no_features",
    "--ignore-unknown-features": "ignore_unknown_features",
    "--skip-deviation-fxs": "skip_deviation_fxs",
    "--ncs-skip-template": "ncs_skip_template",
    "--ncs-skip-statistics": "ncs_skip_statistics",
    "--ncs-skip-config": "ncs_skip_config",
    "--ncs-keep-callpoints": "ncs_keep_callpoints",
    "--lax-revision-merge": "lax_revision_merge",
    "--lax-revsion-merge": "lax_revision_merge",
    "--ncs-apply-deviations": "ncs_apply_deviations",
    "--ncs-no-apply-deviations": "ncs_no_apply_deviations",
    "--version": "version",
    "--list-errors": "list_errors",
    "--list-builtins": "list_builtins",
    "--use-description": "use_description",
}


@dataclass
class Options:
    values: dict[str, list[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def one(self, key: str) -> Optional[str]:
        v = self.values.get(key)
        return v[-1] if v else None

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])


class UsageError(Exception):
    pass


def parse_args(argv: list[str]) -> Options:
    opts = Options()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            opts.files.extend(argv[i + 1 :])
            break
        if "=" in a and a.startswith("--") and a.split("=", 1)[0] in VALUE_OPTIONS:
            k, v = a.split("=", 1)
            opts.values.setdefault(VALUE_OPTIONS[k], []).append(v)
        elif a in VALUE_OPTIONS:
            if i + 1 >= len(argv):
                raise UsageError(f"option {a} needs a value")
            opts.values.setdefault(VALUE_OPTIONS[a], []).append(argv[i + 1])
            i += 1
        elif a in FLAGS:
            opts.flags.add(FLAGS[a])
            if a == "--use-description" and i + 1 < len(argv) and argv[i + 1] == "always":
                i += 1
        elif a.startswith("-") and len(a) > 1:
            raise UsageError(f"unknown option {a}")
        else:
            opts.files.append(a)
        i += 1
    return opts


def ncs_dir() -> str:
    here = os.path.dirname(os.path.realpath(__file__))
    # $NCS_DIR/lib/ncsc/ncsc_sim/main.py
    return os.path.dirname(os.path.dirname(os.path.dirname(here)))


def builtin_yang_dirs() -> list[str]:
    return [os.path.join(ncs_dir(), "src", "ncs", "yang")]


def version() -> str:
    try:
        with open(os.path.join(ncs_dir(), "VERSION"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


# ---------------------------------------------------------------- compile
@dataclass
class Compiled:
    module: Module
    schema: SchemaBuilder


def compile_yang(
    path: str,
    opts: Options,
    reporter: Reporter,
    extra_dirs: Optional[list[str]] = None,
) -> Optional[Compiled]:
    search = [os.path.dirname(path) or "."] + (extra_dirs or []) + opts.all("yangpath")
    for pkg in opts.all("depend_package"):
        search += [os.path.join(pkg, "src", "ncsc-out", "modules", "yang"), os.path.join(pkg, "src", "yang")]
    lib = Library(search, builtin_yang_dirs(), reporter)
    if not os.path.isfile(path):
        print(f"ncsc: {path}: no such file", file=sys.stderr)
        return None
    mod = lib.parse_file(path, path, builtin=False)
    if mod is None:
        return None
    if mod.is_submodule:
        reporter.error(
            path,
            mod.stmt.line,
            f"'{mod.name}' is a submodule: compile the module it belongs to",
        )
        return None
    lib.modules.setdefault(mod.name, mod)
    lib.link(mod)
    annotations: list[Module] = []
    for ann in opts.all("annotate"):
        a = lib.parse_file(ann, ann, builtin=False)
        if a is not None:
            lib.link(a)
            annotations.append(a)
    checker = Checker(reporter)
    to_check: list[Module] = [mod, *mod.submodules, *annotations]
    for other in list(lib.modules.values()):
        if other is not mod and not other.builtin:
            to_check.extend([other, *other.submodules])
    for m in to_check:
        checker.check_module(m)
    if reporter.error_count():
        return None
    schema = SchemaBuilder(lib, checker, reporter, mod)
    schema.build()
    if reporter.error_count():
        return None
    return Compiled(mod, schema)


def fxs_document(c: Compiled, mount: Optional[tuple[str, str]] = None) -> dict[str, Any]:
    m = c.module
    imports: list[str] = []
    for part in [m, *m.submodules]:
        for p in part.import_order:
            name = part.prefix_names[p]
            if name not in imports:
                imports.append(name)
    if mount is None:
        nodes = [p for p, _ in c.schema.data_nodes()]
    else:
        # A device module lives under each device: configuration under
        # config, state under live-status.
        config_mount, oper_mount = mount
        nodes = [(config_mount if cfg else oper_mount) + p for p, cfg in c.schema.data_nodes()]
    return {
        "format": FXS_FORMAT,
        "version": 1,
        "module": m.name,
        "namespace": m.namespace,
        "prefix": m.prefix,
        "revision": m.revision,
        "nodes": nodes,
        "servicepoints": c.schema.servicepoints,
        "actionpoints": c.schema.actionpoints,
        "imports": imports,
        # Names for --emit-java / --emit-python.
        "symbols": {
            "nodes": c.schema.symbol_names(),
            "identities": sorted(m.identities),
            "enums": c.schema.enums,
        },
        "ncsc-version": version(),
    }


def write_json(path: str, doc: dict[str, Any]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def finish(reporter: Reporter, opts: Options) -> bool:
    """Print diagnostics; True when the compilation may write its output."""
    failed = reporter.error_count() > 0 or (
        "fail_on_warnings" in opts.flags and len(reporter.warnings) > 0
    )
    reporter.flush()
    return not failed


def cmd_compile(opts: Options) -> int:
    if not opts.files:
        print("ncsc: -c needs a file to compile (.yang or .cli)", file=sys.stderr)
        return 1
    status = 0
    for path in opts.files:
        if path.endswith(".cli"):
            status |= compile_clispec(path, opts.one("output"))
        elif path.endswith(".yang"):
            status |= compile_one_yang(path, opts)
        elif path.endswith(".mib"):
            print(f"ncsc: {path}: MIB compilation is not available in this installation", file=sys.stderr)
            status = 1
        else:
            print(f"ncsc: {path}: unknown file type (expected .yang or .cli)", file=sys.stderr)
            status = 1
    return status


def compile_one_yang(path: str, opts: Options) -> int:
    reporter = Reporter()
    c = compile_yang(path, opts, reporter)
    if not finish(reporter, opts) or c is None:
        return 1
    out = opts.one("output")
    if out is None:
        out = os.path.splitext(path)[0] + ".fxs"
    elif os.path.isdir(out):
        out = os.path.join(out, c.module.name + ".fxs")
    try:
        write_json(out, fxs_document(c))
    except OSError as e:
        print(f"ncsc: cannot write {out}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


def compile_clispec(path: str, out: Optional[str]) -> int:
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        line = e.position[0] if e.position else 1
        print(f"{path}:{line}: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"ncsc: {path}: {e.strerror}", file=sys.stderr)
        return 1
    root = tree.getroot()
    if root.tag != f"{{{CLISPEC_NS}}}clispec":
        print(
            f"{path}:1: error: the top element must be 'clispec' in namespace {CLISPEC_NS}",
            file=sys.stderr,
        )
        return 1
    target = out or os.path.splitext(path)[0] + ".ccl"
    doc = {
        "format": "nso-sim-ccl",
        "version": 1,
        "style": root.get("style", "j"),
        "source": os.path.basename(path),
        "sections": sorted({child.tag.split("}", 1)[-1] for child in root}),
    }
    write_json(target, doc)
    return 0


def read_fxs(path: str) -> Optional[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FXS_FORMAT:
        print(f"ncsc: {path}: not an .fxs file made by this ncsc", file=sys.stderr)
        return None
    return doc


def cmd_emit_java(opts: Options) -> int:
    requested = opts.one("emit_java") or ""
    if len(opts.files) != 1:
        print("ncsc: --emit-java needs exactly one .fxs file", file=sys.stderr)
        return 1
    fxs = read_fxs(opts.files[0])
    if fxs is None:
        return 1
    target, cls = java_target(requested, fxs)
    if "print_java_filename" in opts.flags:
        print(target)
        return 0
    text = emit_java(
        fxs,
        cls,
        opts.one("java_package"),
        "java_disable_prefix" in opts.flags,
        "exclude_enums" in opts.flags,
    )
    try:
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        print(f"ncsc: cannot write {target}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


def cmd_emit_python(opts: Options) -> int:
    requested = opts.one("emit_python") or ""
    if len(opts.files) != 1:
        print("ncsc: --emit-python needs exactly one .fxs file", file=sys.stderr)
        return 1
    fxs = read_fxs(opts.files[0])
    if fxs is None:
        return 1
    target = python_target(requested, fxs)
    if "print_python_filename" in opts.flags:
        print(target)
        return 0
    text = emit_python(fxs, "python_disable_prefix" in opts.flags, "exclude_enums" in opts.flags)
    try:
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
        if "no_init_py" not in opts.flags and os.path.isdir(requested):
            init = os.path.join(requested, "__init__.py")
            if not os.path.exists(init):
                open(init, "w").close()
    except OSError as e:
        print(f"ncsc: cannot write {target}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


DEVICE_MOUNT = ("/ncs:devices/ncs:device/ncs:config", "/ncs:devices/ncs:device/ncs:live-status")


def cmd_bundle(opts: Options) -> int:
    device_dir = opts.one("device_dir")
    if device_dir is None:
        print("ncsc: --ncs-device-dir is required", file=sys.stderr)
        return 1
    if opts.one("device_type") not in ("netconf", "snmp-ned", "generic-ned", "cli-ned"):
        print("ncsc: --ncs-device-type must be netconf, snmp-ned, generic-ned or cli-ned", file=sys.stderr)
        return 1
    bundle = opts.one("bundle")
    if bundle is not None:
        if not os.path.isdir(bundle):
            print(f"ncsc: {bundle}: no such directory", file=sys.stderr)
            return 1
        files = [os.path.join(bundle, f) for f in sorted(os.listdir(bundle)) if f.endswith(".yang")]
        files = [f for f in files if not _is_submodule_file(f)]
        extra = [bundle]
    else:
        files = [opts.one("compile_module") or ""]
        extra = []
    fxs_dir = os.path.join(device_dir, "modules", "fxs")
    yang_dir = os.path.join(device_dir, "modules", "yang")
    os.makedirs(fxs_dir, exist_ok=True)
    os.makedirs(yang_dir, exist_ok=True)
    status = 0
    for path in files:
        reporter = Reporter()
        c = compile_yang(path, opts, reporter, extra)
        if not finish(reporter, opts) or c is None:
            status = 1
            continue
        write_json(os.path.join(fxs_dir, c.module.name + ".fxs"), fxs_document(c, DEVICE_MOUNT))
        shutil.copyfile(path, os.path.join(yang_dir, c.module.name + ".yang"))
    if status == 0 and opts.one("ned_id"):
        status = compile_ned_id(opts, device_dir, fxs_dir)
    return status


NED_BASE_IDENTITY = {
    "netconf": "netconf-ned-id",
    "cli-ned": "cli-ned-id",
    "generic-ned": "generic-ned-id",
    "snmp-ned": "snmp-ned-id",
}


def compile_ned_id(opts: Options, device_dir: str, fxs_dir: str) -> int:
    """--ncs-ned-id Module:Identity: the NED's identity modules (the family
    module `<name>-<type>` and the versioned one deriving from it) are loaded
    with the package. They are compiled from the package's src/ when present
    there, else written first."""
    spec = opts.one("ned_id") or ""
    module, _, identity = spec.partition(":")
    if not module or not identity:
        print(f"ncsc: --ncs-ned-id needs Module:Identity, not '{spec}'", file=sys.stderr)
        return 1
    family = re.sub(r"-\d+(\.\d+)*$", "", module)
    base = NED_BASE_IDENTITY.get(opts.one("device_type") or "", "ned-id")
    paths = []
    for name in dict.fromkeys([family, module]):
        local = f"{name}.yang"
        if os.path.isfile(local):
            paths.append(local)
            continue
        gen_dir = os.path.join(device_dir, "ned-id")
        os.makedirs(gen_dir, exist_ok=True)
        target = os.path.join(gen_dir, local)
        with open(target, "w", encoding="utf-8") as f:
            f.write(ned_id_module(name, family, base))
        paths.append(target)
    for path in paths:
        reporter = Reporter()
        c = compile_yang(path, opts, reporter, [".", os.path.dirname(paths[0]) or "."])
        if not finish(reporter, opts) or c is None:
            return 1
        write_json(os.path.join(fxs_dir, c.module.name + ".fxs"), fxs_document(c))
    return 0


def ned_id_module(name: str, family: str, base: str) -> str:
    ns = f"http://tail-f.com/ns/ned-id/{name}"
    if name == family:
        body = (
            f"  import tailf-common {{\n    prefix tailf;\n  }}\n"
            f"  import tailf-ncs-ned {{\n    prefix ned;\n  }}\n\n"
            f"  identity {name} {{\n    tailf:abstract;\n    base ned:{base};\n  }}\n"
        )
    else:
        body = (
            f"  import {family} {{\n    prefix family;\n  }}\n\n"
            f"  identity {name} {{\n    base family:{family};\n  }}\n"
        )
    return (
        f"module {name} {{\n  yang-version 1.1;\n  namespace \"{ns}\";\n  prefix {name};\n\n"
        f"{body}}}\n"
    )


def _is_submodule_file(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return False


    m = re.search(r"^\s*(?://[^\n]*\n|/\*.*?\*/|\s)*(module|submodule)\b", head, re.S)
    return m is not None and m.group(1) == "submodule"


def cmd_info(opts: Options, what: str) -> int:
    path = opts.one(what) or ""
    fxs = read_fxs(path)
    if fxs is None:
        return 1
    if what == "get_uri":
        print(fxs["namespace"])
        return 0
    print(f"source: {fxs['module']}.yang")
    print(f"ncsc version: {fxs.get('ncsc-version', version())}")
    print(f"uri: {fxs['namespace']}")
    print(f"prefix: {fxs['prefix']}")
    print(f"revision: {fxs.get('revision') or ''}")
    print(f"depends: {' '.join(fxs.get('imports', []))}")
    return 0


def cmd_list_builtins() -> int:
    for d in builtin_yang_dirs():
        try:
            names = sorted(os.listdir(d))
        except OSError:
            continue
        for fn in names:
            if fn.endswith(".yang"):
                print(fn[:-5])
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(argv)
    except UsageError as e:
        print(f"ncsc: {e}", file=sys.stderr)
        print(__doc__.strip(), file=sys.stderr)
        return 1
    if "version" in opts.flags:
        print(version())
        return 0
    if "list_builtins" in opts.flags:
        return cmd_list_builtins()
    if "list_errors" in opts.flags:
        print("This ncsc does not list error codes; -W/-w/-E are accepted and ignored.")
        return 0
    if opts.one("emit_java") is not None:
        return cmd_emit_java(opts)
    if opts.one("emit_python") is not None:
        return cmd_emit_python(opts)
    if opts.one("bundle") is not None or opts.one("compile_module") is not None:
        return cmd_bundle(opts)
    if opts.one("get_uri") is not None:
        return cmd_info(opts, "get_uri")
    if opts.one("get_info") is not None:
        return cmd_info(opts, "get_info")
    if "compile" in opts.flags:
        return cmd_compile(opts)
    print(__doc__.strip(), file=sys.stderr)
    return 1
