#!/usr/bin/env bash
# The extension-host test tier: builds the extension, then runs
# test/exthost/*.test.ts inside code-server's extension host against a copy of
# sample/ (see test/exthost/run.ts). Exits non-zero on failing tests, an
# extension host crash or a timeout.
#
# Usage: bash scripts/test-exthost.sh [--keep] [--verbose] [--timeout-s N] [test/exthost/<file>.test.ts…]
set -euo pipefail
SETUP_NAME=test-exthost
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"
require_vscode_host
# The tests drive real NSO simulator containers: start the engine when it is down.
bash "$REPO_ROOT/scripts/setup-docker.sh" >&2

npm run --silent build >/dev/null
run_harness test/exthost/run.ts "$@"
