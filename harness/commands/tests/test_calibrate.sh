#!/usr/bin/env bash
# test-timeout: 400
# hakbench calibrate: sizes the injected slowdown from the workload's own counters, checks it
# by measurement, runs A/A and slowed trials as sessions of the procedure under test (their
# looks and runs), prints the figures with their Clopper-Pearson intervals and stores one
# calibration keyed by that procedure, which a later comparison of the same procedure uses and
# one of another procedure does not. Bad arguments exit 2 without measuring.
source "$(dirname "$0")/../../testing/lib.sh"
db="$tmp/cal.db"

"$HAKBENCH" calibrate --help > "$tmp/help" 2>&1
check "--help exits 0" [ $? -eq 0 ]
check "--help names the figures" grep -q "false_positive_rate=" "$tmp/help"
check "--help gives the default trials" grep -q -- "--trials N .*(default 30)" "$tmp/help"
"$HAKBENCH" calibrate --looks 0 --db "$db" > /dev/null 2>&1
check "--looks 0 exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --trials 0 --db "$db" > /dev/null 2>&1
check "--trials 0 exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --bogus --db "$db" > /dev/null 2>&1
check "an unknown option exits 2" [ $? -eq 2 ]
"$HAKBENCH" calibrate --workloads nosuch --trials 1 --db "$db" > /dev/null 2>"$tmp/err"
check "an unknown workload exits 2" [ $? -eq 2 ]
check "... and no database was made" [ ! -e "$db" ]

"$HAKBENCH" calibrate --workloads larson --trials 2 --looks 2 --runs 6 --family 5 --quick \
    --seed 11 --db "$db" > "$tmp/out" 2> "$tmp/err"
rc=$?
cat "$tmp/out" "$tmp/err"
check "a measured calibration exits 0 or 1" [ $rc -eq 0 -o $rc -eq 1 ]
check "the delay was sized from the workload's mallocs" grep -q "mallocs per op at .* 5% is" "$tmp/err"
check "... and measured before the trials" grep -q "the sized delay measured" "$tmp/err"
for key in false_positive_rate power injected_change aa_noise_p95 aa_ci_halfwidth_median \
    seconds_per_comparison_median seconds_per_comparison_max; do
    check "prints $key=" grep -q "^$key=-\{0,1\}[0-9]" "$tmp/out"
done
check "prints the false-positive interval" grep -Eq '^false_positive_rate_interval=[0-9.]+\.\.[0-9.]+ \([0-9]+ of 2\)' "$tmp/out"
check "prints the procedure it measured" grep -qx "procedure=1 looks=2 runs_per_look=6 alpha=0.05 delta=0.02 family=5" "$tmp/out"
check "two A/A and two 5% trial lines" [ "$(grep -c '^trial  *[0-9]' "$tmp/out")" -eq 4 ]
# Trials are sessions of the procedure: a workload stops at a look, so each trial session has 6
# or 12 measured runs per variant, never another count.
check "trial sessions measured whole looks (6 or 12 runs per variant)" [ "$(q "$db" "SELECT count(*) FROM (SELECT session_id, variant, count(*) AS n FROM runs r JOIN sessions s ON s.id = r.session_id WHERE purpose = 'measure' AND s.looks = 2 GROUP BY 1, 2) WHERE n NOT IN (6, 12)")" = 0 ]
check "the trial sessions record the procedure" [ "$(q "$db" "SELECT count(*) FROM sessions WHERE kind = 'calibrate' AND looks = 2 AND runs_per_look = 6 AND holm_family = 5 AND procedure_version = 1")" = 4 ]
check "stores one calibration of larson, keyed by the procedure" [ "$(q "$db" "SELECT count(*) FROM calibrations WHERE workload = 'larson' AND trials = 2 AND quick = 1 AND paired = 1 AND procedure_version = 1 AND looks = 2 AND runs_per_look = 6 AND holm_family = 5")" = 1 ]
check "the stored figures match the printed ones" [ "$(q "$db" "SELECT printf('%.3f', power) FROM calibrations")" = "$(sed -n 's/^power=//p' "$tmp/out")" ]
check "the measured injected change is stored" [ "$(q "$db" "SELECT injected_change IS NOT NULL FROM calibrations")" = 1 ]
check "the A/A session measured default.aa" [ "$(q "$db" "SELECT count(*) > 0 FROM runs WHERE variant = 'default.aa' AND purpose = 'measure'")" = 1 ]
check "the twin is the same library as default" [ "$(q "$db" "SELECT count(DISTINCT b.library_hash) FROM runs r JOIN builds b ON b.id = r.build_id WHERE r.variant IN ('default', 'default.aa') AND r.purpose = 'measure'")" = 1 ]
check "the slowed build has the sized delay" [ "$(q "$db" "SELECT count(*) FROM builds WHERE variant = 'default.slow' AND flags LIKE '%FAULT_DELAY_NS=%FAULT_DELAY_EVERY=%'")" -ge 1 ]

# The calibration's delta serves comparisons of that procedure only.
sqlite3 "$db" "UPDATE calibrations SET delta = 0.5"
sid=$(q "$db" "SELECT max(session_id) FROM runs WHERE variant = 'default.slow'")
"$HAKBENCH" compare default default.slow --session "$sid" --db "$db" > "$tmp/cmp" 2>&1
check "a calibrate trial is judged by its own delta" grep -q " 2.0% " "$tmp/cmp"

finish
