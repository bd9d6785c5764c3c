#!/usr/bin/env bash
# Everything the test tiers and the demo need, from a fresh Debian machine:
# Debian packages, a Docker engine, Chromium, the extension's npm packages,
# the VS Code test host (code-server) and the NSO simulator images.
# Every step is idempotent and cached, so a second run takes seconds.
set -euo pipefail
SETUP_NAME=setup-all
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"

# One `apt-get update` for the whole run, shared with the scripts called below.
NSO_SETUP_APT_STAMP="$(mktemp -u /tmp/nso-setup-apt-updated.XXXXXX)"
export NSO_SETUP_APT_STAMP
t0=$(now_us)
finish() {
  local rc=$?
  rm -f "$NSO_SETUP_APT_STAMP"
  print_step_report
  if [ "$rc" = 0 ]; then
    say "setup done in $(format_us "$(($(now_us) - t0))")"
  else
    say "setup FAILED after $(format_us "$(($(now_us) - t0))")"
  fi
}
trap finish EXIT

# Every Debian package of every step in one apt-get call (faster than one per
# script): the engine, the browser, code-server's build headers and what
# images/build.sh needs to make its base root file system.
# libxml2-utils: xmllint, the baseline of bench/ncsconf.ts.
DEBS=(docker.io chromium libkrb5-dev debootstrap libxml2-utils)

root_npm_ci() {
  # npm ci always starts from scratch; skip it when node_modules was installed
  # from this very lockfile.
  local stamp=node_modules/.nso-workbench-installed want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "node_modules is up to date (cached)"
    return 0
  fi
  npm ci --no-audit --no-fund --loglevel=error </dev/null || return 1
  echo "$want" >"$stamp"
}

step "apt packages" apt_install "${DEBS[@]}"
step "docker engine" bash scripts/setup-docker.sh
step "chromium" bash scripts/setup-chromium.sh
step "npm ci" root_npm_ci
step "code-server (test/vscode)" bash scripts/setup-vscode.sh
step "simulator images" bash images/build.sh
