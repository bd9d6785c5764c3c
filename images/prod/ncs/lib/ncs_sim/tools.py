"""Command-line faces of the NSO tools: ncs, ncs_cmd, ncs_cli.

Messages and exit codes follow the real tools (see the formats corpus):
ncs --status prints "connection refused (status)" when NSO is down; ncs_cmd
failures go to stderr as "FAILED: <call>, Error: <text> (<n>): <detail>, in
function <f>, line <n>" with exit status 1.
"""

import getopt
import os
import sys
import time

from . import NCS_VERSION
from . import ipc


def _version():
    path = os.path.join(os.environ.get('NCS_DIR', '/opt/ncs/current'), 'VERSION')
    try:
        with open(path, encoding='utf-8') as f:
            return f.read().strip() or NCS_VERSION
    except OSError:
        return NCS_VERSION


# ----------------------------------------------------------------- ncs

def ncs(argv):
    control = {'--status', '--stop', '--wait-started', '--wait-phase0', '--reload', '--areload',
               '--version', '-V', '--start-phase1', '--start-phase2'}
    if not any(a in control for a in argv):
        from . import daemon
        return daemon.main(argv)
    timeout = None
    if '--timeout' in argv:
        i = argv.index('--timeout')
        try:
            timeout = float(argv[i + 1])
        except (IndexError, ValueError):
            print('ncs: --timeout needs a number of seconds', file=sys.stderr)
            return 1
        argv = argv[:i] + argv[i + 2:]
    cmd = argv[0]
    if cmd in ('--version', '-V'):
        print(_version())
        return 0
    what = cmd.lstrip('-')
    if cmd in ('--wait-started', '--wait-phase0'):
        try:
            try_time = float(argv[1]) if len(argv) > 1 else 5.0
        except ValueError:
            try_time = 5.0
        deadline = time.monotonic() + try_time
        while True:
            try:
                c = ipc.Client(timeout=timeout)
                break
            except ipc.NotRunning:
                if time.monotonic() >= deadline:
                    print('connection refused (%s)' % what)
                    return 1
                time.sleep(0.2)
        reply = c.request({'op': 'wait-start', 'phase': 2 if cmd == '--wait-started' else 0})
        c.close()
        if reply is None:
            print('NCS closed connection (%s)' % what)
            return 1
        return 0
    try:
        c = ipc.Client(timeout=timeout)
    except ipc.NotRunning:
        print('connection refused (%s)' % what)
        return 1
    if cmd == '--status':
        reply = c.request({'op': 'status'})
        c.close()
        if reply is None:
            print('connection refused (status)')
            return 1
        sys.stdout.write(reply['text'])
        return 0
    if cmd == '--stop':
        c.request({'op': 'stop'})
        c.close()
        # Returns when the daemon is gone, as ncs --stop does.
        while True:
            try:
                ipc.Client().close()
                time.sleep(0.1)
            except ipc.NotRunning:
                return 0
    if cmd in ('--reload', '--areload'):
        reply = c.request({'op': 'reload-config'})
        c.close()
        if reply and reply.get('error'):
            print(reply['error'])
            return 1
        return 0
    c.close()
    return 0


# ----------------------------------------------------------------- ncs_cmd

LINE = {
    'cdb_connect': 3083, 'maapi_connect': 3095, 'wait_start': 2112, 'request_action': 1779,
    'reload': 2132, 'stop': 2122,
}


def _failed(expr, func, line, err=None, errno=None, detail=None):
    if err is None:
        sys.stderr.write('FAILED: %s, NCS closed connection (CONFD_EOF), in function %s, line %d\n'
                         % (expr, func, line))
    else:
        sys.stderr.write('FAILED: %s, Error: %s (%d): %s, in function %s, line %d\n'
                         % (expr, err, errno, detail, func, line))
    return 1


def _split_script(text):
    """ncs_cmd's script syntax: commands separated by ';' or newlines, '#'
    starts a comment, double quotes group words."""
    cmds = []
    for line in text.split('\n'):
        cur = []
        word = None
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == '"':
                j = line.find('"', i + 1)
                j = len(line) if j < 0 else j
                word = (word or '') + line[i + 1:j]
                i = j + 1
                continue
            if ch == '#':
                break
            if ch == ';' or ch.isspace():
                if word is not None:
                    cur.append(word)
                    word = None
                if ch == ';':
                    cmds.append(cur)
                    cur = []
                i += 1
                continue
            word = (word or '') + ch
            i += 1
        if word is not None:
            cur.append(word)
        cmds.append(cur)
    return [c for c in cmds if c]


