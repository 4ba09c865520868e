#!/usr/bin/env bash
# test-timeout: 120
# Every workload and app runs briefly under LD_PRELOAD=./libhakmem.so and prints a valid
# RESULT line, and ./larson_hakmem (hakmem linked in) keeps its counts. A missing or broken
# library is a failure, never a silent fallback to glibc.
set -u
. workloads/tests/lib.sh
require_workloads

lib=$PWD/libhakmem.so
if [ ! -f "$lib" ]; then
  not_ok "$lib is missing: build it with 'make libhakmem.so'"
  finish
  exit 1
fi
if ! nm -D --defined-only "$lib" | grep -qw malloc; then
  not_ok "$lib does not export malloc, so LD_PRELOAD would not replace the allocator"
  finish
  exit 1
fi
ok "$lib exists and exports malloc"

run_suite "$lib" hakmem
run_apps "$lib" hakmem quick

if [ -x ./larson_hakmem ]; then
  for t in 1 3; do
    if timeout 60 ./larson_hakmem 0.2 8 128 512 1 12345 $t >"$TMP/out" 2>"$TMP/err" &&
        check_result larson "$TMP/out" &&
        check_larson "$(grep '^RESULT ' "$TMP/out")" $t 512; then
      ok "larson_hakmem with $t threads: allocs = frees + live_blocks"
    else
      not_ok "larson_hakmem with $t threads: allocs = frees + live_blocks"
      tail -5 "$TMP/err" | sed 's/^/  | /'
    fi
  done
else
  not_ok "./larson_hakmem is missing: build it with 'make larson_hakmem'"
fi

finish
