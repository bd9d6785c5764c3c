"""Finding, parsing and linking YANG modules: imports, includes, prefixes and
the definitions (typedef, grouping, identity, extension, feature) that other
statements refer to."""

from __future__ import annotations

import os
import re
from typing import Optional

from .diagnostics import CompileError, Reporter
from .parser import Source, Stmt, parse_source


# Stand-ins that define everything the real module does (by name).
COMPLETE_STAND_INS = {"ietf-inet-types", "ietf-yang-types", "tailf-ncs-ned"}


class Module:
    def __init__(self, name: str, stmt: Stmt, source: Source):
        self.name = name
        self.stmt = stmt
        self.source = source
        self.is_submodule = stmt.keyword == "submodule"
        self.builtin = source.builtin
        # Our stand-ins for NSO's big modules hold only part of them: what
        # cannot be found there may well exist in the real module.
        self.lenient = self.builtin and name not in COMPLETE_STAND_INS
        self.prefix: Optional[str] = None
        self.namespace: Optional[str] = None
        # prefix -> module name (own prefix included)
        self.prefix_names: dict[str, str] = {}
        # prefix -> linked module (None when the import could not be found)
        self.prefix_modules: dict[str, Optional["Module"]] = {}
        self.import_order: list[str] = []
        self.submodules: list["Module"] = []
        # For a submodule: the module it belongs to (set once that is known).
        self.main: "Module" = self
        self.typedefs: dict[str, Stmt] = {}
        self.groupings: dict[str, Stmt] = {}
        self.identities: dict[str, Stmt] = {}
        self.extensions: dict[str, Stmt] = {}
        self.features: dict[str, Stmt] = {}

    @property
    def revision(self) -> Optional[str]:
        dates = [s.arg for s in self.stmt.find_all("revision") if s.arg]
        return max(dates) if dates else None

    def body(self) -> list[Stmt]:
        """Top-level statements of the module and all its submodules."""
        out = list(self.stmt.subs)
        for sub in self.submodules:
            out.extend(sub.stmt.subs)
        return out

    def resolve_prefix(self, prefix: str) -> tuple[bool, Optional["Module"]]:
        """(known, module): known is False for an undefined prefix; module is
        None when the prefix is defined but its import could not be loaded."""
        if prefix not in self.prefix_names:
            return False, None
        return True, self.prefix_modules.get(prefix)


_FILE_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*?)(@(\d{4}-\d{2}-\d{2}))?\.yang$")


