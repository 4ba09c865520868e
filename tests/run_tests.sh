#!/usr/bin/env bash
# Runs the tests named on the command line (test binaries and test scripts) one at a time,
# each under a time limit, and closes with the line "N passed, N failed".
#
# A test counts its own cases when its output says so: cmocka's "[  PASSED  ] N test(s)." /
# "[  FAILED  ] N test(s)" or a plain "N passed, N failed" line. Otherwise it counts as one
# case, passed when it exits 0. A test that exits non-zero always adds at least one failure.
# A test that exits 77 (automake's convention) after passing every case it ran is skipped: what
# it needs (e.g. a machine quiet enough to resolve a 5% change) is not there; its last line says
# why, and the skip is listed before the closing line.
# Filter with T=regex (make test T=stats). A script may declare "# test-timeout: SECONDS".
# Logs: build/test-logs/<name>.log
set -u

log_dir=build/test-logs
mkdir -p "$log_dir"
filter=${T:-}
passed=0
failed=0
failed_names=()
skipped_names=()
start_all=$(date +%s)

for t in "$@"; do
  name=${t#build/tests/}
  name=${name%.sh}
  [ -n "$filter" ] && ! [[ $name =~ $filter ]] && continue
  limit=600
  if [[ $t == *.sh ]]; then
    declared=$(sed -n 's/^# test-timeout: *\([0-9]\+\).*/\1/p' "$t" | head -1)
    [ -n "$declared" ] && limit=$declared
  fi
  log="$log_dir/$(echo "$name" | tr '/' '_').log"
  start=$(date +%s)
  if [[ $t == *.sh ]]; then
    timeout -k 10 "$limit" bash "$t" >"$log" 2>&1
  else
    timeout -k 10 "$limit" "$t" >"$log" 2>&1
  fi
  rc=$?
  secs=$(( $(date +%s) - start ))

  p=0 f=0 counted=0
  if grep -qE '^\[  PASSED  \] [0-9]+ test' "$log" || grep -qE '^\[  FAILED  \] [0-9]+ test' "$log"; then
    p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
    f=$(grep -oE '^\[  FAILED  \] [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
    counted=1
  elif line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1) && [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed.*/\2/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    counted=1
  fi
  if [ $counted -eq 0 ]; then
    if [ $rc -eq 0 ]; then p=1; elif [ $rc -ne 77 ]; then f=1; fi
  elif [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))

  if [ $rc -eq 77 ] && [ "$f" -eq 0 ]; then
    printf 'SKIP  %-44s %3d case(s)  %4ds  %s\n' "$name" "$p" "$secs" "$(tail -n 1 "$log")"
    skipped_names+=("$name")
  elif [ $rc -eq 0 ] && [ "$f" -eq 0 ]; then
    printf 'PASS  %-44s %3d case(s)  %4ds\n' "$name" "$p" "$secs"
  else
    why="exit $rc"
    [ $rc -eq 124 ] && why="timed out after ${limit}s"
    [ $rc -gt 128 ] && [ $rc -ne 137 ] && why="killed by signal $((rc - 128))"
    printf 'FAIL  %-44s %3d failed (%s)  %4ds  log: %s\n' "$name" "$f" "$why" "$secs" "$log"
    tail -n 25 "$log" | sed 's/^/      | /'
    failed_names+=("$name")
  fi
done

echo
echo "total time: $(( $(date +%s) - start_all ))s"
[ ${#skipped_names[@]} -gt 0 ] && echo "skipped: ${skipped_names[*]}"
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
