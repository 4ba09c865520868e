#!/usr/bin/env bash
# test-timeout: 120
# The content checks really catch corruption: under the corrupting shim (corrupt_shim.c), which
# scribbles into a block the program still holds or hands a held block out twice, every
# content-checking workload exits 3 with a CORRUPTED MEMORY message. With the shim loaded but
# idle, the same runs exit 0, so the exit 3 comes from the corruption and nothing else.
set -u
. workloads/tests/lib.sh
require_workloads
if [ ! -f "$WL_SHIM" ]; then
  not_ok "$WL_SHIM is missing: build it with 'make $WL_SHIM'"
  finish
  exit 1
fi

# The quick thread_churn, mid_large_mt and thread_storm threads allocate under 1000 blocks
# each, large_reuse's thread 17 (main fewer than 8): arm the shim earlier there.
declare -A AT=([thread_churn]=100 [mid_large_mt]=100 [thread_storm]=100 [large_reuse]=8)
CHECKED="random_mixed tiny_hot producer_consumer thread_churn mid_large_mt fragmentation
         realloc_grow aligned thread_storm xthread_free false_share large_reuse small_loop"
# realloc_grow and aligned never call malloc, so they cannot be handed a malloc block twice.
DUP="random_mixed tiny_hot producer_consumer thread_churn mid_large_mt fragmentation
     thread_storm xthread_free false_share large_reuse small_loop"

# shimmed MODE WORKLOAD: runs the workload's quick arguments under the shim; returns exit code.
shimmed() {
  local mode=$1 w=$2
  # shellcheck disable=SC2086
  timeout 60 env HAKTEST_CORRUPT="$mode" HAKTEST_CORRUPT_AT="${AT[$w]:-1000}" \
    LD_PRELOAD="$WL_SHIM" "$WL_BIN/$w" ${QUICK[$w]} >"$TMP/out" 2>"$TMP/err"
}

for w in $CHECKED; do
  expect "$w under the idle shim exits 0" shimmed off "$w"
done

for mode in scribble dup; do
  list=$CHECKED
  [ $mode = dup ] && list=$DUP
  for w in $list; do
    shimmed $mode "$w"
    rc=$?
    if [ $rc -eq 3 ] && grep -q "^$w: CORRUPTED MEMORY: " "$TMP/err" &&
        ! grep -q '^RESULT' "$TMP/out"; then
      ok "$w detects a $mode (exit 3)"
    else
      not_ok "$w detects a $mode: expected exit 3 with CORRUPTED MEMORY, got exit $rc"
      tail -3 "$TMP/err" | sed 's/^/  | /'
    fi
  done
done

finish
