#!/usr/bin/env bash
# test-timeout: 60
# `hakbench export --format perf-table` (the README's performance table, make perf-table) on a
# fixed session: medians of the ok measured runs of default against each peer, peak RSS against
# glibc, workloads by name, an empty cell for a peer without ok runs, warm-up runs left out.
# The expected rows are those the SQL of the former scripts/perf_table.sh computed on this data.
source "$(dirname "$0")/../../testing/lib.sh"
db=$tmp/perf.db
sqlite3 "$db" <harness/store/schema.sql && sqlite3 "$db" 'PRAGMA user_version = 1' || exit 1

# workload variant ops/s peak-RSS-KiB (one measured run a line; "-" a crashed run)
runs='larson system 80e6 5000
larson system 82e6 5100
larson system 79e6 4900
larson jemalloc 100e6 6000
larson jemalloc 110e6 6100
larson jemalloc 105e6 6050
larson mimalloc 180e6 7000
larson mimalloc 181e6 7100
larson mimalloc 179.5e6 7050
larson tcmalloc 185e6 6500
larson tcmalloc 183e6 6600
larson tcmalloc 190e6 6700
larson default 198.11e6 7000
larson default 199e6 7200
larson default 197e6 6900
aligned system 3.1e6 2000
aligned system 3.2e6 2100
aligned system 3.15e6 2050
aligned system 3.3e6 2200
aligned jemalloc 7.4e6 2300
aligned jemalloc 7.3e6 2250
aligned jemalloc 7.5e6 2350
aligned mimalloc - -
aligned mimalloc - -
aligned mimalloc - -
aligned tcmalloc 9.5e6 2400
aligned tcmalloc 9.6e6 2500
aligned tcmalloc 9.4e6 2450
aligned default 8.79e6 2300
aligned default 8.8e6 2400
aligned default 8.7e6 2350'
{
  echo "BEGIN;"
  echo "INSERT INTO machines VALUES (1, 'fp', 'AMD EPYC', 2, '6.1.0-test', 'unknown', 'madvise', '2.36', 'gcc', 'host');"
  echo "INSERT INTO sessions VALUES (1, 'u1', 'run', 1, '2026-11-27T06:00:00Z', '2026-11-27T07:00:00Z',
        'hakbench run --variants system,jemalloc,mimalloc,tcmalloc,default --workloads larson,aligned --runs 3 --db build/perf.db', 5, 0, 'time', '');"
  echo "INSERT INTO session_variants (session_id, position, spec) VALUES (1, 0, 'system'), (1, 1, 'jemalloc'),
        (1, 2, 'mimalloc'), (1, 3, 'tcmalloc'), (1, 4, 'default');"
  seq=0
  while read -r w v ops rss; do
    if [ "$ops" = - ]; then
      echo "INSERT INTO runs (session_id, seq, variant, workload, args, purpose, block, status, signal, started_at) VALUES (1, $seq, '$v', '$w', 'x', 'measure', $seq, 'crash', 11, 't');"
    else
      echo "INSERT INTO runs (session_id, seq, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (1, $seq, '$v', '$w', 'x', 'measure', $seq, 'ok', $ops, $rss, 't');"
    fi
    seq=$((seq + 1))
  done <<<"$runs"
  echo "INSERT INTO runs (session_id, seq, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (1, $seq, 'default', 'larson', 'x', 'warmup', 0, 'ok', 1e9, 99999, 't');"
  echo "COMMIT;"
} | sqlite3 "$db" || { echo "FAIL: cannot build the fixture database"; exit 1; }

$HAKBENCH export --session 1 --format perf-table --db "$db" >"$tmp/table" 2>"$tmp/err"
check "perf-table exits 0" [ $? -eq 0 ]
cat >"$tmp/want" <<'TABLE'
Session 1, 3 to 4 interleaved runs per variant, medians; AMD EPYC, 2 cores, kernel 6.1.0-test.
Command: `./hakbench run --variants system,jemalloc,mimalloc,tcmalloc,default --workloads larson,aligned --runs 3 --db build/perf.db`

| workload | hakmem ops/s | vs glibc | vs jemalloc | vs mimalloc | vs tcmalloc | vs tbbmalloc | peak RSS vs glibc |
|---|---|---|---|---|---|---|---|
| aligned | 8.79M | 2.77x | 1.19x |  | 0.93x |  | 1.13x |
| larson | 198.11M | 2.48x | 1.89x | 1.10x | 1.07x |  | 1.40x |
TABLE
check "the table is the expected one" diff -u "$tmp/want" "$tmp/table"
$HAKBENCH export --session 1 --export-perf-table "$tmp/t1" --export-csv "$tmp/t1.csv" --db "$db"
check "several formats in one call" sh -c "cmp -s '$tmp/table' '$tmp/t1' && test \$(wc -l <'$tmp/t1.csv') -eq 33"
$HAKBENCH export --session 1 --format perf-table --db "$tmp/missing.db" 2>"$tmp/err"
check "a missing database: exit 2, none created" sh -c "test $? -eq 2 && test ! -e '$tmp/missing.db'"
finish
