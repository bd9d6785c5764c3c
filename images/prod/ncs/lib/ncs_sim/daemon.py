"""The simulated ncs daemon: start phases, the IPC port, packages, CDB.

Started as `ncs --foreground -v --cd <dir> -c <ncs.conf> [--with-package-reload
| --with-package-reload-force] [--ignore-initial-validation]`. It listens on
the IPC address of ncs.conf (127.0.0.1:4569 by default) where ncs_cli, ncs_cmd,
ncs and ncs-backup reach it with one JSON request line per connection.

Start-up passes through the phases NSO reports (starting, phase0, phase1,
started) over NSO_SIM_START_DELAY seconds (default 2) so that health checks
see a slow start, as with a real NSO loading many packages.
"""

import copy
import os
import shutil
import signal
import socket
import socketserver
import sys
import threading
import time

from . import NCS_VERSION
from . import cdb as cdbmod
from . import conf as confmod
from . import logs as logsmod
from . import packages as pk
from . import schema as sch

PHASES = {'starting': 0, 'phase0': 0, 'phase1': 1, 'started': 2, 'stopping': 2}
CDB_FLAG_INIT = 0x1
CDB_FLAG_UPGRADE = 0x2

EXIT_BADCONFIG = 21
EXIT_BIND = 20
EXIT_UPGRADE = 13

BANNER = [
    '>>> System upgrade is starting.',
    '>>> Sessions in configure mode must exit to operational mode.',
    '>>> No configuration changes can be performed until upgrade has completed.',
    '>>> System upgrade has completed successfully.',
]


class PackageState:
    def __init__(self, name, meta=None, directory=None):
        self.name = name
        self.meta = meta
        self.directory = directory
        self.modules = []
        self.templates = []
        self.oper = 'up'
        self.oper_detail = None   # e.g. missing-dependency package name
        self.error_info = []
        self.fxs_errors = []
        self.dp_names = []        # the Python VM's registered subsystems

    @property
    def up(self):
        return self.oper == 'up'

    def fail(self, oper, info):
        self.oper = oper
        self.error_info = [info] if info else []

    def to_json(self):
        return {'name': self.name, 'directory': self.directory, 'oper': self.oper,
                'error-info': self.error_info}


class Outcome:
    """What a packages reload did, for the CLI and ncs_cmd to print."""

    def __init__(self, error=None):
        self.error = error
        self.banner = False
        self.results = []      # (package, ok, info)
        self.messages = []     # (time, text)


