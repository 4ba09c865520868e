#!/usr/bin/env bash
# test-timeout: 60
# Larson keeps exact counts whatever the thread count and however often threads are replaced:
# allocations = frees + live blocks, every slot holds a live block at the end, the
# "Throughput =" line agrees with the RESULT line, and main joins its threads right after
# SLEEP (no extra sleeps).
set -u
. workloads/tests/lib.sh
require_workloads

for t in 1 2 4 8; do
  for rounds in 1 50; do
    args="0.15 8 256 300 $rounds $((41 + t)) $t"
    # shellcheck disable=SC2086
    if ! run_workload larson "" $args; then
      not_ok "larson $args exits 0"
      continue
    fi
    line=$(grep '^RESULT ' "$TMP/out")
    if ! check_result larson "$TMP/out" || ! check_larson "$line" $t 300; then
      not_ok "larson $args: allocs = frees + live_blocks"
      continue
    fi
    ok "larson $args: allocs = frees + live_blocks"
  done
done

run_workload larson "" 0.3 8 128 256 1 7 3
line=$(grep '^RESULT ' "$TMP/out")
tp=$(sed -n 's/^Throughput = \([0-9]*\) operations per second\.$/\1/p' "$TMP/out")
rate=$(field "$line" ops_per_sec)
if [ -n "$tp" ] && [ "$tp" = "$(printf '%.0f' "$rate")" ]; then
  ok "larson prints 'Throughput = N operations per second.' matching ops_per_sec"
else
  not_ok "larson Throughput line ($tp) matches ops_per_sec ($rate)"
fi
secs=$(field "$line" seconds)
created=$(field "$line" threads_created)
if awk -v s="$secs" 'BEGIN { exit !(s >= 0.3 && s < 1.3) }'; then
  ok "larson 0.3 s run measures ${secs}s (stops and joins right after SLEEP)"
else
  not_ok "larson 0.3 s run measures ${secs}s, expected 0.3 to 1.3"
fi
if [ "${created:-0}" -gt 3 ]; then
  ok "larson with ROUNDS=1 replaces its threads (threads_created=$created)"
else
  not_ok "larson with ROUNDS=1 replaces its threads (threads_created=${created:-none})"
fi

finish
