#!/bin/bash
# Entrypoint of the NSO simulator production image, doing what the documentation
# of Cisco's cisco-nso-prod image says its /run-nso.sh does:
#   1. pick ncs.conf: /etc/ncs/ncs.conf, then /nso/etc/ncs.conf, then /defaults/ncs.conf;
#   2. SSH host key /nso/etc/ssh/ssh_host_ed25519_key and a 30-day self-signed
#      TLS pair /nso/ssl/cert/host.{cert,key} when missing;
#   3. ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_SSHKEY -> add_admin_user.xml in the
#      CDB directory, only with local authentication on and no persisted CDB yet;
#   4. scripts in $NCS_CONFIG_DIR/pre-ncs-start.d/, start ncs with EXTRA_ARGS
#      (checked first) or the CMD arguments, scripts in post-ncs-start.d/;
#   5. SIGTERM/SIGINT: ncs --stop and exit once NSO has stopped.
set -u

export NCS_DIR="${NCS_DIR:-/opt/ncs/current}"
export NCS_CONFIG_DIR="${NCS_CONFIG_DIR:-/etc/ncs}"
export NCS_RUN_DIR="${NCS_RUN_DIR:-/nso/run}"
export NCS_LOG_DIR="${NCS_LOG_DIR:-/log}"
# shellcheck disable=SC1091
. "$NCS_DIR/ncsrc"

say() { echo "run-nso.sh: $*"; }

NSO_PID=""
STOPPING=false

stop_nso() {
  STOPPING=true
  if [ -n "$NSO_PID" ] && kill -0 "$NSO_PID" 2>/dev/null; then
    say "stopping NSO"
    ncs --stop || kill -TERM "$NSO_PID" 2>/dev/null
    wait "$NSO_PID" 2>/dev/null
  fi
}

on_signal() {
  say "received $1"
  stop_nso
  exit 0
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
trap 'on_signal SIGQUIT' QUIT

mkdir -p /nso/etc /nso/ssl/cert "$NCS_LOG_DIR" "$NCS_CONFIG_DIR" \
  "$NCS_RUN_DIR"/{cdb,state,packages,backups,rollbacks,scripts,streams}

# 1. ncs.conf
if [ -f "$NCS_CONFIG_DIR/ncs.conf" ]; then
  NCS_CONF="$NCS_CONFIG_DIR/ncs.conf"
elif [ -f /nso/etc/ncs.conf ]; then
  NCS_CONF=/nso/etc/ncs.conf
else
  NCS_CONF=/defaults/ncs.conf
fi
say "using $NCS_CONF"

confget() {
  python3 - "$NCS_CONF" "$1" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ['NCS_DIR'], 'lib'))
from ncs_sim.conf import NcsConf, ConfError
try:
    c = NcsConf(sys.argv[1], os.environ['NCS_RUN_DIR'])
except ConfError as err:
    print(err, file=sys.stderr)
    sys.exit(2)
print({'local-auth': str(c.local_auth).lower(), 'cdb-dir': c.cdb_dir}[sys.argv[2]])
PY
}

# 2. SSH host key and TLS certificate
if [ ! -f /nso/etc/ssh/ssh_host_ed25519_key ]; then
  mkdir -p /nso/etc/ssh
  if command -v ssh-keygen >/dev/null 2>&1; then
    say "no SSH host key found, generating /nso/etc/ssh/ssh_host_ed25519_key"
    ssh-keygen -q -t ed25519 -N '' -C '' -f /nso/etc/ssh/ssh_host_ed25519_key
  else
    say "note: ssh-keygen is not installed in this image: no SSH host key generated"
  fi
fi
if [ ! -f /nso/ssl/cert/host.cert ] || [ ! -f /nso/ssl/cert/host.key ]; then
  if command -v openssl >/dev/null 2>&1; then
    say "no TLS certificate found, generating a self-signed one valid for 30 days"
    openssl req -new -newkey rsa:4096 -x509 -sha256 -days 30 -nodes \
      -out /nso/ssl/cert/host.cert -keyout /nso/ssl/cert/host.key \
      -subj "/C=SE/ST=NA/L=/O=NSO/OU=WebUI/CN=Mr. Self-Signed" >/dev/null 2>&1 ||
      say "note: openssl failed: no TLS certificate generated"
  else
    say "note: openssl is not installed in this image: no TLS certificate generated"
  fi
fi

