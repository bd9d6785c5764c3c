"""The schema tree: groupings expanded, augments applied, then the checks
that need the whole tree (duplicate node names, list keys, leafref paths,
augment and refine targets).

Modules found in $NCS_DIR/src/ncs/yang are our own small stand-ins for NSO's
modules: where a path reaches into them and finds nothing, the real module
probably has the node, so that is not reported.
"""

from __future__ import annotations

from typing import Iterator, Optional

from .checker import Checker, split_ref
from .diagnostics import Reporter
from .grammar import BUILTIN_TYPES
from .modules import Library, Module, module_of
from .parser import Stmt

TRANSPARENT = {"choice", "case", "input", "output"}
DATA_KINDS = {"container", "leaf", "leaf-list", "list", "anydata", "anyxml"}
NODE_KINDS = DATA_KINDS | {"choice", "case", "rpc", "action", "input", "output", "notification"}

TAILF_COMMON_NS = "http://tail-f.com/yang/common"
TAILF_NCS_NS = "http://tail-f.com/ns/ncs"


class Node:
    def __init__(
        self,
        kind: str,
        name: str,
        module: Module,
        stmt: Optional[Stmt],
        parent: Optional["Node"],
        site: Optional[Stmt],
    ):
        self.kind = kind
        self.name = name
        self.module = module
        self.stmt = stmt
        self.parent = parent
        self.children: list[Node] = []
        # Where a diagnostic about this node points: its own statement when
        # that is in the module being compiled, else the `uses` that brought
        # it in.
        self.site = site
        self.config = True
        self.placeholder = False
        self.in_operation = False  # under rpc/action/notification
        self.root: Optional["Root"] = None  # set for top-level nodes
        # The outermost `uses` this node came through, if any: a name clash
        # of such a node is the fault of that `uses`, reported once there.
        self.uses_site: Optional[Stmt] = None
        self.index: Optional[dict[tuple[str, str], "Node"]] = None
        # Names used in this scope, choices and cases included.
        self.names: dict[tuple[str, str], "Node"] = {}

    @property
    def builtin(self) -> bool:
        return self.module.builtin

    def data_parent(self) -> Optional["Node"]:
        """The nearest ancestor that is a data node (what `..` means in a
        path); None at the top of a module or of an rpc/notification."""
        p = self.parent
        while p is not None and p.kind in ("choice", "case", "input", "output", "action"):
            p = p.parent
        if p is not None and p.kind in ("rpc", "notification"):
            return None
        return p

    def data_children(self) -> Iterator["Node"]:
        for c in self.children:
            if c.kind in ("choice", "case"):
                yield from c.data_children()
            else:
                yield c

    def describe(self) -> str:
        return f"{self.kind} '{self.name}'"


class Root:
    """The top of one module's tree (its top-level nodes)."""

    def __init__(self, module: Module):
        self.module = module
        self.children: list[Node] = []
        self.index: Optional[dict[tuple[str, str], Node]] = None
        self.names: dict[tuple[str, str], Node] = {}


