"""Statement-level checks: what may appear where, argument shapes, prefixes,
and references to typedefs, groupings, identities, features and extensions.

Nothing here builds the schema tree; that is schema.py, run only when these
checks pass (a missing grouping would otherwise surface again as every path
that pointed into it).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from .diagnostics import Reporter
from .grammar import ARG_KIND, BUILTIN_TYPES, NO_ARGUMENT, SUBSTATEMENTS
from .modules import Module, module_of
from .parser import Stmt, is_identifier

_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

# The restrictions each built-in type accepts, and the one it cannot do without.
TYPE_RESTRICTIONS = {
    "string": {"length", "pattern"},
    "binary": {"length"},
    "int8": {"range"},
    "int16": {"range"},
    "int32": {"range"},
    "int64": {"range"},
    "uint8": {"range"},
    "uint16": {"range"},
    "uint32": {"range"},
    "uint64": {"range"},
    "decimal64": {"range", "fraction-digits"},
    "enumeration": {"enum"},
    "bits": {"bit"},
    "leafref": {"path", "require-instance"},
    "identityref": {"base"},
    "instance-identifier": {"require-instance"},
    "union": {"type"},
    "boolean": set(),
    "empty": set(),
}
TYPE_REQUIRES = {
    "enumeration": "enum",
    "bits": "bit",
    "leafref": "path",
    "identityref": "base",
    "decimal64": "fraction-digits",
    "union": "type",
}
RESTRICTION_KEYWORDS = {
    "length",
    "pattern",
    "range",
    "fraction-digits",
    "enum",
    "bit",
    "path",
    "require-instance",
    "base",
    "type",
}


def split_ref(arg: str) -> tuple[Optional[str], str]:
    if ":" in arg:
        p, n = arg.split(":", 1)
        return p, n
    return None, arg


class Checker:
    def __init__(self, reporter: Reporter):
        self.r = reporter
        # (id of a statement, keyword) -> {name: definition} among its children:
        # big NED modules have thousands of top-level statements.
        self._scopes: dict[tuple[int, str], dict[str, Stmt]] = {}
        self._resolved: dict[tuple[int, str], Optional[Stmt]] = {}
        self._bases: dict[int, Optional[str]] = {}
        self._paths: dict[int, Optional[Stmt]] = {}
        self._in_progress: set[int] = set()

    def scope(self, stmt: Stmt, kind: str) -> dict[str, Stmt]:
        key = (id(stmt), kind)
        table = self._scopes.get(key)
        if table is None:
            table = {}
            for s in stmt.subs:
                if s.keyword == kind and s.arg is not None:
                    table.setdefault(s.arg, s)
            self._scopes[key] = table
        return table

    def err(self, stmt: Stmt, msg: str) -> None:
        self.r.error(stmt.source.display, stmt.line, msg)

    # ---------------------------------------------------------------- entry
    def check_module(self, mod: Module) -> None:
        top = mod.stmt
        self.check_arg(mod, top)
        self.check_children(mod, top)

    # ---------------------------------------------------------------- structure
    def check_children(self, mod: Module, stmt: Stmt, placement: bool = True) -> None:
        allowed = SUBSTATEMENTS.get(stmt.keyword, {}) if placement else None
        counts: Counter[str] = Counter()
        for sub in stmt.subs:
            if sub.prefix is not None:
                self.check_extension_use(mod, sub)
                continue
            if sub.keyword not in SUBSTATEMENTS:
                self.err(sub, f"unexpected keyword '{sub.keyword}'")
                continue
            if allowed is not None and sub.keyword not in allowed:
                self.err(sub, f"unexpected keyword '{sub.keyword}' as substatement to '{stmt.keyword}'")
                continue
            counts[sub.keyword] += 1
            if allowed is not None and counts[sub.keyword] == 2 and allowed[sub.keyword] in "1?":
                self.err(sub, f"keyword '{sub.keyword}' may appear only once in '{stmt.keyword}'")
            self.check_arg(mod, sub)
            self.check_references(mod, sub)
            self.check_children(mod, sub)
        if allowed is not None:
            for kw, card in allowed.items():
                if card in "1+" and counts[kw] == 0:
                    self.err(stmt, f"expected keyword '{kw}' as substatement to '{stmt.keyword}'")
        if stmt.keyword == "type":
            self.check_type_body(mod, stmt)

    def check_extension_use(self, mod: Module, stmt: Stmt) -> None:
        prefix = stmt.prefix or ""
        known, target = mod.resolve_prefix(prefix)
        if not known:
            self.err(stmt, f"undefined prefix {prefix}")
        elif target is not None:
            ext = target.extensions.get(stmt.local)
            if ext is None:
                if not target.lenient:
                    self.err(stmt, f"extension '{stmt.local}' is not defined in module '{target.name}'")
            elif not target.builtin:
                wants_arg = ext.find("argument") is not None
                if wants_arg and stmt.arg is None:
                    self.err(stmt, f"the extension '{stmt.keyword}' needs an argument")
                elif not wants_arg and stmt.arg is not None:
                    self.err(stmt, f"the extension '{stmt.keyword}' takes no argument")
        # Inside an extension the YANG statements keep their own rules, but
        # where they may appear is the extension's business.
        self.check_children(mod, stmt, placement=False)

    # ---------------------------------------------------------------- arguments
    def bad_arg(self, stmt: Stmt, kind: str) -> None:
        self.err(stmt, f'bad argument value "{stmt.arg}", should be of type {kind}')

    def check_arg(self, mod: Module, stmt: Stmt) -> None:
        kw = stmt.keyword
        arg = stmt.arg
        if kw in NO_ARGUMENT:
            if arg is not None:
                self.err(stmt, f"unexpected argument to '{kw}'")
            return
        if arg is None:
            self.err(stmt, f"missing argument to '{kw}'")
            return
        kind = ARG_KIND.get(kw)
        if kind is None:
            return
        if kind == "identifier":
            if not is_identifier(arg):
                self.bad_arg(stmt, "identifier")
        elif kind == "identifier-ref":
            p, n = split_ref(arg)
            if not is_identifier(n) or (p is not None and not is_identifier(p)):
                self.bad_arg(stmt, "identifier-ref")
            elif p is not None:
                known, _ = mod.resolve_prefix(p)
                if not known:
                    self.err(stmt, f"undefined prefix {p}")
        elif kind == "date":
            if not _DATE_RE.match(arg):
                self.bad_arg(stmt, "date")
        elif kind == "yang-version":
            if arg not in ("1", "1.1"):
                self.bad_arg(stmt, "yang-version")
        elif kind == "boolean":
            if arg not in ("true", "false"):
                self.bad_arg(stmt, "boolean")
        elif kind == "status":
            if arg not in ("current", "deprecated", "obsolete"):
                self.bad_arg(stmt, "status")
        elif kind == "ordered-by":
            if arg not in ("system", "user"):
                self.bad_arg(stmt, "ordered-by-arg")
        elif kind == "non-negative-integer":
            if not arg.isdigit():
                self.bad_arg(stmt, "non-negative-integer")
        elif kind == "max-value":
            if arg != "unbounded" and not (arg.isdigit() and int(arg) > 0):
                self.bad_arg(stmt, "max-value")
        elif kind == "integer":
            if not re.match(r"^-?\d+$", arg):
                self.bad_arg(stmt, "integer")
        elif kind == "fraction-digits":
            if not (arg.isdigit() and 1 <= int(arg) <= 18):
                self.bad_arg(stmt, "fraction-digits-arg")
        elif kind == "modifier":
            if arg != "invert-match":
                self.bad_arg(stmt, "modifier-arg")
        elif kind == "deviate":
            if arg not in ("not-supported", "add", "replace", "delete"):
                self.bad_arg(stmt, "deviate-arg")
        elif kind == "key":
            for k in arg.split():
                p, n = split_ref(k)
                if not is_identifier(n) or (p is not None and not is_identifier(p)):
                    self.bad_arg(stmt, "key-arg")
                    break
        elif kind == "schema-nodeid":
            self.check_schema_nodeid(mod, stmt)

    def check_schema_nodeid(self, mod: Module, stmt: Stmt) -> None:
        arg = (stmt.arg or "").strip()
        absolute = stmt.keyword == "deviation" or (
            stmt.keyword == "augment" and stmt.parent is not None and stmt.parent.keyword != "uses"
        )
        if absolute and not arg.startswith("/"):
            self.bad_arg(stmt, "absolute-schema-nodeid")
            return
        if not absolute and arg.startswith("/"):
            self.bad_arg(stmt, "descendant-schema-nodeid")
            return
        for step in arg.strip("/").split("/"):
            p, n = split_ref(step.strip())
            if not is_identifier(n) or (p is not None and not is_identifier(p)):
                self.bad_arg(stmt, "schema-nodeid")
                return
        for step in arg.strip("/").split("/"):
            p, _ = split_ref(step.strip())
            if p is not None and not mod.resolve_prefix(p)[0]:
                self.err(stmt, f"undefined prefix {p}")
                return

    # ---------------------------------------------------------------- references
    def check_references(self, mod: Module, stmt: Stmt) -> None:
        kw = stmt.keyword
        if stmt.arg is None:
            return
        if kw == "type":
            self.resolve_typedef(mod, stmt, report=True)
        elif kw == "uses":
            self.resolve_grouping(mod, stmt, report=True)
        elif kw == "base":
            self.resolve_identity(mod, stmt, report=True)
        elif kw == "if-feature":
            self.check_if_feature(mod, stmt)
        elif kw in ("when", "must", "path"):
            self.check_xpath_prefixes(mod, stmt)

    def _definition(
        self, mod: Module, stmt: Stmt, kind: str, report: bool, lexical: bool
    ) -> tuple[bool, Optional[Stmt]]:
        """(resolved, definition): resolved is True when nothing more should
        be said (found, or the target module is not ours to judge)."""
        key = (id(stmt), kind)
        if key in self._resolved:
            return True, self._resolved[key]
        ok, found = self._find_definition(mod, stmt, kind, report, lexical)
        if ok:
            self._resolved[key] = found
        return ok, found

    def _find_definition(
        self, mod: Module, stmt: Stmt, kind: str, report: bool, lexical: bool
    ) -> tuple[bool, Optional[Stmt]]:
        p, name = split_ref(stmt.arg or "")
        if p is not None:
            known, target = mod.resolve_prefix(p)
            if not known or target is None:
                return True, None  # undefined prefix / missing import: said already
        else:
            target = mod.main
        table_name = {
            "typedef": "typedefs",
            "grouping": "groupings",
            "identity": "identities",
            "feature": "features",
        }[kind]
        if lexical and (p is None or target is mod.main):
            node = stmt.parent
            while node is not None:
                found_here = self.scope(node, kind).get(name)
                if found_here is not None:
                    return True, found_here
                node = node.parent
        found = getattr(target, table_name).get(name)
        if found is not None:
            return True, found
        if target.lenient:
            return True, None
        if report:
            what = "type" if kind == "typedef" else kind
            self.err(stmt, f"{what} '{name}' not found in module '{target.name}'")
        return False, None

    def resolve_typedef(self, mod: Module, stmt: Stmt, report: bool = False) -> Optional[Stmt]:
        p, name = split_ref(stmt.arg or "")
        if p is None and name in BUILTIN_TYPES:
            return None
        if p is not None:
            known, target = mod.resolve_prefix(p)
            if known and target is mod.main and name in BUILTIN_TYPES:
                return None
        return self._definition(mod, stmt, "typedef", report, lexical=True)[1]

    def resolve_grouping(self, mod: Module, stmt: Stmt, report: bool = False) -> Optional[Stmt]:
        return self._definition(mod, stmt, "grouping", report, lexical=True)[1]

    def resolve_identity(self, mod: Module, stmt: Stmt, report: bool = False) -> Optional[Stmt]:
        return self._definition(mod, stmt, "identity", report, lexical=False)[1]

    def check_if_feature(self, mod: Module, stmt: Stmt) -> None:
        expr = stmt.arg or ""
        for token in re.findall(r"[A-Za-z_][A-Za-z0-9_.:-]*", expr):
            if token in ("and", "or", "not"):
                continue
            probe = Stmt("if-feature", token, stmt.line, stmt.source, parent=stmt.parent)
            p, _ = split_ref(token)
            if p is not None and not mod.resolve_prefix(p)[0]:
                self.err(stmt, f"undefined prefix {p}")
                continue
            self._definition(mod, probe, "feature", report=True, lexical=False)

    def check_xpath_prefixes(self, mod: Module, stmt: Stmt) -> None:
        for p in xpath_prefixes(stmt.arg or ""):
            if not mod.resolve_prefix(p)[0]:
                self.err(stmt, f"XPath error: Invalid namespace prefix: {p}")
                return

    def builtin_base(self, mod: Module, stmt: Stmt) -> Optional[str]:
        """The built-in type a `type` statement comes down to, through typedefs."""
        key = id(stmt)
        if key not in self._bases:
            self._bases[key] = self._builtin_base(mod, stmt)
        return self._bases[key]

    def _builtin_base(self, mod: Module, stmt: Stmt) -> Optional[str]:
        p, name = split_ref(stmt.arg or "")
        owner = module_of_stmt(stmt)
        if name in BUILTIN_TYPES and (p is None or owner.resolve_prefix(p)[1] is owner.main):
            return name
        td = self.resolve_typedef(owner, stmt)
        inner = td.find("type") if td is not None else None
        if inner is None or id(inner) in self._in_progress:
            return None  # unknown, or a typedef loop
        self._in_progress.add(id(inner))
        try:
            return self.builtin_base(owner, inner)
        finally:
            self._in_progress.discard(id(inner))

    def type_path(self, stmt: Stmt) -> Optional[Stmt]:
        """The leafref `path` behind a `type` statement, through typedefs."""
        key = id(stmt)
        if key in self._paths:
            return self._paths[key]
        result: Optional[Stmt] = None
        base = self.builtin_base(module_of_stmt(stmt), stmt)
        if base == "leafref":
            current: Optional[Stmt] = stmt
            for _ in range(64):
                if current is None:
                    break
                path = current.find("path")
                if path is not None:
                    result = path
                    break
                td = self.resolve_typedef(module_of_stmt(current), current)
                current = td.find("type") if td is not None else None
        self._paths[key] = result
        return result

    def check_type_body(self, mod: Module, stmt: Stmt) -> None:
        name = self.builtin_base(mod, stmt)
        if name is None:
            return
        derived = split_ref(stmt.arg or "")[1] != name or split_ref(stmt.arg or "")[0] is not None
        present = {s.keyword for s in stmt.subs if s.prefix is None}
        allowed = TYPE_RESTRICTIONS.get(name, set())
        if derived:
            # A derived type may be restricted further, not redefined.
            allowed = allowed & {"length", "pattern", "range"}
        for s in stmt.subs:
            if s.prefix is None and s.keyword in RESTRICTION_KEYWORDS and s.keyword not in allowed:
                self.err(s, f"the restriction '{s.keyword}' is not allowed for type '{name}'")
                return
        for member in ("enum", "bit"):
            seen: set[str] = set()
            for s in stmt.find_all(member):
                if s.arg in seen:
                    self.err(s, f"duplicate {member} '{s.arg}'")
                    return
                seen.add(s.arg or "")
        required = TYPE_REQUIRES.get(name)
        if not derived and required is not None and required not in present:
            self.err(stmt, f"expected keyword '{required}' as substatement to 'type {name}'")


def xpath_prefixes(expr: str) -> list[str]:
    """Namespace prefixes used in an XPath expression (or a leafref path),
    leaving out string literals, axes (`ancestor::`) and variables."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", expr)
    out: list[str] = []
    for m in re.finditer(r"(?<![\w.:$-])([A-Za-z_][\w.-]*):(?!:)", text):
        if m.group(1) not in out:
            out.append(m.group(1))
    return out


def module_of_stmt(stmt: Stmt) -> Module:
    return module_of(stmt)
