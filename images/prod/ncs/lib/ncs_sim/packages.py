"""Packages on the load path: package-meta-data.xml, load-dir/*.fxs, python/
and templates/, checked the way NSO's package loader reports them."""

import ast
import os
import re
import sys
import traceback
import xml.etree.ElementTree as ET
import xml.parsers.expat

from . import NCS_VERSION
from . import schema as sch

PKG_NS = 'http://tail-f.com/ns/ncs-packages'


class MetaError(Exception):
    pass


def _local(tag):
    return tag.rsplit('}', 1)[-1]


def _kids(elem, name):
    return [k for k in elem if _local(k.tag) == name]


def _text(elem, name, default=None):
    k = _kids(elem, name)
    if not k:
        return default
    return ' '.join((k[0].text or '').split())


class Component:
    def __init__(self, name, kind, python_class=None, java_classes=(), start_phase=None, ned=None):
        self.name = name
        self.kind = kind
        self.python_class = python_class
        self.java_classes = list(java_classes)
        self.start_phase = start_phase
        self.ned = ned


class PackageMeta:
    def __init__(self, directory):
        self.directory = directory
        self.name = None
        self.version = None
        self.description = None
        self.ncs_min_versions = []
        self.ncs_max_versions = []
        self.required = []            # (name, min-version or None)
        self.python_vm_name = None
        self.components = []

    @property
    def vm_name(self):
        return self.python_vm_name or self.name

    def python_components(self):
        return [c for c in self.components if c.python_class]

    def java_components(self):
        return [c for c in self.components if c.java_classes]


def parse_meta(directory):
    path = os.path.join(directory, 'package-meta-data.xml')
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise MetaError(str(err)) from None
    if _local(root.tag) != 'ncs-package':
        raise MetaError('root element is not ncs-package')
    m = PackageMeta(directory)
    m.name = _text(root, 'name')
    if not m.name:
        raise MetaError('missing name')
    m.version = _text(root, 'package-version')
    m.description = _text(root, 'description')
    m.ncs_min_versions = [' '.join((k.text or '').split()) for k in _kids(root, 'ncs-min-version')]
    m.ncs_max_versions = [' '.join((k.text or '').split()) for k in _kids(root, 'ncs-max-version')]
    for rp in _kids(root, 'required-package'):
        m.required.append((_text(rp, 'name'), _text(rp, 'min-version')))
    for pp in _kids(root, 'python-package'):
        m.python_vm_name = _text(pp, 'vm-name')
    for c in _kids(root, 'component'):
        name = _text(c, 'name') or '?'
        for kind in ('application', 'upgrade', 'callback', 'ned'):
            for k in _kids(c, kind):
                py = _text(k, 'python-class-name')
                java = [' '.join((j.text or '').split()) for j in k.iter() if _local(j.tag) == 'java-class-name']
                ned = None
                if kind == 'ned':
                    ned = [_local(x.tag) for x in k if _local(x.tag) in ('cli', 'netconf', 'generic', 'snmp')]
                m.components.append(Component(name, kind, py, java, _text(k, 'start-phase'), ned))
    return m


def version_tuple(v):
    parts = []
    for p in re.split(r'[._]', v or ''):
        mm = re.match(r'\d+', p)
        if not mm:
            break
        parts.append(int(mm.group(0)))
    return tuple(parts)


def ncs_version_ok(meta):
    """True when no ncs-min-version is later than the running NSO."""
    if not meta.ncs_min_versions:
        return True, None
    cur = version_tuple(NCS_VERSION)
    for v in meta.ncs_min_versions:
        req = version_tuple(v)
        width = max(len(req), len(cur))
        if req + (0,) * (width - len(req)) <= cur + (0,) * (width - len(cur)):
            return True, None
    return False, meta.ncs_min_versions[0]


def scan(load_path):
    """Package directories on the load path, in load-path then name order."""
    found = []
    for d in load_path:
        if not os.path.isdir(d):
            continue
        for entry in sorted(os.listdir(d)):
            pdir = os.path.join(d, entry)
            if os.path.isfile(os.path.join(pdir, 'package-meta-data.xml')):
                found.append(pdir)
    return found


def load_modules(meta):
    mods = []
    errors = []
    ld = os.path.join(meta.directory, 'load-dir')
    if os.path.isdir(ld):
        for f in sorted(os.listdir(ld)):
            if f.endswith('.fxs'):
                try:
                    mods.append(sch.load_fxs(os.path.join(ld, f), meta.name))
                except sch.FxsError as err:
                    errors.append(str(err))
    return mods, errors


