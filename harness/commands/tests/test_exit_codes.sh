#!/usr/bin/env bash
# test-timeout: 180
# README's exit-code table, command by command: 0 success, 1 a "bad" answer, 2 could not do
# the job. Each row of the table is provoked here where it is cheap; the rest is checked by the
# command's own test (named in the comment of its block).
source "$(dirname "$0")/../../testing/lib.sh"

# exits CODE NAME ARGS...: hakbench ARGS exits CODE.
exits() {
  local code=$1 name=$2
  shift 2
  expect_exit "$code" "$name" "" "$@"
}

# Two names for the system allocator (the fake workload does not care which allocator runs it)
# and a variant that does not compile; workloads that end ok or crash.
{ cat harness/spec/variants.conf
  echo "sysa    peer    -"
  echo "sysb    peer    -"
  echo "broken  hakmem  TCACHE_CAPACITY=not_a_number"; } >"$tmp/variants.conf"
cat >"$tmp/workloads.conf" <<CONF
fake   cmd  1  $FAKE ok | $FAKE ok
crash  cmd  1  $FAKE crash | $FAKE crash
CONF
conf=(--variants-conf "$tmp/variants.conf" --workloads-conf "$tmp/workloads.conf")
db=$tmp/exit.db
quick=(--runs 3 --warmup 0 --no-counters)

exits 0 "--version" --version
exits 0 "--help" --help
exits 2 "an unknown command" frobnicate

# run
exits 0 "run, every run ok" run --variants sysa,sysb --workloads fake "${quick[@]}" "${conf[@]}" --db "$db"
exits 1 "run with runs that crashed" run --variants sysa --workloads crash "${quick[@]}" "${conf[@]}" --db "$db"
check "... and the crashed session is stored whole" \
  [ "$(q "$db" "SELECT count(*) FROM runs WHERE session_id = 2 AND status = 'crash'")" = 3 ]
exits 2 "run with a variant that does not build" run --variants sysa,broken --workloads fake "${quick[@]}" "${conf[@]}" --db "$db"
exits 2 "run with an unknown variant" run --variants nosuch --workloads fake "${conf[@]}" --db "$db"

# compare (regressions: analysis/tests/test_compare.c, exit 1 below on the report fixture)
exits 0 "compare, no regression" compare sysa sysb --session 1 --db "$db"
exits 0 "compare with --workload, the singular alias" compare sysa sysb --workload fake --db "$db"
exits 2 "compare of a variant the session lacks" compare sysa nosuch --session 1 --db "$db"

# report and export, also on a fixed session with a regression and a crash
fixture=$tmp/fixture.db
sqlite3 "$fixture" <harness/store/schema.sql && sqlite3 "$fixture" 'PRAGMA user_version = 1' &&
  sqlite3 "$fixture" <harness/report/tests/fixtures/report_session.sql || exit 1
exits 0 "report, no regression" report --session 1 --db "$db" --out "$tmp/r1.md"
exits 1 "report of a regression and a crash" report --session 1 --db "$fixture" --out "$tmp/r2.md"
exits 1 "compare of a regression" compare e4cc7d0@baseline f1130cc@fastpath --session 1 --db "$fixture"
exits 2 "report of a missing session" report --session 99 --db "$db"
exits 0 "export" export --session 1 --format csv --db "$db"
exits 2 "export of a missing session" export --session 99 --format csv --db "$db"

# sessions, merge, variants
exits 0 "sessions" sessions --db "$db"
check "sessions lists the three sessions" [ "$(grep -c '^ *[0-9]  ' "$tmp/out")" = 3 ]
exits 2 "sessions of a missing database" sessions --db "$tmp/none.db"
exits 0 "merge" merge "$fixture" --db "$tmp/merged.db"
exits 2 "merge of a file that is no database" merge "$tmp/workloads.conf" --db "$tmp/merged.db"
exits 0 "site" site --out "$tmp/site" --db "$fixture"
exits 2 "site of a missing database" site --out "$tmp/site" --db "$tmp/none.db"
exits 0 "variants" variants "${conf[@]}"
exits 2 "variants with an unexpected argument" variants extra

# enqueue, worker, jobs, on a file (on a server: run/tests/test_worker.sh)
q=$tmp/queue.db
exits 0 "enqueue" enqueue --variants sysa --workloads fake --runs 1 "${conf[@]}" --db "$q"
exits 2 "enqueue of an unknown workload" enqueue --variants sysa --workloads nosuch "${conf[@]}" --db "$q"
exits 0 "worker: a job done" worker --once --poll 1 "${conf[@]}" --db "$q" --lock "$tmp/lock"
exits 0 "worker: nothing to do" worker --once --poll 1 "${conf[@]}" --db "$q" --lock "$tmp/lock"
exits 0 "enqueue of a job that will fail" enqueue --variants sysa --workloads fake --runs 1 "${conf[@]}" --db "$q"
exits 1 "worker: a job failed (its workload is not in the worker's conf)" worker --once --poll 1 --db "$q" --lock "$tmp/lock"
exits 2 "worker: --once and --drain" worker --once --drain --db "$q"
exits 0 "jobs" jobs --db "$q"
exits 2 "jobs of a missing database" jobs --db "$tmp/none.db"

# build: 1 is the answer "it does not build"
exits 0 "build of the system allocator" build sysa --variants-conf "$tmp/variants.conf" --db "$db" -q
exits 1 "build of a variant that does not compile" build broken --variants-conf "$tmp/variants.conf" --db "$db" -q
exits 2 "build of an unknown variant" build nosuch --db "$db"

# calibrate (0 and 1: commands/tests/test_calibrate.sh), bisect (0: run/tests/test_bisect.sh),
# nightly (0 and 1: report/tests/test_nightly_report.sh): the could-not cases
exits 2 "calibrate with a bad option" calibrate --trials 0 --db "$db"
expect_exit 2 "calibrate of a whole program" "cannot calibrate the whole-program workload" calibrate --workloads larson,app_python --db "$db"
expect_exit 2 "bisect of two variants at once" "one name at a time" bisect --good HEAD~1 --bad HEAD --variants a,b --db "$db"
exits 2 "bisect without --good" bisect --bad HEAD --db "$db"
exits 2 "nightly of a missing session" nightly --session 99 --db "$db" --reports-dir "$tmp/n"
finish
