#!/usr/bin/env bash
# Runs its arguments once a Docker engine answers (starting one if needed).
# Usage: bash scripts/with-docker.sh <command> [args...]
set -euo pipefail
[ $# -gt 0 ] || {
  echo "usage: with-docker.sh <command> [args...]" >&2
  exit 2
}
bash "$(dirname "${BASH_SOURCE[0]}")/setup-docker.sh" >&2
exec "$@"
