#!/usr/bin/env bash
# test-timeout: 120
# SIGKILL of the harness in the middle of a session leaves a database that passes
# integrity_check and holds every finished run, each complete (one transaction per run); the
# workload in flight dies with the harness; the next session removes its scratch directory.
source "$(dirname "$0")/../../testing/lib.sh"

cat > "$tmp/workloads.conf" <<CONF
grow  cmd  1  $FAKE grow 7 | $FAKE grow 7
CONF
db=$tmp/killed.db
# Its own scratch root: another harness on this machine must not sweep the killed one's directory.
export TMPDIR=$tmp
$HAKBENCH run --variants system --workloads grow --runs 500 --warmup 0 --no-counters \
  --workloads-conf "$tmp/workloads.conf" --db "$db" 2>/dev/null &
pid=$!
seen=0
for _ in $(seq 300); do
  seen=$(q "$db" "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
  [ "${seen:-0}" -ge 5 ] && break
  sleep 0.1
done
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.5

check "runs were stored before the kill" [ "${seen:-0}" -ge 5 ]
check "integrity_check is ok" [ "$(q "$db" "PRAGMA integrity_check")" = ok ]
stored=$(q "$db" "SELECT count(*) FROM runs")
check "every run seen before the kill is still there" [ "$stored" -ge "$seen" ]
check "every stored run is complete (status ok, RESULT line, RSS samples)" \
  [ "$(q "$db" "SELECT count(*) FROM runs r WHERE status <> 'ok' OR result_line = '' OR NOT EXISTS (SELECT 1 FROM rss_samples s WHERE s.run_id = r.id)")" = 0 ]
check "the session stays unfinished" \
  [ "$(q "$db" "SELECT finished_at IS NULL FROM sessions WHERE id = 1")" = 1 ]
# [d]: the pattern must not match the command line of pgrep's own caller
no_orphans() { ! pgrep -f "fake_workloa[d] grow 7" >/dev/null; }
check "the workload in flight died with the harness" no_orphans
check "hakbench opens the database again" \
  $HAKBENCH export --session 1 --format csv --db "$db" --out /dev/null
check "the killed harness left its scratch directory" [ -d "$tmp/hakbench.$pid".* ]
$HAKBENCH run --variants system --workloads grow --runs 1 --warmup 0 --no-counters \
  --workloads-conf "$tmp/workloads.conf" --db "$db" >/dev/null 2>&1
gone() { ! compgen -G "$tmp/hakbench.$pid.*" >/dev/null; }
check "the next session removes it" gone
finish
