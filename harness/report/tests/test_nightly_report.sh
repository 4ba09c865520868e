#!/usr/bin/env bash
# The nightly report on a fixed database (hakbench nightly --session N writes the report of an
# existing session): twelve nightlies of one machine with a 20% step down of default/larson at
# the seventh, and a 30% drop of baseline/larson on the last night only. The report must confirm
# the step as a change point where it is, mark the last night's drop as a suspected step (an
# alarm: baseline is one of hakmem's variants), keep other machines', quick and unfinished
# sessions out of the history, draw a plot per workload, and be the same when written twice.
# Then a thirteenth night as hakbench nightly makes it now: the previous revision interleaved
# as A, tonight's default as B (paired), and a peer whose every run fails the same way.
source "$(dirname "$0")/../../testing/lib.sh"
db=$tmp/n.db
sqlite3 "$db" < harness/store/schema.sql && sqlite3 "$db" 'PRAGMA user_version = 1' || exit 1

# Sessions 1..12: this machine's full nightlies, one a night. 13: another machine, 14: a quick
# nightly, 15: a nightly killed before it finished; all three with absurd numbers that would
# show in the history if they leaked into it.
awk 'BEGIN {
  srand(7);
  print "BEGIN;";
  print "INSERT INTO machines VALUES (1, \"fp-here\", \"cpu\", 2, \"6.1\", \"unknown\", \"madvise\", \"2.36\", \"gcc\", \"here\");";
  print "INSERT INTO machines VALUES (2, \"fp-other\", \"cpu2\", 64, \"6.1\", \"unknown\", \"madvise\", \"2.36\", \"gcc\", \"other\");";
  run = 0;
  for (s = 1; s <= 15; s++) {
    day = s <= 12 ? s : 12;
    machine = s == 13 ? 2 : 1;
    quick = s == 14 ? 1 : 0;
    fin = s == 15 ? "NULL" : sprintf("\"2026-11-%02dT03:30:00Z\"", day);
    hour = s <= 12 ? "02" : "01";
    printf "INSERT INTO sessions VALUES (%d, \"uuid-%d\", \"nightly\", %d, \"2026-11-%02dT%s:30:00Z\", %s, \"hakbench nightly\", %d, %d, \"time\", \"\");\n", s, s, machine, day, hour, fin, 100 + s, quick;
    rev = sprintf("%040d", s);
    printf "INSERT INTO builds VALUES (%d, \"default\", \"hakmem\", \"%s\", 0, \"\", \"/x\", \"h%d\", \"ok\", \"\", \"t\");\n", 2 * s - 1, rev, s;
    printf "INSERT INTO builds VALUES (%d, \"baseline\", \"hakmem\", \"%s\", 0, \"TINY_FAST_PATH_DEFAULT=0\", \"/x\", \"b%d\", \"ok\", \"\", \"t\");\n", 2 * s, rev, s;
    printf "INSERT INTO session_variants VALUES (%d, 0, \"default\", %d), (%d, 1, \"baseline\", %d);\n", s, 2 * s - 1, s, 2 * s;
    for (k = 0; k < 6; k++) {
      d = 4.0e6 * (s >= 7 ? 0.8 : 1.0) * (1 + 0.03 * (rand() - 0.5));
      b = 3.0e6 * (s == 12 ? 0.7 : 1.0) * (1 + 0.03 * (rand() - 0.5));
      if (s > 12) { d = 9.9e9; b = 9.9e9; }
      printf "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (%d, %d, %d, \"default\", \"larson\", \"x\", \"measure\", %d, \"ok\", %.1f, 1000, \"t\");\n", s, 2 * k, 2 * s - 1, k, d;
      printf "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (%d, %d, %d, \"baseline\", \"larson\", \"x\", \"measure\", %d, \"ok\", %.1f, 1000, \"t\");\n", s, 2 * k + 1, 2 * s, k, b;
    }
  }
  print "COMMIT;";
}' > "$tmp/data.sql"
sqlite3 "$db" < "$tmp/data.sql" || { echo "FAIL loading the fixed database"; exit 1; }

"$HAKBENCH" nightly --session 12 --db "$db" --reports-dir "$tmp/r1" > "$tmp/out" 2> "$tmp/err"
status=$?
cat "$tmp/out" "$tmp/err"
report=$tmp/r1/nightly-2026-11-12.md
check "exit 1: an alarm" test "$status" -eq 1
check "the report's path is the last line" test "$(tail -n 1 "$tmp/out")" = "$report"
check "title counts one alarm" grep -q '^# Nightly 2026-11-12: 1 alarm about hakmem at' "$report"
check "previous nightly is session 11" grep -q 'Previous nightly\*\*: session 11 of 2026-11-11' "$report"
check "baseline/larson, unpaired against last night, is a regression but no alarm" \
    grep -q '^| baseline | larson | .*| no | regression | – |$' "$report"
