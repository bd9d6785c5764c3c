"""Data models: the JSON .fxs files written by the ncsc stand-in, and the
schema tree the CLI and CDB walk.

An .fxs file of the simulator (real ones are binary) is JSON:
  {"format":"nso-sim-fxs","version":1,"module":..,"namespace":..,"prefix":..,
   "revision":..,"nodes":["/p:top","/p:top/p:leaf",..],"servicepoints":[..],
   "actionpoints":[..],"imports":[..]}
It lists every data node path (augments under their target path) but not
whether a node is a list: a node with children is a container, or a list when
the CLI is given a key for it (the key is its first child, as ncsc orders
keys first). NSO's own modules below are known exactly.
"""

import json
import os
from collections import OrderedDict


class FxsError(Exception):
    pass


class Module:
    def __init__(self, name, namespace, prefix, revision=None, nodes=(), servicepoints=(),
                 actionpoints=(), imports=(), package=None, source=None, builtin=False):
        self.name = name
        self.namespace = namespace
        self.prefix = prefix
        self.revision = revision
        self.nodes = list(nodes)
        self.servicepoints = list(servicepoints)
        self.actionpoints = list(actionpoints)
        self.imports = list(imports)
        self.package = package
        self.source = source
        self.builtin = builtin

    def to_json(self):
        return {
            'module': self.name, 'namespace': self.namespace, 'prefix': self.prefix,
            'revision': self.revision, 'nodes': self.nodes, 'servicepoints': self.servicepoints,
            'actionpoints': self.actionpoints, 'imports': self.imports, 'package': self.package,
        }

    @classmethod
    def from_json(cls, d):
        return cls(d['module'], d.get('namespace', ''), d.get('prefix', ''), d.get('revision'),
                   d.get('nodes', []), d.get('servicepoints', []), d.get('actionpoints', []),
                   d.get('imports', []), d.get('package'))

    def signature(self):
        return (self.namespace, self.prefix, tuple(sorted(self.nodes)))


def load_fxs(path, package):
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as err:
        raise FxsError('%s: %s' % (os.path.basename(path), err.strerror)) from None
    try:
        d = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise FxsError('%s: not a valid fxs file (compiled by another NSO version?)'
                       % os.path.basename(path)) from None
    if not isinstance(d, dict) or d.get('format') != 'nso-sim-fxs' or 'module' not in d:
        raise FxsError('%s: not a valid fxs file' % os.path.basename(path))
    m = Module.from_json(d)
    m.package = package
    m.source = path
    return m


def _b(prefix, paths):
    return ['/' + '/'.join('%s:%s' % (prefix, seg) for seg in p.split('/')) for p in paths]


# NSO's own modules, the few nodes the simulator serves. Lists and leaf-lists
# are named here because NSO knows them exactly.
BUILTIN_MODULES = [
    Module('tailf-aaa', 'http://tail-f.com/ns/aaa/1.1', 'aaa', '2023-04-13', _b('aaa', [
        'aaa', 'aaa/authentication', 'aaa/authentication/users', 'aaa/authentication/users/user',
        'aaa/authentication/users/user/name', 'aaa/authentication/users/user/uid',
        'aaa/authentication/users/user/gid', 'aaa/authentication/users/user/password',
        'aaa/authentication/users/user/ssh_keydir', 'aaa/authentication/users/user/homedir',
    ]), builtin=True),
    Module('ietf-netconf-acm', 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm', 'nacm',
           '2018-02-14', _b('nacm', [
               'nacm', 'nacm/enable-nacm', 'nacm/read-default', 'nacm/write-default',
               'nacm/exec-default', 'nacm/groups', 'nacm/groups/group', 'nacm/groups/group/name',
               'nacm/groups/group/user-name', 'nacm/rule-list', 'nacm/rule-list/name',
               'nacm/rule-list/group',
           ]), builtin=True),
    Module('tailf-ncs', 'http://tail-f.com/ns/ncs', 'ncs', '2024-11-01', _b('ncs', [
        'devices', 'devices/authgroups', 'devices/authgroups/group',
        'devices/authgroups/group/name', 'devices/authgroups/group/default-map',
        'devices/authgroups/group/default-map/remote-name',
        'devices/authgroups/group/default-map/remote-password',
        'devices/device', 'devices/device/name', 'devices/device/address',
        'devices/device/port', 'devices/device/authgroup', 'devices/device/description',
        'devices/device/config', 'devices/device/state', 'devices/device/state/admin-state',
        'services',
    ]), builtin=True),
]
BUILTIN_LISTS = {
    ('aaa', 'authentication', 'users', 'user'): 'name',
    ('nacm', 'groups', 'group'): 'name',
    ('nacm', 'rule-list'): 'name',
    ('devices', 'authgroups', 'group'): 'name',
    ('devices', 'device'): 'name',
}
BUILTIN_LEAF_LISTS = {
    ('nacm', 'groups', 'group', 'user-name'),
    ('nacm', 'rule-list', 'group'),
}
BUILTIN_CONTAINERS = {('devices', 'device', 'config'), ('services',), ('devices', 'device', 'state')}
CONFIG_NS = 'http://tail-f.com/ns/config/1.0'


class SchemaNode:
    def __init__(self, name, module=None, parent=None):
        self.name = name
        self.module = module
        self.parent = parent
        self.children = OrderedDict()
        self.key = None        # key leaf when known to be a list
        self.leaf_list = False
        self.forced_container = False

    @property
    def is_leaf(self):
        return not self.children and not self.forced_container

    def path(self):
        parts = []
        n = self
        while n.parent is not None:
            parts.append(n.name)
            n = n.parent
        return tuple(reversed(parts))

    def child(self, token):
        return self.children.get(token.split(':')[-1])

    def list_key(self):
        if self.key:
            return self.key
        return next(iter(self.children)) if self.children else None


def split_path(p):
    """'/p:a/p:b' -> [('p','a'),('p','b')]; a segment without prefix keeps the last."""
    out = []
    prefix = None
    for seg in p.strip('/').split('/'):
        if not seg:
            continue
        if ':' in seg:
            prefix, name = seg.split(':', 1)
        else:
            name = seg
        out.append((prefix, name))
    return out


def build_tree(modules):
    """One tree over NSO's modules and the loaded package modules."""
    root = SchemaNode(None)
    for m in list(BUILTIN_MODULES) + list(modules):
        for p in m.nodes:
            node = root
            for prefix, name in split_path(p):
                nxt = node.children.get(name)
                if nxt is None:
                    nxt = SchemaNode(name, m.name, node)
                    node.children[name] = nxt
                node = nxt
    for path, key in BUILTIN_LISTS.items():
        n = find(root, path)
        if n is not None:
            n.key = key
    for path in BUILTIN_LEAF_LISTS:
        n = find(root, path)
        if n is not None:
            n.leaf_list = True
    for path in BUILTIN_CONTAINERS:
        n = find(root, path)
        if n is not None:
            n.forced_container = True
    return root


def find(root, path):
    node = root
    for name in path:
        node = node.children.get(name)
        if node is None:
            return None
    return node


def namespaces(modules):
    ns = {CONFIG_NS: None}
    for m in list(BUILTIN_MODULES) + list(modules):
        ns[m.namespace] = m
    return ns
