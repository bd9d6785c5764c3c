"""Reading ncs.conf the way the ncs daemon does at start and on reload.

Only the settings the simulator acts on are extracted; everything else in the
file is accepted as long as the XML is well formed and the root element is
/ncs-config. Environment references ${VAR} and ${VAR:-default} are expanded as
documented in ncs.conf(5).
"""

import os
import re
import xml.etree.ElementTree as ET

from . import IPC_DEFAULT_ADDR, IPC_DEFAULT_PORT

CONFIG_NS = 'http://tail-f.com/yang/tailf-ncs-config'
VAR_RE = re.compile(r'\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}')


class ConfError(Exception):
    """A bad ncs.conf, reported as NSO's BADCONFIG message does."""

    def __init__(self, path, line, message):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self):
        return 'Bad configuration: %s:%s: %s' % (self.path, self.line, self.message)


def _local(tag):
    return tag.rsplit('}', 1)[-1]


class _Node:
    """An element with its line, children found by local name."""

    def __init__(self, elem, line):
        self.elem = elem
        self.line = line
        self.children = []
        self.text = (elem.text or '').strip()

    def child(self, name):
        for c in self.children:
            if _local(c.elem.tag) == name:
                return c
        return None

    def all(self, name):
        return [c for c in self.children if _local(c.elem.tag) == name]


def _parse_with_lines(path, raw):
    """ElementTree drops line numbers: rebuild them with a pull parser."""
    parser = ET.XMLPullParser(events=('start', 'end'))
    stack = []
    root = None
    lines = raw.split('\n')
    try:
        for lineno, text in enumerate(lines, start=1):
            parser.feed(text + ('\n' if lineno < len(lines) else ''))
            for event, elem in parser.read_events():
                if event == 'start':
                    node = _Node(elem, lineno)
                    if stack:
                        stack[-1].children.append(node)
                    else:
                        root = node
                    stack.append(node)
                else:
                    node = stack.pop()
                    node.text = (elem.text or '').strip()
        parser.close()
    except ET.ParseError as err:
        line = err.position[0] if err.position else 0
        raise ConfError(path, line, 'XML parse error: %s' % str(err).split(':')[0]) from None
    if root is None:
        raise ConfError(path, 0, 'no ncs-config element')
    return root


def expand_vars(path, line, value, env):
    def repl(m):
        name, default = m.group(1), m.group(2)
        if name in env and env[name] != '':
            return env[name]
        if default is not None:
            return default
        if name in env:
            return ''
        raise ConfError(path, line, 'environment variable %s is undefined' % name)

    return VAR_RE.sub(repl, value)


class NcsConf:
    """The parts of ncs.conf the simulated daemon and tools use."""

    def __init__(self, path, run_dir=None, env=None):
        self.path = path
        env = dict(os.environ if env is None else env)
        base = run_dir or os.getcwd()
        try:
            with open(path, encoding='utf-8') as f:
                raw = f.read()
        except OSError as err:
            raise ConfError(path, 0, 'cannot read file: %s' % err.strerror) from None
        root = _parse_with_lines(path, raw)
        if _local(root.elem.tag) != 'ncs-config' or not root.elem.tag.startswith('{%s}' % CONFIG_NS):
            raise ConfError(path, root.line, 'the root element must be ncs-config in %s' % CONFIG_NS)
        self._root = root
        self._env = env
        self._base = base

        def text(p, default=None):
            node = self._find(p)
            if node is None or node.text == '':
                return default
            return expand_vars(path, node.line, node.text, env)

        def flag(p, default):
            v = text(p)
            if v is None:
                return default
            v = v.strip().lower()
            if v not in ('true', 'false'):
                node = self._find(p)
                raise ConfError(path, node.line, '/ncs-config/%s: "%s" is not a boolean' % (p, v))
            return v == 'true'

        def resolve(p):
            return p if os.path.isabs(p) else os.path.normpath(os.path.join(base, p))

        lp = self._find('load-path')
        self.load_path = []
        if lp is not None:
            for d in lp.all('dir'):
                self.load_path.append(resolve(expand_vars(path, d.line, d.text, env)))
        self.state_dir = resolve(text('state-dir', './state'))
        self.cdb_dir = resolve(text('cdb/db-dir', './ncs-cdb'))
        self.init_path = []
        ip = self._find('cdb/init-path')
        if ip is not None:
            for d in ip.all('dir'):
                self.init_path.append(resolve(expand_vars(path, d.line, d.text, env)))
        self.ipc_addr = text('ncs-ipc-address/ip', IPC_DEFAULT_ADDR)
        port = text('ncs-ipc-address/port', str(IPC_DEFAULT_PORT))
        try:
            self.ipc_port = int(port)
        except ValueError:
            raise ConfError(path, self._find('ncs-ipc-address/port').line,
                            '/ncs-config/ncs-ipc-address/port: "%s" is not a port' % port) from None
        # NSO's own defaults: local authentication on, PAM off.
        self.local_auth = flag('aaa/local-authentication/enabled', True)
        self.pam = flag('aaa/pam/enabled', False)
        self.cli_style = (text('cli/style', 'j') or 'j').strip().lower()
        self.ncs_log = self._log('ncs-log', resolve, text, flag)
        self.devel_log = self._log('developer-log', resolve, text, flag)
        self.audit_log = self._log('audit-log', resolve, text, flag)
        self.python_log_prefix = resolve(text('python-vm/logging/log-file-prefix', './logs/ncs-python-vm'))
        self.java_log = resolve(text('java-vm/stdout-capture/file', './logs/ncs-java-vm.log'))
        self.interfaces = {
            'cli-ssh': flag('cli/ssh/enabled', False) and flag('cli/enabled', True),
            'netconf-ssh': flag('netconf-north-bound/enabled', True)
            and flag('netconf-north-bound/transport/ssh/enabled', False),
            'netconf-tcp': flag('netconf-north-bound/enabled', True)
            and flag('netconf-north-bound/transport/tcp/enabled', False),
            'webui-tcp': flag('webui/enabled', False) and flag('webui/transport/tcp/enabled', False),
            'webui-ssl': flag('webui/enabled', False) and flag('webui/transport/ssl/enabled', False),
        }

    def _find(self, p):
        node = self._root
        for part in p.split('/'):
            node = node.child(part)
            if node is None:
                return None
        return node

    def _log(self, name, resolve, text, flag):
        enabled = flag('logs/%s/enabled' % name, name != 'developer-log') and flag(
            'logs/%s/file/enabled' % name, True)
        fname = text('logs/%s/file/name' % name)
        if not enabled or fname is None:
            return None
        return resolve(fname)


def local_auth_enabled(path):
    """For /run-nso.sh: is /ncs-config/aaa/local-authentication/enabled true?"""
    return NcsConf(path, run_dir=os.environ.get('NCS_RUN_DIR', '/nso/run')).local_auth
