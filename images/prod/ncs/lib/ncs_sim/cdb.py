"""A small persistent CDB: the running configuration and what NSO remembers
about loaded packages and data models.

Files in the CDB directory (ncs.conf /ncs-config/cdb/db-dir):
  A.cdb   the configuration (JSON here). Its presence means "persisted CDB
          exists": init XML files (add_admin_user.xml, ...) are read only when
          it is missing, as NSO does.
  O.cdb   operational state: the loaded modules and packages.
Both are written atomically so ncs-backup can copy them at any time.

Configuration data nodes (JSON):
  container {"c": {name: node}}   leaf {"v": "text"}   leaf-list {"vl": [..]}
  list {"k": key-leaf, "e": {key: container-with-key-leaf}}
Paths are lists of segments: ["n", name] or ["k", key-value, key-leaf].
"""

import copy
import json
import os
import xml.etree.ElementTree as ET

from . import schema as sch


def _write_json(path, data):
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Cdb:
    def __init__(self, db_dir):
        self.dir = db_dir
        self.a_path = os.path.join(db_dir, 'A.cdb')
        self.o_path = os.path.join(db_dir, 'O.cdb')
        self.config = {'c': {}}
        self.oper = {'modules': {}, 'packages': []}
        self.persisted = False

    def load(self):
        os.makedirs(self.dir, exist_ok=True)
        self.persisted = os.path.exists(self.a_path)
        if self.persisted:
            with open(self.a_path, encoding='utf-8') as f:
                self.config = json.load(f).get('config', {'c': {}})
        if os.path.exists(self.o_path):
            with open(self.o_path, encoding='utf-8') as f:
                self.oper = json.load(f)

    def save_config(self):
        os.makedirs(self.dir, exist_ok=True)
        _write_json(self.a_path, {'format': 'nso-sim-cdb', 'version': 1, 'config': self.config})
        self.persisted = True

    def save_oper(self):
        os.makedirs(self.dir, exist_ok=True)
        _write_json(self.o_path, self.oper)


# ----------------------------------------------------------------- tree edits

def get(tree, segs):
    node = tree
    for seg in segs:
        if node is None:
            return None
        if seg[0] == 'n':
            node = node.get('c', {}).get(seg[1])
        else:
            node = node.get('e', {}).get(seg[1])
    return node


def ensure(tree, segs):
    """Create the containers, lists and list entries along segs."""
    node = tree
    for i, seg in enumerate(segs):
        if seg[0] == 'n':
            children = node.setdefault('c', {})
            nxt = children.get(seg[1])
            if nxt is None:
                following = segs[i + 1] if i + 1 < len(segs) else None
                if following is not None and following[0] == 'k':
                    nxt = {'k': following[2], 'e': {}}
                else:
                    nxt = {'c': {}}
                children[seg[1]] = nxt
            node = nxt
        else:
            entries = node.setdefault('e', {})
            nxt = entries.get(seg[1])
            if nxt is None:
                nxt = {'c': {seg[2]: {'v': seg[1]}}}
                entries[seg[1]] = nxt
            node = nxt
    return node


def hash_password(value):
    """AAA passwords given in clear text ($0$...) are stored hashed, as NSO does."""
    if not value.startswith('$0$'):
        return value
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            import crypt
        return crypt.crypt(value[3:], crypt.mksalt(crypt.METHOD_SHA512))
    except (ImportError, OSError):
        return value


def set_leaf(tree, segs, value, leaf_list=False):
    if segs and segs[0][1] == 'aaa' and segs[-1][1] == 'password' and isinstance(value, str):
        value = hash_password(value)
    parent = ensure(tree, segs[:-1])
    name = segs[-1][1]
    children = parent.setdefault('c', {})
    if leaf_list:
        cur = children.get(name)
        values = cur['vl'] if cur and 'vl' in cur else []
        for v in value if isinstance(value, list) else [value]:
            if v not in values:
                values.append(v)
        children[name] = {'vl': values}
    else:
        children[name] = {'v': value}


def delete(tree, segs):
    if not segs:
        tree['c'] = {}
        return True
    parent = get(tree, segs[:-1])
    if parent is None:
        return False
    last = segs[-1]
    if last[0] == 'n':
        return parent.get('c', {}).pop(last[1], None) is not None
    return parent.get('e', {}).pop(last[1], None) is not None


def prune(tree, root):
    """Drop data whose schema node is gone (a forced upgrade). Returns the
    removed paths for the log."""
    removed = []

    def walk(data, snode, path):
        for name in list(data.get('c', {})):
            child = data['c'][name]
            s = snode.children.get(name)
            if s is None:
                removed.append('/'.join(path + [name]))
                del data['c'][name]
                continue
            if 'e' in child:
                for key, entry in child['e'].items():
                    walk(entry, s, path + ['%s{%s}' % (name, key)])
            elif 'c' in child:
                walk(child, s, path + [name])

    walk(tree, root, [])
    return removed


