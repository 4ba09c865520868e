# Shared by the harness's end-to-end tests: a scratch directory, check/summary helpers and the
# paths of the binaries. Sourced, not run. Tests run from the repository root.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HAKBENCH=./hakbench
FAKE=build/tests/harness/fake_workload
for bin in "$HAKBENCH" "$FAKE"; do
  [ -x "$bin" ] || { echo "missing $bin: run make test-build"; exit 2; }
done
tmp=$(mktemp -d /tmp/hakbench-e2e.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME COMMAND...: runs the command (a test expression) and counts the outcome.
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
  fi
}

# expect_exit CODE NAME PATTERN ARGS...: hakbench ARGS exits CODE with PATTERN on stderr (an
# empty PATTERN asks only for the code); stdout and stderr stay in $tmp/out and $tmp/err.
expect_exit() {
  local want=$1 name=$2 pattern=$3
  shift 3
  $HAKBENCH "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ $rc -eq "$want" ] && { [ -z "$pattern" ] || grep -qF -- "$pattern" "$tmp/err"; }; then
    passed=$((passed + 1))
    echo "ok    $name: exit $want"
  else
    failed=$((failed + 1))
    echo "FAIL  $name: exit $rc, not $want (stderr: $(head -c 300 "$tmp/err"))"
  fi
}

# q DB SQL: one value from the database.
q() { sqlite3 "$1" "$2"; }

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
