#!/usr/bin/env bash
# test-timeout: 600
# hakbench bisect end to end, in a throw-away git repository made from the project's current
# files: eight commits after the good one, of which one sets FAULT_DELAY_NS=200 (a several-fold
# slowdown of larson) and one breaks the allocator's build (fixed by the next commit). The
# bisect must name the delaying commit, skip the broken one, and take no more steps than a
# binary search plus the skips, plus one confirmation. Then the same with `git bisect run
# harness/builds/bisect_step.sh`, and `hakbench nightly --bisect` on two nightlies at the good and the
# bad revision must bisect the regression and link the bisect report.
source "$(dirname "$0")/../../testing/lib.sh"
ROOT=$(pwd)
HAKBENCH=$ROOT/hakbench
repo=$tmp/repo
give_up() {
    echo "FAIL $1"
    failed=$((failed + 1))
    finish
    exit 1
}
[ -x "$HAKBENCH" ] || give_up "no $HAKBENCH (run make first)"
[ -x "$ROOT/build/workloads/larson" ] || give_up "no build/workloads/larson (run make first)"

mkdir -p "$repo"
tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./results --exclude=./reports \
    --exclude=./hakbench --exclude=./libhakmem.so --exclude=./larson_hakmem -cf - . |
    tar -C "$repo" -xf - || give_up "copying the work tree"
g() { git -C "$repo" -c user.name=bisect-test -c user.email=bisect@test -c commit.gpgsign=false "$@"; }
g init -q -b main || give_up "git init"
g add -A && g commit -q -m "import of the project" || give_up "first commit"
commit() { # message, then the files to add
    msg=$1
    shift
    g add "$@" && g commit -q -m "$msg" || give_up "commit '$msg'"
    g rev-parse HEAD
}
note() { echo "$1" >> "$repo/NOTES.txt"; }
src=allocator/src/alloc.c
good=$(g rev-parse HEAD)
note "one" && c1=$(commit "notes: one" NOTES.txt)
note "two" && c2=$(commit "notes: two" NOTES.txt)
note "three" && c3=$(commit "notes: three" NOTES.txt)
echo "int bisect_test_broken = ;" >> "$repo/$src" && broken=$(commit "alloc: half-finished edit (does not build)" "$src")
sed -i '$d' "$repo/$src" && fixed=$(commit "alloc: finish the edit" "$src")
sed -i 's/^FAULT_DELAY_NS ?=.*/FAULT_DELAY_NS ?= 200/' "$repo/allocator/defaults.mk"
delay=$(commit "defaults: tune the fault delay" allocator/defaults.mk)
note "seven" && c7=$(commit "notes: seven" NOTES.txt)
note "eight" && bad=$(commit "notes: eight" NOTES.txt)
grep -q '^FAULT_DELAY_NS ?= 200' "$repo/allocator/defaults.mk" || give_up "defaults.mk has no FAULT_DELAY_NS line"
n=$(g rev-list --count --first-parent "$good..$bad")
# The workload binaries are the harness's, not the allocator's: reuse the built ones.
mkdir -p "$repo/build" && cp -r "$ROOT/build/workloads" "$repo/build/" || give_up "copying workloads"

start=$(date +%s)
(cd "$repo/harness" && "$HAKBENCH" bisect --good "$good" --bad "$bad" --workloads larson \
    --delta 25 --quick --db "$tmp/bisect.db" --reports-dir "$tmp/reports") \
    > "$tmp/out" 2> "$tmp/err"
status=$?
echo "bisect took $(($(date +%s) - start)) s, exit $status"
grep '^bisect: \|^hakbench: larson under\|^hakbench: build of' "$tmp/err"
cat "$tmp/out"

subject=$(g log -1 --format=%s "$delay")
check "bisect exits 0 (culprit found and confirmed)" test "$status" -eq 0
check "last line names the delaying commit" test "$(tail -n 1 "$tmp/out")" = "first bad commit: $delay $subject"
db=$tmp/bisect.db
bs="(SELECT id FROM sessions WHERE kind = 'bisect' AND note LIKE 'bisect of %')"
check "the broken commit was tested and skipped" \
    test "$(q "$db" "SELECT verdict || ' ' || detail FROM bisect_steps WHERE session_id IN $bs AND revision = '$broken'")" = "skip build-failed"
skips=$(q "$db" "SELECT count(*) FROM bisect_steps WHERE session_id IN $bs AND step >= 0 AND verdict = 'skip'")
steps=$(q "$db" "SELECT count(*) FROM bisect_steps WHERE session_id IN $bs AND step >= 0")
log2=$(awk -v n="$n" 'BEGIN { l = 0; while (2 ^ l < n) l++; print l }')
echo "$n commits, $steps steps of which $skips skipped, binary search: $log2"
check "no more steps than ceil(log2($n)) + skips" test "$steps" -le $((log2 + skips))
check "one confirmation, of the culprit, found bad" \
    test "$(q "$db" "SELECT revision || ' ' || verdict FROM bisect_steps WHERE session_id IN $bs AND step = -1")" = "$delay bad"
