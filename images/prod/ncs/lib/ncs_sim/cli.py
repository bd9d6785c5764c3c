"""The CLI engine behind ncs_cli: C-style (-C) and J-style (-J) sessions.

Covers the commands a package developer runs against a production container:
packages reload / redeploy, show packages, show ncs-state version, a little
configuration (config/configure, set/plain paths, no/delete, commit, exit)
and show running-config / show configuration.

Prompts are only sent to a terminal: with commands on standard input (no
TTY) ncs_cli prints command output only, as the real one does (scripts in
NSO's examples read `echo "show ..." | ncs_cli -C -u admin` as plain data).
"""

import copy
import re
import shlex

from . import NCS_VERSION
from . import cdb as cdbmod
from . import logs as logsmod
from .daemon import BANNER, apply_edits


class CliError(Exception):
    def __init__(self, text):
        super().__init__(text)
        self.text = text


def syntax(msg):
    return CliError('syntax error: %s' % msg)


def run_session(daemon, conn, req):
    user = req.get('user') or 'admin'
    style = (req.get('style') or daemon.conf.cli_style or 'j')[0].lower()
    if not daemon.authenticate(user):
        daemon.logs.audit(user, 0, 'login failed via cli from 127.0.0.1:0 with console: '
                                   'no such local user')
        conn.send({'t': 'out', 'd': 'Error: access denied\n', 'fd': 2})
        conn.send({'t': 'exit', 'code': 1})
        return
    s = Session(daemon, conn, user, style, bool(req.get('interactive')),
                bool(req.get('stop_on_error')))
    daemon.logs.audit(user, s.usid, 'logged in over cli from 127.0.0.1 with authmeth:console')
    if s.interactive:
        conn.send({'t': 'out', 'd': '%s connected from 127.0.0.1 using console on %s\n'
                   % (user, daemon.logs.host)})
    s.loop()
    daemon.logs.audit(user, s.usid, 'terminated session (reason: normal)')