class Daemon:
    def __init__(self, conf_path, run_dir, reload_mode=None, verbose=False, start_delay=2.0,
                 ignore_initial_validation=False):
        self.conf_path = conf_path
        self.run_dir = run_dir
        self.reload_mode = reload_mode
        self.verbose = verbose
        self.start_delay = start_delay
        self.ignore_initial_validation = ignore_initial_validation
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.status = 'starting'
        self.flags = 0
        self.stop_event = threading.Event()
        self.modules = {}          # name -> schema.Module (what CDB knows)
        self.packages = {}         # name -> PackageState, in load order
        self.schema_root = sch.build_tree([])
        self.dp_counter = 0
        self.usid_counter = 0
        self.server = None
        self.conf = None
        self.logs = None
        self.cdb = None

    # ------------------------------------------------------------- start

    def _sleep_until(self, t):
        while not self.stop_event.is_set():
            left = t - time.monotonic()
            if left <= 0:
                return
            self.stop_event.wait(min(left, 0.2))

    def _set_status(self, status):
        with self.cond:
            self.status = status
            self.cond.notify_all()

    def phase(self):
        with self.lock:
            return PHASES[self.status], self.flags

    def run(self):
        t0 = time.monotonic()
        try:
            self.conf = confmod.NcsConf(self.conf_path, self.run_dir)
        except confmod.ConfError as err:
            print(str(err), flush=True)
            print('Daemon died status=%d' % EXIT_BADCONFIG, flush=True)
            return EXIT_BADCONFIG
        self.logs = logsmod.Logs(self.conf, self.verbose)
        self.logs.ncs('Starting NCS vsn: %s' % NCS_VERSION)
        self.logs.devel('Using configuration file %s' % self.conf_path, 'INFO')
        for name in ('SIGTERM', 'SIGINT'):
            signal.signal(getattr(signal, name), lambda *_: self.request_stop())

        self._sleep_until(t0 + 0.25 * self.start_delay)
        try:
            self._listen()
        except OSError as err:
            msg = 'Cannot bind to internal socket %s:%d : %s' % (
                self.conf.ipc_addr, self.conf.ipc_port,
                'address already in use' if err.errno == 98 else err.strerror.lower())
            self.logs.ncs(msg, 'CRIT')
            print(msg, flush=True)
            print('Daemon died status=%d' % EXIT_BIND, flush=True)
            return EXIT_BIND

        self.cdb = cdbmod.Cdb(self.conf.cdb_dir)
        self.cdb.load()
        first_start = not self.cdb.persisted
        with self.lock:
            self.flags = CDB_FLAG_INIT if first_start else 0
        self._set_status('phase0')
        self.logs.ncs('NCS phase0 started')
        self.logs.ncs('Starting the NCS Java VM')
        self.logs.java_vm('Starting NCS Java VM (simulated: no Java code runs)', thread='NcsMain main')
        for m in self.cdb.oper.get('modules', {}).values():
            mod = sch.Module.from_json(m)
            self.modules[mod.name] = mod

        fatal = self._startup_packages(first_start)
        if fatal is not None:
            msg = 'NCS package upgrade has been aborted due to warnings:\n%s' % fatal
            self.logs.ncs(msg, 'CRIT')
            if not self.verbose:
                print(msg, flush=True)
            print('Daemon died status=%d' % EXIT_UPGRADE, flush=True)
            self._close()
            return EXIT_UPGRADE
        if first_start:
            self._load_init_files()
            self.cdb.save_config()

        self._sleep_until(t0 + 0.6 * self.start_delay)
        self._set_status('phase1')
        self.logs.ncs('NCS phase1 started')
        self._sleep_until(t0 + self.start_delay)
        with self.lock:
            self.flags = 0
        if not self.stop_event.is_set():
            self._set_status('started')
            self.logs.ncs('NCS started vsn: %s' % NCS_VERSION)

        self.stop_event.wait()
        self._set_status('stopping')
        self.logs.ncs('Stopping NCS')
        with self.lock:
            self.cdb.save_config()
            self.cdb.save_oper()
        self._close()
        self.logs.ncs('NCS stopped')
        return 0

    def _listen(self):
        daemon = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                from . import ipc
                ipc.serve(daemon, self)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server((self.conf.ipc_addr, self.conf.ipc_port), Handler)
        threading.Thread(target=self.server.serve_forever, name='ipc', daemon=True).start()

    def _close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def request_stop(self):
        self.stop_event.set()
        with self.cond:
            self.cond.notify_all()

    def reload_config(self):
        """ncs_cmd -c reload / ncs --reload: reread ncs.conf, reopen logs."""
        new = confmod.NcsConf(self.conf_path, self.run_dir)
        with self.lock:
            self.conf = new
            self.logs.configure(new)
        self.logs.ncs('Reloaded configuration file %s' % self.conf_path)

    # ------------------------------------------------------------- init XML

    def _load_init_files(self):
        dirs = [self.conf.cdb_dir] + list(self.conf.init_path)
        files = []
        for d in dirs:
            if os.path.isdir(d):
                files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith('.xml')]
        for f in files:
            trial = copy.deepcopy(self.cdb.config)
            try:
                cdbmod.load_init_xml(trial, f, self.schema_root, self.modules.values())
            except cdbmod.InitError as err:
                self.logs.ncs('Skipping file %s: %s' % (f, err), 'ERR')
                continue
            self.cdb.config = trial
            self.logs.devel('Loaded init file %s' % f, 'INFO')

    # ------------------------------------------------------------- packages

    def _startup_packages(self, first_start):
        """Load packages at start. Returns the refusal text when
        --with-package-reload would delete modules (NSO then does not start)."""
        # The load path holds what CDB remembers plus any new package: this
        # simulator loads all of it (see README.md). Only
        # --with-package-reload refuses to delete data models; without it CDB
        # upgrades to whatever schema it finds, as NSO does at start.
        dirs = pk.scan(self.conf.load_path)
        force = self.reload_mode != 'reload' or first_start
        with self.lock:
            outcome = self._reload(dirs, force=force, dry_run=False, strict=False, startup=True)
        if outcome.error:
            return outcome.error
        if outcome.banner:
            self.flags |= CDB_FLAG_UPGRADE
        return None

    def _plan(self, dirs, strict):
        """Package metas in load order, or an error (strict: the reload action
        aborts), or per-package failures (at start-up)."""
        metas = []
        failed = {}
        for d in dirs:
            try:
                metas.append(pk.parse_meta(d))
            except pk.MetaError as err:
                name = os.path.basename(d)
                msg = 'Failed to load NCS package: %s; syntax error in package file' % name
                if strict:
                    return None, None, msg
                self.logs.ncs(msg + ' (%s)' % err, 'CRIT')
                st = PackageState(name, None, d)
                st.fail('package-meta-data-error', str(err))
                failed[name] = st
        by_name = {}
        for m in metas:
            if m.name in by_name:
                msg = 'Failed to load duplicate NCS package %s: (%s)' % (m.name, m.directory)
                if strict:
                    return None, None, msg
                self.logs.ncs(msg, 'CRIT')
                continue
            by_name[m.name] = m
        for m in list(by_name.values()):
            ok, need = pk.ncs_version_ok(m)
            if not ok:
                msg = 'Failed to load NCS package: %s; requires NCS version %s' % (m.name, need)
                if strict:
                    return None, None, msg
                self.logs.ncs(msg, 'CRIT')
                st = PackageState(m.name, m, m.directory)
                st.fail('bad-ncs-version', None)
                failed[m.name] = st
                del by_name[m.name]
        changed = True
        while changed:
            changed = False
            for m in list(by_name.values()):
                for dep, minv in m.required:
                    have = by_name.get(dep)
                    if have is None or (minv and pk.version_tuple(have.version) < pk.version_tuple(minv)):
                        msg = ('Failed to load NCS package: %s; required package %s of version %s '
                               'is not present (found %s)' % (m.name, dep, minv or '0',
                                                              have.version if have else 'none'))
                        if strict:
                            return None, None, msg
                        self.logs.ncs(msg, 'CRIT')
                        st = PackageState(m.name, m, m.directory)
                        st.fail('missing-dependency', None)
                        st.oper_detail = dep
                        failed[m.name] = st
                        del by_name[m.name]
                        changed = True
                        break
        order = []
        state = {}

        def visit(name, trail):
            if state.get(name) == 'done':
                return True
            if state.get(name) == 'busy':
                return False
            state[name] = 'busy'
            for dep, _ in sorted(by_name[name].required):
                if dep in by_name and not visit(dep, trail + [name]):
                    return False
            state[name] = 'done'
            order.append(by_name[name])
            return True

        for name in sorted(by_name):
            if name not in by_name:
                continue
            if not visit(name, []):
                msg = 'Failed to load NCS package: %s; circular dependency found' % name
                if strict:
                    return None, None, msg
                self.logs.ncs(msg, 'CRIT')
                for n in [k for k, v in state.items() if v == 'busy']:
                    st = PackageState(n, by_name[n], by_name[n].directory)
                    st.fail('circular-dependency', None)
                    failed[n] = st
                    del by_name[n]
                    state[n] = 'done'
        return order, failed, None

    def _reload(self, dirs, force, dry_run, strict, startup=False):
        order, failed, error = self._plan(dirs, strict)
        if error:
            return Outcome(error)

        # The data models the new package set brings.
        new_modules = {}
        fxs_errors = {}
        for m in order:
            mods, errs = pk.load_modules(m)
            fxs_errors[m.name] = errs
            for mod in mods:
                new_modules[mod.name] = mod

        # Modules, or nodes of modules, that would disappear from CDB.
        deleted = []
        for name, old in self.modules.items():
            new = new_modules.get(name)
            if new is None or set(old.nodes) - set(new.nodes):
                deleted.append('%s: %s' % (old.package, name))
        if deleted and not force:
            return Outcome('The following modules will be deleted by upgrade:\n%s\n'
                           "If this is intended, proceed with 'force' parameter." % '\n'.join(deleted))
        outcome = Outcome()
        if dry_run:
            return outcome

        schema_changed = (set(new_modules) != set(self.modules) or any(
            new_modules[n].signature() != self.modules[n].signature() for n in new_modules))
        outcome.banner = schema_changed and not (startup and not self.modules)
        previous = self.packages
        self.modules = new_modules
        self.schema_root = sch.build_tree(new_modules.values())
        if schema_changed:
            removed = cdbmod.prune(self.cdb.config, self.schema_root)
            for p in removed:
                self.logs.devel('CDB upgrade: deleted data at /%s' % p, 'INFO')
            if removed or self.cdb.persisted:
                self.cdb.save_config()
            self.logs.ncs('CDB upgrade: %d module(s) loaded, %d deleted' % (
                len(new_modules), len(deleted)))

        servicepoints = set()
        for mod in new_modules.values():
            servicepoints.update(mod.servicepoints)
        known_ns = sch.namespaces(new_modules.values())
        packages = {}
        now = time.time()
        for m in order:
            st = PackageState(m.name, m, m.directory)
            st.modules = [n for n, mod in new_modules.items() if mod.package == m.name]
            st.fxs_errors = fxs_errors[m.name]
            if st.fxs_errors:
                st.fail('file-load-error', st.fxs_errors[0])
            self._load_code(st, servicepoints, known_ns)
            old = previous.get(m.name)
            # A reload restarts the package's Python VM: CLI sessions get a
            # system message per subsystem stopped and started.
            if old is not None:
                for dp in old.dp_names:
                    outcome.messages.append((now, 'Subsystem stopped: %s' % dp))
            for dp in st.dp_names:
                outcome.messages.append((now, 'Subsystem started: %s' % dp))
            packages[m.name] = st
            info = st.error_info[0] if st.error_info else None
            outcome.results.append((m.name, st.up, info))
            self.logs.ncs("package '%s' status changed to '%s'." % (m.name, st.oper))
        if startup:
            for name, st in failed.items():
                packages[name] = st
        self.packages = packages
        self._update_packages_in_use()
        self.cdb.oper = {
            'modules': {n: mod.to_json() for n, mod in new_modules.items()},
            'packages': [n for n, st in packages.items() if st.meta is not None],
        }
        self.cdb.save_oper()
        return outcome

    def _dp_names(self, st):
        names = []
        for comp in st.meta.python_components():
            self.dp_counter += 1
            names.append('ncs-dp-%d-%s:%s' % (self.dp_counter, st.name,
                                              comp.python_class.rsplit('.', 1)[-1]))
        return names

    def _load_code(self, st, servicepoints, known_ns):
        """Templates and Python classes of one package, as a (re)deploy does."""
        m = st.meta
        st.templates = []
        st.dp_names = []
        if st.up:
            for f in pk.template_files(m):
                try:
                    pk.check_template(f, servicepoints, known_ns)
                    st.templates.append(os.path.basename(f)[:-4])
                except pk.TemplateError as err:
                    st.fail('file-load-error', str(err))
                    self.logs.devel('Failed to load template %s: %s' % (f, err), 'ERR')
                    break
        if m.python_components():
            vm = m.vm_name
            self.logs.ncs('Starting the NCS Python VM %s' % vm)
            self.logs.python_vm(vm, pk.python_version_banner())
            self.logs.python_vm(vm, 'Starting...')
            try:
                pk.load_python(m)
                for c in m.python_components():
                    self.logs.python_vm(vm, 'Loading class %s' % c.python_class)
                self.logs.python_vm(vm, 'Started')
                if st.up:
                    st.dp_names = self._dp_names(st)
            except pk.PythonLoadError as err:
                self.logs.python_vm(vm, 'Failed to load package %s:\n%s' % (m.name, err.trace.rstrip()),
                                    'ERROR')
                self.logs.ncs('The NCS Python VM %s terminated: %s' % (vm, err.info), 'ERR')
                if st.up:
                    st.fail('program-code-error', err.info)
        for c in m.java_components():
            self.logs.java_vm('REDEPLOY ["%s"] --> %s' % (m.name, ', '.join(c.java_classes)),
                              thread='NcsMain NCS-package-restarter')

    def _update_packages_in_use(self):
        """NSO links the packages in use under <state-dir>/packages-in-use/1."""
        base = os.path.join(self.conf.state_dir, 'packages-in-use', '1')
        try:
            if os.path.isdir(base):
                shutil.rmtree(os.path.dirname(base))
            os.makedirs(base, exist_ok=True)
            for name, st in self.packages.items():
                if st.directory and st.meta is not None:
                    os.symlink(st.directory, os.path.join(base, name))
        except OSError as err:
            self.logs.ncs('Bad configuration: %s:0: "%s: Failed to create symlink: %s"' % (
                self.conf_path, base, err.strerror.lower()), 'ERR')

    # ------------------------------------------------------------- actions

    def packages_reload(self, force=False, dry_run=False):
        with self.lock:
            outcome = self._reload(pk.scan(self.conf.load_path), force=force, dry_run=dry_run,
                                   strict=True)
            if outcome.error:
                self.logs.ncs('packages reload failed: %s' % outcome.error.replace('\n', ' '), 'ERR')
            return outcome

    def redeploy(self, name):
        """None when there is no such package, else whether it is up."""
        with self.lock:
            st = self.packages.get(name)
            if st is None or st.meta is None:
                return None
            try:
                st.meta = pk.parse_meta(st.directory)
            except pk.MetaError:
                pass
            servicepoints = set()
            for mod in self.modules.values():
                servicepoints.update(mod.servicepoints)
            if st.oper in ('bad-ncs-version', 'missing-dependency', 'circular-dependency',
                           'package-meta-data-error'):
                return False
            # Redeploy reloads code and templates, never YANG: a broken .fxs
            # stays broken until a packages reload.
            if st.fxs_errors:
                st.fail('file-load-error', st.fxs_errors[0])
            else:
                st.oper, st.error_info = 'up', []
            self._load_code(st, servicepoints, sch.namespaces(self.modules.values()))
            self.logs.ncs("package '%s' status changed to '%s'." % (name, st.oper))
            return st.up

    def authenticate(self, user):
        """ncs_cli authenticates nobody itself; with local authentication on,
        the user must exist in /aaa/authentication/users."""
        with self.lock:
            if not self.conf.local_auth:
                return True
            return cdbmod.get(self.cdb.config, [
                ['n', 'aaa'], ['n', 'authentication'], ['n', 'users'], ['n', 'user'],
                ['k', user, 'name']]) is not None

    def next_usid(self):
        with self.lock:
            self.usid_counter += 1
            return self.usid_counter

    def commit(self, edits, user, usid):
        with self.lock:
            new = copy.deepcopy(self.cdb.config)
            apply_edits(new, edits)
            if new == self.cdb.config:
                return False
            self.cdb.config = new
            self.cdb.save_config()
            self.logs.audit(user, usid, 'commit')
            return True

    def status_text(self):
        with self.lock:
            c = self.conf
            running = ['backplane']
            if c.interfaces['netconf-ssh'] or c.interfaces['netconf-tcp']:
                running.append('netconf')
            running += ['cdb', 'cli']
            if c.interfaces['webui-tcp'] or c.interfaces['webui-ssl']:
                running.append('webui')
            lines = [
                'vsn: %s' % NCS_VERSION,
                'SMP support: yes, using %d threads' % (os.cpu_count() or 1),
                'Using epoll: yes',
                'available modules: backplane,netconf,cdb,cli,snmp,webui',
                'running modules: %s' % ','.join(running),
                'status: %s' % self.status,
                'namespaces: ',
            ]
            for m in sch.BUILTIN_MODULES + list(self.modules.values()):
                lines.append('  %s prefix %s exported to: all' % (m.namespace, m.prefix))
            lines.append('active user sessions: ')
            lines.append('callpoints: ')
            for m in self.modules.values():
                for sp in m.servicepoints:
                    lines.append('  servicepoint %s  %s' % (sp, 'registered' if self._sp_up(sp)
                                                           else 'not registered'))
            return '\n'.join(lines) + '\n'

    def _sp_up(self, sp):
        for st in self.packages.values():
            if st.up and st.meta and (st.meta.python_components() or st.meta.java_components()):
                if any(sp in self.modules[m].servicepoints for m in st.modules if m in self.modules):
                    return True
            if st.up and st.templates and any(
                    sp in self.modules[m].servicepoints for m in st.modules if m in self.modules):
                return True
        return False