check "every measured step has its sessions of kind bisect" \
    test "$(q "$db" "SELECT count(DISTINCT substr(note, 1, instr(note, ' round'))) FROM sessions
               WHERE kind = 'bisect' AND note LIKE 'bisect % step % round %'")" -eq "$((steps - skips + 1))"
report=$(ls "$tmp"/reports/bisect-*.md 2>/dev/null | head -n 1)
check "a report was written" test -n "$report"
check "the report names the culprit, the skip and how to reproduce" \
    sh -c "grep -q '$delay' '$report' && grep -q 'build-failed' '$report' && grep -q '## Reproduce' '$report'"
check "integrity_check ok" test "$(q "$db" 'PRAGMA integrity_check')" = ok

# The same search driven by git with harness/builds/bisect_step.sh (copied out: git checks out old
# commits). Builds are cached by now, so this costs only the runs.
cp "$repo/harness/builds/bisect_step.sh" "$tmp/" && cp "$HAKBENCH" "$tmp/hakbench"
g bisect start --first-parent "$bad" "$good" > /dev/null
# (--workload and --threshold: the singular spellings are aliases, and this call keeps them.)
(cd "$repo" && git bisect run "$tmp/bisect_step.sh" --good "$good" --workload larson --threshold 25 \
    --quick --db "$tmp/bisect.db" --hakbench "$tmp/hakbench") > "$tmp/gitout" 2>&1
gstatus=$?
g bisect reset > /dev/null 2>&1
grep "bisect_step.sh:\|first bad commit" "$tmp/gitout"
check "git bisect run with bisect_step.sh ends well" test "$gstatus" -eq 0
check "git bisect run names the delaying commit" grep -q "^$delay is the first bad commit" "$tmp/gitout"
check "bisect_step.sh skipped the broken commit (exit 125)" grep -q "$broken does not build: skip" "$tmp/gitout"

# hakbench nightly --bisect: two nightly sessions of this machine, at the good and the bad
# revision, with default/larson ten times slower in the second (made up: nightly --session only
# writes the report, and bisects the new regression for real).
machine=$(q "$db" "SELECT machine_id FROM sessions WHERE id IN $bs")
q "$db" "INSERT INTO builds (variant, kind, revision, dirty, flags, library_path, library_hash, status, built_at)
     VALUES ('default', 'hakmem', '$good', 0, '', '/x', 'made-up-1', 'ok', 't'),
            ('default', 'hakmem', '$bad', 0, '', '/x', 'made-up-2', 'ok', 't');
   INSERT INTO sessions (id, uuid, kind, machine_id, started_at, finished_at, command, seed, quick)
     VALUES (100, 'n-100', 'nightly', $machine, '2026-11-25T02:30:00Z', '2026-11-25T03:00:00Z', 'x', 5, 1),
            (101, 'n-101', 'nightly', $machine, '2026-11-26T02:30:00Z', '2026-11-26T03:00:00Z', 'x', 6, 1);
   INSERT INTO session_variants VALUES
     (100, 0, 'default', (SELECT id FROM builds WHERE library_hash = 'made-up-1')),
     (101, 0, 'default', (SELECT id FROM builds WHERE library_hash = 'made-up-2'));
   WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 5)
   INSERT INTO runs (session_id, seq, variant, workload, args, purpose, block, status, ops_per_sec, started_at)
     SELECT 100, i, 'default', 'larson', 'x', 'measure', i, 'ok', 1.0e7 + i * 1e5, 't' FROM k
     UNION ALL SELECT 101, i, 'default', 'larson', 'x', 'measure', i, 'ok', 1.0e6 + i * 1e4, 't' FROM k"
(cd "$repo" && "$HAKBENCH" nightly --session 101 --bisect --db "$tmp/bisect.db" --reports-dir "$tmp/nightly") \
    > "$tmp/nout" 2> "$tmp/nerr"
nstatus=$?
grep -v '^run \|^hakbench: building' "$tmp/nerr" | tail -n 5
nreport=$tmp/nightly/nightly-2026-11-26.md
check "nightly --bisect: exit 1 (a new regression)" test "$nstatus" -eq 1
check "nightly --bisect: the report links a bisect naming the delaying commit" \
    grep -q "^- larson under default: first bad commit \`$(echo "$delay" | cut -c1-12)\`, confirmed; \[report\](bisect-.*\.md)$" "$nreport"
blink=$(sed -n 's/.*\[report\](\(bisect-.*\.md\))$/\1/p' "$nreport")
check "nightly --bisect: the linked bisect report is there" test -s "$tmp/nightly/$blink"

finish
