"""NSO's log files: ncs.log, devel.log, audit.log, the Python and Java VM logs.

Line format as NSO writes them:
    <INFO> 03-Nov-2024::11:31:07.123 <host> ncs[<pid>]: - <message>
The VM logs name the VM or thread instead of the host part.
"""

import os
import socket
import sys
import threading
import time


def stamp(t=None):
    t = time.time() if t is None else t
    lt = time.localtime(t)
    return '%s.%03d' % (time.strftime('%d-%b-%Y::%H:%M:%S', lt), int((t % 1) * 1000))


def cli_stamp(t=None):
    """The date in CLI system messages and J-style [ok][...] trailers."""
    return time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(time.time() if t is None else t))


class Logs:
    """All log files of one daemon; paths come from ncs.conf."""

    def __init__(self, conf, verbose):
        self.lock = threading.Lock()
        self.verbose = verbose
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.configure(conf)

    def configure(self, conf):
        with self.lock:
            self.ncs_path = conf.ncs_log
            self.devel_path = conf.devel_log
            self.audit_path = conf.audit_log
            self.python_prefix = conf.python_log_prefix
            self.java_path = conf.java_log
            # NSO opens its logs at start: they exist before anything is logged.
            for p in (self.ncs_path, self.devel_path, self.audit_path):
                self._append(p, '')

    def _append(self, path, text):
        if path is None:
            return
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'a', encoding='utf-8') as f:
                f.write(text)
        except OSError as err:
            sys.stderr.write('ncs: cannot write %s: %s\n' % (path, err.strerror))

    def _line(self, level, msg):
        return '<%s> %s %s ncs[%d]: - %s\n' % (level, stamp(), self.host, self.pid, msg)

    def ncs(self, msg, level='INFO'):
        line = self._line(level, msg)
        with self.lock:
            self._append(self.ncs_path, line)
            self._append(self.devel_path, line)
            if self.verbose:
                sys.stdout.write(line)
                sys.stdout.flush()

    def devel(self, msg, level='DEBUG'):
        with self.lock:
            self._append(self.devel_path, self._line(level, msg))

    def audit(self, user, usid, msg):
        with self.lock:
            self._append(self.audit_path, self._line('INFO', 'audit user: %s/%d %s' % (user, usid, msg)))

    def python_vm_path(self, vm_name):
        return '%s-%s.log' % (self.python_prefix, vm_name)

    def python_vm(self, vm_name, msg, level='INFO', thread='MainThread'):
        text = ''.join(
            '<%s> %s %s %s: - %s\n' % (level, stamp(), vm_name, thread, part) if i == 0 else part + '\n'
            for i, part in enumerate(msg.rstrip('\n').split('\n')))
        with self.lock:
            self._append(self.python_vm_path(vm_name), text)
            # ncs-python-vm.log is the VM manager's own log: one line per event.
            first = msg.split('\n', 1)[0]
            self._append(self.python_prefix + '.log',
                         '<%s> %s %s: - %s\n' % (level, stamp(), vm_name, first))

    def java_vm(self, msg, level='INFO', thread='NcsMain'):
        with self.lock:
            self._append(self.java_path, '<%s> %s %s: - %s\n' % (level, stamp(), thread, msg))
