#!/usr/bin/env bash
# NSO Workbench in a browser, from a fresh machine: sets the machine up (Docker
# engine, code-server, simulator images, npm packages), packages the extension,
# copies sample/ to a demo workspace, installs the .vsix into a code-server with
# its own profile and serves it on 127.0.0.1 without a password.
#
# Usage: bash scripts/demo.sh [--background] [--skip-setup] [--fresh] | --stop
#   --background  leave code-server running and print how to stop it
#   --skip-setup  do not run scripts/setup-all.sh (already done)
#   --fresh       recreate the demo workspace from sample/ (default: keep it)
#   --stop        stop a code-server started with --background (give it the
#                 same DEMO_STATE_DIR as the start)
# Env: PORT (default 8080; a free port in 18100-18999 when it is taken),
#      DEMO_DIR (default ~/nso-workbench-demo): the workspace,
#      DEMO_STATE_DIR (default ~/.local/share/nso-workbench-demo): profile, log, pid.
set -euo pipefail
SETUP_NAME=demo
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"

DEMO_DIR="${DEMO_DIR:-$HOME/nso-workbench-demo}"
STATE_DIR="${DEMO_STATE_DIR:-$HOME/.local/share/nso-workbench-demo}"
PID_FILE="$STATE_DIR/code-server.pid"
# How to stop this demo: --stop finds it by its pid file, so a demo under its
# own DEMO_STATE_DIR is stopped with that variable set (DEMO_DIR plays no part).
stop_hint() {
  if [ -n "${DEMO_STATE_DIR:-}" ]; then
    printf 'DEMO_STATE_DIR=%q bash scripts/demo.sh --stop' "$(cd "$STATE_DIR" 2>/dev/null && pwd || echo "$STATE_DIR")"
  else
    printf 'bash scripts/demo.sh --stop'
  fi
}
LOG_FILE="$STATE_DIR/code-server.log"
START_TIMEOUT_S=60

background=0
skip_setup=0
fresh=0
for arg in "$@"; do
  case "$arg" in
    --background) background=1 ;;
    --skip-setup) skip_setup=1 ;;
    --fresh) fresh=1 ;;
    --stop)
      if [ -f "$PID_FILE" ] && kill -0 -- "-$(cat "$PID_FILE")" 2>/dev/null; then
        kill -TERM -- "-$(cat "$PID_FILE")"
        rm -f "$PID_FILE"
        say "stopped"
      else
        say "no demo code-server is running"
      fi
      exit 0
      ;;
    -h | --help)
      # The comment block at the top, and nothing after it.
      awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

if [ -f "$PID_FILE" ] && kill -0 -- "-$(cat "$PID_FILE")" 2>/dev/null; then
  die "a demo code-server is already running (pgid $(cat "$PID_FILE")): $(stop_hint)"
fi

t0=$(now_us)
[ $skip_setup = 1 ] || step "setup" bash scripts/setup-all.sh
require_vscode_host
step "package the extension" npm run --silent package

# The workspace: a copy of sample/, kept across runs so a user's edits survive.
if [ $fresh = 1 ] && [ -d "$DEMO_DIR" ]; then rm -rf "$DEMO_DIR"; fi
if [ -d "$DEMO_DIR" ]; then
  say "workspace $DEMO_DIR exists: kept (--fresh recreates it)"
else
  mkdir -p "$DEMO_DIR"
  cp -R sample/. "$DEMO_DIR/"
  say "workspace $DEMO_DIR created from sample/"
fi

# code-server's own profile: settings, extensions, config without a password.
mkdir -p "$STATE_DIR/user-data/User" "$STATE_DIR/extensions"
printf 'auth: none\ncert: false\n' >"$STATE_DIR/config.yaml"
[ -f "$STATE_DIR/user-data/User/settings.json" ] || cat >"$STATE_DIR/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none"
}
JSON
code_server=("$NODE24_BIN/node" "$CODE_SERVER_ENTRY" --config "$STATE_DIR/config.yaml"
  --user-data-dir "$STATE_DIR/user-data" --extensions-dir "$STATE_DIR/extensions")
install_vsix() {
  PATH="$NODE24_BIN:$PATH" "${code_server[@]}" --force \
    --install-extension "$REPO_ROOT/dist/nso-workbench.vsix" </dev/null >"$STATE_DIR/install.log" 2>&1 || {
    cat "$STATE_DIR/install.log" >&2
    return 1
  }
}
step "install the .vsix" install_vsix

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${PORT:-8080}"
if port_taken "$port"; then
  for candidate in $(seq 18100 18999); do
    port_taken "$candidate" || {
      say "port $port is taken: using $candidate"
      port=$candidate
      break
    }
  done
  port_taken "$port" && die "no free port found"
fi

# setsid: code-server leads its own process group, so one signal stops it and
# its extension host.
say "starting code-server on 127.0.0.1:$port (log: $LOG_FILE)"
PATH="$NODE24_BIN:$PATH" setsid "${code_server[@]}" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$DEMO_DIR" </dev/null >"$LOG_FILE" 2>&1 &
pgid=$!
echo "$pgid" >"$PID_FILE"
stop_server() {
  kill -TERM -- "-$pgid" 2>/dev/null || true
  rm -f "$PID_FILE"
}
t_start=$(now_us)
until grep -q 'HTTP server listening' "$LOG_FILE" 2>/dev/null; do
  if ! kill -0 "$pgid" 2>/dev/null; then
    rm -f "$PID_FILE"
    tail -n 20 "$LOG_FILE" >&2
    die "code-server exited while starting (log: $LOG_FILE)"
  fi
  if [ $(($(now_us) - t_start)) -gt $((START_TIMEOUT_S * 1000000)) ]; then
    stop_server
    tail -n 20 "$LOG_FILE" >&2
    die "code-server did not listen within ${START_TIMEOUT_S}s (log: $LOG_FILE)"
  fi
  sleep 0.2
done

url="http://127.0.0.1:$port/?folder=$DEMO_DIR"
print_step_report
say "ready after $(format_us "$(($(now_us) - t0))")"
echo
echo "  NSO Workbench demo: $url"
echo
if [ $background = 1 ]; then
  echo "  code-server runs in the background (process group $pgid)."
  echo "  Stop it with: $(stop_hint)"
  exit 0
fi
echo "  Press Ctrl-C to stop."
trap 'echo; stop_server; say "stopped"; exit 0' INT TERM
wait "$pgid" || true
rm -f "$PID_FILE"
say "code-server exited (log: $LOG_FILE)"