def apply_edits(tree, edits):
    for e in edits:
        if e[0] == 'set':
            cdbmod.set_leaf(tree, e[1], e[2], e[3])
        elif e[0] == 'create':
            cdbmod.ensure(tree, e[1])
        elif e[0] == 'delete':
            cdbmod.delete(tree, e[1])


def main(argv):
    """ncs --foreground ... entry; returns the exit status."""
    conf = None
    cd = None
    reload_mode = None
    verbose = False
    foreground = False
    ignore_iv = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-c', '--conf'):
            i += 1
            conf = argv[i]
        elif a == '--cd':
            i += 1
            cd = argv[i]
        elif a == '--foreground':
            foreground = True
        elif a in ('-v', '--verbose'):
            verbose = True
        elif a == '--with-package-reload':
            reload_mode = reload_mode or 'reload'
        elif a == '--with-package-reload-force':
            reload_mode = 'force'
        elif a == '--ignore-initial-validation':
            ignore_iv = True
        elif a in ('--addloadpath', '--smp', '--epoll'):
            i += 1
        elif a in ('--nolog', '--stop-on-eof', '--full-upgrade-validation',
                   '--disable-compaction-on-start', '--start-phase0'):
            pass
        else:
            print('ncs: unknown option %s' % a, file=sys.stderr)
            return 1
        i += 1
    if cd:
        os.chdir(cd)
    run_dir = os.getcwd()
    if conf is None:
        conf = 'ncs.conf' if os.path.exists('ncs.conf') else os.path.join(
            os.environ.get('NCS_DIR', '/opt/ncs/current'), 'etc', 'ncs', 'ncs.conf')
    conf = os.path.abspath(conf)
    if reload_mode is None and os.environ.get('NCS_RELOAD_PACKAGES') in ('true', 'force'):
        reload_mode = 'force' if os.environ['NCS_RELOAD_PACKAGES'] == 'force' else 'reload'
    try:
        delay = float(os.environ.get('NSO_SIM_START_DELAY', '2'))
    except ValueError:
        delay = 2.0
    if not foreground:
        return _daemonize(conf, run_dir, reload_mode, delay, ignore_iv)
    _name_process()
    d = Daemon(conf, run_dir, reload_mode, verbose, delay, ignore_iv)
    return d.run()


def _name_process():
    # NSO's process is called ncs.smp (ps, pidof, killall ncs.smp).
    try:
        with open('/proc/self/comm', 'w') as f:
            f.write('ncs.smp')
    except OSError:
        pass


def _daemonize(conf, run_dir, reload_mode, delay, ignore_iv):
    """`ncs` without --foreground: start in the background, return once the
    IPC port answers or the daemon died."""
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fd = os.open(os.devnull, os.O_RDWR)
        for n in (0, 1, 2):
            os.dup2(fd, n)
        _name_process()
        os._exit(Daemon(conf, run_dir, reload_mode, False, delay, ignore_iv).run())
    try:
        c = confmod.NcsConf(conf, run_dir)
        addr = (c.ipc_addr, c.ipc_port)
    except confmod.ConfError as err:
        print(str(err))
        return EXIT_BADCONFIG
    deadline = time.monotonic() + 60 + delay
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            print('Daemon died status=%d' % code)
            return code
        try:
            socket.create_connection(addr, timeout=1).close()
            return 0
        except OSError:
            time.sleep(0.1)
    return 0