check "default/larson is no alarm" sh -c "! grep '^| default | larson | ' '$report' | grep -q 'alarm'"
check "history: 12 nightlies of this machine, others left out" grep -q '^| default | larson | 12 | ' "$report"
check "history: the step is confirmed at the seventh night" \
    grep -q '^| default | larson | 12 | .* | confirmed 2026-11-07 (`0000000000`): 4[.0-9]*M → 3\.[12][0-9]*M (−\(19\|20\)\.[0-9]%) |$' "$report"
check "history: the one bad night of baseline is a suspected step, new tonight" \
    grep -q '^| baseline | larson | 12 | .* | \*\*suspected\*\* 2026-11-12 (`0000000000`): 3\.[0-9]*M → 2\.[0-9]*M (−[23][0-9]\.[0-9]%, new tonight) |$' "$report"
check "a plot per workload" test -s "$tmp/r1/nightly-2026-11-12-larson.png"
check "the plot is linked" grep -q '](nightly-2026-11-12-larson.png)' "$report"

"$HAKBENCH" nightly --session 12 --db "$db" --reports-dir "$tmp/r2" > /dev/null 2>&1
check "the same session gives the same report" cmp -s "$report" "$tmp/r2/nightly-2026-11-12.md"

"$HAKBENCH" nightly --session 1 --db "$db" --reports-dir "$tmp/r3" > /dev/null 2>&1
check "the first nightly: exit 0, nothing to compare" \
    sh -c "test $? -eq 0 && grep -q 'There is no previous nightly' '$tmp/r3/nightly-2026-11-01.md'"
"$HAKBENCH" nightly --session 99 --db "$db" --reports-dir "$tmp/r4" > /dev/null 2> "$tmp/err"
check "an unknown session: exit 2 with a reason" sh -c "test $? -eq 2 && grep -q 'no nightly session 99' '$tmp/err'"

# Night 13 as hakbench nightly runs it: position 0 is the previous nightly's revision of the
# default build, position 1 tonight's default, 5% slower in every block (paired); mimalloc, a
# peer, ends corrupt in every run. (The database is at schema 2 by now.)
rev12=$(printf '%040d' 12)
awk -v rev12="$rev12" 'BEGIN {
  srand(9);
  print "BEGIN;";
  print "INSERT INTO sessions (id, uuid, kind, machine_id, started_at, finished_at, command, seed, quick, metric, note) VALUES (16, \"uuid-16\", \"nightly\", 1, \"2026-11-13T02:30:00Z\", \"2026-11-13T03:30:00Z\", \"hakbench nightly\", 116, 0, \"time\", \"\");";
  print "INSERT INTO builds VALUES (31, \"default\", \"hakmem\", \"" sprintf("%040d", 13) "\", 0, \"\", \"/x\", \"night13\", \"ok\", \"\", \"t\");";
  print "INSERT INTO builds VALUES (32, \"mimalloc\", \"peer\", \"\", 0, \"\", \"/m\", \"m\", \"ok\", \"\", \"t\");";
  print "INSERT INTO session_variants VALUES (16, 0, \"" rev12 "@default\", 23), (16, 1, \"default\", 31), (16, 2, \"mimalloc\", 32);";
  seq = 0;
  for (k = 1; k <= 10; k++) {
    a = 3.2e6 * (1 + 0.01 * (rand() - 0.5));
    printf "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (16, %d, 23, \"%s@default\", \"larson\", \"x\", \"measure\", %d, \"ok\", %.1f, 1000, \"t\");\n", seq++, rev12, k, a;
    printf "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, block, status, ops_per_sec, peak_rss_kb, started_at) VALUES (16, %d, 31, \"default\", \"larson\", \"x\", \"measure\", %d, \"ok\", %.1f, 1000, \"t\");\n", seq++, k, a * 0.95;
    printf "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, block, status, peak_rss_kb, started_at) VALUES (16, %d, 32, \"mimalloc\", \"larson\", \"x\", \"measure\", %d, \"corrupt\", 1000, \"t\");\n", seq++, k;
  }
  print "COMMIT;";
}' > "$tmp/night13.sql"
sqlite3 "$db" < "$tmp/night13.sql" 2>&1 || { echo "FAIL loading night 13"; exit 1; }
"$HAKBENCH" nightly --session 16 --db "$db" --reports-dir "$tmp/r5" > "$tmp/out5" 2> "$tmp/err5"
status=$?
report=$tmp/r5/nightly-2026-11-13.md
cat "$tmp/out5" "$tmp/err5"
grep '^| default \|^| mimalloc' "$report"
check "night 13: exit 1 (the paired regression of default)" test "$status" -eq 1
check "night 13: default against the previous revision is paired and an alarm" \
    grep -q '^| default | larson | .* | yes | \*\*alarm\*\* regression | – |$' "$report"
check "night 13: the paired A is no variant of its own in the tables" \
    sh -c "! grep -q '^| $rev12@default' '$report'"
check "night 13: mimalloc's failures are the peer's own" \
    grep -q '^| mimalloc | larson | corrupt | 10 of 10 | the peer.s own |$' "$report"
check "night 13: the summary counts the peer apart" grep -q "1 alarm(s) about hakmem's variants, 1 peer failure(s) of the peer's own" "$tmp/out5"

finish
