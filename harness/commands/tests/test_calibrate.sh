#!/usr/bin/env bash
# test-timeout: 300
# hakbench calibrate: one quick A/A trial and one slow5 trial print the figures, store one
# calibrations row and two 'calibrate' sessions (A/A under the twin name default.aa), grow an
# inconclusive comparison to --max-runs in one go; bad arguments exit 2 without measuring.
source "$(dirname "$0")/../../testing/lib.sh"
db="$tmp/cal.db"

"$HAKBENCH" calibrate --help > "$tmp/help" 2>&1
check "--help exits 0" [ $? -eq 0 ]
check "--help names the figures" grep -q "false_positive_rate=" "$tmp/help"
check "--help gives the default runs" grep -q -- "--runs N .*(default 20)" "$tmp/help"
"$HAKBENCH" calibrate --max-runs 0 --db "$db" > /dev/null 2>&1
check "--max-runs 0 exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --trials 0 --db "$db" > /dev/null 2>&1
check "--trials 0 exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --bogus --db "$db" > /dev/null 2>&1
check "an unknown option exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --workload nosuch --trials 1 --db "$db" > /dev/null 2>"$tmp/err"
check "an unknown workload exits 2" [ $? -eq 2 ]

"$HAKBENCH" calibrate --workloads larson --trials 1 --runs 3 --quick --seed 11 --db "$db" \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
cat "$tmp/out"
check "a measured calibration exits 0 or 1" [ $rc -eq 0 -o $rc -eq 1 ]
for key in delta aa_change_p95 aa_ci_halfwidth_median false_positive_rate power slow5_change_median \
    seconds_per_comparison_median seconds_per_comparison_max; do
    check "prints $key=" grep -q "^$key=-\{0,1\}[0-9]" "$tmp/out"
done
check "prints runs=3 and max_runs=7 (5/2 x runs)" grep -qx 'runs=3' "$tmp/out"
check "... max_runs=7" grep -qx 'max_runs=7' "$tmp/out"
# An inconclusive comparison gets all its extra blocks at once: each variant of each session has
# 3 or 7 measured runs, never 4 to 6 (one block at a time would re-check after each).
check "sessions have 3 or 7 runs per variant (two looks)" [ "$(q "$db" "SELECT count(*) FROM (SELECT session_id, variant, count(*) AS n FROM runs WHERE purpose = 'measure' GROUP BY 1, 2) WHERE n NOT IN (3, 7)")" = 0 ]
check "one A/A and one slow5 trial line" [ "$(grep -c '^trial  *[0-9]' "$tmp/out")" -eq 2 ]
check "stores one calibration of larson" [ "$(q "$db" "SELECT count(*) FROM calibrations WHERE workload = 'larson' AND trials = 1")" = 1 ]
check "the stored delta is at least 2%" [ "$(q "$db" "SELECT delta >= 0.02 FROM calibrations")" = 1 ]
check "the stored figures match the printed ones" [ "$(q "$db" "SELECT printf('%.3f', power) FROM calibrations")" = "$(sed -n 's/^power=//p' "$tmp/out")" ]
check "two calibrate sessions" [ "$(q "$db" "SELECT count(*) FROM sessions WHERE kind = 'calibrate'")" = 2 ]
check "the A/A session measured default.aa" [ "$(q "$db" "SELECT count(*) > 0 FROM runs WHERE variant = 'default.aa' AND purpose = 'measure'")" = 1 ]
check "the twin is the same library as default" [ "$(q "$db" "SELECT count(DISTINCT b.library_hash) FROM runs r JOIN builds b ON b.id = r.build_id WHERE r.variant IN ('default', 'default.aa') AND r.purpose = 'measure'")" = 1 ]

finish