class Library:
    """Every module the compilation needs, loaded once."""

    def __init__(self, search_dirs: list[str], builtin_dirs: list[str], reporter: Reporter):
        self.search_dirs = search_dirs
        self.builtin_dirs = builtin_dirs
        self.reporter = reporter
        self.modules: dict[str, Module] = {}
        self.by_path: dict[str, Module] = {}
        self.failed: set[str] = set()
        self._index: Optional[dict[str, list[tuple[str, Optional[str], bool]]]] = None

    # ---------------------------------------------------------------- files
    def _build_index(self) -> dict[str, list[tuple[str, Optional[str], bool]]]:
        index: dict[str, list[tuple[str, Optional[str], bool]]] = {}
        builtin_real = [os.path.realpath(b) for b in self.builtin_dirs]
        dirs = [(d, False) for d in self.search_dirs] + [(d, True) for d in self.builtin_dirs]
        for d, builtin in dirs:
            # A --yangpath that leads into the installation's own YANG folder
            # (e.g. through a symlink) still finds our stand-ins.
            builtin = builtin or os.path.realpath(d) in builtin_real
            try:
                names = sorted(os.listdir(d))
            except OSError:
                continue
            for fn in names:
                m = _FILE_RE.match(fn)
                if m is None:
                    continue
                index.setdefault(m.group(1), []).append(
                    (os.path.join(d, fn) if d != "." else fn, m.group(3), builtin)
                )
        return index

    def locate(self, name: str, revision: Optional[str] = None) -> Optional[tuple[str, bool]]:
        if self._index is None:
            self._index = self._build_index()
        found = self._index.get(name, [])
        if not found:
            return None
        if revision is not None:
            for path, rev, builtin in found:
                if rev == revision:
                    return path, builtin
        # The first directory in search order wins; within it, the newest file.
        first_dir = os.path.dirname(found[0][0])
        same_dir = [f for f in found if os.path.dirname(f[0]) == first_dir]
        same_dir.sort(key=lambda f: f[1] or "", reverse=True)
        return same_dir[0][0], same_dir[0][2]

    def parse_file(self, path: str, display: str, builtin: bool) -> Optional[Module]:
        key = os.path.realpath(path)
        if key in self.by_path:
            return self.by_path[key]
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            self.reporter.error(display, 1, "syntax error: the file is not UTF-8 text")
            return None
        source = Source(display, text, builtin)
        try:
            stmt = parse_source(source)
        except CompileError as e:
            self.reporter.error(e.path, e.line, e.message)
            return None
        if stmt.keyword not in ("module", "submodule"):
            self.reporter.error(
                display,
                stmt.line,
                f"syntax error: expected 'module' or 'submodule', found '{stmt.keyword}'",
            )
            return None
        mod = Module(stmt.arg or "", stmt, source)
        source.module = mod
        self.by_path[key] = mod
        self._read_header(mod)
        return mod

    # ---------------------------------------------------------------- linking
    def _read_header(self, mod: Module) -> None:
        stmt = mod.stmt
        if mod.is_submodule:
            bt = stmt.find("belongs-to")
            if bt is not None:
                mod.prefix = bt.find_arg("prefix")
        else:
            mod.prefix = stmt.find_arg("prefix")
            mod.namespace = stmt.find_arg("namespace")
        if mod.prefix:
            mod.prefix_names[mod.prefix] = (
                (stmt.find("belongs-to").arg or "") if mod.is_submodule else mod.name  # type: ignore[union-attr]
            )
        for imp in stmt.find_all("import"):
            p = imp.find_arg("prefix")
            if p is None or imp.arg is None:
                continue
            if p in mod.prefix_names:
                self.reporter.error(
                    mod.source.display, imp.line, f"the prefix '{p}' is already in use"
                )
                continue
            mod.prefix_names[p] = imp.arg
            mod.import_order.append(p)

    def link(self, mod: Module) -> None:
        """Load what `mod` imports and includes, recursively."""
        for p in mod.import_order:
            name = mod.prefix_names[p]
            imp_stmt = next(
                (s for s in mod.stmt.find_all("import") if s.arg == name and s.find_arg("prefix") == p),
                None,
            )
            rev = imp_stmt.find_arg("revision-date") if imp_stmt is not None else None
            target = self.load_module(name, rev, mod, imp_stmt)
            mod.prefix_modules[p] = target
        if mod.prefix:
            if mod.is_submodule:
                # Filled in when the owning module includes this submodule.
                pass
            else:
                mod.prefix_modules[mod.prefix] = mod
        for inc in mod.stmt.find_all("include"):
            if inc.arg is None:
                continue
            sub = self.load_submodule(inc.arg, inc.find_arg("revision-date"), mod, inc)
            if sub is not None and sub not in mod.main.submodules:
                mod.main.submodules.append(sub)
        self._collect_definitions(mod)

    def load_module(
        self, name: str, revision: Optional[str], importer: Module, at: Optional[Stmt]
    ) -> Optional[Module]:
        if name in self.modules:
            return self.modules[name]
        if name in self.failed:
            return None
        located = self.locate(name, revision)
        if located is None:
            self.failed.add(name)
            if at is not None:
                self.reporter.error(
                    importer.source.display, at.line, f"module '{name}' not found in the search path"
                )
            return None
        path, builtin = located
        mod = self.parse_file(path, path, builtin)
        if mod is None:
            self.failed.add(name)
            return None
        if mod.is_submodule or mod.name != name:
            self.failed.add(name)
            if at is not None:
                self.reporter.error(
                    importer.source.display,
                    at.line,
                    f"the file {path} does not define module '{name}'",
                )
            return None
        self.modules[name] = mod
        self.link(mod)
        return mod

    def load_submodule(
        self, name: str, revision: Optional[str], includer: Module, at: Stmt
    ) -> Optional[Module]:
        located = self.locate(name, revision)
        if located is None:
            self.reporter.error(
                includer.source.display, at.line, f"submodule '{name}' not found in the search path"
            )
            return None
        path, builtin = located
        sub = self.parse_file(path, path, builtin or includer.builtin)
        if sub is None:
            return None
        if not sub.is_submodule:
            self.reporter.error(
                includer.source.display, at.line, f"'{name}' is a module, not a submodule"
            )
            return None
        owner = includer.main
        bt = sub.stmt.find("belongs-to")
        if bt is not None and bt.arg != owner.name:
            self.reporter.error(
                includer.source.display,
                at.line,
                f"submodule '{name}' belongs to '{bt.arg}', not to '{owner.name}'",
            )
            return None
        if sub.main is not owner:
            sub.main = owner
            if sub.prefix:
                sub.prefix_modules[sub.prefix] = owner
            self.link(sub)
        return sub

    def _collect_definitions(self, mod: Module) -> None:
        target = mod.main
        for s in mod.stmt.subs:
            table = {
                "typedef": target.typedefs,
                "grouping": target.groupings,
                "identity": target.identities,
                "extension": target.extensions,
                "feature": target.features,
            }.get(s.keyword)
            if table is None or s.arg is None:
                continue
            if s.arg in table and table[s.arg] is not s:
                first = table[s.arg]
                where = (
                    f"line {first.line}"
                    if first.source is s.source
                    else f"{first.source.display}:{first.line}"
                )
                self.reporter.error(
                    s.source.display,
                    s.line,
                    f"duplicate {s.keyword} '{s.arg}' (already defined at {where})",
                )
                continue
            table[s.arg] = s


def module_of(stmt: Stmt) -> Module:
    mod = stmt.source.module
    assert isinstance(mod, Module)
    return mod