CDB_CMDS = {'get_phase', 'wait'}
MAAPI_CMDS = {'wait-start', 'reload', 'reopen_logs', 'stop', 'astop', 'maction', 'maction_th'}
ALL_KNOWN = CDB_CMDS | MAAPI_CMDS | {'echo', 'sleep', 'exit'}


def ncs_cmd(argv):
    prog = 'ncs_cmd'
    try:
        opts, args = getopt.getopt(argv, 'da:p:orSIf:F:isUu:x:g:etc:l:mh?qbOnDC')
    except getopt.GetoptError as err:
        sys.stderr.write('%s: unknown option -%s (try "%s -h" for a list of valid options)\n'
                         % (prog, err.opt, prog))
        return 1
    addr = port = script = None
    user = 'system'
    for o, v in opts:
        if o == '-a':
            addr = v
        elif o == '-p':
            port = v
        elif o == '-c':
            script = v
        elif o == '-u':
            user = v
        elif o in ('-h', '-?'):
            print('Usage:\n  %s [options] [filename]\n  %s [options] -c <script>\n'
                  '  %s -h | -h commands | -h <command-name>' % (prog, prog, prog))
            return 0
    source = 'cmdline'
    if script is None:
        source = args[0] if args else 'stdin'
        try:
            script = sys.stdin.read() if not args or args[0] == '-' else open(args[0]).read()
        except OSError as err:
            sys.stderr.write('Couldn\'t open "%s": %s\n' % (args[0], err.strerror))
            return 1
    for lineno, cmd in enumerate(_split_script(script)):
        name, cargs = cmd[0], cmd[1:]
        if name not in ALL_KNOWN:
            sys.stderr.write('%s:%d: unknown command: %s (try "%s -h commands" for a list of '
                             'avaliable commands)\n' % (source, lineno, name, prog))
            sys.stderr.write('%s: fatal: unknown command\n' % prog)
            return 1
        if name == 'echo':
            print(''.join(cargs))
            continue
        if name == 'sleep':
            time.sleep(float(cargs[0]) if cargs else 0)
            continue
        if name == 'exit':
            return int(cargs[0]) if cargs else 0
        if name in ('maction', 'maction_th') and not cargs:
            sys.stderr.write('%s: fatal: too few arguments\n' % prog)
            return 1
        try:
            c = ipc.Client(addr, port)
        except ipc.NotRunning as err:
            if name in CDB_CMDS:
                return _failed('cdb_connect(cs, st, addr, addrlen)', 'run', LINE['cdb_connect'],
                               'system call failed', 24, err)
            return _failed('maapi_connect(ms, addr, addrlen)', 'run', LINE['maapi_connect'],
                           'system call failed', 24, err)
        try:
            rc = _ncs_cmd_one(c, name, cargs, user)
        finally:
            c.close()
        if rc:
            return rc
    return 0


def _ncs_cmd_one(c, name, cargs, user):
    if name == 'get_phase':
        r = c.request({'op': 'phase'})
        if r is None:
            return _failed('cdb_get_phase(cs, &p)', 'do_get_phase', 1311)
        flags = r['flags']
        print('phase: %d flags: 0x%x%s%s' % (r['phase'], flags, ' INIT' if flags & 1 else '',
                                            ' UPGRADE' if flags & 2 else ''))
        return 0
    if name == 'wait':
        r = c.request({'op': 'wait-start', 'phase': 1})
        return 0 if r else _failed('cdb_wait_start(cs)', 'do_wait_cdb', 1249)
    if name == 'wait-start':
        try:
            phase = int(cargs[0]) if cargs else 2
        except ValueError:
            phase = 0
        r = c.request({'op': 'wait-start', 'phase': phase})
        return 0 if r else _failed('maapi_wait_start(ms, phase)', 'do_wait_start', LINE['wait_start'])
    if name == 'reload':
        r = c.request({'op': 'reload-config'})
        if r is None:
            return _failed('maapi_reload_config(ms)', 'do_reload', LINE['reload'])
        if r.get('error'):
            return _failed('maapi_reload_config(ms)', 'do_reload', LINE['reload'],
                           'external error', 19, r['error'])
        return 0
    if name == 'reopen_logs':
        return 0 if c.request({'op': 'reopen-logs'}) else _failed(
            'maapi_reopen_logs(ms)', 'do_reopen_logs', 2142)
    if name in ('stop', 'astop'):
        r = c.request({'op': 'stop'})
        return 0 if r else _failed('maapi_stop(ms, 1)', 'do_stop', LINE['stop'])
    # maction / maction_th <path>
    r = c.request({'op': 'action', 'path': cargs[0], 'user': user})
    expr = ('maapi_request_action(ms, NULL, 0, &values, &nval, 0, argv[0])' if name == 'maction'
            else 'maapi_request_action_th(ms, mtid, NULL, 0, &values, &nval, argv[0])')
    func = 'do_maapi_request_action' if name == 'maction' else 'do_maapi_request_action_th'
    if r is None:
        return _failed(expr, func, LINE['request_action'])
    if r.get('error'):
        return _failed(expr, func, LINE['request_action'], r.get('errname', 'external error'),
                       r.get('errno', 19), r['error'])
    # print_modifications(): "<tag> begin", two more spaces inside, "<tag> end".
    for v in r.get('values', []):
        if 'list' in v:
            print('%s begin' % v['list'])
            print('  package %s' % v['package'])
            print('  result %s' % ('true' if v['result'] else 'false'))
            if v.get('info'):
                print('  info %s' % v['info'])
            print('%s end' % v['list'])
        else:
            print('%s %s' % (v['leaf'], 'true' if v['value'] is True else
                             'false' if v['value'] is False else v['value']))
    return 0


