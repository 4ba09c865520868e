#!/usr/bin/env bash
# The store's and the queue's targets (issue 17), measured on this machine: bench_store on an
# SQLite file and on a PostgreSQL server of its own (started as the tests start theirs, with
# fsync on), interleaved, for each number of RSS samples a run in SAMPLES, ROUNDS rounds
# (default 2); then the whole worker's cost per job on the server, the workload's own time taken
# out. Prints the load average first: the figures are
# only as quiet as the machine. Run by `make bench-store`.
source "$(dirname "$0")/../harness/testing/lib.sh"
PG_OPTIONS="-c fsync=on" source harness/testing/pg.sh
bench=build/bench/harness/store/bench_store
[ -x "$bench" ] || { echo "missing $bench: make bench-store"; exit 2; }
rounds=${ROUNDS:-2}
# RSS samples per run: none; a quick run's (0.3 s at one sample every 10 ms); about a full run's
# second. Real databases hold 26 a run (quick sessions) to 185-300 (full sessions of 2-4 s).
samples=${SAMPLES:-0 26 100}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
PG_OPTIONS="-c fsync=on" pg_start
n=0
for r in $(seq "$rounds"); do
  for m in $samples; do
    n=$((n + 1))
    rm -f "$tmp/bench.db"*
    "$bench" "$tmp/bench.db" 10000 "$m" || exit 2
    psql_ postgres -c "CREATE DATABASE bench$n" >/dev/null || exit 2
    "$bench" "${PGURI/\/hakmem?/\/bench$n?}" 10000 "$m" || exit 2
  done
done

# The worker end to end: jobs of one warm-up and one run of a workload that returns at once;
# what the worker spends beyond the runs' own wall time is the queue's and the session's cost.
jobs=${JOBS:-50}
psql_ postgres -c 'CREATE DATABASE workers' >/dev/null || exit 2
PGURI=${PGURI/\/hakmem?/\/workers?}
cat > "$tmp/workloads.conf" <<CONF
fake  cmd  1  $FAKE ok | $FAKE ok
CONF
for i in $(seq "$jobs"); do
  "$HAKBENCH" enqueue --variants system --workloads fake --runs 1 --workloads-conf "$tmp/workloads.conf" --db "$PGURI" >/dev/null || exit 2
done
start=$(date +%s.%N)
"$HAKBENCH" worker --drain -q --poll 1 --workloads-conf "$tmp/workloads.conf" --db "$PGURI" --lock "$tmp/lock" || exit 2
end=$(date +%s.%N)
runs=$(psql_ workers -c "SELECT sum(wall_s) FROM runs r JOIN jobs j ON j.session_id = r.session_id")
done_jobs=$(psql_ workers -c "SELECT count(*) FROM jobs WHERE state = 'done'")
awk -v s="$start" -v e="$end" -v r="$runs" -v n="$done_jobs" 'BEGIN {
  printf "postgresql worker: %d jobs (1 warm-up + 1 run each) in %.2f s; beyond the runs'"'"' own %.2f s: %.1f ms per job (claim, lease, session, builds check, machine probe, storing 2 runs)\n", n, e - s, r, 1000 * (e - s - r) / n }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
