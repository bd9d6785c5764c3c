# Sourced by the test and bench scripts that drive code-server: runs a command
# under an outer deadline and, whatever happens to it, kills the process groups
# it recorded (code-server, Chromium) afterwards.

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
