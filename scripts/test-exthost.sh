#!/usr/bin/env bash
# The extension-host test tier: builds the extension, then runs
# test/exthost/*.test.ts inside code-server's extension host against a copy of
# sample/ (see test/exthost/run.ts). Exits non-zero on failing tests, an
# extension host crash or a timeout.
#
# Without test files it runs two sessions: the workspace with trust turned off,
# then opened untrusted (restricted mode) for test/exthost/*.untrusted.test.ts.
#
# Usage: bash scripts/test-exthost.sh [--keep] [--verbose] [--timeout-s N] [--untrusted] [test/exthost/<file>.test.ts…]
set -euo pipefail
SETUP_NAME=test-exthost
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"
require_vscode_host
# The tests drive real NSO simulator containers: start the engine when it is down.
bash "$REPO_ROOT/scripts/setup-docker.sh" >&2

npm run --silent build >/dev/null

# Files named: one session, as asked (*.untrusted.test.ts files need --untrusted).
for arg in "$@"; do
  case "$arg" in
    *.test.ts)
      rc=0
      run_harness test/exthost/run.ts "$@" || rc=$?
      exit "$rc"
      ;;
  esac
done

passed=0
failed=0
rc=0
for session in trusted untrusted; do
  args=("$@")
  [ "$session" = trusted ] || args+=(--untrusted)
  log="$(mktemp /tmp/nso-test-exthost.XXXXXX)"
  set +e
  run_harness test/exthost/run.ts "${args[@]}" 2>&1 | tee "$log"
  session_rc=${PIPESTATUS[0]}
  set -e
  p=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^[[:space:]]*[0-9]+ passing/ { n = $1 } END { print n + 0 }')
  f=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^[[:space:]]*[0-9]+ failing/ { n = $1 } END { print n + 0 }')
  rm -f "$log"
  if [ "$session_rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$session_rc" = 0 ] || rc=1
done
# The tier's totals, in mocha's own summary form for scripts/test-all.sh.
printf '\n  %d passing\n' "$passed"
[ "$failed" = 0 ] || printf '  %d failing\n' "$failed"
exit "$rc"
