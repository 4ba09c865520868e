#!/usr/bin/env bash
# test-timeout: 60
# --help prints the usage and exits 0; bad arguments (negative sizes, min > max, zero or too
# many threads, unknown options, missing values, junk, stray arguments) exit 2 with a message
# naming the problem and the usage on stderr, never a crash.
set -u
. workloads/tests/lib.sh
require_workloads

for w in $WORKLOADS; do
  if "$WL_BIN/$w" --help >"$TMP/out" 2>"$TMP/err" && grep -q "^usage: $w" "$TMP/out"; then
    ok "$w --help"
  else
    not_ok "$w --help prints 'usage: $w' and exits 0"
  fi
done

# bad WORKLOAD EXPECTED_MESSAGE_REGEX ARGS...
bad() {
  local w=$1 msg=$2 rc
  shift 2
  timeout 10 "$WL_BIN/$w" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ $rc -eq 2 ] && grep -q "^$w: .*$msg" "$TMP/err" && grep -q "^usage: $w" "$TMP/err" &&
      ! grep -q '^RESULT' "$TMP/out"; then
    ok "$w $* -> exit 2 ($msg)"
  else
    not_ok "$w $* -> expected exit 2 with '$msg' and usage, got exit $rc"
    head -3 "$TMP/err" | sed 's/^/  | /'
  fi
}

bad larson "expected 7 arguments" 1 8 128 1024 1 12345
bad larson "MIN: '-8' must not be negative" 1 -8 128 1024 1 12345 4
bad larson "MIN (200) is larger than MAX (128)" 1 200 128 1024 1 12345 4
bad larson "THREADS: 0 is out of range" 1 8 128 1024 1 12345 0
bad larson "THREADS: 1000 is out of range" 1 8 128 1024 1 12345 1000
bad larson "SLEEP: 'abc' is not a number" abc 8 128 1024 1 12345 4
bad larson "unknown option '--fast'" --fast 1 8 128 1024 1 12345 4
bad random_mixed "--min: '-16' must not be negative" --min -16
bad random_mixed "--min (2000) is larger than --max (1040)" --min 2000
bad random_mixed "--cycles: 'many' is not a number" --cycles many
bad random_mixed "--ws: 0 is out of range" --ws 0
bad random_mixed "unknown option '--bogus'" --bogus
bad random_mixed "option '--seed' needs a value" --seed
bad random_mixed "unexpected argument 'extra'" extra
bad tiny_hot "--size: 0 is out of range" --size 0
bad tiny_hot "--batch: 5000 is out of range" --batch 5000
bad producer_consumer "--producers: 0 is out of range" --producers 0
bad producer_consumer "--consumers: 300 is out of range" --consumers 300
bad producer_consumer "more than the limit" --producers 200 --consumers 100
bad producer_consumer "--min (600) is larger than --max (512)" --min 600
bad thread_churn "--threads: 0 is out of range" --threads 0
bad thread_churn "--threads: 257 is out of range" --threads 257
bad thread_churn "--objects: 2 is out of range" --objects 2
bad mid_large_mt "--threads: '-2' must not be negative" --threads -2
bad mid_large_mt "--large-pct: 101 is out of range" --large-pct 101
bad fragmentation "--objects: '10x' is not a whole number" --objects 10x
bad fragmentation "unknown option '-z'" -z
bad realloc_grow "--max-size: '-1' must not be negative" --max-size -1
bad realloc_grow "--max-size: 2G is out of range" --max-size 2G
bad aligned "--iters: 0 is out of range" --iters 0
bad thread_storm "--threads: 0 is out of range" --threads 0
bad thread_storm "--rounds: '2x' is not a whole number" --rounds 2x
bad thread_storm "--transfers: 0 is out of range" --transfers 0
bad xthread_free "--workers: 129 is out of range" --workers 129
bad xthread_free "--seconds: 'soon' is not a number of seconds" --seconds soon
bad xthread_free "--seconds: 0 is out of range" --seconds 0
bad xthread_free "--size: 65537 is out of range" --size 65537
bad false_share "--objects: 3 is odd" --objects 3
bad false_share "--size: 0 is out of range" --size 0
bad false_share "unknown option '--fast'" --fast
bad sized_delete "expected 7 arguments" 1 8 128
bad sized_delete "MIN (200) is larger than MAX (128)" 1 200 128 1024 1 12345 4
bad large_reuse "--min (31457280) is larger than --max (26214400)" --min 30M
bad large_reuse "--blocks: 0 is out of range" --blocks 0
bad large_reuse "exceeds 8 GiB" --threads 200 --max 1G
bad small_loop "--max: 4 is out of range" --max 4
bad small_loop "--iters: 100 is too few" --iters 100
bad small_loop "both 0" --iters 0 --mixed 0

# The redis workload script: --help, and bad arguments exit 2 naming the problem.
if workloads/apps/redis_bench.sh --help >"$TMP/out" 2>&1 && grep -q 'redis_bench.sh \[--requests N\]' "$TMP/out"; then
  ok "redis_bench.sh --help"
else
  not_ok "redis_bench.sh --help prints its usage and exits 0"
fi
for args in "--requests 0" "--requests x" "--bogus" "--requests"; do
  # shellcheck disable=SC2086
  workloads/apps/redis_bench.sh $args >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ $rc -eq 2 ] && grep -q '^redis_bench: ' "$TMP/err" && ! grep -q '^RESULT' "$TMP/out"; then
    ok "redis_bench.sh $args -> exit 2"
  else
    not_ok "redis_bench.sh $args -> expected exit 2 with a message, got exit $rc"
  fi
done

finish
