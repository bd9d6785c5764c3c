#!/usr/bin/env bash
# Runs every test tier in order and keeps going after a failure:
#   check    typecheck + lint + format (npm run check)
#   unit     npm run test:unit
#   server   npm run test:server (language server)
#   docker   npm run test:docker (real engine, NSO simulator images)
#   exthost  npm run test:exthost (inside code-server's extension host)
#   ui       npm run test:ui (the packaged .vsix, driven in Chromium)
# Each tier's output is shown and kept in test-results/tiers/<tier>.log. The
# test counts come from each mocha run's closing summary ("N passing",
# "N failing"); a tier that fails without such a count (check, or a runner that
# died) adds one failure. The last line is "<passed> passed, <failed> failed".
#
# Usage: bash scripts/test-all.sh [tier ...]   (default: all, in the order above)
# Exit: 0 when every tier passed, 1 otherwise.
set -uo pipefail
SETUP_NAME=test-all
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"
cd "$REPO_ROOT"

ALL_TIERS=(check unit server docker exthost ui)
declare -A TIER_COMMAND=(
  [check]="npm run --silent check"
  [unit]="npm run --silent test:unit"
  [server]="npm run --silent test:server"
  [docker]="npm run --silent test:docker"
  [exthost]="npm run --silent test:exthost"
  [ui]="npm run --silent test:ui"
)

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=("${ALL_TIERS[@]}")
for tier in "${tiers[@]}"; do
  [ -n "${TIER_COMMAND[$tier]:-}" ] || die "unknown tier '$tier' (tiers: ${ALL_TIERS[*]})"
done

log_dir="$REPO_ROOT/test-results/tiers"
mkdir -p "$log_dir"
total_passed=0
total_failed=0
failed_tiers=()
summary=()
t_all=$(now_us)

# "<passing> <failing>" from the last mocha summary in a log, or "- -".
mocha_counts() {
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    /^[[:space:]]*[0-9]+ passing/ { p = $1 }
    /^[[:space:]]*[0-9]+ failing/ { f = $1 }
    END { print (p == "" ? "-" : p), (f == "" ? "-" : f) }'
}

for tier in "${tiers[@]}"; do
  log="$log_dir/$tier.log"
  printf '\n===== tier %s: %s\n' "$tier" "${TIER_COMMAND[$tier]}"
  t0=$(now_us)
  # shellcheck disable=SC2086 # the command is a list of words on purpose
  ${TIER_COMMAND[$tier]} </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  took=$(format_us "$(($(now_us) - t0))")

  read -r passing failing < <(mocha_counts "$log")
  counts=""
  if [ "$passing" != - ] || [ "$failing" != - ]; then
    [ "$passing" = - ] && passing=0
    [ "$failing" = - ] && failing=0
    counts=", $passing passed, $failing failed"
  else
    passing=0
    failing=0
  fi
  if [ "$rc" != 0 ] && [ "$failing" = 0 ]; then
    failing=1
    counts="$counts (no failing test count: the tier counts as 1 failure)"
  fi
  total_passed=$((total_passed + passing))
  total_failed=$((total_failed + failing))

  if [ "$rc" = 0 ]; then
    line="tier $tier: ok$counts in $took"
  else
    line="tier $tier: FAILED (exit $rc)$counts in $took"
    failed_tiers+=("$tier")
  fi
  summary+=("$line")
  printf '===== %s\n' "$line"
done

printf '\n===== summary (%s in all; logs in test-results/tiers/)\n' "$(format_us "$(($(now_us) - t_all))")"
printf '%s\n' "${summary[@]}"
[ ${#failed_tiers[@]} = 0 ] || printf 'failed tiers: %s\n' "${failed_tiers[*]}"
printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
[ ${#failed_tiers[@]} = 0 ]