class Session:
    def __init__(self, daemon, conn, user, style, interactive, stop_on_error):
        self.d = daemon
        self.conn = conn
        self.user = user
        self.style = 'c' if style == 'c' else 'j'
        self.interactive = interactive
        self.stop_on_error = stop_on_error
        self.usid = daemon.next_usid()
        self.config_mode = False
        self.edits = []
        self.work = None
        self.ctx = []          # C-style submode: path segments of a list entry
        self.ctx_node = None
        self.exit_code = 0

    # ------------------------------------------------------------- I/O

    def write(self, text):
        if text:
            self.conn.send({'t': 'out', 'd': text})

    def ask(self, question):
        self.conn.send({'t': 'ask', 'd': question})
        msg = self.conn.read()
        if msg is None or msg.get('t') != 'line':
            return None
        return msg.get('d', '').strip()

    def prompt(self):
        if self.style == 'c':
            if not self.config_mode:
                return '%s@ncs# ' % self.user
            if self.ctx:
                return '%s@ncs(config-%s-%s)# ' % (self.user, self.ctx[-2][1], self.ctx[-1][1])
            return '%s@ncs(config)# ' % self.user
        return '%s@ncs%s ' % (self.user, '%' if self.config_mode else '>')

    def loop(self):
        while True:
            self.conn.send({'t': 'prompt', 'd': self.prompt()})
            msg = self.conn.read()
            if msg is None or msg.get('t') != 'line':
                break
            if self.handle(msg.get('d', '')):
                break
        self.conn.send({'t': 'exit', 'code': self.exit_code})

    # ------------------------------------------------------------- commands

    def handle(self, line):
        text = line.strip()
        if not text or text.startswith('!') or text.startswith('#'):
            return False
        self.d.logs.audit(self.user, self.usid, "CLI '%s'" % text)
        ok = True
        done = False
        try:
            try:
                tokens = shlex.split(text)
            except ValueError:
                raise syntax('unterminated quoted string') from None
            cmd, pipes = self._split_pipes(tokens)
            lines, done = self.dispatch(cmd)
            lines = self._pipe(lines, pipes)
            if lines:
                self.write('\n'.join(lines) + '\n')
        except CliError as err:
            ok = False
            self.write(err.text + '\n')
        if self.style == 'j' and not done:
            self.write('[%s][%s]\n\n' % ('ok' if ok else 'error', logsmod.cli_stamp()))
        if not ok and self.stop_on_error:
            self.exit_code = 1
            return True
        return done

    def _split_pipes(self, tokens):
        if '|' not in tokens:
            return tokens, []
        parts = [[]]
        for t in tokens:
            if t == '|':
                parts.append([])
            else:
                parts[-1].append(t)
        return parts[0], parts[1:]

    def _pipe(self, lines, pipes):
        for p in pipes:
            if not p:
                raise syntax('incomplete command')
            if p[0] in ('include', 'exclude') and len(p) == 2:
                rx = re.compile(p[1])
                keep = p[0] == 'include'
                lines = [ln for ln in lines if bool(rx.search(ln)) == keep]
            elif p[0] == 'count' and len(p) == 1:
                lines = ['Count: %d lines' % len(lines)]
            elif p[0] in ('nomore', 'notab', 'tab') and len(p) == 1:
                pass
            else:
                raise syntax('unknown argument')
        return lines

    def dispatch(self, t):
        if not t:
            return [], False
        if self.config_mode:
            return (self._config_c(t) if self.style == 'c' else self._config_j(t))
        return self._oper(t)

    def _oper(self, t):
        head = t[0]
        if head in ('exit', 'quit', 'logout'):
            return [], True
        if self.style == 'c':
            if head in ('config', 'configure'):
                if len(t) > 2 or (len(t) == 2 and t[1] not in ('terminal', 'private', 'exclusive', 'shared')):
                    raise syntax('unknown argument')
                self._enter_config()
                return ['Entering configuration mode %s' % (t[1] if len(t) == 2 else 'terminal')], False
            if head == 'packages':
                return self._packages(t[1:]), False
            if head == 'show':
                return self._show(t[1:]), False
            raise syntax('unknown command')
        if head == 'configure':
            if len(t) > 2 or (len(t) == 2 and t[1] not in ('private', 'exclusive', 'shared')):
                raise syntax('unknown argument')
            self._enter_config()
            return ['Entering configuration mode %s' % (t[1] if len(t) == 2 else 'private')], False
        if head == 'request':
            if len(t) >= 2 and t[1] == 'packages':
                return self._packages(t[2:]), False
            raise syntax('unknown argument' if len(t) > 1 else 'incomplete command')
        if head == 'show':
            return self._show(t[1:]), False
        raise syntax('unknown command')

    # ------------------------------------------------------------- packages

    def _packages(self, a):
        if not a:
            raise syntax('incomplete command')
        if a[0] == 'reload':
            force = dry_run = False
            i = 1
            while i < len(a):
                opt = a[i]
                if opt == 'force':
                    force = True
                elif opt == 'dry-run':
                    dry_run = True
                elif opt in ('wait-commit-queue-empty',):
                    pass
                elif opt == 'max-wait-time' and i + 1 < len(a) and a[i + 1].isdigit():
                    i += 1
                elif opt == 'timeout-action' and i + 1 < len(a) and a[i + 1] in ('fail', 'kill'):
                    i += 1
                elif opt == 'report' and i + 1 < len(a) and a[i + 1] in ('no-report', 'all-schema-paths'):
                    i += 1
                elif opt in ('max-wait-time', 'timeout-action', 'report') and i + 1 >= len(a):
                    raise syntax('incomplete command')
                else:
                    raise syntax('unknown argument')
                i += 1
            return self._reload_lines(self.d.packages_reload(force=force, dry_run=dry_run))
        if a[0] == 'package' and len(a) >= 2:
            if len(a) == 2:
                raise syntax('incomplete command')
            if a[2] != 'redeploy' or len(a) > 3:
                raise syntax('unknown argument')
            ok = self.d.redeploy(a[1])
            if ok is None:
                raise CliError('Error: element does not exist')
            return ['result %s' % ('true' if ok else 'false')]
        raise syntax('unknown argument')

    def _reload_lines(self, out):
        if out.error:
            raise CliError('Error: %s' % out.error)
        lines = []
        if out.banner:
            lines += [''] + BANNER
        for name, ok, info in out.results:
            lines += ['reload-result {', '    package %s' % cdbmod.quote(name),
                      '    result %s' % ('true' if ok else 'false')]
            if info:
                lines.append('    info %s' % info)
            lines.append('}')
        for when, text in out.messages:
            lines += ['', 'System message at %s...' % logsmod.cli_stamp(when), '    %s' % text]
        return lines

    # ------------------------------------------------------------- show

    def _show(self, a):
        if not a:
            raise syntax('incomplete command')
        if a[0] == 'packages':
            return self._show_packages(a[1:])
        if a[0] == 'ncs-state':
            if len(a) == 1 or (len(a) == 2 and a[1] == 'version'):
                return ['ncs-state version %s' % NCS_VERSION]
            raise syntax('unknown argument')
        if self.style == 'c' and a[0] == 'running-config':
            return self._show_config_c(self.d.cdb.config, a[1:])
        if self.style == 'j' and a[0] == 'configuration':
            return self._show_config_j(self.d.cdb.config, a[1:])
        raise syntax('unknown argument')

    def _show_packages(self, a):
        with self.d.lock:
            states = list(self.d.packages.values())
        if a and a[0] != 'package':
            raise syntax('unknown argument')
        if len(a) <= 1:
            lines = []
            for st in states:
                lines += self._package_entry(st)
            return lines or ['% No entries found.']
        st = next((s for s in states if s.name == a[1]), None)
        if st is None:
            return ['% No entries found.']
        if len(a) == 2:
            return self._package_entry(st)
        fields = self._package_fields(st)
        rest = a[2:]
        if rest[0] not in fields and rest[0] not in self.KNOWN_PACKAGE_FIELDS:
            raise syntax('unknown argument')
        lines = fields.get(rest[0], [])
        if rest[0] == 'oper-status' and len(rest) > 1:
            lines = [ln for ln in lines if ln.split(' ')[1] == rest[1]]
        elif len(rest) > 1:
            raise syntax('unknown argument')
        return lines or ['% No entries found.']

    KNOWN_PACKAGE_FIELDS = ('package-version', 'description', 'ncs-min-version', 'python-package',
                            'directory', 'templates', 'component', 'oper-status', 'name')

    def _package_fields(self, st):
        m = st.meta
        leaves = []
        if m is not None and m.version:
            leaves.append(('package-version', m.version))
        if m is not None and m.description:
            leaves.append(('description', cdbmod.quote(m.description) if m.description else ''))
        if m is not None and m.ncs_min_versions:
            leaves.append(('ncs-min-version', '[ %s ]' % ' '.join(m.ncs_min_versions)))
        leaves.append(('directory', cdbmod.quote('./state/packages-in-use/1/%s' % st.name)))
        if st.templates:
            leaves.append(('templates', '[ %s ]' % ' '.join(st.templates)))
        width = max(len(n) for n, _ in leaves)
        fields = {n: ['%s %s' % (n.ljust(width), v)] for n, v in leaves}
        if m is not None and m.python_vm_name:
            fields['python-package'] = ['python-package vm-name %s' % m.python_vm_name]
        comps = []
        if m is not None:
            seen = []
            for c in m.components:
                if c.name not in seen:
                    seen.append(c.name)
            for name in seen:
                comps.append('component %s' % name)
                for c in (c for c in m.components if c.name == name):
                    if c.python_class:
                        comps.append(' %s python-class-name %s' % (c.kind, c.python_class))
                    for j in c.java_classes:
                        comps.append(' %s java-class-name %s' % (c.kind, j))
                    if c.kind == 'application' and c.start_phase:
                        comps.append(' application start-phase %s' % c.start_phase)
        if comps:
            fields['component'] = comps
        status = ['oper-status %s' % st.oper]
        if st.oper == 'missing-dependency' and st.oper_detail:
            status = ['oper-status missing-dependency package-name %s' % st.oper_detail]
        for e in st.error_info:
            status.append('oper-status error-info "%s"' % e.replace('\\', '\\\\').replace('"', '\\"'))
        fields['oper-status'] = status
        return fields

    def _package_entry(self, st):
        f = self._package_fields(st)
        # A name with blanks or quotes is quoted, as NSO's CLI prints list keys.
        lines = ['packages package %s' % cdbmod.quote(st.name)]
        order = ['package-version', 'description', 'ncs-min-version', 'python-package', 'directory',
                 'templates', 'component', 'oper-status']
        for key in order:
            for ln in f.get(key, []):
                lines.append(' ' + ln)
        return lines

    # ------------------------------------------------------------- data paths

    def _resolve(self, tokens, snode, segs, tree, allow_value=False):
        pos = 0
        segs = list(segs)
        while pos < len(tokens):
            c = snode.child(tokens[pos])
            if c is None:
                raise syntax('element does not exist')
            pos += 1
            segs.append(['n', c.name])
            if c.is_leaf:
                if allow_value and pos < len(tokens):
                    pos += 1
                if pos < len(tokens):
                    raise syntax('unknown argument')
                return segs, c
            data = cdbmod.get(tree, segs)
            is_list = c.key is not None or (data is not None and 'e' in data) or (
                pos < len(tokens) and c.child(tokens[pos]) is None and not c.forced_container)
            if is_list and pos < len(tokens):
                segs.append(['k', tokens[pos], c.list_key()])
                pos += 1
            snode = c
        return segs, snode

    def _parse_set(self, tokens, snode, segs, tree):
        """A set / C-style config line: (edits, submode or None)."""
        if not tokens:
            raise syntax('incomplete command')
        edits = []
        segs = list(segs)
        pos = 0
        entered = None
        while pos < len(tokens):
            c = snode.child(tokens[pos])
            if c is None:
                raise syntax('unknown argument' if pos or self.style == 'j' else 'unknown command')
            pos += 1
            entered = None
            if c.is_leaf:
                if pos >= len(tokens):
                    raise syntax('incomplete command')
                if c.leaf_list and tokens[pos] == '[':
                    end = tokens.index(']', pos) if ']' in tokens[pos:] else -1
                    if end < 0:
                        raise syntax('incomplete command')
                    value = tokens[pos + 1:end]
                    pos = end + 1
                else:
                    value = [tokens[pos]] if c.leaf_list else tokens[pos]
                    pos += 1
                edits.append(('set', segs + [['n', c.name]], value, c.leaf_list))
                continue
            data = cdbmod.get(tree, segs + [['n', c.name]])
            is_list = c.key is not None or (data is not None and 'e' in data) or (
                pos < len(tokens) and c.child(tokens[pos]) is None and not c.forced_container)
            if is_list:
                if pos >= len(tokens):
                    raise syntax('incomplete command')
                segs = segs + [['n', c.name], ['k', tokens[pos], c.list_key()]]
                pos += 1
                edits.append(('create', segs))
                entered = (segs, c)
            else:
                segs = segs + [['n', c.name]]
                if pos >= len(tokens):
                    edits.append(('create', segs))
            snode = c
        return edits, entered

    # ------------------------------------------------------------- configure

    def _enter_config(self):
        self.config_mode = True
        self.edits = []
        with self.d.lock:
            self.work = copy.deepcopy(self.d.cdb.config)
        self.ctx = []
        self.ctx_node = None

    def _leave_config(self):
        self.config_mode = False
        self.edits = []
        self.work = None
        self.ctx = []
        self.ctx_node = None

    def _commit(self):
        if not self.edits:
            return ['% No modifications to commit.']
        self.d.commit(self.edits, self.user, self.usid)
        self.edits = []
        with self.d.lock:
            self.work = copy.deepcopy(self.d.cdb.config)
        return ['Commit complete.']

    def _edit(self, edits):
        apply_edits(self.work, edits)
        self.edits += edits

    def _config_c(self, t):
        head = t[0]
        root = self.d.schema_root
        base, node = (self.ctx, self.ctx_node) if self.ctx else ([], root)
        if head == 'exit' and len(t) == 1:
            if self.ctx:
                self.ctx, self.ctx_node = [], None
                return [], False
            return self._quit_c(), False
        if head == 'end' and len(t) == 1:
            return self._quit_c(), False
        if head == 'top' and len(t) == 1:
            self.ctx, self.ctx_node = [], None
            return [], False
        if head == 'commit':
            return self._commit(), False
        if head == 'abort':
            self._leave_config()
            return [], False
        if head == 'revert':
            self._enter_config()
            self.config_mode = True
            return [], False
        if head == 'do':
            return self._oper(t[1:]) if len(t) > 1 else ([], False)
        if head == 'show':
            if len(t) >= 2 and t[1] in ('full-configuration', 'running-config', 'configuration'):
                return self._show_config_c(self.work, t[2:], base, node), False
            raise syntax('unknown argument')
        if head == 'no':
            segs, _ = self._resolve(t[1:], node, base, self.work, allow_value=True)
            if len(t) == 1:
                raise syntax('incomplete command')
            if cdbmod.get(self.work, segs) is None:
                raise CliError('Error: element does not exist')
            self._edit([('delete', segs)])
            return [], False
        edits, entered = self._parse_set(t, node, base, self.work)
        self._edit(edits)
        if entered is not None and t[-1] == entered[0][-1][1]:
            self.ctx, self.ctx_node = entered
        return [], False

    def _quit_c(self):
        if self.edits:
            ans = self.ask('Uncommitted changes found, commit them? [yes/no/CANCEL] ')
            if ans is None:
                self._leave_config()
                return []
            if ans.lower() in ('yes', 'y'):
                out = self._commit()
                self._leave_config()
                return out
            if ans.lower() in ('no', 'n'):
                self._leave_config()
                return []
            return []
        self._leave_config()
        return []

    def _config_j(self, t):
        head = t[0]
        root = self.d.schema_root
        if head in ('exit', 'quit') and (len(t) == 1 or t[1:] == ['configuration-mode']):
            if self.edits:
                ans = self.ask('Discard changes and continue? [yes,no] ')
                if ans is not None and ans.lower() not in ('yes', 'y'):
                    return [], False
            self._leave_config()
            return [], False
        if head == 'commit':
            return self._commit(), False
        if head == 'set':
            edits, _ = self._parse_set(t[1:], root, [], self.work)
            self._edit(edits)
            return [], False
        if head == 'delete':
            if len(t) == 1:
                raise syntax('incomplete command')
            segs, _ = self._resolve(t[1:], root, [], self.work, allow_value=True)
            if cdbmod.get(self.work, segs) is None:
                raise CliError('Error: element does not exist')
            self._edit([('delete', segs)])
            return [], False
        if head == 'show':
            return self._show_config_j(self.work, t[1:]), False
        if head == 'run':
            return self._oper(t[1:]) if len(t) > 1 else ([], False)
        if head in ('top', 'up') and len(t) == 1:
            return [], False
        if head == 'revert':
            self._enter_config()
            return [], False
        raise syntax('unknown command')

    def _show_config_c(self, tree, a, base=(), node=None):
        root = node if node is not None else self.d.schema_root
        segs, _ = self._resolve(a, root, list(base), tree)
        data = cdbmod.filtered(tree, segs) if segs else tree
        lines = cdbmod.render_c(data, self.d.schema_root) if data is not None else []
        return lines or ['% No entries found.']

    def _show_config_j(self, tree, a):
        segs, snode = self._resolve(a, self.d.schema_root, [], tree)
        node = cdbmod.get(tree, segs) if segs else tree
        if node is None:
            return ['% No entries found.']
        if 'v' in node:
            return ['%s %s;' % (segs[-1][1], cdbmod.quote(node['v']))]
        if 'vl' in node:
            return ['%s [ %s ];' % (segs[-1][1], ' '.join(cdbmod.quote(v) for v in node['vl']))]
        if 'e' in node:
            lines = []
            for key, entry in node['e'].items():
                lines.append('%s %s {' % (segs[-1][1], cdbmod.quote(key)))
                inner = {'c': {k: v for k, v in entry.get('c', {}).items() if k != node.get('k')}}
                lines += cdbmod.render_j(inner, '    ', snode)
                lines.append('}')
            return lines
        if segs and segs[-1][0] == 'k':
            node = {'c': {k: v for k, v in node.get('c', {}).items() if k != segs[-1][2]}}
        return cdbmod.render_j(node, '', snode) or ['% No entries found.']
