#!/usr/bin/env bash
# test-timeout: 180
# A session with the leaky and crashy variants and a hanging workload records oom, crash and
# timeout, and keeps every other run (issue 5). Memory is capped at 32 MB per run
# (tiny_hot needs about 2 MB under glibc), so the leak is caught within a second or two.
source "$(dirname "$0")/../../testing/lib.sh"

cat > "$tmp/workloads.conf" <<CONF
tiny_hot  bin  1  --iters 12000000 --size 32 | --iters 12000000 --size 32
hang      cmd  1  sleep 1000 | sleep 1000
CONF
db=$tmp/faults.db
$HAKBENCH run --variants system,leaky,crashy --workloads tiny_hot,hang --runs 2 --warmup 0 \
  --mem-limit 32 --time-limit 3 --seed 7 --workloads-conf "$tmp/workloads.conf" --db "$db" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/err"

measured() { q "$db" "SELECT count(*) FROM runs WHERE purpose = 'measure' AND $1"; }
check "run exits 1: runs failed, and the session is complete" [ $rc -eq 1 ]
check "last line names the session" [ "$(tail -1 "$tmp/out")" = "session 1" ]
check "every measured run is kept (3 variants x 2 workloads x 2)" [ "$(measured 1)" = 12 ]
check "leaky is killed at the memory cap: oom" \
  [ "$(measured "variant = 'leaky' AND workload = 'tiny_hot' AND status = 'oom'")" = 2 ]
check "crashy crashes with SIGSEGV" \
  [ "$(measured "variant = 'crashy' AND workload = 'tiny_hot' AND status = 'crash' AND signal = 11")" = 2 ]
check "the hanging workload times out under every variant" \
  [ "$(measured "workload = 'hang' AND status = 'timeout'")" = 6 ]
check "system runs are unaffected: ok with ops/s" \
  [ "$(measured "variant = 'system' AND workload = 'tiny_hot' AND status = 'ok' AND ops_per_sec > 0")" = 2 ]
check "the oom run's RSS timeline shows the growth" \
  [ "$(q "$db" "SELECT max(s.rss_kb) > 16384 FROM rss_samples s JOIN runs r ON r.id = s.run_id WHERE r.status = 'oom'")" = 1 ]
check "timeouts took about the time limit" \
  [ "$(measured "status = 'timeout' AND (wall_s < 2.9 OR wall_s > 7)")" = 0 ]
check "failed runs name their outcome on stderr" grep -q "tiny_hot under leaky: oom" "$tmp/err"
check "progress lines count the runs" grep -q "^run 1/" "$tmp/err"
check "the session is marked finished" \
  [ "$(q "$db" "SELECT finished_at IS NOT NULL FROM sessions WHERE id = 1")" = 1 ]
check "builds are recorded with their library hash" \
  [ "$(q "$db" "SELECT count(DISTINCT variant) || ' ' || sum(length(library_hash) != 64) FROM builds WHERE variant IN ('leaky', 'crashy')")" = "2 0" ]
check "integrity_check is ok" [ "$(q "$db" "PRAGMA integrity_check")" = ok ]
finish
