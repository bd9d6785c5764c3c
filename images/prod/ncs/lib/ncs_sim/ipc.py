"""The IPC port between the NSO tools and the daemon.

One JSON request line per connection: {"op": ..., ...}. Replies are JSON
lines. A CLI session keeps its connection: the daemon sends
{"t":"out"|"prompt"|"ask"|"exit", ...} and reads {"t":"line"|"eof", ...}.
A stopped (SIGSTOP) daemon accepts connections in the kernel but never
answers, exactly what makes Docker's health check time out.
"""

import json
import os
import socket

from . import IPC_DEFAULT_ADDR, IPC_DEFAULT_PORT


class Conn:
    """One accepted connection, from the daemon's side."""

    def __init__(self, handler):
        self.r = handler.rfile
        self.w = handler.wfile

    def read(self):
        line = self.r.readline()
        if not line:
            return None
        return json.loads(line.decode('utf-8'))

    def send(self, obj):
        self.w.write((json.dumps(obj) + '\n').encode('utf-8'))
        self.w.flush()


def serve(daemon, handler):
    conn = Conn(handler)
    try:
        req = conn.read()
    except ValueError:
        return
    if req is None:
        return
    op = req.get('op')
    try:
        if op == 'phase':
            phase, flags = daemon.phase()
            conn.send({'phase': phase, 'flags': flags})
        elif op == 'wait-start':
            want = int(req.get('phase', 2))
            with daemon.cond:
                while daemon.phase()[0] < want:
                    if daemon.stop_event.is_set():
                        return
                    daemon.cond.wait(0.5)
                if daemon.status == 'stopping':
                    return
            conn.send({'ok': True})
        elif op == 'status':
            conn.send({'text': daemon.status_text()})
        elif op == 'stop':
            conn.send({'ok': True})
            daemon.request_stop()
        elif op == 'reload-config':
            from .conf import ConfError
            try:
                daemon.reload_config()
                conn.send({'ok': True})
            except ConfError as err:
                conn.send({'error': str(err)})
        elif op == 'reopen-logs':
            conn.send({'ok': True})
        elif op == 'action':
            _wait_started(daemon)
            conn.send(action(daemon, req.get('path', ''), req.get('params', {})))
        elif op == 'cli':
            _wait_started(daemon)
            from . import cli
            cli.run_session(daemon, conn, req)
        else:
            conn.send({'error': 'unknown operation %s' % op})
    except (BrokenPipeError, ConnectionResetError):
        pass
    except Exception:  # noqa: BLE001 - a bug must not kill the daemon, only this request
        import traceback
        daemon.logs.ncs('Internal error in %s request' % op, 'ERR')
        daemon.logs.devel(traceback.format_exc(), 'ERR')
        try:
            if op == 'cli':
                conn.send({'t': 'out', 'd': 'Error: internal error\n'})
                conn.send({'t': 'exit', 'code': 1})
            else:
                conn.send({'error': 'internal error', 'errno': 18, 'errname': 'internal error'})
        except OSError:
            pass


def _wait_started(daemon):
    with daemon.cond:
        while daemon.status not in ('started', 'stopping'):
            daemon.cond.wait(0.5)


def action(daemon, path, params):
    """MAAPI request_action on /packages/reload or .../redeploy."""
    p = path.strip().replace('ncs:', '').replace('tailf-ncs:', '').rstrip('/')
    if p == '/packages/reload':
        out = daemon.packages_reload(force='force' in params, dry_run='dry-run' in params)
        if out.error:
            return {'error': out.error, 'errno': 19, 'errname': 'external error'}
        return {'values': [
            {'list': 'reload-result', 'package': name, 'result': ok, 'info': info}
            for name, ok, info in out.results]}
    if p.startswith('/packages/package{') and p.endswith('}/redeploy'):
        name = p[len('/packages/package{'):-len('}/redeploy')].strip('"')
        ok = daemon.redeploy(name)
        if ok is None:
            return {'error': 'item does not exist', 'errno': 1, 'errname': 'item does not exist'}
        return {'values': [{'leaf': 'result', 'value': ok}]}
    return {'error': 'Bad path element', 'errno': 8, 'errname': 'bad keypath'}


# ----------------------------------------------------------------- client side

class NotRunning(Exception):
    """connect() was refused: no NSO on the IPC port."""


def address(addr=None, port=None):
    a = addr or os.environ.get('NCS_IPC_ADDR') or IPC_DEFAULT_ADDR
    p = port or os.environ.get('NCS_IPC_PORT') or IPC_DEFAULT_PORT
    return a, int(p)


class Client:
    def __init__(self, addr=None, port=None, timeout=None):
        a, p = address(addr, port)
        try:
            self.sock = socket.create_connection((a, p), timeout=10)
        except OSError as err:
            raise NotRunning(err.strerror or str(err)) from None
        self.sock.settimeout(timeout)
        self.r = self.sock.makefile('rb')

    def send(self, obj):
        self.sock.sendall((json.dumps(obj) + '\n').encode('utf-8'))

    def read(self):
        line = self.r.readline()
        if not line:
            return None
        return json.loads(line.decode('utf-8'))

    def request(self, obj):
        self.send(obj)
        return self.read()

    def close(self):
        try:
            self.r.close()
            self.sock.close()
        except OSError:
            pass