def filtered(tree, segs):
    """A copy of tree holding only the subtree at segs (for show with a path)."""
    node = get(tree, segs)
    if node is None:
        return None
    out = {'c': {}}
    cur = out
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg[0] == 'n':
            if last:
                cur['c'][seg[1]] = copy.deepcopy(node)
            else:
                following = segs[i + 1]
                nxt = {'k': following[2], 'e': {}} if following[0] == 'k' else {'c': {}}
                cur['c'][seg[1]] = nxt
                cur = nxt
        else:
            if last:
                cur['e'][seg[1]] = copy.deepcopy(node)
            else:
                nxt = {'c': {seg[2]: {'v': seg[1]}}}
                cur['e'][seg[1]] = nxt
                cur = nxt
    return out


# ----------------------------------------------------------------- rendering

def quote(v):
    if v == '' or any(c in v for c in ' \t"\\;{}[]'):
        return '"%s"' % v.replace('\\', '\\\\').replace('"', '\\"')
    return v


def ordered(node, snode):
    """Children in schema order (as NSO shows them), unknown ones last."""
    kids = node.get('c', {})
    names = [n for n in snode.children if n in kids] if snode is not None else []
    names += [n for n in kids if n not in names]
    return [(n, kids[n], snode.children.get(n) if snode is not None else None) for n in names]


def render_c(tree, sroot=None):
    """C-style running-config: containers prefix their leaves on one line,
    list entries open a mode closed by '!'."""
    lines = []

    def walk(node, snode, prefix, indent, skip=None):
        for name, child, schild in ordered(node, snode):
            if name == skip:
                continue
            if 'v' in child:
                lines.append(indent + ' '.join(prefix + [name, quote(child['v'])]))
            elif 'vl' in child:
                lines.append(indent + ' '.join(prefix + [name, '[', ' '.join(quote(v) for v in child['vl']), ']']))
            elif 'e' in child:
                for key, entry in child['e'].items():
                    lines.append(indent + ' '.join(prefix + [name, quote(key)]))
                    walk(entry, schild, [], indent + ' ', skip=child.get('k'))
                    lines.append(indent + '!')
            else:
                if child.get('c'):
                    walk(child, schild, prefix + [name], indent)
                else:
                    lines.append(indent + ' '.join(prefix + [name]))

    walk(tree, sroot, [], '')
    return lines


def render_j(node, indent='', snode=None):
    """J-style configuration: braces and semicolons, 4-space indent."""
    lines = []
    for name, child, schild in ordered(node, snode):
        if 'v' in child:
            lines.append('%s%s %s;' % (indent, name, quote(child['v'])))
        elif 'vl' in child:
            lines.append('%s%s [ %s ];' % (indent, name, ' '.join(quote(v) for v in child['vl'])))
        elif 'e' in child:
            for key, entry in child['e'].items():
                lines.append('%s%s %s {' % (indent, name, quote(key)))
                inner = {'c': {k: v for k, v in entry.get('c', {}).items() if k != child.get('k')}}
                lines.extend(render_j(inner, indent + '    ', schild))
                lines.append(indent + '}')
        elif child.get('c'):
            lines.append('%s%s {' % (indent, name))
            lines.extend(render_j(child, indent + '    ', schild))
            lines.append(indent + '}')
        else:
            lines.append('%s%s;' % (indent, name))
    return lines


# ----------------------------------------------------------------- init XML

class InitError(Exception):
    pass


def load_init_xml(tree, path, root, modules):
    """Merge an init XML file (<config xmlns="http://tail-f.com/ns/config/1.0">)
    into tree. Elements must belong to a loaded data model."""
    known = sch.namespaces(modules)
    try:
        doc = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise InitError('XML parse error: %s' % err) from None

    def local(tag):
        return tag.rsplit('}', 1)[-1]

    def ns(tag):
        return tag[1:].split('}', 1)[0] if tag.startswith('{') else ''

    if local(doc.tag) != 'config' or ns(doc.tag) != sch.CONFIG_NS:
        raise InitError('the root element must be config in %s' % sch.CONFIG_NS)

    def walk(elem, snode, segs):
        name = local(elem.tag)
        s = snode.children.get(name)
        if s is None or (ns(elem.tag) and ns(elem.tag) not in known):
            raise InitError('unknown element: %s in %s' % (name, ns(elem.tag) or 'no namespace'))
        kids = list(elem)
        if s.is_leaf:
            value = (elem.text or '').strip()
            if s.leaf_list:
                set_leaf(tree, segs + [['n', name]], value, leaf_list=True)
            else:
                set_leaf(tree, segs + [['n', name]], value)
            return
        if s.key:
            key_elem = next((k for k in kids if local(k.tag) == s.key), None)
            if key_elem is None:
                raise InitError('list entry %s without its key %s' % (name, s.key))
            entry = segs + [['n', name], ['k', (key_elem.text or '').strip(), s.key]]
            ensure(tree, entry)
            for k in kids:
                if local(k.tag) != s.key:
                    walk(k, s, entry)
            return
        ensure(tree, segs + [['n', name]])
        for k in kids:
            walk(k, s, segs + [['n', name]])

    for elem in doc:
        walk(elem, root, [])
