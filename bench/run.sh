#!/usr/bin/env bash
# Benchmarks of what ships: the minified bundle sizes and the activation time
# in a real VS Code (bench/activate.ts explains how that is measured).
# Results: bench/results/bundle-size.json and bench/results/activate.json.
# Exit 1 when a target is missed: extension bundle < 1 MB, server bundle
# < 500 KB, VS Code's activation figure, median < 50 ms.
#
# Usage: bash bench/run.sh [runs]   (default 5 windows for the activation time)
set -euo pipefail
SETUP_NAME=bench
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup-lib.sh"
cd "$REPO_ROOT"
require_vscode_host

# The release build (minified), as `npm run package` ships it.
npm run --silent build >/dev/null
mkdir -p bench/results
ext_bytes=$(stat -c %s dist/extension.js)
server_bytes=$(stat -c %s dist/server.js)
ext_target=$((1024 * 1024))
server_target=$((500 * 1024))
# dist/extension.js is what activation loads; the extension's other bundles
# load on first need (features, ncs.conf client, Docker layer): listed too,
# with the total the extension ships, so that no size hides behind the split.
lazy_json=""
total_bytes=$ext_bytes
for f in features ncsconf docker; do
  b=$(stat -c %s "dist/$f.js")
  total_bytes=$((total_bytes + b))
  lazy_json+="${lazy_json:+, }\"dist/$f.js\": $b"
done
cat >bench/results/bundle-size.json <<JSON
{
  "measuredAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "extensionBytes": $ext_bytes,
  "extensionTargetBytes": $ext_target,
  "extensionGzipBytes": $(gzip -9c dist/extension.js | wc -c),
  "lazyBundleBytes": { $lazy_json },
  "extensionTotalBytes": $total_bytes,
  "serverBytes": $server_bytes,
  "serverTargetBytes": $server_target,
  "serverGzipBytes": $(gzip -9c dist/server.js | wc -c)
}
JSON
cat bench/results/bundle-size.json

missed=()
[ "$ext_bytes" -lt "$ext_target" ] || missed+=("extension bundle $ext_bytes B >= $ext_target B")
[ "$server_bytes" -lt "$server_target" ] || missed+=("server bundle $server_bytes B >= $server_target B")

rc=0
run_harness bench/activate.ts "$@" || rc=$?
case $rc in
  0) ;;
  1) missed+=("activation median (VS Code's figure) over the 50 ms target (bench/results/activate.json)") ;;
  *) die "the activation bench failed (exit $rc)" ;;
esac

if [ ${#missed[@]} -gt 0 ]; then
  printf '[bench] target missed: %s\n' "${missed[@]}"
  exit 1
fi
say "all targets met"