class SchemaBuilder:
    def __init__(self, library: Library, checker: Checker, reporter: Reporter, main: Module):
        self.lib = library
        self.checker = checker
        self.r = reporter
        self.main = main
        self.roots: dict[str, Root] = {}
        self.servicepoints: list[str] = []
        self.actionpoints: list[str] = []
        self.enums: list[str] = []
        self.reported_sites: set[int] = set()
        self._expanding: list[Stmt] = []

    # ---------------------------------------------------------------- helpers
    def reportable(self, stmt: Stmt) -> bool:
        """Only the module being compiled (and its submodules) gets
        diagnostics from this phase; other modules were compiled on their own."""
        return module_of(stmt).main is self.main

    def err(self, stmt: Stmt, msg: str) -> None:
        self.r.error(stmt.source.display, stmt.line, msg)

    def closure(self) -> list[Module]:
        """The main module and everything it imports, imports first."""
        order: list[Module] = []
        seen: set[str] = set()

        def visit(m: Module) -> None:
            if m.name in seen:
                return
            seen.add(m.name)
            for part in [m, *m.submodules]:
                for p in part.import_order:
                    t = part.prefix_modules.get(p)
                    if t is not None:
                        visit(t)
            order.append(m)

        visit(self.main)
        return order

    # ---------------------------------------------------------------- build
    def build(self) -> None:
        modules = self.closure()
        for m in modules:
            root = Root(m)
            self.roots[m.name] = root
            for s in m.body():
                self.expand_stmt(s, root, m, parent_node=None, site=None, config=True, op=False)
        for m in modules:
            for s in m.body():
                if s.keyword == "augment":
                    self.apply_augment(s, m)
        for m in modules:
            for s in m.body():
                if s.keyword == "deviation":
                    self.apply_deviation(s, m)
        for n in self.walk_all():
            if n.module is self.main:
                self.check_node(n)

    def site_for(self, stmt: Stmt, site: Optional[Stmt]) -> Stmt:
        return site if site is not None else stmt

    def expand_stmt(
        self,
        s: Stmt,
        container: "Root | Node",
        ns: Module,
        parent_node: Optional[Node],
        site: Optional[Stmt],
        config: bool,
        op: bool,
    ) -> None:
        kw = s.keyword
        if s.prefix is not None:
            self.expand_extension(s, container, ns, parent_node, site, config, op)
            return
        if kw in NODE_KINDS:
            if kw in ("input", "output"):
                name = kw
            elif s.arg is None:
                return
            else:
                name = s.arg
            if kw in DATA_KINDS and container is not None and isinstance(container, Node) and container.kind == "choice":
                # A short-hand case: the node is its own case.
                case = Node("case", name, ns, s, container, site)
                case.config = config
                self.add_child(container, case)
                self.expand_stmt(s, case, ns, case, site, config, op)
                return
            node = Node(kw, name, ns, s, parent_node, self.node_site(s, site))
            node.uses_site = site
            cfg = s.find_arg("config")
            node.config = config and cfg != "false"
            node.in_operation = op or kw in ("rpc", "action", "notification")
            self.add_child(container, node)
            for sub in s.subs:
                self.expand_stmt(sub, node, ns, node, site, node.config, node.in_operation)
            if kw in ("leaf", "leaf-list") and ns is self.main:
                self.note_enums(s)
            return
        if kw == "uses":
            self.expand_uses(s, container, ns, parent_node, site, config, op)

    def node_site(self, s: Stmt, site: Optional[Stmt]) -> Optional[Stmt]:
        if site is not None and s.source is not site.source:
            return site
        return s

    def expand_extension(
        self,
        s: Stmt,
        container: "Root | Node",
        ns: Module,
        parent_node: Optional[Node],
        site: Optional[Stmt],
        config: bool,
        op: bool,
    ) -> None:
        target = self.extension_module(s)
        if target is None:
            return
        if target.namespace == TAILF_COMMON_NS and s.local == "action" and s.arg:
            node = Node("action", s.arg, ns, s, parent_node, self.node_site(s, site))
            node.in_operation = True
            self.add_child(container, node)
            for sub in s.subs:
                self.expand_stmt(sub, node, ns, node, site, config, True)
            return
        if ns is self.main and self.reportable(s):
            self.note_points(s, target)

    def extension_module(self, s: Stmt) -> Optional[Module]:
        mod = module_of(s)
        known, target = mod.resolve_prefix(s.prefix or "")
        return target if known else None

    def note_points(self, s: Stmt, target: Module) -> None:
        if target.namespace == TAILF_NCS_NS and s.local == "servicepoint" and s.arg:
            if s.arg not in self.servicepoints:
                self.servicepoints.append(s.arg)
        if target.namespace == TAILF_COMMON_NS and s.local == "actionpoint" and s.arg:
            if s.arg not in self.actionpoints:
                self.actionpoints.append(s.arg)
        for sub in s.subs:
            if sub.prefix is not None:
                t = self.extension_module(sub)
                if t is not None:
                    self.note_points(sub, t)

    def note_enums(self, leaf: Stmt) -> None:
        t = leaf.find("type")
        stack = [t] if t is not None else []
        while stack:
            ty = stack.pop()
            for e in ty.find_all("enum"):
                if e.arg and e.arg not in self.enums:
                    self.enums.append(e.arg)
            stack.extend(ty.find_all("type"))

    def expand_uses(
        self,
        s: Stmt,
        container: "Root | Node",
        ns: Module,
        parent_node: Optional[Node],
        site: Optional[Stmt],
        config: bool,
        op: bool,
    ) -> None:
        mod = module_of(s)
        grouping = self.checker.resolve_grouping(mod, s)
        if grouping is None:
            return
        if grouping in self._expanding:
            if self.reportable(s):
                self.err(s, f"the grouping '{grouping.arg}' uses itself")
            return
        self._expanding.append(grouping)
        use_site = site if site is not None else s
        before = len(container.children)
        for sub in grouping.subs:
            self.expand_stmt(sub, container, ns, parent_node, use_site, config, op)
        self._expanding.pop()
        added = container.children[before:]
        if id(use_site) in self.reported_sites:
            return  # its nodes clashed with others: refine/augment would only repeat that
        for ref in s.find_all("refine"):
            target = self.find_descendant(ref, added, mod)
            if target is None:
                continue
            cfg = ref.find_arg("config")
            if cfg == "false":
                self.set_config(target, False)
        for aug in s.find_all("augment"):
            target = self.find_descendant(aug, added, mod)
            if target is not None:
                self.augment_into(target, aug, ns, site)

    def set_config(self, node: Node, value: bool) -> None:
        node.config = value
        for c in node.children:
            self.set_config(c, value)

    # ---------------------------------------------------------------- tree edits
    def add_child(self, container: "Root | Node", node: Node) -> None:
        scope = self.scope_of(container)
        key = (node.module.name, node.name)
        if node.kind != "case":
            other = scope.names.get(key) if scope is not None else None
            if other is not None and other is not node:
                self.report_duplicate(node, other)
                return
            if scope is not None:
                scope.names[key] = node
        if isinstance(container, Node):
            node.parent = container
        else:
            node.parent = None
            node.root = container
        container.children.append(node)
        container.index = None

    def scope_of(self, container: "Root | Node") -> "Root | Node | None":
        """Where names must be unique: choices and cases do not open a scope
        of their own."""
        top: Root | Node | None = container
        while isinstance(top, Node) and top.kind in ("choice", "case"):
            top = top.parent if top.parent is not None else top.root
        return top

    def report_duplicate(self, node: Node, other: Node) -> None:
        site = node.uses_site or node.site
        if site is None or not self.reportable(site):
            return
        if id(site) in self.reported_sites:
            return
        self.reported_sites.add(id(site))
        first = other.site or other.stmt
        where = ""
        if first is not None:
            where = (
                f" (first defined at line {first.line})"
                if first.source is site.source
                else f" (first defined at {first.source.display}:{first.line})"
            )
        self.err(site, f"there is already a node named '{node.name}' here{where}")

    # ---------------------------------------------------------------- paths
    def lookup_module(self, stmt: Stmt, prefix: Optional[str], default: Module) -> Optional[Module]:
        if prefix is None:
            return default
        known, target = module_of(stmt).resolve_prefix(prefix)
        return target if known else None

    def find_child(
        self, parent: "Root | Node", name: str, module: Module, transparent: bool
    ) -> Optional[Node]:
        """The child `module:name` of `parent`; with `transparent`, also
        inside its choices and cases (data paths skip those)."""
        if parent.index is None:
            parent.index = {}
            for c in parent.children:
                parent.index.setdefault((c.module.name, c.name), c)
        found = parent.index.get((module.name, name))
        if found is not None and not (transparent and found.kind in ("choice", "case")):
            return found
        if transparent:
            for c in parent.children:
                if c.kind in ("choice", "case"):
                    inner = self.find_child(c, name, module, transparent=True)
                    if inner is not None:
                        return inner
        return None

    def not_found(self, stmt: Stmt, name: str, module: Module, parent: "Root | Node") -> None:
        if isinstance(parent, Node):
            self.err(
                stmt,
                f"the node '{name}' from module '{module.name}' (in node '{parent.name}' "
                f"from '{parent.module.name}') is not found",
            )
        else:
            self.err(stmt, f"the node '{name}' from module '{module.name}' is not found")

    def resolve_schema_path(
        self, stmt: Stmt, path: str, start: "Root | Node | None", default: Module, lenient_create: bool
    ) -> Optional[Node]:
        """Follows an absolute or descendant schema node identifier (the
        argument of augment, deviation, refine). Choice, case, input and
        output are steps of their own here."""
        steps = [p for p in path.strip().split("/") if p]
        current: Root | Node | None = start
        for step in steps:
            p, name = split_ref(step.strip())
            module = self.lookup_module(stmt, p, default)
            if module is None:
                return None
            if current is None:
                current = self.roots.get(module.name)
                if current is None:
                    return None
            found = self.find_child(current, name, module, transparent=False)
            if found is None:
                if isinstance(current, Node) and (current.module.lenient or current.placeholder):
                    if not lenient_create:
                        return None
                    # Our stand-in lacks a node the real NSO module has.
                    ph = Node("container", name, module, None, current if isinstance(current, Node) else None, None)
                    ph.placeholder = True
                    current.children.append(ph)
                    current.index = None
                    found = ph
                else:
                    if self.reportable(stmt):
                        self.not_found(stmt, name, module, current)
                    return None
            current = found
        return current if isinstance(current, Node) else None

    def find_descendant(self, stmt: Stmt, added: list[Node], mod: Module) -> Optional[Node]:
        steps = [p for p in (stmt.arg or "").strip().split("/") if p]
        if not steps:
            return None
        p, name = split_ref(steps[0])
        module = self.lookup_module(stmt, p, mod.main)
        first = next(
            (n for n in added if n.name == name and (module is None or n.module.name == module.name or module is mod.main)),
            None,
        )
        if first is None:
            if self.reportable(stmt):
                self.err(stmt, f"the node '{name}' is not found in the grouping used here")
            return None
        if len(steps) == 1:
            return first
        return self.resolve_schema_path(stmt, "/".join(steps[1:]), first, mod.main, lenient_create=False)

    def apply_augment(self, s: Stmt, m: Module) -> None:
        target = self.resolve_schema_path(s, s.arg or "", None, m, lenient_create=True)
        if target is None:
            return
        self.augment_into(target, s, m, None)

    def augment_into(self, target: Node, aug: Stmt, ns: Module, site: Optional[Stmt]) -> None:
        if target.kind in ("leaf", "leaf-list", "anydata", "anyxml"):
            if self.reportable(aug):
                self.err(aug, f"the augment target '{target.name}' is a {target.kind}, which cannot have children")
            return
        for sub in aug.subs:
            if sub.keyword == "case":
                node = Node("case", sub.arg or "", ns, sub, target, self.node_site(sub, site))
                self.add_child(target, node)
                for c in sub.subs:
                    self.expand_stmt(c, node, ns, node, site, target.config, target.in_operation)
            else:
                self.expand_stmt(sub, target, ns, target, site, target.config, target.in_operation)

    def apply_deviation(self, s: Stmt, m: Module) -> None:
        target = self.resolve_schema_path(s, s.arg or "", None, m, lenient_create=False)
        if target is None:
            return
        for d in s.find_all("deviate"):
            if d.arg != "not-supported":
                continue
            holder: Root | Node | None = target.parent if target.parent is not None else target.root
            if holder is not None and target in holder.children:
                holder.children.remove(target)
                holder.index = None

    # ---------------------------------------------------------------- checks
    def walk_all(self) -> Iterator[Node]:
        def walk(n: "Root | Node") -> Iterator[Node]:
            for c in list(n.children):
                yield c
                yield from walk(c)

        for root in list(self.roots.values()):
            yield from walk(root)

    def check_node(self, n: Node) -> None:
        s = n.stmt
        if s is None:
            return
        if n.kind == "list":
            self.check_list_keys(n)
        if n.kind in ("leaf", "leaf-list"):
            if n.kind == "leaf" and s.find_arg("mandatory") == "true" and s.find("default") is not None:
                d = s.find("default")
                assert d is not None
                if self.reportable(d):
                    self.err(d, f"the leaf '{n.name}' is mandatory and cannot have a default value")
            self.check_leafref(n)
        self.check_cli_drop_node_name(n)

    def check_list_keys(self, n: Node) -> None:
        s = n.stmt
        assert s is not None
        key = s.find("key")
        site = n.site or s
        if key is None or not key.arg:
            if n.config and not n.in_operation and self.reportable(site):
                self.err(site, f"the list '{n.name}' needs a key")
            return
        for k in key.arg.split():
            _, name = split_ref(k)
            leaf = next(
                (c for c in n.children if c.name == name and c.kind == "leaf"),
                None,
            )
            if leaf is None:
                where = key if self.reportable(key) else site
                if self.reportable(where):
                    self.err(where, f"the key '{name}' does not reference a leaf in the list '{n.name}'")
                return

    def leafref_path(self, leaf: Stmt) -> Optional[Stmt]:
        """The `path` statement behind a leaf's type, following typedefs."""
        t = leaf.find("type")
        return self.checker.type_path(t) if t is not None else None

    def check_leafref(self, n: Node) -> None:
        assert n.stmt is not None
        path_stmt = self.leafref_path(n.stmt)
        if path_stmt is None or path_stmt.arg is None:
            return
        where = path_stmt if self.reportable(path_stmt) else (n.site or n.stmt)
        if not self.reportable(where):
            return
        path = path_stmt.arg.strip()
        if "deref(" in path:
            return
        defining = module_of(path_stmt).main
        steps = split_path(path)
        if steps is None:
            self.err(where, f'bad argument value "{path}", should be of type path-arg')
            return
        absolute = path.startswith("/")
        current: Root | Node | None
        if absolute:
            current = None
        else:
            current = n
        for step in steps:
            if step == "..":
                if current is None or isinstance(current, Root):
                    self.err(where, f"the path '{path}' goes above the top of the data tree")
                    return
                parent = current.data_parent()
                if parent is None:
                    current = self.roots.get(current.module.name)
                else:
                    current = parent
                continue
            if step == "current()":
                current = n
                continue
            p, name = split_ref(step)
            module = self.lookup_module(path_stmt, p, defining)
            if module is None:
                return
            if current is None:
                current = self.roots.get(module.name)
                if current is None:
                    return
            found = self.find_child(current, name, module, transparent=True)
            if found is None and p is None and isinstance(current, Node):
                # An unprefixed step may name a node of the context module.
                found = self.find_child(current, name, current.module, transparent=True)
            if found is None:
                if isinstance(current, Node) and (current.module.lenient or current.placeholder):
                    return
                self.not_found(where, name, module, current)
                return
            if found.placeholder:
                return
            current = found
        if isinstance(current, Node) and current.kind not in ("leaf", "leaf-list"):
            target_stmt = current.stmt
            at = (
                f" at {target_stmt.source.display}:{target_stmt.line}" if target_stmt is not None else ""
            )
            self.err(
                where,
                f"the leafref refers to non-leaf and non-leaf-list node '{current.name}' "
                f"in module '{current.module.name}'{at}",
            )

    def check_cli_drop_node_name(self, n: Node) -> None:
        s = n.stmt
        if s is None:
            return
        drop = next((x for x in s.subs if x.local == "cli-drop-node-name" and self._is_tailf(x)), None)
        if drop is None:
            return
        parent = n.data_parent()
        if parent is None or parent.kind != "list" or parent.stmt is None:
            return
        if any(x.local == "cli-suppress-mode" and self._is_tailf(x) for x in parent.stmt.subs):
            return
        if self.reportable(drop):
            self.r.warning(
                drop.source.display,
                drop.line,
                "when tailf:cli-drop-node-name is given, it is recommended that "
                "tailf:cli-suppress-mode is used in combination. using "
                "tailf:cli-drop-nodename in a list child without using tailf:cli-suppress-mode "
                "on the list, might lead to confusing behaviour, where the user enters the "
                "submode without being able to give further configuration.",
            )

    def _is_tailf(self, s: Stmt) -> bool:
        if s.prefix is None:
            return False
        t = self.extension_module(s)
        return t is not None and t.namespace == TAILF_COMMON_NS

    # ---------------------------------------------------------------- output
    def data_nodes(self) -> list[tuple[str, bool]]:
        """Every data node the main module defines as (/prefix:name path,
        config); nodes it adds to other modules' trees appear under their
        target."""
        out: list[tuple[str, bool]] = []

        def walk(n: "Root | Node", path: str) -> None:
            for c in n.children:
                if c.kind in ("rpc", "action", "notification"):
                    continue
                if c.kind in ("choice", "case"):
                    walk(c, path)
                    continue
                p = f"{path}/{c.module.prefix}:{c.name}"
                if c.module is self.main and not c.placeholder:
                    out.append((p, c.config))
                walk(c, p)

        for root in self.roots.values():
            walk(root, "")
        return out

    def symbol_names(self) -> list[str]:
        names: list[str] = []
        for n in self.walk_all():
            if n.module is self.main and n.kind not in ("input", "output") and n.name not in names:
                names.append(n.name)
        return names


def split_path(path: str) -> Optional[list[str]]:
    """Steps of a leafref path with predicates removed:
    `../../a:b[x = current()/../y]/c` -> ['..', '..', 'a:b', 'c']."""
    steps: list[str] = []
    buf: list[str] = []
    depth = 0
    quote = ""
    text = path.strip()
    if text.startswith("current()"):
        text = text[len("current()") :]
        steps.append("current()")
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            continue
        if depth > 0:
            if ch in "'\"":
                quote = ch
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            continue
        if ch == "[":
            depth += 1
            continue
        if ch == "/":
            if buf:
                steps.append("".join(buf).strip())
                buf = []
            continue
        buf.append(ch)
    if depth != 0 or quote:
        return None
    if buf:
        steps.append("".join(buf).strip())
    for s in steps:
        if s in ("..", "current()"):
            continue
        p, n = split_ref(s)
        if not n or not (n[0].isalpha() or n[0] == "_"):
            return None
    return steps