# ----------------------------------------------------------------- ncs_cli

CLI_ARG_OPTS = {'-u', '--user', '-H', '--host', '-A', '--address', '-P', '--port', '-S',
                '--socket-path', '-c', '--cwd', '-p', '--proto', '-U', '--uid', '-g', '--groups',
                '-D', '--gids', '-G', '--gid', '-O', '--opaque', '--ip'}


def ncs_cli(argv):
    user = os.environ.get('USER') or 'admin'
    style = None
    interactive = None
    stop_on_error = False
    addr = port = None
    infile = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in CLI_ARG_OPTS:
            if i + 1 >= len(argv):
                sys.stderr.write('ncs_cli: option %s needs an argument\n' % a)
                return 1
            v = argv[i + 1]
            if a in ('-u', '--user'):
                user = v
            elif a in ('-A', '--address'):
                addr = v
            elif a in ('-P', '--port'):
                port = v
            i += 2
            continue
        if a == '-C':
            style = 'c'
        elif a == '-J':
            style = 'j'
        elif a in ('-i', '--interactive'):
            interactive = True
        elif a in ('-n', '--noninteractive'):
            interactive = False
        elif a in ('-s', '--stop-on-error'):
            stop_on_error = True
        elif a in ('-h', '--help'):
            print('Usage: ncs_cli [options] [File]')
            return 0
        elif not a.startswith('-'):
            infile = a
        # Other flags (-N/--noaaa, ...) are accepted and have no effect here.
        i += 1
    stream = sys.stdin
    if infile is not None:
        try:
            stream = open(infile, encoding='utf-8')
        except OSError as err:
            sys.stderr.write('ncs_cli: %s: %s\n' % (infile, err.strerror))
            return 1
    tty = stream.isatty() and sys.stdout.isatty()
    if interactive is None:
        interactive = tty
    try:
        c = ipc.Client(addr, port)
    except ipc.NotRunning:
        sys.stderr.write('Failed to connect to server\n')
        return 1
    c.send({'op': 'cli', 'user': user, 'style': style, 'interactive': interactive,
            'stop_on_error': stop_on_error})

    def next_line(prompt):
        if tty and interactive:
            try:
                return input(prompt)
            except EOFError:
                sys.stdout.write('\n')
                return None
        line = stream.readline()
        return None if line == '' else line.rstrip('\n')

    code = 1
    try:
        while True:
            msg = c.read()
            if msg is None:
                break
            t = msg.get('t')
            if t == 'out':
                (sys.stderr if msg.get('fd') == 2 else sys.stdout).write(msg['d'])
                sys.stdout.flush()
            elif t in ('prompt', 'ask'):
                if t == 'ask' and not (tty and interactive):
                    sys.stdout.write(msg['d'])
                    sys.stdout.flush()
                line = next_line(msg['d'])
                c.send({'t': 'eof'} if line is None else {'t': 'line', 'd': line})
            elif t == 'exit':
                code = msg.get('code', 0)
                break
    except (BrokenPipeError, ConnectionResetError):
        code = 1
    except KeyboardInterrupt:
        code = 130
    c.close()
    return code
