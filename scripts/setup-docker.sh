#!/usr/bin/env bash
# Makes sure a Docker engine answers on the default socket.
#
# Idempotent: when `docker info` answers nothing is done. Otherwise the engine
# is installed from Debian (docker.io) if dockerd is missing, started in the
# background with its log in /var/log/dockerd.log (never a second one), and
# waited for until `docker info` answers or the deadline passes.
#
# Env: DOCKER_START_TIMEOUT_S (default 60)
set -euo pipefail
SETUP_NAME=setup-docker
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"

deadline_s=${DOCKER_START_TIMEOUT_S:-60}
log_file=/var/log/dockerd.log
t0=$(now_us)

engine_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "engine already answers ($(docker info --format '{{.ServerVersion}}, {{.Driver}}' 2>/dev/null))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  apt_install docker.io
fi

# An engine that is starting but not answering yet must not get a twin.
if pidof dockerd >/dev/null 2>&1; then
  say "dockerd is already running (pid $(pidof dockerd)): waiting for it to answer"
else
  say "starting dockerd (log: $log_file)"
  # setsid: the engine outlives this script and is not hit by a Ctrl-C meant
  # for the tests that follow.
  setsid dockerd >"$log_file" 2>&1 </dev/null &
fi

while ! engine_answers; do
  if [ $(($(now_us) - t0)) -gt $((deadline_s * 1000000)) ]; then
    tail -n 20 "$log_file" >&2 2>/dev/null || true
    die "the Docker engine did not answer within ${deadline_s}s (log: $log_file)"
  fi
  if ! pidof dockerd >/dev/null 2>&1; then
    tail -n 20 "$log_file" >&2 2>/dev/null || true
    die "dockerd exited while starting (log: $log_file)"
  fi
  sleep 0.5
done
say "engine answers ($(docker info --format '{{.ServerVersion}}, {{.Driver}}'))" \
  "after $(format_us "$(($(now_us) - t0))")"
