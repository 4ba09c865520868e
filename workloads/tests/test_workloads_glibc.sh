#!/usr/bin/env bash
# test-timeout: 120
# Every workload and app runs briefly under glibc and prints a valid RESULT line; the
# synthetic workloads are reproducible for a seed and change with it.
set -u
. workloads/tests/lib.sh
require_workloads

run_suite "" glibc
run_apps "" glibc quick

# same_fields NAME KEYS ARGS...: two runs with the same arguments agree on KEYS.
same_fields() {
  local name=$1 keys=$2 a b k
  shift 2
  run_workload "$name" "" "$@" && a=$(grep '^RESULT ' "$TMP/out") || return 1
  run_workload "$name" "" "$@" && b=$(grep '^RESULT ' "$TMP/out") || return 1
  for k in $keys; do
    [ "$(field "$a" "$k")" = "$(field "$b" "$k")" ] || { echo "  $k differs: $a / $b"; return 1; }
  done
}

expect "random_mixed: same seed, same choices" \
  same_fields random_mixed "ops bytes" --cycles 100000 --seed 3
expect "thread_churn: same seed, same choices" \
  same_fields thread_churn "ops bytes" --threads 2 --generations 5 --objects 100 --seed 3
expect "realloc_grow: same seed, same choices" \
  same_fields realloc_grow "ops bytes" --buffers 300 --seed 3
expect "fragmentation: same seed, same choices" \
  same_fields fragmentation "live_bytes" --objects 5000 --seed 3

expect "thread_storm: same seed, same choices" \
  same_fields thread_storm "ops reallocs large_blocks bytes" --threads 2 --rounds 2 --allocs 300 \
  --seed 3
expect "large_reuse: same seed, same choices" \
  same_fields large_reuse "bytes" --threads 2 --iters 4 --blocks 3 --min 64K --max 1M --seed 3
expect "small_loop: same seed, same choices" \
  same_fields small_loop "ops bytes" --iters 20000 --mixed 50000 --seed 3

# other_seed NAME KEY ARGS...: seeds 3 and 4 give different values of KEY.
other_seed() {
  local name=$1 key=$2 a b
  shift 2
  run_workload "$name" "" "$@" --seed 3 || return 1
  a=$(field "$(grep '^RESULT ' "$TMP/out")" "$key")
  run_workload "$name" "" "$@" --seed 4 || return 1
  b=$(field "$(grep '^RESULT ' "$TMP/out")" "$key")
  [ -n "$a" ] && [ "$a" != "$b" ]
}
expect "random_mixed: another seed, other choices" other_seed random_mixed bytes --cycles 100000
expect "thread_storm: another seed, other choices" \
  other_seed thread_storm bytes --threads 2 --rounds 2 --allocs 300
expect "small_loop: another seed, other choices" other_seed small_loop bytes --iters 0 --mixed 50000

# result_is NAME KEY VALUE ARGS...: one run whose RESULT line has KEY=VALUE.
result_is() {
  local name=$1 key=$2 want=$3 got
  shift 3
  run_workload "$name" "" "$@" || { echo "  $name $* exited $?"; return 1; }
  got=$(field "$(grep '^RESULT ' "$TMP/out")" "$key")
  [ "$got" = "$want" ] || { echo "  $key=$got, expected $want"; return 1; }
}
expect "xthread_free --batches 50: exactly 50 x 4096 blocks freed" \
  result_is xthread_free ops 204800 --workers 3 --batches 50
expect "xthread_free --batches 50: every batch freed by the releasers" \
  result_is xthread_free left_over 0 --workers 3 --batches 50 --size 0
expect "xthread_free --seconds 0.3: runs 0.3 s" \
  result_is xthread_free run_seconds 0.300000 --seconds 0.3
expect "false_share: ops = threads x rounds x objects" \
  result_is false_share ops 3000 --threads 3 --rounds 50 --objects 20
expect "false_share: half of the objects are freed by the next thread" \
  result_is false_share remote_frees 1500 --threads 3 --rounds 50 --objects 20
expect "thread_storm: threads x rounds threads" \
  result_is thread_storm threads_created 15 --threads 5 --rounds 3 --allocs 100
expect "large_reuse: ops = threads x iters" \
  result_is large_reuse ops 6 --threads 2 --iters 3 --blocks 2 --min 1M --max 2M
expect "small_loop --iters 0: only the mixed phase" \
  result_is small_loop ops 1000 --iters 0 --mixed 1000

finish
