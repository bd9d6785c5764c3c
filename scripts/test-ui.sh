#!/usr/bin/env bash
# The UI test tier: packages the extension (.vsix), installs it into a fresh
# code-server with --install-extension and drives the workbench in headless
# Chromium as a user would (test/ui/*.test.ts). Screenshots go to
# test-results/ui/*.png.
#
# Usage: bash scripts/test-ui.sh [mocha args...]
# Env: NSO_UI_KEEP=1 keeps the profile, workspace and code-server log.
set -euo pipefail
SETUP_NAME=test-ui
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"
require_vscode_host
# The tests drive real NSO simulator containers: start the engine when it is down.
bash "$REPO_ROOT/scripts/setup-docker.sh" >&2

npm run --silent package >/tmp/nso-test-ui-package.log 2>&1 || {
  cat /tmp/nso-test-ui-package.log >&2
  die "npm run package failed"
}
say "packaged dist/nso-workbench.vsix"
# One code-server session per test file: a session shared across files lets
# one file's views, dialogs and containers leak into the next file's checks.
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(ls test/ui/*.test.ts)
passed=0
failed=0
rc=0
for file in "${files[@]}"; do
  say "UI tests in $file"
  log="$(mktemp /tmp/nso-test-ui.XXXXXX)"
  set +e
  NSO_VSIX="$REPO_ROOT/dist/nso-workbench.vsix" run_guarded \
    npx mocha --no-config --node-option import=tsx --require test/ui/hooks.ts \
    --timeout 90000 --reporter spec "$file" 2>&1 | tee "$log"
  file_rc=${PIPESTATUS[0]}
  set -e
  p=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^[[:space:]]*[0-9]+ passing/ { n = $1 } END { print n + 0 }')
  f=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^[[:space:]]*[0-9]+ failing/ { n = $1 } END { print n + 0 }')
  rm -f "$log"
  if [ "$file_rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$file_rc" = 0 ] || rc=1
done
# The tier's totals, in mocha's own summary form for scripts/test-all.sh.
printf '\n  %d passing\n' "$passed"
[ "$failed" = 0 ] || printf '  %d failing\n' "$failed"
exit "$rc"
