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

npm run --silent package >/tmp/nso-test-ui-package.log 2>&1 || {
  cat /tmp/nso-test-ui-package.log >&2
  die "npm run package failed"
}
say "packaged dist/nso-workbench.vsix"
NSO_VSIX="$REPO_ROOT/dist/nso-workbench.vsix" run_guarded npx mocha --config test/ui/.mocharc.json "$@"