# 3. admin user, first start with local authentication only
if [ -n "${ADMIN_PASSWORD:-}" ] || [ -n "${ADMIN_SSHKEY:-}" ]; then
  ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
  local_auth="$(confget local-auth)" || exit 1
  cdb_dir="$(confget cdb-dir)" || exit 1
  if [ "$local_auth" != true ]; then
    say "ADMIN_USERNAME/ADMIN_PASSWORD/ADMIN_SSHKEY ignored: local authentication is disabled in $NCS_CONF"
  elif [ -f "$cdb_dir/A.cdb" ] || [ -f "$cdb_dir/C.cdb" ]; then
    say "ADMIN_USERNAME/ADMIN_PASSWORD/ADMIN_SSHKEY ignored: CDB is already persisted in $cdb_dir"
  else
    say "adding admin user '$ADMIN_USERNAME' ($cdb_dir/add_admin_user.xml)"
    mkdir -p "$cdb_dir"
    if [ -n "${ADMIN_SSHKEY:-}" ]; then
      mkdir -p "/home/$ADMIN_USERNAME/.ssh"
      grep -qxF "$ADMIN_SSHKEY" "/home/$ADMIN_USERNAME/.ssh/authorized_keys" 2>/dev/null ||
        printf '%s\n' "$ADMIN_SSHKEY" >>"/home/$ADMIN_USERNAME/.ssh/authorized_keys"
    fi
    python3 - "$cdb_dir/add_admin_user.xml" <<'PY'
import os, sys
from xml.sax.saxutils import escape
user = escape(os.environ.get('ADMIN_USERNAME') or 'admin')
pw = os.environ.get('ADMIN_PASSWORD', '')
pw_elem = '          <password>%s</password>\n' % escape('$0$' + pw) if pw else ''
with open(sys.argv[1], 'w') as f:
    f.write('''<config xmlns="http://tail-f.com/ns/config/1.0">
  <nacm xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-acm">
    <groups>
      <group>
        <name>ncsadmin</name>
        <user-name>%(user)s</user-name>
      </group>
    </groups>
  </nacm>
  <aaa xmlns="http://tail-f.com/ns/aaa/1.1">
    <authentication>
      <users>
        <user>
          <name>%(user)s</name>
          <uid>1000</uid>
          <gid>1000</gid>
%(pw)s          <ssh_keydir>/home/%(user)s/.ssh</ssh_keydir>
          <homedir>/home/%(user)s</homedir>
        </user>
      </users>
    </authentication>
  </aaa>
</config>
''' % {'user': user, 'pw': pw_elem})
PY
  fi
fi

run_scripts() {
  local dir="$1" f
  [ -d "$dir" ] || return 0
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sh) say "running $(basename "$dir") script $f"; bash "$f" ;;
      *.py) say "running $(basename "$dir") script $f"; python3 "$f" ;;
      *) continue ;;
    esac || {
      say "$f failed (exit $?)"
      return 1
    }
  done
}

# 4. start NSO
run_scripts "$NCS_CONFIG_DIR/pre-ncs-start.d" || exit 1

if [ -n "${EXTRA_ARGS:-}" ]; then
  # shellcheck disable=SC2206
  ARGS=($EXTRA_ARGS)
else
  ARGS=("$@")
fi

say "starting ncs ${ARGS[*]:-}"
# Own process group (set -m): a Ctrl-C in `docker run -it` must not hit ncs,
# which is stopped with ncs --stop instead.
set -m
ncs --cd "$NCS_RUN_DIR" -c "$NCS_CONF" --foreground -v "${ARGS[@]}" &
NSO_PID=$!
set +m

until ncs --wait-started 1 >/dev/null 2>&1; do
  if ! kill -0 "$NSO_PID" 2>/dev/null; then
    wait "$NSO_PID"
    rc=$?
    say "NSO exited during startup (exit code $rc)"
    exit "$rc"
  fi
  $STOPPING && exit 0
done
say "NSO started"

run_scripts "$NCS_CONFIG_DIR/post-ncs-start.d" || say "post-ncs-start.d scripts failed"

# Wait for NSO; a trapped signal interrupts wait and runs on_signal.
while kill -0 "$NSO_PID" 2>/dev/null; do
  wait "$NSO_PID"
  rc=$?
done
rc="${rc:-0}"
if [ "$STOPPING" = false ]; then
  say "NSO exited (exit code $rc)"
fi
exit "$rc"