# ----------------------------------------------------------------- Python VM

class PythonLoadError(Exception):
    def __init__(self, info, trace):
        super().__init__(info)
        self.info = info
        self.trace = trace


def _module_file(pydir, modname):
    base = os.path.join(pydir, *modname.split('.'))
    for cand in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.isfile(cand):
            return cand
    return None


def _compile(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        src = f.read()
    # The SyntaxError raised here carries the file, line and caret that the
    # traceback in ncs-python-vm-<pkg>.log shows.
    return compile(src, path, 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def _import_chain(pydir, modname, seen):
    """Compile a module, its parent packages and the package-local modules it
    imports, as importing it in the Python VM would."""
    parts = modname.split('.')
    for i in range(1, len(parts) + 1):
        name = '.'.join(parts[:i])
        if name in seen:
            continue
        f = _module_file(pydir, name)
        if f is None:
            raise ModuleNotFoundError("No module named '%s'" % name)
        seen[name] = _compile(f)
        tree = seen[name]
        is_pkg = f.endswith('__init__.py')
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split('.') if is_pkg else name.split('.')[:-1]
                    base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                    mod = '.'.join(base + ([node.module] if node.module else []))
                    targets = [mod] + ['%s.%s' % (mod, a.name) for a in node.names]
                else:
                    targets = [node.module] + ['%s.%s' % (node.module, a.name) for a in node.names]
            for t in targets:
                if t and t not in seen and _module_file(pydir, t) is not None:
                    _import_chain(pydir, t, seen)
    return seen[modname]


def load_python(meta):
    """Load each python-class-name of the package; raise PythonLoadError with
    NSO's info text (the exception's last line) and the full traceback."""
    pydir = os.path.join(meta.directory, 'python')
    seen = {}
    for comp in meta.python_components():
        cls_path = comp.python_class
        modname, _, clsname = cls_path.rpartition('.')
        try:
            if not modname:
                raise ModuleNotFoundError("No module named '%s'" % cls_path)
            tree = _import_chain(pydir, modname, seen)
            defined = set()
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    defined.add(node.name)
                elif isinstance(node, ast.Assign):
                    defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    defined.update((a.asname or a.name).split('.')[0] for a in node.names)
            if clsname not in defined:
                raise AttributeError("module '%s' has no attribute '%s'" % (modname, clsname))
        except (SyntaxError, ModuleNotFoundError, AttributeError, OSError) as err:
            trace = traceback.format_exc()
            info = traceback.format_exception_only(type(err), err)[-1].strip()
            raise PythonLoadError(info, trace) from None


# ----------------------------------------------------------------- templates

class TemplateError(Exception):
    pass


def check_template(path, servicepoints, known_ns):
    """Load one templates/*.xml: well-formed XML, a known servicepoint and
    known namespaces. Errors read '<file>:<line> <text>' as NSO prints them."""
    fname = os.path.basename(path)
    errors = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=' ')

    def start(name, attrs):
        line = parser.CurrentLineNumber
        if ' ' in name:
            uri = name.split(' ', 1)[0]
            if uri not in known_ns and not errors:
                errors.append("%s:%d Unknown namespace: '%s'" % (fname, line, uri))
        for k, v in attrs.items():
            if k.split(' ')[-1] == 'servicepoint' and v not in servicepoints and not errors:
                errors.append('%s:%d Unknown servicepoint: %s' % (fname, line, v))

    parser.StartElementHandler = start
    try:
        with open(path, 'rb') as f:
            parser.ParseFile(f)
    except xml.parsers.expat.ExpatError as err:
        msg = xml.parsers.expat.ErrorString(err.code)
        raise TemplateError('%s:%d: The XML stream is broken. %s' % (fname, err.lineno, msg[:1].upper() + msg[1:] + '.')) from None
    except OSError as err:
        raise TemplateError('%s: %s' % (fname, err.strerror)) from None
    if errors:
        raise TemplateError(errors[0])


def template_files(meta):
    tdir = os.path.join(meta.directory, 'templates')
    if not os.path.isdir(tdir):
        return []
    return [os.path.join(tdir, f) for f in sorted(os.listdir(tdir)) if f.endswith('.xml')]


def python_version_banner():
    return 'Python %s' % sys.version.replace('\n', ' ')
