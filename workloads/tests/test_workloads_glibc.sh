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

# other_seed: random_mixed with seeds 3 and 4 allocates different byte totals.
other_seed() {
  local a b
  run_workload random_mixed "" --cycles 100000 --seed 3 || return 1
  a=$(field "$(grep '^RESULT ' "$TMP/out")" bytes)
  run_workload random_mixed "" --cycles 100000 --seed 4 || return 1
  b=$(field "$(grep '^RESULT ' "$TMP/out")" bytes)
  [ -n "$a" ] && [ "$a" != "$b" ]
}
expect "random_mixed: another seed, other choices" other_seed

finish
